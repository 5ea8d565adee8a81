package dev.nbaprops.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nbaprops.avro.analytics.PlayerGameSummary;
import dev.nbaprops.avro.raw.PropLine;
import dev.nbaprops.replay.ReplaySummary;
import dev.nbaprops.replay.Selection;
import dev.nbaprops.replay.SourceParsers;
import dev.nbaprops.replay.Timeline;
import dev.nbaprops.source.DataLayout;
import dev.nbaprops.source.SourceKind;
import dev.nbaprops.testing.TestData;
import dev.nbaprops.testing.TopologyHarness;
import dev.nbaprops.testing.reference.PropsReference;
import dev.nbaprops.testing.reference.SqlParts;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * pra_line and pra_result on player_game_summary equal an independent DuckDB SQL computation of docs/contract.md's
 * consensus (each bookmaker's last snapshot before the start, median across bookmakers, Odds API before
 * BettingPros) over the same matched real prop lines, for every player-game of 2023-24 in the data.
 */
class PraLineParityTest {
  /**
   * docs/contract.md's consensus line per (game, player) that played, computed from the raw files alone by the shared
   * independent {@link PropsReference} (the props file's ground-truth ids, never the project's matcher; where the
   * ground truth has no player, the reference's own name match against who played; the game's start as the contract
   * defines it from the schedule; each bookmaker's last snapshot strictly before the start, the median across
   * bookmakers), and OVER/UNDER/PUSH of pts+reb+ast.
   * Value: {consensus (or null), result (or null), game_date, whether the pair has any PRA snapshot at all};
   * key "game_id|player_id" for every box-score row.
   */
  static Map<String, Object[]> reference(Path propsFile, Path scheduleFile, List<Path> boxFiles) throws Exception {
    String sql = "WITH box AS (" + SqlParts.readBox(boxFiles, "") + "), "
        + PropsReference.ctes(new PropsReference.Inputs(List.of(propsFile), List.of(scheduleFile),
            "SELECT game_id, player_id, player_name FROM box"))
        + """
        SELECT b.game_id, b.player_id, l.consensus_line,
               CASE WHEN l.consensus_line IS NULL THEN NULL
                    WHEN b.pts + b.reb + b.ast > l.consensus_line THEN 'OVER'
                    WHEN b.pts + b.reb + b.ast < l.consensus_line THEN 'UNDER' ELSE 'PUSH' END AS result,
               CAST(b.game_date AS VARCHAR) AS game_date,
               EXISTS (SELECT 1 FROM props_snapshots p WHERE p.game_id = b.game_id AND p.player_id = b.player_id)
                 AS any_line
        FROM box b LEFT JOIN props_lines l ON l.game_id = b.game_id AND l.player_id = b.player_id
        """;
    Map<String, Object[]> out = new HashMap<>();
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement();
         ResultSet rs = st.executeQuery(sql)) {
      while (rs.next()) {
        out.put(rs.getString(1) + "|" + rs.getLong(2), new Object[] {rs.getObject(3), rs.getString(4),
            rs.getString(5), rs.getBoolean(6)});
      }
    }
    return out;
  }

  /**
   * The PRA line on the three tables that carry it, for every (game, player) that played and has any real PRA
   * snapshot: equal to the reference wherever the row exists, and set on at least {@code minShare} of those
   * pairs. Returns a one-line report of the shares.
   */
  static String assertLinesOnEveryTable(Map<String, Object[]> ref, Map<String, PlayerGameSummary> summaries,
                                        Map<String, dev.nbaprops.avro.analytics.UpcomingPlayerGameContext> contexts,
                                        Map<String, dev.nbaprops.avro.precompute.MlFeatureStore> features,
                                        double minShare) {
    List<String> mismatches = new ArrayList<>();
    long lined = 0;
    long summarySet = 0;
    long contextRows = 0;
    long contextSet = 0;
    long featureRows = 0;
    long featureSet = 0;
    for (var e : ref.entrySet()) {
      Object[] r = e.getValue();
      if (!(Boolean) r[3]) {
        continue;
      }
      lined++;
      Double refLine = r[0] == null ? null : ((Number) r[0]).doubleValue();
      String[] gp = e.getKey().split("\\|");
      PlayerGameSummary s = summaries.get(e.getKey());
      if (s != null) {
        summarySet += s.getPraLine() == null ? 0 : 1;
        if (!java.util.Objects.equals(s.getPraLine(), refLine)) {
          mismatches.add("player_game_summary " + e.getKey() + ": stream " + s.getPraLine() + " sql " + refLine);
        }
      }
      var c = contexts.get(e.getKey());
      if (c != null) {
        contextRows++;
        contextSet += c.getConsensusLine() == null ? 0 : 1;
        if (!java.util.Objects.equals(c.getConsensusLine(), refLine)) {
          mismatches.add("upcoming_player_game_context " + e.getKey() + ": stream " + c.getConsensusLine()
              + " sql " + refLine);
        }
      }
      var f = features.get(gp[1] + "|" + r[2]);
      if (f != null) {
        featureRows++;
        featureSet += f.getPropLine() == null ? 0 : 1;
        if (!java.util.Objects.equals(f.getPropLine(), refLine)) {
          mismatches.add("ml_feature_store " + gp[1] + "|" + r[2] + ": stream " + f.getPropLine() + " sql " + refLine);
        }
      }
    }
    assertThat(mismatches).as("PRA lines differing from the reference").isEmpty();
    String report = String.format("PRA lines: %d played (game, player) pairs with a real line; pra_line set on %d"
        + " (%.2f%%); upcoming context rows %d, consensus_line set on %d (%.2f%%); feature rows %d, prop_line set on"
        + " %d (%.2f%%)", lined, summarySet, 100.0 * summarySet / lined, contextRows, contextSet,
        100.0 * contextSet / Math.max(1, contextRows), featureRows, featureSet, 100.0 * featureSet / Math.max(1, featureRows));
    System.out.println(report);
    assertThat((double) summarySet / lined).as(report).isGreaterThanOrEqualTo(minShare);
    assertThat((double) contextSet / Math.max(1, contextRows)).as(report).isGreaterThanOrEqualTo(minShare);
    assertThat((double) featureSet / Math.max(1, featureRows)).as(report).isGreaterThanOrEqualTo(minShare);
    return report;
  }

  /** The reference for a data directory's 2023-24 props, its schedule and the given box-score files. */
  static Map<String, Object[]> reference(Path data, List<Path> boxFiles) throws Exception {
    return reference(data.resolve("props/pra_lines_2023-24.csv.gz"),
        data.resolve("schedule/games_2021-22_to_2023-24.csv.gz"), boxFiles);
  }

  static void check(Path data, List<Path> boxFiles, Path tmp, int minLines) throws Exception {
    DataLayout layout = new DataLayout(data);
    Selection sel = Selection.of(List.of(SourceKind.PROPS, SourceKind.BOX_SCORES), List.of("2023-24"), null, null,
        List.of());
    List<Timeline.Item> items = new ArrayList<>();
    try (Timeline t = new Timeline(layout, sel, SourceParsers.forLayout(layout), new ReplaySummary())) {
      while (t.hasNext()) {
        items.add(t.next());
      }
    }
    Map<String, Object[]> ref = reference(data, boxFiles);
    try (TopologyHarness h = TopologyHarness.create()) {
      h.pipeTimeline(items);
      assertThat(h.summaries().keySet()).isEqualTo(ref.keySet());
      List<String> mismatches = new ArrayList<>();
      long withLine = 0;
      for (var e : h.summaries().entrySet()) {
        PlayerGameSummary s = e.getValue();
        Object[] r = ref.get(e.getKey());
        Double refLine = r[0] == null ? null : ((Number) r[0]).doubleValue();
        if (!java.util.Objects.equals(s.getPraLine(), refLine) || !java.util.Objects.equals(s.getPraResult(), r[1])) {
          mismatches.add(e.getKey() + ": stream " + s.getPraLine() + "/" + s.getPraResult() + " sql " + refLine + "/" + r[1]);
        }
        withLine += s.getPraLine() == null ? 0 : 1;
      }
      assertThat(mismatches).isEmpty();
      assertThat(withLine).isGreaterThanOrEqualTo(minLines);
    }
  }

  @Test
  void sliceMatchesBatchSql(@TempDir Path tmp) throws Exception {
    check(TestData.slice(), List.of(TestData.slice().resolve("box_scores/player_box_2023-24.csv.gz")), tmp, 200);
  }

  /** A line arriving after the box score (late) updates pra_line; one after the start is ignored. */
  @Test
  void lateLinesUpdateTheSummaryAndInGameLinesDoNot() {
    var box = TestData.boxScores(TestData.slice().resolve("box_scores/player_box_2023-24.csv.gz")).stream()
        .filter(r -> r.value().getPlayerId() == 203999L && r.value().getGameId().equals("0022300061")).findFirst()
        .orElseThrow();
    LocalDate d = LocalDate.of(2023, 10, 24);
    try (TopologyHarness h = TopologyHarness.create()) {
      h.pipe(box.value(), box.eventTime());
      assertThat(h.summaries().get("0022300061|203999").getPraLine()).isNull();
      // Synthetic lines for the real game (listed 19:30 ET, so it starts 19:45 ET = 23:45Z): two books before the
      // start, one a second before it, and two at and after it.
      h.pipe(line("DraftKings", "2023-10-24T20:00:00Z", 50.5), 0);
      h.pipe(line("FanDuel", "2023-10-24T21:00:00Z", 51.5), 0);
      h.pipe(line("FanDuel", "2023-10-24T23:45:00Z", 60.5), 0); // at the start: in-game
      h.pipe(line("BetMGM", "2023-10-25T01:00:00Z", 70.5), 0); // 21:00 ET, in-game
      PlayerGameSummary s = h.summaries().get("0022300061|203999");
      assertThat(s.getPraLine()).isEqualTo(51.0);
      assertThat(s.getPra()).isEqualTo(29 + 13 + 11);
      assertThat(s.getPraResult()).isEqualTo("OVER");
      assertThat(TestData.sliceSchedule().startOf("0022300061", d)).isEqualTo(Instant.parse("2023-10-24T23:45:00Z"));
      h.pipe(line("FanDuel", "2023-10-24T23:44:59Z", 52.5), 0); // a second before the start: it counts
      assertThat(h.summaries().get("0022300061|203999").getPraLine()).isEqualTo(51.5);
    }
  }

  static PropLine line(String book, String ts, double line) {
    return TestData.syntheticPraLine("0022300061", LocalDate.of(2023, 10, 24), "Denver Nuggets",
        "Los Angeles Lakers", "Nikola Jokic", 203999L, book, ts, line);
  }
}
