package dev.nbaprops.topology;

import java.util.concurrent.ConcurrentHashMap;
import java.util.Map;

/**
 * What the topology's punctuated stages still owe: the season stage marks a season dirty when an input arrives
 * and recomputes it on its next punctuation; the shot stage marks the summaries its shots changed and forwards
 * them on its next punctuation. A drain check ("has everything been processed?") must wait for
 * those recomputations too, since their inputs are already consumed. One instance per running app.
 */
public final class PendingWork {
  private final Map<String, Boolean> dirty = new ConcurrentHashMap<>();
  /** Kind of deferred work ("season", "player-games", ...) -> when a task of this instance last ran it (wall clock). */
  private final Map<String, Long> lastDoneMs = new ConcurrentHashMap<>();
  private final java.util.concurrent.atomic.AtomicLong lastFlushMs = new java.util.concurrent.atomic.AtomicLong();
  private final java.util.concurrent.atomic.AtomicLong drainedAtMs = new java.util.concurrent.atomic.AtomicLong(Long.MIN_VALUE);
  private final java.util.concurrent.atomic.AtomicLong firstDrainedAtMs = new java.util.concurrent.atomic.AtomicLong(Long.MIN_VALUE);

  /** A task's deferred work is owed (e.g. "1_0/season", "0_1/player-games": see Deferred). */
  public void dirty(String id) {
    dirty.put(id, Boolean.TRUE);
  }

  public void done(String id) {
    dirty.remove(id);
    lastFlushMs.set(System.currentTimeMillis());
  }

  /** As {@link #done(String)}, after the work ran at {@code ranAtMs} (the task's wall clock: {@link #settledBy}). */
  public void done(String id, long ranAtMs) {
    lastDoneMs.merge(whatOf(id), ranAtMs, Math::max); // first: a settledBy between the two must not see it settled
    done(id);
  }

  /**
   * How long after its work ran what it sent may still be on its way to the broker (the producer's linger and
   * request): a drain check sooner than that after the run does not count as having seen it processed.
   */
  public static final long SEND_MARGIN_MS = 1_000;

  /** When deferred work of one of these kinds last ran on this instance (wall clock), or MIN_VALUE. */
  public long lastRunMs(java.util.Collection<String> whats) {
    long last = Long.MIN_VALUE;
    for (String what : whats) {
      Long t = lastDoneMs.get(what);
      if (t != null && t > last) {
        last = t;
      }
    }
    return last;
  }

  private static String whatOf(String id) {
    return id.substring(id.indexOf('/') + 1);
  }

  /**
   * Wall-clock time of the last recomputation: its rows sit in the task's open transaction until the next
   * commit, so a drain check waits a few commit intervals after it.
   */
  public long lastFlushMs() {
    return lastFlushMs.get();
  }

  /**
   * The inputs are complete (the caller has finished producing them) and the topology was seen at {@code atMs}
   * (wall clock) with nothing left to process or commit: the holds of the settling stages ({@link Deferred}, the
   * season stage's dates) end for work marked up to then: no input is on its way any more, only what other
   * stages still hold. Their work then runs on the next punctuation instead of after its settle time; what it sends
   * is worked the same way once the topology is seen idle again, and a row another stage's held work changes is
   * sent again (the last dates' rows: an extra version, the same final rows). Called by the drain check ({@code NbaPropsApp.awaitDrained}).
   */
  public void inputsDrainedAt(long atMs) {
    drainedAtMs.accumulateAndGet(atMs, Math::max);
    firstDrainedAtMs.compareAndSet(Long.MIN_VALUE, atMs);
  }

  /**
   * The end of a replay is worked off (nothing held, everything processed): what comes next (another replay into the
   * same long-running instance) is held and batched as usual again ({@link Deferred}'s every-look runs and commits
   * apply while a drain is set). Called by a run instance's replay-end check ({@code NbaPropsApp.endHoldsAfterReplays}).
   */
  public void endDrain() {
    drainedAtMs.set(Long.MIN_VALUE);
  }

  /** When the topology was first seen drained with its inputs complete; else MIN_VALUE. */
  public long firstDrainedAtMs() {
    return firstDrainedAtMs.get();
  }

  /** When the topology was last seen drained with its inputs complete ({@link #inputsDrainedAt}); else MIN_VALUE. */
  public long drainedAtMs() {
    return drainedAtMs.get();
  }

  /** Whether a task of this instance owes deferred work of one of these kinds (marks held or due). */
  public boolean owes(java.util.Collection<String> whats) {
    for (String id : dirty.keySet()) {
      if (whats.contains(whatOf(id))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether the deferred work of these kinds (e.g. "player-games") is settled as of a drain check at {@code atMs}: no
   * task of this instance owes any of it, and none of it ran within {@link #SEND_MARGIN_MS} before {@code atMs} or
   * later. What it sent is then processed (the drain check counts the repartition topics and open transactions too),
   * not still on its way to the stages after it.
   */
  public boolean settledBy(java.util.Collection<String> whats, long atMs) {
    if (owes(whats)) {
      return false;
    }
    long last = lastRunMs(whats);
    return last == Long.MIN_VALUE || last + SEND_MARGIN_MS < atMs;
  }

  /** Deferred works (over this instance's tasks) still to do. */
  public int pending() {
    return dirty.size();
  }
}
