package dev.nbaprops.topology;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A change counter per (queryable table store, date), so that the query API can keep a rendered answer for a date
 * and know, with one read, whether it may still serve it ({@code query/DateAnswers}). {@link TableStore} counts
 * every write and delete of a row of that date; anything that changes stores without a {@link TableStore} (a
 * changelog restore, a task moving between instances, Kafka Streams changing state) must call {@link #resetAll},
 * which moves the {@link #epoch} every kept answer was made under.
 *
 * <p>The counters are per JVM, not per Kafka Streams instance: with several instances in one JVM (tests, the
 * query benchmark) a write in one moves the counter seen by the others too. That only makes answers be rendered
 * again more often, never served stale. Memory: one entry per (table, date) ever written, about 10 x 1,500.
 * A counter is read <em>before</em> the rows it describes, so an answer is kept under a version no newer than
 * its rows, and a write during the read makes the next request render again.
 */
public final class TableVersions {
  private static final ConcurrentHashMap<String, AtomicLong> VERSIONS = new ConcurrentHashMap<>();
  private static final AtomicLong EPOCH = new AtomicLong();

  private TableVersions() {}

  /** A row of {@code store} dated {@code date} was written or deleted. */
  public static void changed(String store, String date) {
    VERSIONS.computeIfAbsent(key(store, date), k -> new AtomicLong()).incrementAndGet();
  }

  /** The number of changes of {@code store}'s rows of {@code date} so far (0: none since the JVM started). */
  public static long version(String store, String date) {
    AtomicLong v = VERSIONS.get(key(store, date));
    return v == null ? 0 : v.get();
  }

  /** Stores changed in a way no counter saw (restore, rebalance, state change): every kept answer is void. */
  public static void resetAll() {
    EPOCH.incrementAndGet();
  }

  public static long epoch() {
    return EPOCH.get();
  }

  private static String key(String store, String date) {
    return store + StoreKeys.SEP + date;
  }
}
