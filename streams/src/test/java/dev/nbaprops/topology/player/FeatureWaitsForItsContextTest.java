package dev.nbaprops.topology.player;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nbaprops.avro.precompute.MlFeatureStore;
import dev.nbaprops.avro.raw.PlayerBoxScore;
import dev.nbaprops.avro.raw.ScheduleGame;
import dev.nbaprops.replay.Timeline;
import dev.nbaprops.source.SourceKind;
import dev.nbaprops.testing.TestData;
import dev.nbaprops.testing.TopologyHarness;
import java.nio.file.Files;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * With a settle time (the backfill profile), a feature row waits for its opponent's context of the date up to
 * {@link PlayerFeatureStage#CONTEXT_HOLD_SETTLES} x settle, as long as the season stage may wait for a late result
 * before it sends that context. With 5 x settle (what the other stages hold), one season's rows were mostly joined
 * before their context came and joined again when it did: 1.8-1.9 versions of every feature and composite row
 * (bench/RESULTS.md, the churn report). Real rows: the first two nights of 2023-24 in the bundled slice, their
 * schedule held back (no schedule, no team context).
 */
class FeatureWaitsForItsContextTest {
  static final Duration SETTLE = Duration.ofSeconds(10);
  static final LocalDate FIRST = LocalDate.of(2023, 10, 24);
  static final String TABLE = "nba_precompute.ml_feature_store";

  /**
   * The schedule, or the box scores of the nights from {@code from} to {@code to} (with the season's game lines and
   * shots when {@code from} is the first night).
   */
  private static List<Timeline.Data> nights(LocalDate from, LocalDate to, boolean schedule) {
    return TestData.timeline(TestData.slice(),
        List.of(SourceKind.SCHEDULE, SourceKind.GAME_LINES, SourceKind.BOX_SCORES, SourceKind.SHOTS), List.of("2023-24"))
        .stream()
        .filter(d -> !(d.value() instanceof PlayerBoxScore b) || (!b.getGameDate().isBefore(from) && !b.getGameDate().isAfter(to)))
        .filter(d -> schedule ? d.value() instanceof ScheduleGame
            : !(d.value() instanceof ScheduleGame) && (d.value() instanceof PlayerBoxScore || from.equals(FIRST)))
        .toList();
  }

  private static Map<String, MlFeatureStore> rows(TopologyHarness h) {
    return h.table(TABLE);
  }

  @Test
  void aRowWaitsLongerThanFiveSettleTimesForItsContextAndIsSentOnceWithIt() throws Exception {
    try (TopologyHarness h = new TopologyHarness(Files.createTempDirectory("feature-wait"), Map.of(), SETTLE)) {
      h.pipeHeld(nights(FIRST, FIRST.plusDays(1), false)).advance(SETTLE);
      // Eight more nights' box scores, one every settle time: the stage's inputs keep coming (a backfill).
      for (int night = 2; night < 10; night++) {
        h.pipeHeld(nights(FIRST.plusDays(night), FIRST.plusDays(night), false)).advance(SETTLE);
      }
      assertThat(h.dailyCache()).as("the player side is done").isNotEmpty();
      assertThat(rows(h)).as("no opponent context yet: the rows wait, past 5 x settle").isEmpty();

      h.pipeHeld(nights(FIRST, FIRST, true)).advance(SETTLE.multipliedBy(4));
      assertThat(rows(h)).as("every player's row").hasSize(h.dailyCache().size());
      assertThat(rows(h).values()).allSatisfy(r -> assertThat(r.getHasOppContext()).isTrue());
      assertThat(h.emits(TABLE)).as("each row sent once, with its context").isEqualTo(rows(h).size());
    }
  }

  /** A context that never comes: the rows are sent without it once the stage's inputs have been quiet for 5 x settle. */
  @Test
  void aContextThatNeverComesIsNotWaitedForOnceTheInputsAreQuiet() throws Exception {
    try (TopologyHarness h = new TopologyHarness(Files.createTempDirectory("feature-wait"), Map.of(), SETTLE)) {
      h.pipeHeld(nights(FIRST, FIRST.plusDays(1), false)).advance(SETTLE.multipliedBy(4));
      assertThat(rows(h)).isEmpty();
      h.advance(SETTLE.multipliedBy(4));
      assertThat(rows(h)).as("sent without the context").hasSize(h.dailyCache().size());
      assertThat(rows(h).values()).allSatisfy(r -> assertThat(r.getHasOppContext()).isFalse());
    }
  }
}
