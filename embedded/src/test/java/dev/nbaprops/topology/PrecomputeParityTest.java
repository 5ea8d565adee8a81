package dev.nbaprops.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nbaprops.avro.precompute.MlFeatureStore;
import dev.nbaprops.avro.precompute.PlayerShotZoneAnalysis;
import dev.nbaprops.avro.precompute.TeamDefenseZoneAnalysis;
import dev.nbaprops.source.SourceKind;
import dev.nbaprops.testing.Parity;
import dev.nbaprops.testing.ReferenceSql;
import dev.nbaprops.testing.EmbeddedRun;
import dev.nbaprops.testing.TestData;
import dev.nbaprops.testing.TopologyHarness;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/**
 * The precompute tables from the real topology, fed every source of two real seasons in replay order, against
 * independent DuckDB SQL over the same CSV files: every row, every pinned metric (exact for counts, 1e-9 for
 * ratios), equal row counts. Shots exist for 2022-23 and 2023-24, so these are the two seasons.
 */
class PrecomputeParityTest {
  static final List<String> SEASONS = List.of("2022-23", "2023-24");
  static final List<String> PLAYER_ZONES = List.of("season", "games_in_window", "paint_rate_last_10",
      "mid_range_rate_last_10", "three_rate_last_10", "paint_fg_pct_last_10", "mid_range_fg_pct_last_10",
      "three_fg_pct_last_10", "shot_games_in_window", "quality_score");
  static final List<String> TEAM_ZONES = List.of("season", "games_in_window", "opp_paint_fg_pct_last_15",
      "opp_mid_range_fg_pct_last_15", "opp_three_fg_pct_last_15", "league_paint_fg_pct", "league_mid_range_fg_pct",
      "league_three_fg_pct", "paint_vs_league", "mid_range_vs_league", "three_vs_league", "quality_score");

  static void assertParity(String table, Map<String, ? extends SpecificRecord> stream,
                           Map<String, Map<String, Object>> reference, List<String> columns) {
    java.util.Set<String> missing = new java.util.TreeSet<>(reference.keySet());
    missing.removeAll(stream.keySet());
    java.util.Set<String> extra = new java.util.TreeSet<>(stream.keySet());
    extra.removeAll(reference.keySet());
    assertThat(missing).as(table + ": rows of the batch computation the stream lacks (of " + reference.size() + ")")
        .isEmpty();
    assertThat(extra.stream().limit(10).map(k -> k + "=" + stream.get(k)).toList())
        .as(table + ": rows the stream has and the batch computation does not (" + extra.size() + ")").isEmpty();
    List<String> mismatches = new ArrayList<>();
    stream.forEach((k, row) -> mismatches.addAll(Parity.compare(k, row, reference.get(k), columns)));
    assertThat(mismatches).as(table + " pinned metric mismatches").isEmpty();
  }

  static List<Path> boxFiles(Path data, List<String> seasons) {
    return seasons.stream().map(s -> data.resolve("box_scores/player_box_" + s + ".csv.gz")).toList();
  }

  static List<Path> shotFiles(Path data, List<String> seasons) {
    return seasons.stream().map(s -> data.resolve("shots/shots_" + s + "_regular.csv.gz"))
        .filter(java.nio.file.Files::exists).toList();
  }

  /** Checks the precompute tables of a replay of every source of {@code seasons} of {@code data}. */
  static void check(Map<String, Map<String, SpecificRecord>> tables, Path data, List<String> seasons,
                    int minPlayerRows) throws Exception {
    List<Path> box = boxFiles(data, seasons);
    List<Path> shots = shotFiles(data, seasons);
    Path schedule = data.resolve("schedule/games_2021-22_to_2023-24.csv.gz");
    {
      TablesView h = new TablesView(tables);

      Map<String, PlayerShotZoneAnalysis> playerZones = h.table("nba_precompute.player_shot_zone_analysis");
      Map<String, Map<String, Object>> refPlayer = ReferenceSql.playerShotZones(box, shots);
      assertThat(refPlayer).hasSizeGreaterThan(minPlayerRows);
      assertParity("player_shot_zone_analysis", playerZones, refPlayer, PLAYER_ZONES);

      Map<String, TeamDefenseZoneAnalysis> teamZones = h.table("nba_precompute.team_defense_zone_analysis");
      assertParity("team_defense_zone_analysis", teamZones, ReferenceSql.teamDefenseZones(box, shots, schedule),
          TEAM_ZONES);

      // The feature store carries the pinned player metrics of player_daily_cache for the same keys.
      Map<String, MlFeatureStore> features = h.table("nba_precompute.ml_feature_store");
      List<String> pinned = new ArrayList<>(TopologyHarness.PINNED);
      pinned.remove("quality_score"); // the feature row's quality also counts the team windows
      assertParity("ml_feature_store", features, ReferenceSql.playerDailyCache(box), pinned);
      assertThat(h.table("nba_precompute.player_composite_factors").keySet()).isEqualTo(features.keySet());
      assertThat(features.values()).allSatisfy(f -> {
        assertThat(f.getFeatureVersion()).isEqualTo("v1");
        assertThat(f.getQualityScore()).isBetween(0.0, 1.0);
      });
      // A mid-season row has the opponent's context, a shot profile and the composites.
      assertThat(features.values().stream().filter(f -> f.getHasOppContext() && f.getHasShotProfile()
          && f.getShotZoneMismatchScore() != null && f.getPaceScore() != null && !f.getIsBootstrap()).count())
          .isGreaterThan(minPlayerRows / 2);
    }
  }

  /** Typed access to a replay's tables. */
  record TablesView(Map<String, Map<String, SpecificRecord>> tables) {
    @SuppressWarnings("unchecked")
    <V extends SpecificRecord> Map<String, V> table(String name) {
      return (Map<String, V>) (Map<String, ?>) tables.get(name);
    }
  }

  @Test
  void bundledSliceMatchesBatchSql() throws Exception {
    check(EmbeddedRun.replayOf(TestData.slice(), SEASONS), TestData.slice(), SEASONS, 8000);
  }
}
