package dev.nbaprops.app;

import dev.nbaprops.replay.ReplayProgress;
import dev.nbaprops.topics.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What the replays feeding a cluster have done, from their positions in the progress topic
 * ({@link Topics#REPLAY_PROGRESS}, read by {@link ReplayProgress.Reader}): an instance that does not replay itself
 * ({@code run}, fed by a {@code replay --produce-only} elsewhere) learns from it that its inputs are complete, as the
 * replay command's instance knows it from its own replay ({@link NbaPropsApp#endHoldsAfterReplays}). One thread only.
 */
final class ReplayEnds implements AutoCloseable {
  /**
   * A replay not finished whose position has not moved for this long counts as abandoned (killed and never
   * resumed): it no longer keeps the others' end from counting. A running replay commits its position with every
   * transaction, well within this.
   */
  static final Duration ABANDONED_AFTER = Duration.ofSeconds(30);

  private final ReplayProgress.Reader reader;
  /** When this reader saw each position change (local clock: the replaying host's clock may differ). */
  private final Map<String, Instant> seenChanging = new HashMap<>();

  ReplayEnds(String bootstrapServers) {
    reader = new ReplayProgress.Reader(bootstrapServers);
  }

  /**
   * Reads the positions committed since the last call (the whole topic on the first); false when it could not reach
   * the topic's end within 5 s (what it has read may then miss a newer replay: not a basis for a decision).
   */
  boolean read(Instant now) {
    return reader.read(Duration.ofSeconds(5), (id, p) -> seenChanging.put(id, now));
  }

  /** When the most recently finished replay finished (its own clock), or null when none has. */
  Instant lastFinished() {
    return reader.positions().values().stream().filter(ReplayProgress.Position::done)
        .map(ReplayProgress.Position::updatedAt).max(Comparator.naturalOrder()).orElse(null);
  }

  /** Whether the replays seen have finished as of {@code now} (local clock; {@link #finished(Map, Map, Instant)}). */
  boolean finished(Instant now) {
    return finished(reader.positions(), seenChanging, now);
  }

  /**
   * Whether the inputs the replays produce are complete: the replay that moved last (by its own clock) has finished,
   * and no other one is still running: not finished and seen moving here within {@link #ABANDONED_AFTER} (this
   * reader's clock, so a replaying host's clock that is off does not matter). False when there has been no replay
   * (a live feed, or nothing yet). A paced replay ({@code --speed N}) that sleeps longer than that between commits
   * counts as abandoned meanwhile: with another replay finished, the holds may end early (extra row versions).
   */
  static boolean finished(Map<String, ReplayProgress.Position> replays, Map<String, Instant> seenChanging,
                          Instant now) {
    Optional<ReplayProgress.Position> last = replays.values().stream()
        .max(Comparator.comparing(ReplayProgress.Position::updatedAt));
    if (last.isEmpty() || !last.get().done()) {
      return false;
    }
    Instant running = now.minus(ABANDONED_AFTER);
    return replays.entrySet().stream().noneMatch(e -> !e.getValue().done()
        && seenChanging.getOrDefault(e.getKey(), Instant.MIN).isAfter(running));
  }

  @Override
  public void close() {
    reader.close();
  }
}
