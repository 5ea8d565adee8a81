package dev.nbaprops.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nbaprops.avro.analytics.PlayerGameSummary;
import dev.nbaprops.avro.analytics.TeamDefenseGameSummary;
import dev.nbaprops.avro.analytics.TeamOffenseGameSummary;
import dev.nbaprops.avro.precompute.PlayerDailyCache;
import dev.nbaprops.testing.EmbeddedRun;
import dev.nbaprops.testing.ReferenceSql;
import dev.nbaprops.testing.TestData;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every derived table of one replay of the three full real seasons in ../shared (every source) on the real app
 * (embedded broker, RocksDB, exactly-once) against the independent DuckDB SQL of each table: every row, every
 * pinned field, equal row counts. Skipped, with a message, when ../shared/data/nba is not beside the project.
 */
class FullSeasonParityTest {
  static final List<String> SEASONS = List.of("2021-22", "2022-23", "2023-24");
  static Path data;
  static Map<String, Map<String, SpecificRecord>> tables;

  @BeforeAll
  static void replay() {
    assumeTrue(TestData.shared().isPresent(), "../shared/data/nba is not beside the project; full-season parity skipped");
    data = TestData.shared().get();
    tables = EmbeddedRun.replayOf(data, SEASONS);
  }

  @SuppressWarnings("unchecked")
  static <V extends SpecificRecord> Map<String, V> table(String name) {
    return (Map<String, V>) (Map<String, ?>) tables.get(name);
  }

  @Test
  void playerDailyCache() throws Exception {
    Map<String, Map<String, Object>> ref = ReferenceSql.playerDailyCache(PrecomputeParityTest.boxFiles(data, SEASONS));
    assertThat(ref).hasSize(27_930 + 27_623 + 26_614);
    PlayerDailyCacheParityTest.assertParity(table("nba_precompute.player_daily_cache"), ref);
  }

  @Test
  void teamGameSummaries() throws Exception {
    List<Path> box = PrecomputeParityTest.boxFiles(data, SEASONS);
    Map<String, TeamOffenseGameSummary> offense = table("nba_analytics.team_offense_game_summary");
    assertThat(offense).hasSize(2 * (1317 + 1314 + 1241));
    TeamGameSummaryParityTest.assertParity(offense, ReferenceSql.teamGameSummary(box, false));
    Map<String, TeamDefenseGameSummary> defense = table("nba_analytics.team_defense_game_summary");
    TeamGameSummaryParityTest.assertParity(defense, ReferenceSql.teamGameSummary(box, true));
  }

  /**
   * pra_line / pra_result on every player_game_summary row equal the independent reference (raw props file with
   * its ground-truth ids, start = tipoff_utc + 15 min); and the line is on at least 99% of the played pairs that
   * have a real line, on player_game_summary, upcoming_player_game_context and ml_feature_store alike.
   */
  @Test
  void praLinesOnEveryTable() throws Exception {
    Map<String, Object[]> ref = PraLineParityTest.reference(data, PrecomputeParityTest.boxFiles(data, SEASONS));
    Map<String, PlayerGameSummary> summaries = table("nba_analytics.player_game_summary");
    assertThat(summaries.keySet()).isEqualTo(ref.keySet());
    long withLine = 0;
    for (var e : summaries.entrySet()) {
      Object[] r = ref.get(e.getKey());
      Double line = r[0] == null ? null : ((Number) r[0]).doubleValue();
      assertThat(e.getValue().getPraLine()).as(e.getKey()).isEqualTo(line);
      assertThat(e.getValue().getPraResult()).as(e.getKey()).isEqualTo(r[1]);
      withLine += Objects.isNull(line) ? 0 : 1;
    }
    assertThat(withLine).isGreaterThan(4500);
    PraLineParityTest.assertLinesOnEveryTable(ref, summaries, table("nba_analytics.upcoming_player_game_context"),
        table("nba_precompute.ml_feature_store"), 0.99);
  }

  /** Every column of every row of the player, zone and feature tables against the independent references. */
  @Test
  void everyColumnOfThePlayerTables() throws Exception {
    PlayerTablesColumnParityTest.check(tables, data, SEASONS);
  }

  @Test
  void everyColumnOfTheZoneTables() throws Exception {
    ZoneTablesColumnParityTest.check(tables, data, SEASONS);
  }

  @Test
  void everyColumnOfTheContextTables() throws Exception {
    ContextTablesColumnParityTest.check(tables, data, SEASONS);
  }

  @Test
  void everyColumnOfTheFeatureTables() throws Exception {
    FeatureTablesColumnParityTest.check(tables, data, SEASONS);
  }

  @Test
  void precomputeTables() throws Exception {
    PrecomputeParityTest.check(tables, data, SEASONS, 80_000);
  }

  @Test
  void upcomingContexts(@TempDir Path tmp) throws Exception {
    UpcomingContextParityTest.check(tables, data, SEASONS, tmp, 70_000, 2000);
  }
}
