package dev.nbaprops.topology.season;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nbaprops.avro.analytics.UpcomingTeamGameContext;
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
import org.junit.jupiter.api.Test;

/**
 * The backfill profile's holding of a season's rows (precompute.settle.ms > 0), on the bundled slice's first
 * nights of 2023-24: a date's team contexts wait while a game before it is missing a line, are sent once it
 * comes (once each: the churn this rule removes), and are all sent once the inputs have been quiet for the settle
 * time, even if the line never comes.
 */
class SeasonHoldTest {
  /**
   * The game stage sends a game's team rows once its lines have stopped coming for the settle time (at about 11 s
   * here); the season stage then holds dates until it has heard nothing for 2 x settle + 1 s (at about 32 s).
   */
  static final Duration SETTLE = Duration.ofSeconds(10);
  static final LocalDate OPENING = LocalDate.of(2023, 10, 24);
  static final LocalDate NEXT = LocalDate.of(2023, 10, 25);
  static final String TABLE = "nba_analytics.upcoming_team_game_context";

  /** The schedule, lines and shots of the season, the box scores of the first two nights but one line of night 1. */
  private static List<Timeline.Data> firstNights(List<Timeline.Data> heldBack) {
    List<Timeline.Data> all = TestData.timeline(TestData.slice(),
        List.of(SourceKind.SCHEDULE, SourceKind.GAME_LINES, SourceKind.BOX_SCORES, SourceKind.SHOTS), List.of("2023-24"));
    List<Timeline.Data> boxOfOpening = all.stream()
        .filter(d -> d.value() instanceof PlayerBoxScore b && b.getGameDate().equals(OPENING)).toList();
    Timeline.Data starter = boxOfOpening.stream()
        .max(Comparator.comparingDouble(d -> ((PlayerBoxScore) d.value()).getMin())).orElseThrow();
    heldBack.add(starter);
    return all.stream().filter(d -> d != starter)
        .filter(d -> !(d.value() instanceof PlayerBoxScore b) || !b.getGameDate().isAfter(NEXT)).toList();
  }

  private static Map<String, UpcomingTeamGameContext> rows(TopologyHarness h) {
    return h.table(TABLE);
  }

  private static long datedAfterOpening(TopologyHarness h) {
    return rows(h).values().stream().filter(r -> r.getGameDate().isAfter(OPENING)).count();
  }

  @Test
  void aDateWaitsForTheMissingLineOfAGameBeforeIt() throws Exception {
    List<Timeline.Data> heldBack = new java.util.ArrayList<>();
    List<Timeline.Data> records = firstNights(heldBack);
    try (TopologyHarness h = new TopologyHarness(Files.createTempDirectory("season-hold"), Map.of(), SETTLE)) {
      h.pipeHeld(records).advance(Duration.ofSeconds(15));
      assertThat(h.offense()).as("the game stage has sent the team rows").isNotEmpty();
      assertThat(rows(h)).as("the opening night's own contexts need no earlier game").isNotEmpty();
      assertThat(datedAfterOpening(h)).as("night 2's contexts wait for the opening night's missing line").isZero();

      h.pipeHeld(heldBack).advance(Duration.ofSeconds(14));
      assertThat(datedAfterOpening(h)).as("sent once the line is in, before the inputs are quiet").isPositive();
      h.advance(Duration.ofSeconds(60));
      assertThat(h.emits(TABLE)).as("every context sent once").isEqualTo(rows(h).size());
    }
  }

  @Test
  void everyDateIsSentOnceTheInputsAreQuiet() throws Exception {
    List<Timeline.Data> records = firstNights(new java.util.ArrayList<>());
    try (TopologyHarness h = new TopologyHarness(Files.createTempDirectory("season-hold"), Map.of(), SETTLE)) {
      h.pipeHeld(records).advance(Duration.ofSeconds(15));
      assertThat(datedAfterOpening(h)).isZero();
      h.advance(Duration.ofSeconds(25));
      assertThat(datedAfterOpening(h)).as("the line never came: sent once the inputs were quiet").isPositive();
    }
  }

  /** The end of a replay: once the topology is seen drained with the inputs complete, nothing waits for quiet. */
  @Test
  void everyDateIsSentOnceTheInputsAreSeenDrained() throws Exception {
    List<Timeline.Data> records = firstNights(new java.util.ArrayList<>());
    try (TopologyHarness h = new TopologyHarness(Files.createTempDirectory("season-hold"), Map.of(), SETTLE)) {
      h.pipeHeld(records).advance(Duration.ofSeconds(15));
      assertThat(datedAfterOpening(h)).isZero();
      h.inputsDrained().advance(Duration.ofSeconds(2));
      assertThat(datedAfterOpening(h)).as("sent on the next punctuation, not after 2 x settle of quiet").isPositive();
    }
  }

  @Test
  void withoutASettleTimeNothingWaits() throws Exception {
    List<Timeline.Data> records = firstNights(new java.util.ArrayList<>());
    try (TopologyHarness h = new TopologyHarness(Files.createTempDirectory("season-hold"), Map.of(), Duration.ZERO)) {
      h.pipeHeld(records).advance(Duration.ofSeconds(5));
      assertThat(datedAfterOpening(h)).isPositive();
    }
  }
}
