package dev.nbaprops.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nbaprops.avro.analytics.PlayerGameSummary;
import dev.nbaprops.avro.precompute.MlFeatureStore;
import dev.nbaprops.avro.precompute.PlayerDailyCache;
import dev.nbaprops.avro.precompute.TeamDefenseZoneAnalysis;
import dev.nbaprops.config.AppConfig;
import dev.nbaprops.testing.EmbeddedRun;
import dev.nbaprops.testing.ReferenceSql;
import dev.nbaprops.testing.TestData;
import dev.nbaprops.testing.TopologyHarness;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/**
 * The oldest season of ../shared (2021-22: regular season and playoffs, no shots, no prop lines) replayed end to end
 * on the real app (embedded broker, two partitions, RocksDB, exactly-once) with the default settings, which name no
 * season: its first game date comes from its schedule. Nothing is dropped, and player_daily_cache (every pinned
 * metric, is_bootstrap included) and the pinned metrics of ml_feature_store equal the DuckDB SQL, whose first date
 * is the season's earliest box-score date; the team rows are bootstrap exactly the first week. (No season older
 * than 2021-22 can be built here: the sources the data README names are not available offline.)
 *
 * <p>The replay is the one {@link FullSeasonParityTest} checks (all three seasons of ../shared, in event-time order,
 * the same default settings; {@link EmbeddedRun#replayOf} runs it once per test JVM), read for the rows of 2021-22:
 * the oldest season comes first in it, so up to its last game it is processed as a replay of it alone, and its
 * first date still comes only from its schedule. A second replay of 2021-22 alone took about 60 s of the suite.
 */
class OldestSeasonWithoutSettingTest {
  static final List<String> SEASONS = List.of("2021-22");

  @Test
  void replayOf2021_22WithNoSeasonSettingMatchesTheBatchSql() throws Exception {
    assumeTrue(TestData.shared().isPresent(), "../shared/data/nba is not beside the project; skipped");
    assertThat(AppConfig.defaults().seasonStarts()).isEmpty();
    Path data = TestData.shared().get();
    Map<String, Map<String, SpecificRecord>> tables =
        ofSeason(EmbeddedRun.replayOf(data, FullSeasonParityTest.SEASONS), SEASONS.get(0));
    List<Path> box = PrecomputeParityTest.boxFiles(data, SEASONS);

    assertThat(tables.get("nba_analytics.player_game_summary")).hasSize(27_930);
    // every 2021-22 row dated within that season (from its first game, 2021-10-19, to the end of its finals)
    assertThat(tables.get("nba_analytics.player_game_summary").values())
        .allMatch(s -> !((PlayerGameSummary) s).getGameDate().isBefore(LocalDate.of(2021, 10, 19))
            && ((PlayerGameSummary) s).getGameDate().isBefore(LocalDate.of(2022, 7, 1)));

    @SuppressWarnings("unchecked")
    Map<String, PlayerDailyCache> daily = (Map<String, PlayerDailyCache>) (Map<String, ?>)
        tables.get("nba_precompute.player_daily_cache");
    Map<String, Map<String, Object>> ref = ReferenceSql.playerDailyCache(box);
    assertThat(ref).hasSize(27_930);
    PlayerDailyCacheParityTest.assertParity(daily, ref);
    assertThat(daily.values()).anyMatch(PlayerDailyCache::getIsBootstrap).anyMatch(r -> !r.getIsBootstrap());

    @SuppressWarnings("unchecked")
    Map<String, MlFeatureStore> features = (Map<String, MlFeatureStore>) (Map<String, ?>)
        tables.get("nba_precompute.ml_feature_store");
    List<String> pinned = new ArrayList<>(TopologyHarness.PINNED);
    pinned.remove("quality_score"); // the feature row's quality also counts the team windows
    assertThat(features.keySet()).isEqualTo(ref.keySet());
    List<String> mismatches = new ArrayList<>();
    features.forEach((k, row) -> mismatches.addAll(dev.nbaprops.testing.Parity.compare(k, row, ref.get(k), pinned)));
    assertThat(mismatches).isEmpty();

    LocalDate firstWeekEnd = LocalDate.of(2021, 10, 19).plusDays(7);
    assertThat(tables.get("nba_precompute.team_defense_zone_analysis").values()).isNotEmpty()
        .allSatisfy(v -> {
          TeamDefenseZoneAnalysis r = (TeamDefenseZoneAnalysis) v;
          assertThat(r.getIsBootstrap()).as(r.getTeamAbbr() + "|" + r.getAnalysisDate())
              .isEqualTo(r.getAnalysisDate().isBefore(firstWeekEnd));
        });
  }

  /** The rows of one season of every table (every derived row carries its season). */
  static Map<String, Map<String, SpecificRecord>> ofSeason(Map<String, Map<String, SpecificRecord>> tables,
      String season) {
    Map<String, Map<String, SpecificRecord>> out = new TreeMap<>();
    tables.forEach((table, rows) -> {
      Map<String, SpecificRecord> kept = new HashMap<>();
      rows.forEach((k, v) -> {
        org.apache.avro.Schema.Field f = v.getSchema().getField("season");
        if (f == null) {
          throw new IllegalStateException(table + " has no season field");
        }
        if (season.equals(String.valueOf(v.get(f.pos())))) {
          kept.put(k, v);
        }
      });
      out.put(table, kept);
    });
    return out;
  }
}
