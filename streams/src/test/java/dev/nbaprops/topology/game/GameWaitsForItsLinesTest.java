package dev.nbaprops.topology.game;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nbaprops.avro.analytics.TeamOffenseGameSummary;
import dev.nbaprops.avro.raw.PlayerBoxScore;
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
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * With a settle time (the backfill profile), the game stage builds a game's team rows once both teams have a full
 * game of minutes in, not when its lines pause for the settle time: a game's lines come from every player task,
 * whose progress differs by more than that during a backfill, and rows built on part of them were sent again (with
 * the season rows built on them). A game that never gets a full game of minutes is built after 5 x settle all the
 * same. Real rows: the opening night of 2023-24 in the bundled slice, one starter's line held back.
 */
class GameWaitsForItsLinesTest {
  static final Duration SETTLE = Duration.ofSeconds(10);
  static final LocalDate OPENING = LocalDate.of(2023, 10, 24);

  private static List<Timeline.Data> opening() {
    return TestData.timeline(TestData.slice(), List.of(SourceKind.BOX_SCORES), List.of("2023-24")).stream()
        .filter(d -> d.value() instanceof PlayerBoxScore b && b.getGameDate().equals(OPENING)).toList();
  }

  private static Timeline.Data starter(List<Timeline.Data> lines) {
    return lines.stream().max(Comparator.comparingDouble(d -> ((PlayerBoxScore) d.value()).getMin())).orElseThrow();
  }

  private static Map<String, TeamOffenseGameSummary> ofGame(TopologyHarness h, String gameId) {
    return h.offense().entrySet().stream().filter(e -> e.getValue().getGameId().equals(gameId))
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
  }

  @Test
  void aGameIsBuiltOnceItsLinesAreIn() throws Exception {
    List<Timeline.Data> lines = opening();
    Timeline.Data starter = starter(lines);
    String game = ((PlayerBoxScore) starter.value()).getGameId();
    try (TopologyHarness h = new TopologyHarness(Files.createTempDirectory("game-wait"), Map.of(), SETTLE)) {
      h.pipeHeld(lines.stream().filter(d -> d != starter).toList()).advance(Duration.ofSeconds(25));
      assertThat(h.offense()).as("the night's other games are complete: built after the settle time").isNotEmpty();
      assertThat(ofGame(h, game)).as("a starter's line still on its way: the game waits").isEmpty();

      h.pipeHeld(List.of(starter)).advance(Duration.ofSeconds(12));
      assertThat(ofGame(h, game)).hasSize(2);
      assertThat(h.teamEmits()).as("every team row of the night sent once").isEqualTo(2L * h.offense().size());
    }
  }

  @Test
  void aGameMissingALineForGoodIsBuiltAfterFiveSettleTimes() throws Exception {
    List<Timeline.Data> lines = opening();
    Timeline.Data starter = starter(lines);
    String game = ((PlayerBoxScore) starter.value()).getGameId();
    try (TopologyHarness h = new TopologyHarness(Files.createTempDirectory("game-wait"), Map.of(), SETTLE)) {
      h.pipeHeld(lines.stream().filter(d -> d != starter).toList()).advance(Duration.ofSeconds(25));
      assertThat(ofGame(h, game)).isEmpty();
      h.advance(Duration.ofSeconds(30));
      assertThat(ofGame(h, game)).as("the line never came: built after 5 x settle").hasSize(2);
    }
  }

  @Test
  void withoutASettleTimeNothingWaits() throws Exception {
    List<Timeline.Data> lines = opening();
    Timeline.Data starter = starter(lines);
    String game = ((PlayerBoxScore) starter.value()).getGameId();
    try (TopologyHarness h = new TopologyHarness(Files.createTempDirectory("game-wait"), Map.of(), Duration.ZERO)) {
      h.pipeHeld(lines.stream().filter(d -> d != starter).toList()).advance(Duration.ofSeconds(2));
      assertThat(ofGame(h, game)).as("live: built from the lines there are").hasSize(2);
    }
  }
}
