package dev.nbaprops.topology.player;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nbaprops.avro.analytics.PlayerGameSummary;
import dev.nbaprops.avro.raw.PlayerBoxScore;
import dev.nbaprops.avro.raw.Shot;
import dev.nbaprops.replay.Timeline;
import dev.nbaprops.source.SourceKind;
import dev.nbaprops.testing.TestData;
import dev.nbaprops.testing.TopologyHarness;
import java.nio.file.Files;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * With a settle time (the backfill profile), a game's summary waits for its shots (as many as its field-goal
 * attempts) and is sent once, with its zone fields; without them it is sent after 5 x settle all the same.
 * Real rows: the opening night of 2023-24 in the bundled slice, the player with the most attempts.
 */
class SummaryWaitsForShotsTest {
  static final Duration SETTLE = Duration.ofSeconds(10);
  static final String TABLE = "nba_analytics.player_game_summary";

  @Test
  void aSummaryIsSentOnceItsShotsAreIn() throws Exception {
    List<Timeline.Data> all = TestData.timeline(TestData.slice(), List.of(SourceKind.BOX_SCORES, SourceKind.SHOTS),
        List.of("2023-24"));
    Timeline.Data box = all.stream()
        .filter(d -> d.value() instanceof PlayerBoxScore b && b.getGameDate().equals(LocalDate.of(2023, 10, 24)))
        .max(Comparator.comparingInt(d -> ((PlayerBoxScore) d.value()).getFga())).orElseThrow();
    PlayerBoxScore b = (PlayerBoxScore) box.value();
    List<Timeline.Data> shots = all.stream().filter(d -> d.value() instanceof Shot s
        && s.getGameId().equals(b.getGameId()) && s.getPlayerId() == b.getPlayerId()).toList();
    assertThat(shots).hasSize(b.getFga());
    String key = b.getGameId() + "|" + b.getPlayerId();

    try (TopologyHarness h = new TopologyHarness(Files.createTempDirectory("shots-wait"), Map.of(), SETTLE)) {
      h.pipeHeld(List.of(box)).pipeHeld(shots.subList(0, shots.size() - 1)).advance(Duration.ofSeconds(25));
      assertThat(summaries(h)).as("one shot still on its way: the summary waits").isEmpty();

      h.pipeHeld(shots.subList(shots.size() - 1, shots.size())).advance(Duration.ofSeconds(12));
      assertThat(summaries(h)).containsOnlyKeys(key);
      assertThat(summaries(h).get(key).getShotAttempts()).isEqualTo(b.getFga());
      assertThat(h.emits(TABLE)).as("sent once").isEqualTo(1);
    }

    try (TopologyHarness h = new TopologyHarness(Files.createTempDirectory("shots-wait"), Map.of(), SETTLE)) {
      h.pipeHeld(List.of(box)).advance(Duration.ofSeconds(25));
      assertThat(summaries(h)).isEmpty();
      h.advance(Duration.ofSeconds(30));
      assertThat(summaries(h)).as("no shot chart: sent after 5 x settle").containsOnlyKeys(key);
    }
  }

  private static Map<String, PlayerGameSummary> summaries(TopologyHarness h) {
    return h.table(TABLE);
  }
}
