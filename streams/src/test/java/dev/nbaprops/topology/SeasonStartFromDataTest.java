package dev.nbaprops.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nbaprops.avro.precompute.PlayerDailyCache;
import dev.nbaprops.avro.precompute.TeamDefenseZoneAnalysis;
import dev.nbaprops.avro.raw.GameLine;
import dev.nbaprops.avro.raw.PlayerBoxScore;
import dev.nbaprops.avro.raw.ScheduleGame;
import dev.nbaprops.avro.state.SeasonStart;
import dev.nbaprops.config.AppConfig;
import dev.nbaprops.replay.Timeline;
import dev.nbaprops.source.SourceKind;
import dev.nbaprops.testing.SyntheticSeason;
import dev.nbaprops.testing.TestData;
import dev.nbaprops.testing.TopologyHarness;
import dev.nbaprops.topology.season.SeasonStartStage;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A season's first game date comes from the data, for a season no setting names: the <b>synthetic</b> season
 * 2031-32 ({@link SyntheticSeason}: the real first weeks of 2023-24 moved to game ids 00231… and dates 8 years
 * later). Its rows equal those of a run where the setting names it; a box score that arrives before any schedule
 * entry of its season is processed (never dropped) and corrected when the schedule comes; a late opener that moves
 * the first date earlier recomputes is_bootstrap.
 */
class SeasonStartFromDataTest {
  static final String DAILY = "nba_precompute.player_daily_cache";
  static final String TEAM_ZONES = "nba_precompute.team_defense_zone_analysis";
  static final LocalDate OPENER = SyntheticSeason.OPENER;
  static final LocalDate LAST = OPENER.plusDays(13);

  @TempDir
  static Path tmp;
  static List<Timeline.Data> timeline;

  @BeforeAll
  static void synthesize() {
    Path data = SyntheticSeason.write(TestData.slice(), tmp.resolve("synthetic"), false);
    timeline = TestData.timeline(data, List.of(SourceKind.SCHEDULE, SourceKind.GAME_LINES, SourceKind.BOX_SCORES),
        List.of(SyntheticSeason.SEASON), OPENER, LAST);
  }

  static LocalDate dateOf(SpecificRecord v) {
    if (v instanceof ScheduleGame g) {
      return g.getGameDate();
    } else if (v instanceof PlayerBoxScore b) {
      return b.getGameDate();
    } else if (v instanceof GameLine l) {
      return l.getGameDate();
    }
    throw new IllegalArgumentException(v.getClass().getName());
  }

  static SeasonStart start(TopologyHarness h) {
    return (SeasonStart) h.driver().getKeyValueStore(SeasonStartStage.STORE).get(SyntheticSeason.SEASON);
  }

  static Map<String, Map<String, SpecificRecord>> copy(TopologyHarness h) {
    Map<String, Map<String, SpecificRecord>> out = new HashMap<>();
    h.tables().forEach((t, rows) -> out.put(t, Map.copyOf(rows)));
    return out;
  }

  @Test
  void aSeasonInNoSettingGivesTheSameRowsAsAConfiguredOne() {
    assertThat(AppConfig.defaults().seasonStarts()).as("no season is configured by default").isEmpty();
    long boxScores = timeline.stream().filter(d -> d.value() instanceof PlayerBoxScore).count();
    assertThat(timeline).allMatch(d -> !(d.value() instanceof PlayerBoxScore b) || b.getGameId().startsWith("00231"));
    try (TopologyHarness fromData = TopologyHarness.create();
         TopologyHarness configured = TopologyHarness.create(SyntheticSeason.setting())) {
      fromData.pipeTimeline(timeline);
      configured.pipeTimeline(timeline);
      assertThat(start(fromData)).isEqualTo(SeasonStart.newBuilder().setSeason(SyntheticSeason.SEASON)
          .setFirstGameDate(OPENER).setSource(SeasonStartStage.SCHEDULE).setPreviousFirstGameDate(null).build());
      assertThat(start(configured).getSource()).isEqualTo(SeasonStartStage.SETTING);

      assertThat(fromData.summaries()).hasSize((int) boxScores);
      Map<String, PlayerDailyCache> daily = fromData.dailyCache();
      assertThat(daily).hasSize((int) boxScores); // one row per player and date with a game
      daily.values().forEach(r -> assertThat(r.getIsBootstrap()).as(r.getPlayerId() + "|" + r.getCacheDate())
          .isEqualTo(r.getCacheDate().isBefore(OPENER.plusDays(7))));
      assertThat(daily.values()).anyMatch(PlayerDailyCache::getIsBootstrap).anyMatch(r -> !r.getIsBootstrap());
      Map<String, TeamDefenseZoneAnalysis> zones = fromData.table(TEAM_ZONES);
      assertThat(zones).isNotEmpty();
      zones.values().forEach(r -> assertThat(r.getIsBootstrap()).isEqualTo(r.getAnalysisDate().isBefore(OPENER.plusDays(7))));
      for (String table : configured.tables().keySet()) {
        assertThat(fromData.tables().get(table)).as(table).isEqualTo(configured.tables().get(table));
      }
    }
  }

