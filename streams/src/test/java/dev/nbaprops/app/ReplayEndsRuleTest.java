package dev.nbaprops.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nbaprops.replay.ReplayProgress.Position;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** When a run instance counts its inputs complete from the replays' positions (ReplayEnds.finished). */
class ReplayEndsRuleTest {
  static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");

  static Position at(long secondsAgo, boolean done) {
    return new Position(100, "f:1", done, NOW.minusSeconds(secondsAgo));
  }

  @Test
  void noReplayOrOneStillRunningIsNotAnEnd() {
    assertThat(ReplayEnds.finished(List.of(), NOW)).as("a live feed: no replay at all").isFalse();
    assertThat(ReplayEnds.finished(List.of(at(1, false)), NOW)).isFalse();
    assertThat(ReplayEnds.finished(List.of(at(3600, true), at(1, false)), NOW))
        .as("an earlier replay finished, a new one is running").isFalse();
  }

  @Test
  void theLastReplayFinishedWithNoOtherRunning() {
    assertThat(ReplayEnds.finished(List.of(at(2, true)), NOW)).isTrue();
    assertThat(ReplayEnds.finished(List.of(at(3600, true), at(2, true)), NOW)).isTrue();
    assertThat(ReplayEnds.finished(List.of(at(10, false), at(2, true)), NOW))
        .as("another replay moved 10 s ago and has not finished: still running").isFalse();
    assertThat(ReplayEnds.finished(List.of(at(ReplayEnds.ABANDONED_AFTER.toSeconds() + 1, false), at(2, true)), NOW))
        .as("a replay killed and never resumed does not hold the end back").isTrue();
  }
}
