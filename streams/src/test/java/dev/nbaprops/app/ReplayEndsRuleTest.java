package dev.nbaprops.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nbaprops.replay.ReplayProgress.Position;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** When a run instance counts its inputs complete from the replays' positions (ReplayEnds.finished). */
class ReplayEndsRuleTest {
  static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");

  /** Replays by name: (seconds since its position moved, finished?); seen moving here when it moved. */
  static boolean finished(Object... nameAgoDone) {
    Map<String, Position> replays = new LinkedHashMap<>();
    Map<String, Instant> seen = new LinkedHashMap<>();
    for (int i = 0; i < nameAgoDone.length; i += 3) {
      Instant at = NOW.minusSeconds(((Number) nameAgoDone[i + 1]).longValue());
      replays.put((String) nameAgoDone[i], new Position(100, "f:1", (Boolean) nameAgoDone[i + 2], at));
      seen.put((String) nameAgoDone[i], at);
    }
    return ReplayEnds.finished(replays, seen, NOW);
  }

  @Test
  void noReplayOrOneStillRunningIsNotAnEnd() {
    assertThat(finished()).as("a live feed: no replay at all").isFalse();
    assertThat(finished("a", 1, false)).isFalse();
    assertThat(finished("old", 3600, true, "new", 1, false)).as("an earlier replay finished, a new one is running")
        .isFalse();
  }

  @Test
  void theLastReplayFinishedWithNoOtherRunning() {
    assertThat(finished("a", 2, true)).isTrue();
    assertThat(finished("old", 3600, true, "new", 2, true)).isTrue();
    assertThat(finished("other", 10, false, "a", 2, true))
        .as("another replay moved 10 s ago and has not finished: still running").isFalse();
    assertThat(finished("killed", ReplayEnds.ABANDONED_AFTER.toSeconds() + 1, false, "a", 2, true))
        .as("a replay killed and never resumed does not hold the end back").isTrue();
  }

  @Test
  void aRunningReplayIsJudgedByWhenItWasSeenMovingHereNotByItsHostsClock() {
    Map<String, Position> replays = Map.of(
        "done", new Position(100, "f:1", true, NOW.minusSeconds(1)),
        // its host's clock is 10 minutes behind: its own time says it has not moved for 10 minutes
        "running", new Position(50, "f:2", false, NOW.minusSeconds(600)));
    assertThat(ReplayEnds.finished(replays, Map.of("running", NOW.minusSeconds(1)), NOW)).isFalse();
    assertThat(ReplayEnds.finished(replays, Map.of("running", NOW.minusSeconds(60)), NOW)).isTrue();
  }
}
