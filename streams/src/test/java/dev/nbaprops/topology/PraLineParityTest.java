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
import dev.nbaprops.source.EventTimes;
import dev.nbaprops.source.SourceKind;
import dev.nbaprops.testing.TestData;
import dev.nbaprops.testing.TopologyHarness;
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
 * pra_line and pra_result on player_game_summary equal an independent DuckDB SQL computation of CONTRACT.md's
 * consensus (each bookmaker's last snapshot before the start, median across bookmakers, Odds API before
 * BettingPros) over the same matched real prop lines, for every player-game of 2023-24 in the data.
 */
class PraLineParityTest {
  static Map<String, Object[]> reference(List<PropLine> lines, List<Path> boxFiles, Path tmp) throws Exception {
    Path csv = tmp.resolve("lines.csv");
    try (Writer w = Files.newBufferedWriter(csv)) {
      w.write("game_id,player_id,source,bookmaker,market,snapshot_ms,line,tip_ms\n");
      for (PropLine p : lines) {
        w.write(String.join(",", p.getGameId(), p.getPlayerId().toString(), p.getSource(),
            "\"" + p.getBookmaker() + "\"", p.getMarket(), Long.toString(p.getSnapshotTs().toEpochMilli()),
            Double.toString(p.getLine()), Long.toString(EventTimes.tipOff(p.getGameDate()))) + "\n");
      }
    }
    StringBuilder files = new StringBuilder();
    boxFiles.forEach(f -> files.append(files.length() == 0 ? "" : ",").append("'").append(f).append("'"));
    String sql = """
        WITH p AS (SELECT * FROM read_csv('%s', header = true, types = {'game_id': 'VARCHAR', 'player_id': 'BIGINT'})),
        pre AS (SELECT * FROM p WHERE market = 'player_points_rebounds_assists' AND snapshot_ms < tip_ms),
        src AS (SELECT game_id, player_id,
                       CASE WHEN bool_or(source = 'ODDS_API') THEN 'ODDS_API' ELSE 'BETTINGPROS' END AS s
                FROM pre GROUP BY game_id, player_id),
        chosen AS (SELECT pre.* FROM pre JOIN src USING (game_id, player_id) WHERE pre.source = src.s),
        last_ts AS (SELECT game_id, player_id, bookmaker, max(snapshot_ms) AS ts FROM chosen
                    GROUP BY game_id, player_id, bookmaker),
        book AS (SELECT c.game_id, c.player_id, c.bookmaker, median(c.line) AS line FROM chosen c
                 JOIN last_ts l ON c.game_id = l.game_id AND c.player_id = l.player_id
                   AND c.bookmaker = l.bookmaker AND c.snapshot_ms = l.ts
                 GROUP BY c.game_id, c.player_id, c.bookmaker),
        cons AS (SELECT game_id, player_id, median(line) AS consensus FROM book GROUP BY game_id, player_id),
        box AS (SELECT * FROM read_csv([%s], header = true, types = {'game_id': 'VARCHAR', 'player_id': 'BIGINT'}))
        SELECT b.game_id, b.player_id, cons.consensus,
               CASE WHEN cons.consensus IS NULL THEN NULL
                    WHEN b.pts + b.reb + b.ast > cons.consensus THEN 'OVER'
                    WHEN b.pts + b.reb + b.ast < cons.consensus THEN 'UNDER' ELSE 'PUSH' END AS result
        FROM box b LEFT JOIN cons ON cons.game_id = b.game_id AND cons.player_id = b.player_id
        """.formatted(csv, files);
    Map<String, Object[]> out = new HashMap<>();
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement();
         ResultSet rs = st.executeQuery(sql)) {
      while (rs.next()) {
        out.put(rs.getString(1) + "|" + rs.getLong(2), new Object[] {rs.getObject(3), rs.getString(4)});
      }
    }
    return out;
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
    List<PropLine> lines = items.stream().filter(i -> i instanceof Timeline.Data d && d.value() instanceof PropLine)
        .map(i -> (PropLine) ((Timeline.Data) i).value()).toList();
    Map<String, Object[]> ref = reference(lines, boxFiles, tmp);
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
      // Synthetic lines for the real game: two books before the start, one after it.
      h.pipe(line("DraftKings", "2023-10-24T20:00:00Z", 50.5), 0);
      h.pipe(line("FanDuel", "2023-10-24T21:00:00Z", 51.5), 0);
      h.pipe(line("FanDuel", "2023-10-25T01:00:00Z", 60.5), 0); // 21:00 ET, after the 19:00 ET start
      PlayerGameSummary s = h.summaries().get("0022300061|203999");
      assertThat(s.getPraLine()).isEqualTo(51.0);
      assertThat(s.getPra()).isEqualTo(29 + 13 + 11);
      assertThat(s.getPraResult()).isEqualTo("OVER");
      assertThat(EventTimes.tipOff(d)).isEqualTo(Instant.parse("2023-10-24T23:00:00Z").toEpochMilli());
    }
  }

  static PropLine line(String book, String ts, double line) {
    return TestData.syntheticPraLine("0022300061", LocalDate.of(2023, 10, 24), "Denver Nuggets",
        "Los Angeles Lakers", "Nikola Jokic", 203999L, book, ts, line);
  }
}
