package dev.nbaprops.topology;

import dev.nbaprops.avro.common.DeadLetter;
import dev.nbaprops.source.Excerpt;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BinaryOperator;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Work a stage defers to a wall-clock punctuation, written once for every stage that needs it: inputs only
 * {@link #mark} what they made stale (in a changelogged store, so the marks survive a restart or a task move),
 * and every {@code interval} the stage's work runs once per mark, and the marks are cleared. Many inputs that
 * touch the same row (a game's shots, a season's results of a night) cost one recomputation, not one each.
 * {@link PendingWork} learns of the marks, so a drain check waits for the work as well as for the input offsets.
 *
 * <p>Settling ({@link #schedule(ProcessorContext, KeyValueStore, Duration, Duration, PendingWork, String, Work)}):
 * a stage whose marks keep being renewed while their cause is still on its way (a team's context of a date
 * changes with every late result before that date during a backfill) can ask that a mark be worked only once it
 * has not been renewed for {@code settle}, or once it has waited {@code 5 x settle} since it was first made
 * (a stage may ask for another multiple), whichever comes first. The work then runs once on the settled value
 * instead of once per punctuation. The times are kept in memory only: marks restored after a restart are owed at
 * once. Once the inputs are complete and the topology has been seen with nothing left to process
 * ({@link PendingWork#inputsDrainedAt}), a mark made before then is not held any longer: no input is on its way,
 * only what other stages still hold (a row that changes is worked again; a waiting mark may name the stages whose
 * work it waits for, see the {@code upstream} overload of {@link #schedule}).
 *
 * <p>Isolation: the work of one mark that throws (a defect, or input no parser rejected) is not retried and does
 * not stop the others: its mark is cleared, the error logged, and a {@link DeadLetter} with the stage, key and
 * reason goes to the stage's output {@link #failedOutput} (wired to {@code nba.dlq}). The rows of that key stay as
 * they were until its next input marks it again. Kafka's own exceptions (a fenced producer, a migrated task, a
 * store that cannot be written) are not work failures: they propagate, so Kafka Streams handles them as always.
 */
public final class Deferred {
  private static final Logger LOG = LoggerFactory.getLogger(Deferred.class);

  /** The work of one mark: its key and kept value. */
  @FunctionalInterface
  public interface Work {
    void run(String key, String value);
  }

  private final KeyValueStore<String, String> marks;
  private final PendingWork pending;
  private final String id;
  private final String what;
  private final ProcessorContext<String, SpecificRecord> context;
  private final Work work;
  private final long settleMs;
  /** How long a mark is held at most ({@code holdSettles x settle}). */
  private final long holdMs;
  private final java.util.function.Predicate<String> waiting;
  /**
   * The kinds of deferred work ({@code what}) that make what a waiting mark needs: at the end of a replay a waiting
   * mark made before the drain is held until that work is settled as of a drain check, instead of worked at once.
   */
  private final java.util.Collection<String> upstream;
  /** Marks renewed since their work last ran: key -> {first marked, last marked} (wall clock ms). */
  private final java.util.Map<String, long[]> markedAt = new java.util.HashMap<>();
  private long failures;
  /** The stage's punctuation interval ({@code precompute.interval.ms}). */
  private final long intervalMs;
  /** When the work last ran (wall clock ms), due or not. */
  private long lastRunMs = Long.MIN_VALUE;

  /**
   * How often the punctuation looks at the end of a replay: once the inputs were seen drained, the work released
   * then is worked on the next look instead of on the next interval (each stage of the last cascade waited up to
   * {@code precompute.interval.ms}); before that, a look that is not an interval after the last run does nothing.
   */
  static final long DRAINED_LOOK_MS = 200;

  /** How many settle times a mark is held at most, unless its stage says otherwise. */
  public static final int HOLD_SETTLES = 5;

  private Deferred(ProcessorContext<String, SpecificRecord> context, KeyValueStore<String, String> marks,
                   PendingWork pending, String what, Work work, Duration interval, Duration settle,
                   java.util.function.Predicate<String> waiting, int holdSettles,
                   java.util.Collection<String> upstream) {
    this.context = context;
    this.marks = marks;
    this.pending = pending;
    this.what = what;
    this.id = context.taskId() + "/" + what;
    this.work = work;
    this.settleMs = settle.toMillis();
    this.holdMs = holdSettles * settle.toMillis();
    this.intervalMs = interval.toMillis();
    this.waiting = waiting;
    this.upstream = upstream;
  }

  /**
   * Schedules {@code work} every {@code interval} (wall clock) in the stage's task; {@code what} names the work in
   * drain reports and dead letters (e.g. "player-games"), and the stage's output for failed work is
   * {@link #failedOutput}{@code (what)}. Marks restored from the changelog are owed work at once.
   */
  public static Deferred schedule(ProcessorContext<String, SpecificRecord> context, KeyValueStore<String, String> marks,
                                  Duration interval, PendingWork pending, String what, Work work) {
    return schedule(context, marks, interval, Duration.ZERO, pending, what, work);
  }

  /** As above, and a mark is worked only once it has settled (see the class comment; zero: every punctuation). */
  public static Deferred schedule(ProcessorContext<String, SpecificRecord> context, KeyValueStore<String, String> marks,
                                  Duration interval, Duration settle, PendingWork pending, String what, Work work) {
    return schedule(context, marks, interval, settle, key -> false, pending, what, work);
  }

  /**
   * As above, and a mark for which {@code waiting} is true (what its work needs has not arrived yet) is held until
   * it is false and the mark has settled, or until it has waited {@value #HOLD_SETTLES} x settle. With a zero settle
   * nothing is held.
   */
  public static Deferred schedule(ProcessorContext<String, SpecificRecord> context, KeyValueStore<String, String> marks,
                                  Duration interval, Duration settle, java.util.function.Predicate<String> waiting,
                                  PendingWork pending, String what, Work work) {
    return schedule(context, marks, interval, settle, waiting, HOLD_SETTLES, pending, what, work);
  }

  /** As above, held at most {@code holdSettles x settle} instead of {@value #HOLD_SETTLES} x. */
  public static Deferred schedule(ProcessorContext<String, SpecificRecord> context, KeyValueStore<String, String> marks,
                                  Duration interval, Duration settle, java.util.function.Predicate<String> waiting,
                                  int holdSettles, PendingWork pending, String what, Work work) {
    return schedule(context, marks, interval, settle, waiting, holdSettles, java.util.List.of(), pending, what, work);
  }

  /**
   * As above, and at the end of a replay (the inputs seen drained) a waiting mark is still held, within its
   * {@code holdSettles x settle}, until a drain check finds the deferred work of the kinds in {@code upstream}
   * settled ({@link PendingWork#settledBy}: what it waits for is made by that work, which is released at the same
   * moment and arrives a commit and a hop later).
   */
  public static Deferred schedule(ProcessorContext<String, SpecificRecord> context, KeyValueStore<String, String> marks,
                                  Duration interval, Duration settle, java.util.function.Predicate<String> waiting,
                                  int holdSettles, java.util.Collection<String> upstream, PendingWork pending,
                                  String what, Work work) {
    Deferred d = new Deferred(context, marks, pending, what, work, interval, settle, waiting, holdSettles, upstream);
    context.schedule(interval.toMillis() <= DRAINED_LOOK_MS ? interval : Duration.ofMillis(DRAINED_LOOK_MS),
        PunctuationType.WALL_CLOCK_TIME, d::look);
    try (KeyValueIterator<String, String> it = marks.all()) {
      if (it.hasNext()) {
        pending.dirty(d.id);
      }
    }
    return d;
  }

  /** The name of the output where a stage's deferred work {@code what} sends the dead letters of failed marks. */
  public static String failedOutput(String what) {
    return what + "-failed";
  }

  /** Marks {@code key} stale; {@code merge(old, value)} decides the kept value when it is already marked. */
  public void mark(String key, String value, BinaryOperator<String> merge) {
    String old = marks.get(key);
    String kept = old == null ? value : merge.apply(old, value);
    if (!kept.equals(old)) {
      marks.put(key, kept);
    }
    if (settleMs > 0) {
      long now = context.currentSystemTimeMs();
      long[] at = markedAt.computeIfAbsent(key, k -> new long[] {now, now});
      at[1] = now;
    }
    pending.dirty(id);
  }

  private boolean owed() {
    try (KeyValueIterator<String, String> it = marks.all()) {
      return it.hasNext();
    }
  }

  /** Whether {@code key} is marked, its work still owed. */
  public boolean marked(String key) {
    return marks.get(key) != null;
  }

  /** Runs the work over every mark now, settled or not, and clears them (public for tests that drive a stage directly). */
  public void run() {
    runSettled(Long.MAX_VALUE);
  }

  /** The punctuation: the work is run every interval, and at every look once the inputs were seen drained. */
  private void look(long now) {
    // An interval no longer than a look runs at every look (live, 200 ms): Kafka Streams keeps a punctuation on a
    // fixed schedule but passes the time it actually fired, which lags by up to a poll, so a gate on the time since
    // the last run would skip every other look.
    if (intervalMs > DRAINED_LOOK_MS && lastRunMs != Long.MIN_VALUE && now - lastRunMs < intervalMs
        && pending.drainedAtMs() == Long.MIN_VALUE) {
      return;
    }
    lastRunMs = now;
    runSettled(now);
  }

  /** The work of every mark settled at {@code now}; the others stay owed. */
  private void runSettled(long now) {
    List<KeyValue<String, String>> todo = new ArrayList<>();
    boolean held = false;
    long drainedAt = pending.drainedAtMs();
    boolean upstreamOwes = drainedAt != Long.MIN_VALUE && !upstream.isEmpty()
        && !pending.settledBy(upstream, drainedAt);
    try (KeyValueIterator<String, String> it = marks.all()) {
      while (it.hasNext()) {
        KeyValue<String, String> kv = it.next();
        long[] at = markedAt.get(kv.key);
        if (at != null && now != Long.MAX_VALUE && now - at[0] < holdMs
            && (at[1] > drainedAt ? now - at[1] < settleMs || waiting.test(kv.key)
                : upstreamOwes && waiting.test(kv.key))) {
          held = true; // still being renewed, or what it needs is still on its way: worked once it settles
        } else {
          todo.add(kv);
        }
      }
    }
    if (todo.isEmpty()) {
      return; // nothing due (done() would also restart the drain check's settle time)
    }
    for (KeyValue<String, String> kv : todo) {
      marks.delete(kv.key);
      markedAt.remove(kv.key);
    }
    long started = System.nanoTime();
    try {
      for (KeyValue<String, String> kv : todo) {
        try {
          work.run(kv.key, kv.value);
        } catch (KafkaException e) {
          throw e; // Kafka's own failure (fencing, task migration, a store error): Kafka Streams handles it
        } catch (RuntimeException e) {
          failed(kv, e);
        }
      }
    } finally {
      // when the work ended: the task's clock is the punctuation's start, the work may take seconds
      pending.done(id, context.currentSystemTimeMs() + (System.nanoTime() - started) / 1_000_000);
    }
    if (drainedAt != Long.MIN_VALUE) {
      // The end of a replay: what this work sent is what the drain check waits for, and each stage downstream of it
      // (season stage, feature stage, upcoming contexts) only sees it once it is committed. Asking for the commit now
      // instead of at the next commit interval saves up to commit.interval.ms per stage of that last cascade.
      context.commit();
    }
    if (held || owed()) { // held marks, or marks the work itself made (to be worked on a later punctuation)
      pending.dirty(id);
    }
  }

  private void failed(KeyValue<String, String> kv, RuntimeException e) {
    failures++;
    LOG.error("{} {}: the deferred work failed and is not retried; dead-lettered to nba.dlq, its rows stay as they"
        + " were until its next input (mark {})", what, kv.key, kv.value, e);
    long now = context.currentSystemTimeMs();
    DeadLetter letter = DeadLetter.newBuilder()
        .setSource("topology/" + what)
        .setSourceFile("task " + context.taskId())
        .setLineNumber(null)
        .setReason(Excerpt.reason(what + " " + kv.key + " (from " + kv.value + ") failed: " + e))
        .setRaw(Excerpt.raw(kv.key + "=" + kv.value))
        .setRejectedAt(java.time.Instant.ofEpochMilli(now))
        .build();
    context.forward(new Record<String, SpecificRecord>(what + ":" + kv.key, letter, now), failedOutput(what));
  }

  /** How many marks' work failed in this task since it started (for tests and logs). */
  public long failures() {
    return failures;
  }

  /** The task is closing (moving or shutting down): its next owner does the work (the marks are in the changelog). */
  public void close() {
    markedAt.clear();
    pending.done(id);
  }

  /** The earlier of two ISO dates (merge rule for "recompute from this date on"). */
  public static String earlier(String a, String b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  /** The later value (merge rule for "the latest cause's timestamp"). */
  public static String later(String a, String b) {
    return Long.parseLong(a) >= Long.parseLong(b) ? a : b;
  }
}
