package dev.nbaprops.topology;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BinaryOperator;
import java.util.function.Consumer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Work a stage defers to a wall-clock punctuation, written once for every stage that needs it: inputs only
 * {@link #mark} what they made stale (in a changelogged store, so the marks survive a restart or a task move),
 * and every {@code interval} the stage's work runs once over all marks, which are then cleared. Many inputs that
 * touch the same row (a game's shots, a season's results of a night) cost one recomputation, not one each.
 * {@link PendingWork} learns of the marks, so a drain check waits for the work as well as for the input offsets.
 */
public final class Deferred {
  private final KeyValueStore<String, String> marks;
  private final PendingWork pending;
  private final String id;
  private final Consumer<List<KeyValue<String, String>>> work;

  private Deferred(KeyValueStore<String, String> marks, PendingWork pending, String id,
                   Consumer<List<KeyValue<String, String>>> work) {
    this.marks = marks;
    this.pending = pending;
    this.id = id;
    this.work = work;
  }

  /**
   * Schedules {@code work} every {@code interval} (wall clock) in the stage's task; {@code what} names the work in
   * drain reports (e.g. "player-games"). Marks restored from the changelog are owed work at once.
   */
  public static Deferred schedule(ProcessorContext<?, ?> context, KeyValueStore<String, String> marks,
                                  Duration interval, PendingWork pending, String what,
                                  Consumer<List<KeyValue<String, String>>> work) {
    Deferred d = new Deferred(marks, pending, context.taskId() + "/" + what, work);
    context.schedule(interval, PunctuationType.WALL_CLOCK_TIME, now -> d.run());
    try (KeyValueIterator<String, String> it = marks.all()) {
      if (it.hasNext()) {
        pending.dirty(d.id);
      }
    }
    return d;
  }

  /** Marks {@code key} stale; {@code merge(old, value)} decides the kept value when it is already marked. */
  public void mark(String key, String value, BinaryOperator<String> merge) {
    String old = marks.get(key);
    String kept = old == null ? value : merge.apply(old, value);
    if (!kept.equals(old)) {
      marks.put(key, kept);
    }
    pending.dirty(id);
  }

  /** Runs the work over every mark now and clears them (public for tests that drive a stage directly). */
  public void run() {
    List<KeyValue<String, String>> todo = new ArrayList<>();
    try (KeyValueIterator<String, String> it = marks.all()) {
      it.forEachRemaining(todo::add);
    }
    if (todo.isEmpty()) {
      return; // nothing owed (done() would also restart the drain check's settle time)
    }
    for (KeyValue<String, String> kv : todo) {
      marks.delete(kv.key);
    }
    try {
      work.accept(todo);
    } finally {
      pending.done(id);
    }
  }

  /** The task is closing (moving or shutting down): its next owner does the work (the marks are in the changelog). */
  public void close() {
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
