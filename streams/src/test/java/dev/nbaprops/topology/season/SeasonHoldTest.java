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

  /**
   * A game that was played (its players' lines are coming in) and whose result is not complete yet is waited for
   * even when both its teams already have a complete result dated after it: during a backfill the game stage's
   * tasks progress unevenly, so a later game's result can come first. Before this rule, such a game counted as
   * "no longer expected" (the rule for a game moved or never played), the dates after it were sent without it and
   * sent again when it came (one season: team contexts 1.30-1.61 versions a key, bench/RESULTS.md).
   */
  @Test
  void aPlayedGameIsWaitedForEvenOnceItsTeamsHavePlayedSince() throws Exception {
    List<Timeline.Data> all = TestData.timeline(TestData.slice(),
        List.of(SourceKind.SCHEDULE, SourceKind.GAME_LINES, SourceKind.BOX_SCORES, SourceKind.SHOTS), List.of("2023-24"));
    PlayerBoxScore starter = all.stream().map(Timeline.Data::value)
        .filter(v -> v instanceof PlayerBoxScore b && b.getGameDate().equals(OPENING)).map(v -> (PlayerBoxScore) v)
        .max(Comparator.comparingDouble(PlayerBoxScore::getMin)).orElseThrow();
    // The night by which both teams of the starter's game have played again.
    LocalDate until = OPENING;
    for (String team : List.of(starter.getTeamAbbr(), starter.getOppAbbr())) {
      LocalDate next = all.stream().map(Timeline.Data::value)
          .filter(v -> v instanceof PlayerBoxScore b && b.getTeamAbbr().equals(team) && b.getGameDate().isAfter(OPENING))
          .map(v -> ((PlayerBoxScore) v).getGameDate()).min(Comparator.naturalOrder()).orElseThrow();
      until = next.isAfter(until) ? next : until;
    }
    LocalDate last = until;
    Timeline.Data held = all.stream().filter(d -> d.value() == starter).findFirst().orElseThrow();
    List<Timeline.Data> records = all.stream().filter(d -> d != held)
        .filter(d -> !(d.value() instanceof PlayerBoxScore b) || !b.getGameDate().isAfter(last)).toList();
    try (TopologyHarness h = new TopologyHarness(Files.createTempDirectory("season-hold"), Map.of(), SETTLE)) {
      h.pipeHeld(records).advance(Duration.ofSeconds(15));
      assertThat(h.offense().values()).as("both teams' later games are complete")
          .anySatisfy(o -> assertThat(o.getTeamAbbr()).isEqualTo(starter.getTeamAbbr()))
          .anySatisfy(o -> assertThat(o.getTeamAbbr()).isEqualTo(starter.getOppAbbr()));
      assertThat(datedAfterOpening(h)).as("the opening game was played: its late result is waited for").isZero();

      h.pipeHeld(List.of(held)).advance(Duration.ofSeconds(14));
      assertThat(datedAfterOpening(h)).isPositive();
      h.advance(Duration.ofSeconds(60));
      assertThat(h.emits(TABLE)).as("every context sent once").isEqualTo(rows(h).size());
    }
  }

  /**
   * A game's team rows can be complete before all its players' appearances are in (they come with the player-game
   * stage's summaries, which wait for the players' shots): the expected players of the dates after it are built
   * from those appearances, so the dates wait for them too. Here one opening-night starter's shots are held back:
   * his summary, so his appearance, waits for them, while his game's team rows are built from the box scores.
   */
  @Test
  void aDateWaitsForTheAppearancesOfTheGamesBeforeIt() throws Exception {
    List<Timeline.Data> all = TestData.timeline(TestData.slice(),
        List.of(SourceKind.SCHEDULE, SourceKind.GAME_LINES, SourceKind.BOX_SCORES, SourceKind.SHOTS), List.of("2023-24"))
        .stream().filter(d -> !(d.value() instanceof PlayerBoxScore b) || !b.getGameDate().isAfter(NEXT)).toList();
    PlayerBoxScore shooter = all.stream().map(Timeline.Data::value)
        .filter(v -> v instanceof PlayerBoxScore b && b.getGameDate().equals(OPENING)).map(v -> (PlayerBoxScore) v)
        .max(Comparator.comparingDouble(b -> b.getFga())).orElseThrow();
    java.util.function.Predicate<Timeline.Data> hisShot = d -> d.value() instanceof dev.nbaprops.avro.raw.Shot s
        && s.getPlayerId() == shooter.getPlayerId() && s.getGameId().equals(shooter.getGameId());
    List<Timeline.Data> held = all.stream().filter(hisShot).toList();
    assertThat(held).isNotEmpty();
    try (TopologyHarness h = new TopologyHarness(Files.createTempDirectory("season-hold"), Map.of(), SETTLE)) {
      h.pipeHeld(all.stream().filter(hisShot.negate()).toList()).advance(Duration.ofSeconds(15));
      assertThat(h.offense().values()).as("his game's team rows are built from the box scores")
          .anySatisfy(o -> assertThat(o.getGameId()).isEqualTo(shooter.getGameId()));
      assertThat(datedAfterOpening(h)).as("his appearance is still on its way: night 2 waits").isZero();

      h.pipeHeld(held).advance(Duration.ofSeconds(14));
      assertThat(datedAfterOpening(h)).isPositive();
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
      // the game stage holds the game's team rows for its missing line up to 5 x settle (50 s), then sends them;
      // the season's inputs are quiet 2 x settle + 1 s after that
      h.advance(Duration.ofSeconds(60));
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
      // the drain released the game stage's held team rows (the game with the missing line) at the same moment:
      // the dates wait for a drain check that has seen them processed (one more than the send margin later)
      h.advance(Duration.ofSeconds(2)).inputsDrained().advance(Duration.ofSeconds(2));
      assertThat(datedAfterOpening(h)).as("sent at the next drain check, not after 2 x settle of quiet").isPositive();
    }
  }

  /**
   * The stages before this one still hold work (here: a player-game stage's summaries, as in a season without shots,
   * held for 5 x settle): neither the drain nor a quiet window sends every date until that work is settled, as of a
   * drain check after it last ran; what it sends (appearances) would change the dates' rows.
   */
  @Test
  void noDateIsSentAtTheDrainOrAfterQuietWhileTheStagesBeforeItHoldWork() throws Exception {
    List<Timeline.Data> records = firstNights(new java.util.ArrayList<>());
    try (TopologyHarness h = new TopologyHarness(Files.createTempDirectory("season-hold"), Map.of(), SETTLE)) {
      h.pipeHeld(records).advance(Duration.ofSeconds(15));
      assertThat(datedAfterOpening(h)).isZero();
      h.pendingWork().dirty("9_9/player-games");
      h.inputsDrained().advance(Duration.ofSeconds(2));
      assertThat(datedAfterOpening(h)).as("drained, but summaries are still held upstream").isZero();
      h.advance(Duration.ofSeconds(25));
      assertThat(datedAfterOpening(h)).as("quiet for more than 2 x settle + 1 s, summaries still held").isZero();
      h.pendingWork().done("9_9/player-games", 0L);
      h.inputsDrained().advance(Duration.ofSeconds(2));
      assertThat(datedAfterOpening(h)).as("sent once a drain check finds the upstream work settled").isPositive();
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
