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
  private final java.util.concurrent.atomic.AtomicLong lastFlushMs = new java.util.concurrent.atomic.AtomicLong();

  /** A task's deferred work is owed (e.g. "1_0/season", "0_1/player-games": see Deferred). */
  public void dirty(String id) {
    dirty.put(id, Boolean.TRUE);
  }

  public void done(String id) {
    dirty.remove(id);
    lastFlushMs.set(System.currentTimeMillis());
  }

  /**
   * Wall-clock time of the last recomputation: its rows sit in the task's open transaction until the next
   * commit, so a drain check waits a few commit intervals after it.
   */
  public long lastFlushMs() {
    return lastFlushMs.get();
  }

  /** Deferred works (over this instance's tasks) still to do. */
  public int pending() {
    return dirty.size();
  }
}
