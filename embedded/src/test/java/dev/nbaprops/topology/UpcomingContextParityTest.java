package dev.nbaprops.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nbaprops.avro.analytics.UpcomingPlayerGameContext;
import dev.nbaprops.avro.analytics.UpcomingTeamGameContext;
import dev.nbaprops.avro.raw.PropLine;
import dev.nbaprops.replay.Timeline;
import dev.nbaprops.source.SourceKind;
import dev.nbaprops.testing.Parity;
import dev.nbaprops.testing.ReferenceSql;
import dev.nbaprops.testing.EmbeddedRun;
import dev.nbaprops.testing.TestData;
import org.apache.avro.specific.SpecificRecord;
import dev.nbaprops.testing.TopologyHarness;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pre-game contexts from the real topology (every source of two real seasons, replay order) against
 * independent DuckDB SQL: upcoming_team_game_context (rest, games in 7 days, spread, total, rolling pace and
 * ratings) and upcoming_player_game_context (who is expected, rest, and the consensus PRA line) for every row.
 */
class UpcomingContextParityTest {
  static final List<String> TEAM = List.of("season", "opp_abbr", "home", "days_rest", "back_to_back",
      "games_last_7_days", "spread", "total", "games_played_season", "games_in_window_last_10", "pace_last_10",
      "pace_season", "off_rating_last_10", "def_rating_last_10", "off_rating_season", "def_rating_season",
      "opp_pace_last_10");
  static final List<String> PLAYER = List.of("season", "team_abbr", "opp_abbr", "home", "days_rest", "back_to_back",
      "games_last_7_days");

  static void check(Map<String, Map<String, SpecificRecord>> tables, Path data, List<String> seasons, Path tmp,
                    int minPlayerRows, int minLines) throws Exception {
    List<Path> box = PrecomputeParityTest.boxFiles(data, seasons);
    Path schedule = data.resolve("schedule/games_2021-22_to_2023-24.csv.gz");
    Path lines = data.resolve("odds/game_lines_2021-22_to_2023-24.csv.gz");
    {
      PrecomputeParityTest.TablesView h = new PrecomputeParityTest.TablesView(tables);
      Map<String, UpcomingTeamGameContext> teams = h.table("nba_analytics.upcoming_team_game_context");
      Map<String, Map<String, Object>> refTeams = ReferenceSql.upcomingTeamContext(box, schedule, lines);
      PrecomputeParityTest.assertParity("upcoming_team_game_context", teams, refTeams, TEAM);
      assertThat(teams.values().stream().filter(t -> t.getSpread() != null && t.getPaceLast10() != null).count())
          .isGreaterThan(refTeams.size() / 2);

      Map<String, UpcomingPlayerGameContext> players = h.table("nba_analytics.upcoming_player_game_context");
      Map<String, Map<String, Object>> refPlayers = ReferenceSql.expectedPlayers(box, schedule);
      assertThat(refPlayers).hasSizeGreaterThan(minPlayerRows);
      PrecomputeParityTest.assertParity("upcoming_player_game_context", players, refPlayers, PLAYER);

      // The consensus line: docs/contract.md's definition in SQL (PraLineParityTest) for every pair that played.
      Map<String, Object[]> refLines = PraLineParityTest.reference(data, box);
      List<String> mismatches = new ArrayList<>();
      int compared = 0;
      for (var e : players.entrySet()) {
        Object[] r = refLines.get(e.getKey());
        if (r == null) {
          continue; // expected but did not play: no box score to anchor the SQL's pairs
        }
        Double ref = r[0] == null ? null : ((Number) r[0]).doubleValue();
        if (!java.util.Objects.equals(ref, e.getValue().getConsensusLine())) {
          mismatches.add(e.getKey() + ": stream " + e.getValue().getConsensusLine() + " sql " + ref);
        }
        compared += ref == null ? 0 : 1;
        if (e.getValue().getConsensusLine() != null) {
          assertThat(e.getValue().getLineSource()).isEqualTo("ODDS_API");
          assertThat(e.getValue().getBookmakerCount()).isPositive();
          assertThat(e.getValue().getLineMovement()).isCloseTo(
              e.getValue().getConsensusLine() - e.getValue().getOpeningLine(), org.assertj.core.data.Offset.offset(1e-9));
        }
      }
      assertThat(mismatches).isEmpty();
      assertThat(compared).isGreaterThanOrEqualTo(minLines);
    }
  }

  @Test
  void sliceMatchesBatchSql(@TempDir Path tmp) throws Exception {
    List<String> seasons = PrecomputeParityTest.SEASONS;
    Map<String, Map<String, SpecificRecord>> tables = EmbeddedRun.replayOf(TestData.slice(), seasons);
    check(tables, TestData.slice(), seasons, tmp, 7000, 300);
    // The line on every table that carries it, for 99% of the played pairs with a real line.
    PrecomputeParityTest.TablesView h = new PrecomputeParityTest.TablesView(tables);
    PraLineParityTest.assertLinesOnEveryTable(PraLineParityTest.reference(TestData.slice(),
        PrecomputeParityTest.boxFiles(TestData.slice(), seasons)), h.table("nba_analytics.player_game_summary"),
        h.table("nba_analytics.upcoming_player_game_context"), h.table("nba_precompute.ml_feature_store"), 0.99);
  }
}