  @Test
  void aBoxScoreBeforeAnyScheduleEntryOfItsSeasonIsProcessedAndCorrected() {
    LocalDate second = OPENER.plusDays(1);
    List<Timeline.Data> early = timeline.stream().filter(d -> d.value() instanceof PlayerBoxScore
        && !dateOf(d.value()).isBefore(second) && !dateOf(d.value()).isAfter(OPENER.plusDays(7))).toList();
    try (TopologyHarness inOrder = TopologyHarness.create(); TopologyHarness h = TopologyHarness.create()) {
      inOrder.pipeTimeline(timeline);
      h.pipeTimeline(early);
      // Nothing dropped: every early box score has its summary and its daily-cache row, with a provisional start.
      assertThat(h.summaries()).hasSize(early.size());
      assertThat(h.dailyCache()).hasSize(early.size());
      assertThat(start(h).getSource()).isEqualTo(SeasonStartStage.OBSERVED);
      assertThat(start(h).getFirstGameDate()).isEqualTo(second);
      PlayerDailyCache provisional = h.dailyCache().values().stream()
          .filter(r -> r.getCacheDate().equals(OPENER.plusDays(7))).findFirst().orElseThrow();
      assertThat(provisional.getIsBootstrap()).as("first date the second night, for now").isTrue();

      h.pipeTimeline(timeline); // the schedule and the opener arrive (the early box scores again: no-ops)
      assertThat(start(h).getSource()).isEqualTo(SeasonStartStage.SCHEDULE);
      assertThat(start(h).getFirstGameDate()).isEqualTo(OPENER);
      String key = provisional.getPlayerId() + "|" + provisional.getCacheDate();
      assertThat(h.dailyCache().get(key).getIsBootstrap()).isFalse();
      for (String table : inOrder.tables().keySet()) {
        assertThat(h.tables().get(table)).as(table).isEqualTo(inOrder.tables().get(table));
      }
    }
  }

  @Test
  void aLateOpenerThatMovesTheFirstDateEarlierRecomputesIsBootstrap() {
    List<Timeline.Data> withoutOpener = timeline.stream().filter(d -> !dateOf(d.value()).equals(OPENER)).toList();
    List<Timeline.Data> opener = timeline.stream().filter(d -> dateOf(d.value()).equals(OPENER)).toList();
    assertThat(opener).anyMatch(d -> d.value() instanceof ScheduleGame).anyMatch(d -> d.value() instanceof PlayerBoxScore);
    try (TopologyHarness inOrder = TopologyHarness.create(); TopologyHarness h = TopologyHarness.create()) {
      inOrder.pipeTimeline(timeline);
      h.pipeTimeline(withoutOpener);
      assertThat(start(h).getFirstGameDate()).isEqualTo(OPENER.plusDays(1));
      Map<String, Map<String, SpecificRecord>> before = copy(h);

      h.pipeTimeline(opener);
      assertThat(start(h).getFirstGameDate()).isEqualTo(OPENER);
      assertThat(start(h).getPreviousFirstGameDate()).isEqualTo(OPENER.plusDays(1));
      for (String table : inOrder.tables().keySet()) {
        assertThat(h.tables().get(table)).as(table).isEqualTo(inOrder.tables().get(table));
      }
      // The rows dated the 8th day flipped out of bootstrap, in the player and the team tables.
      LocalDate eighth = OPENER.plusDays(7);
      long flipped = before.get(DAILY).values().stream().map(v -> (PlayerDailyCache) v)
          .filter(r -> r.getCacheDate().equals(eighth)).filter(PlayerDailyCache::getIsBootstrap)
          .filter(r -> !((PlayerDailyCache) h.tables().get(DAILY).get(r.getPlayerId() + "|" + eighth)).getIsBootstrap())
          .count();
      assertThat(flipped).isPositive();
      assertThat(before.get(TEAM_ZONES).values()).map(v -> (TeamDefenseZoneAnalysis) v)
          .filteredOn(r -> r.getAnalysisDate().equals(eighth)).isNotEmpty().allMatch(TeamDefenseZoneAnalysis::getIsBootstrap);
      assertThat(h.<TeamDefenseZoneAnalysis>table(TEAM_ZONES).values())
          .filteredOn(r -> r.getAnalysisDate().equals(eighth)).isNotEmpty().noneMatch(TeamDefenseZoneAnalysis::getIsBootstrap);
    }
  }
}
