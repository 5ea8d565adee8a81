package dev.nbaprops.query;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Rendered answers of {@code /dates/{D}/{table}}, kept while the table's rows of D are unchanged: the answer of a
 * past date is read and written once, then served as bytes (a date-wide answer is about 250 rows, 250 KB of
 * JSON, and rendering it was most of its cost). Each answer is kept with the {@code dev.nbaprops.topology
 * .TableVersions} version of (table, D) and the epoch it was made under, read before its rows; it is served only
 * while both are still the same, so a write to any row of D, a restore or a rebalance makes the next request read
 * the store again. Least recently used answers go first once the kept bytes pass {@code maxBytes}
 * ({@code query.date.cache.max.bytes}; 0 turns the cache off).
 */
final class DateAnswers {
  private record Kept(long epoch, long version, byte[] body) {}

  private final long maxBytes;
  private final LinkedHashMap<String, Kept> kept = new LinkedHashMap<>(256, 0.75f, true);
  private long bytes;
  private long hits;
  private long misses;

  DateAnswers(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  boolean enabled() {
    return maxBytes > 0;
  }

  /** The kept body of {@code key} when it was made under {@code epoch} and {@code version}; else null. */
  synchronized byte[] get(String key, long epoch, long version) {
    Kept k = kept.get(key);
    if (k != null && k.epoch == epoch && k.version == version) {
      hits++;
      return k.body;
    }
    misses++;
    return null;
  }

  /** Keeps {@code body} for {@code key}, made from rows read after {@code epoch} and {@code version} were read. */
  synchronized void put(String key, long epoch, long version, byte[] body) {
    if (body.length > maxBytes / 4) {
      return; // one answer must not push out most of the others
    }
    Kept old = kept.put(key, new Kept(epoch, version, body));
    bytes += body.length - (old == null ? 0 : old.body.length);
    Iterator<Map.Entry<String, Kept>> it = kept.entrySet().iterator();
    while (bytes > maxBytes && it.hasNext()) {
      bytes -= it.next().getValue().body.length;
      it.remove();
    }
  }

  synchronized long bytes() {
    return bytes;
  }

  synchronized long hits() {
    return hits;
  }

  synchronized long misses() {
    return misses;
  }
}
