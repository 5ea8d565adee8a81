package dev.nbaprops.topology;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nbaprops.source.SourceKind;
import dev.nbaprops.testing.EmbeddedRun;
import dev.nbaprops.testing.Parity;
import dev.nbaprops.testing.TestData;
import dev.nbaprops.testing.TopologyHarness;
import dev.nbaprops.testing.reference.ContextTablesReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every column of every row of nba_analytics.upcoming_team_game_context and upcoming_player_game_context against
 * the independent reference ({@link ContextTablesReference}: DuckDB SQL and plain JSON parsing over the raw files,
 * no production code). Missing and extra rows fail; every schema field is compared ({@link Parity#compareAll}).
 *
 * <p>Also the BettingPros fallback: the shared data has Odds API lines only, so {@link
 * #bettingProsFallbackFromDerivedCaptures} builds a data directory from the slice where a few games' Odds API rows
 * are removed and BettingPros captures DERIVED FROM THOSE REAL LINES take their place, replays it, and checks the
 * same every-column parity (line_source BETTINGPROS there, ODDS_API everywhere else).
 */
class ContextTablesColumnParityTest {
  static final String TEAM_TABLE = "nba_analytics.upcoming_team_game_context";
  static final String PLAYER_TABLE = "nba_analytics.upcoming_player_game_context";

  /** Columns of upcoming_team_game_context that cannot be computed independently: none. */
  static final Map<String, String> TEAM_EXCEPTIONS = Map.of();
  /** Columns of upcoming_player_game_context that cannot be computed independently: none. */
  static final Map<String, String> PLAYER_EXCEPTIONS = Map.of();

  /** Asserts every-column parity of both tables of a replay of every source of {@code seasons} of {@code data}. */
  public static void check(Map<String, Map<String, SpecificRecord>> tables, Path data, List<String> seasons)
      throws Exception {
    String team = assertTable(TEAM_TABLE, tables.get(TEAM_TABLE),
        ContextTablesReference.upcomingTeamContext(data, seasons), TEAM_EXCEPTIONS);
    Map<String, Map<String, Object>> refPlayers = ContextTablesReference.upcomingPlayerContext(data, seasons);
    String player = assertTable(PLAYER_TABLE, tables.get(PLAYER_TABLE), refPlayers, PLAYER_EXCEPTIONS);
    Map<Object, Long> bySource = new TreeMap<>();
    refPlayers.values().forEach(r -> bySource.merge(String.valueOf(r.get("line_source")), 1L, Long::sum));
    System.out.println(team + "\n" + player + "; line_source: " + bySource);
  }

  /** Row sets equal, and every field except the named exceptions equal on every row. */
  static String assertTable(String table, Map<String, SpecificRecord> stream, Map<String, Map<String, Object>> ref,
                            Map<String, String> exceptions) {
    assertThat(stream).as(table + " in the replay").isNotNull();
    assertThat(ref).as(table + ": reference rows").isNotEmpty();
    Set<String> missing = new TreeSet<>(ref.keySet());
    missing.removeAll(stream.keySet());
    Set<String> extra = new TreeSet<>(stream.keySet());
    extra.removeAll(ref.keySet());
    assertThat(missing.stream().limit(20).toList())
        .as(table + ": reference rows the stream lacks (" + missing.size() + " of " + ref.size() + ")").isEmpty();
    assertThat(extra.stream().limit(20).map(k -> k + "=" + stream.get(k)).toList())
        .as(table + ": stream rows the reference does not have (" + extra.size() + ")").isEmpty();
    List<String> mismatches = new ArrayList<>();
    int columns = 0;
    for (var e : new TreeMap<>(stream).entrySet()) {
      mismatches.addAll(Parity.compareAll(e.getKey(), e.getValue(), ref.get(e.getKey()), exceptions));
      columns = Parity.columns(e.getValue().getSchema(), exceptions).size();
    }
    assertThat(mismatches.stream().limit(40).toList())
        .as(table + ": column mismatches (" + mismatches.size() + ")").isEmpty();
    int total = stream.values().iterator().next().getSchema().getFields().size();
    return table + ": " + stream.size() + " rows, " + columns + "/" + total + " columns equal, exceptions "
        + exceptions.keySet();
  }

  @Test
  void sliceEveryColumn() throws Exception {
    List<String> seasons = List.of("2022-23", "2023-24");
    check(EmbeddedRun.replayOf(TestData.slice(), seasons), TestData.slice(), seasons);
  }

  // ------------------------------------------------------------------------------------ BettingPros fallback

  /** Games whose Odds API rows are removed: BettingPros (derived captures) is their only source. */
  static final List<String> BETTINGPROS_ONLY = List.of("0022300132", "0022300142", "0022300173", "0022300209");
  /** A game that keeps its Odds API rows and gets derived BettingPros captures too: it must stay ODDS_API. */
  static final String BOTH_SOURCES = "0022300180";

  /**
   * The slice with BettingPros as the only prop source of {@link #BETTINGPROS_ONLY} (their rows removed from the
   * Odds API CSV copy) and a second source of {@link #BOTH_SOURCES}, replayed on the topology (every source of
   * both seasons), checked column for column against the reference over the same files.
   */
  @Test
  void bettingProsFallbackFromDerivedCaptures(@TempDir Path tmp) throws Exception {
    List<String> seasons = List.of("2022-23", "2023-24");
    Path data = derivedBettingProsData(tmp.resolve("data-derived-bettingpros"));
    Map<String, Map<String, SpecificRecord>> tables;
    try (TopologyHarness h = TopologyHarness.create()) {
      h.pipeTimeline(TestData.timeline(data, List.of(SourceKind.values()), seasons));
      tables = h.tables();
      check(tables, data, seasons);
    }
    Map<String, Map<String, Object>> ref = ContextTablesReference.upcomingPlayerContext(data, seasons);
    Map<String, SpecificRecord> players = tables.get(PLAYER_TABLE);
    long bettingPros = 0;
    for (var e : players.entrySet()) {
      String game = e.getKey().split("\\|")[0];
      var row = (dev.nbaprops.avro.analytics.UpcomingPlayerGameContext) e.getValue();
      if (row.getLineSource() == null) {
        continue;
      }
      if (BETTINGPROS_ONLY.contains(game)) {
        assertThat(row.getLineSource()).as(e.getKey()).isEqualTo("BETTINGPROS");
        assertThat(row.getBookmakerCount()).as(e.getKey()).isEqualTo(1);
        assertThat(row.getConsensusLine()).as(e.getKey()).isEqualTo(ref.get(e.getKey()).get("consensus_line"));
        assertThat(row.getOpeningLine()).as(e.getKey()).isEqualTo(ref.get(e.getKey()).get("opening_line"));
        bettingPros++;
      } else {
        assertThat(row.getLineSource()).as(e.getKey()).isEqualTo("ODDS_API");
      }
    }
    // Every expected player of those games with a derived line has it, and some openings differ from the close.
    long expectedWithDerived = ref.entrySet().stream()
        .filter(e -> BETTINGPROS_ONLY.contains(e.getKey().split("\\|")[0]) && e.getValue().get("line_source") != null)
        .count();
    assertThat(bettingPros).isEqualTo(expectedWithDerived).isGreaterThanOrEqualTo(30);
    assertThat(ref.values().stream().filter(r -> "BETTINGPROS".equals(r.get("line_source"))
        && !r.get("consensus_line").equals(r.get("opening_line"))).count()).isPositive();
    assertThat(players.entrySet().stream().filter(e -> e.getKey().startsWith(BOTH_SOURCES + "|")
        && "ODDS_API".equals(((dev.nbaprops.avro.analytics.UpcomingPlayerGameContext) e.getValue()).getLineSource()))
        .count()).isGreaterThanOrEqualTo(5);
  }

  /**
   * Writes a data directory DERIVED FROM THE REAL SLICE: schedule, game lines, box scores and shots copied; the
   * Odds API props CSV without the rows of {@link #BETTINGPROS_ONLY}; and, for those games and
   * {@link #BOTH_SOURCES}, BettingPros captures ({@code props/captures/bettingpros_derived_from_real_lines_*.json},
   * envelope {@code {"fetched_at", "response"}}) built from the game's real PRA lines:
   * <ul>
   *   <li>at the real snapshot time T: {@code consensus_line} = the median of the real bookmakers' lines at T
   *       (what BettingPros' consensus is);
   *   <li>at T − 2 h: the real line at T of the alphabetically first bookmaker quoting the player (an earlier
   *       "opening" of the derived feed; its value is real, its time is not);
   *   <li>at the game's start + 10 minutes (in-game, must never count): the highest real line at T.
   * </ul>
   * Each prop carries the ground-truth ids the props CSV has ({@code events[].nba_game_id},
   * {@code participant.player.nba_player_id}); names and teams are the box score's. BettingPros event and
   * participant ids are made up ("derived-…").
   */
  static Path derivedBettingProsData(Path data) throws Exception {
    Path slice = TestData.slice();
    for (String dir : List.of("schedule", "odds", "box_scores", "shots")) {
      Files.createDirectories(data.resolve(dir));
      try (var s = Files.list(slice.resolve(dir))) {
        for (Path f : s.toList()) {
          Files.copy(f, data.resolve(dir).resolve(f.getFileName()));
        }
      }
    }
    Files.createDirectories(data.resolve("props/captures"));
    Path props = slice.resolve("props/pra_lines_2023-24.csv.gz");
    String removed = String.join(", ", BETTINGPROS_ONLY.stream().map(g -> "'" + g + "'").toList());
    ObjectMapper json = new ObjectMapper();
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement()) {
      st.execute("COPY (SELECT * FROM read_csv('" + props + "', header = true, all_varchar = true)"
          + " WHERE nba_game_id IS NULL OR nba_game_id NOT IN (" + removed + ")) TO '"
          + data.resolve("props/pra_lines_2023-24.csv.gz") + "' (HEADER, DELIMITER ',', COMPRESSION gzip)");
      List<String> games = new ArrayList<>(BETTINGPROS_ONLY);
      games.add(BOTH_SOURCES);
      for (String game : games) {
        String sql = """
            WITH p AS (SELECT * FROM read_csv('%s', header = true, all_varchar = true)
                       WHERE nba_game_id = '%s' AND nba_player_id IS NOT NULL
                         AND market = 'player_points_rebounds_assists'),
            t AS (SELECT max(snapshot_ts) AS ts FROM p),
            at_t AS (SELECT p.* FROM p JOIN t ON p.snapshot_ts = t.ts),
            names AS (SELECT DISTINCT ON (player_id) player_id, player_name, team_abbr
                      FROM read_csv('%s', header = true, types = {'game_id': 'VARCHAR', 'player_id': 'BIGINT'})
                      ORDER BY player_id, game_date DESC),
            s AS (SELECT * FROM read_csv('%s', header = true, all_varchar = true) WHERE game_id = '%s')
            SELECT CAST(a.nba_player_id AS BIGINT) AS pid, n.player_name, n.team_abbr,
                   median(CAST(a.line AS DOUBLE)) AS consensus,
                   arg_min(CAST(a.line AS DOUBLE), a.bookmaker) AS first_book_line,
                   max(CAST(a.line AS DOUBLE)) AS highest,
                   any_value(a.snapshot_ts) AS ts, any_value(s.home_team_abbr) AS home,
                   any_value(s.away_team_abbr) AS away, any_value(s.game_date) AS game_date,
                   any_value(s.tipoff_utc) AS tipoff
            FROM at_t a JOIN names n ON n.player_id = CAST(a.nba_player_id AS BIGINT) CROSS JOIN s
            GROUP BY 1, 2, 3 ORDER BY 1
            """.formatted(props, game, slice.resolve("box_scores/player_box_2023-24.csv.gz"),
            slice.resolve("schedule/games_2021-22_to_2023-24.csv.gz"), game);
        List<Object[]> rows = new ArrayList<>();
        try (ResultSet rs = st.executeQuery(sql)) {
          while (rs.next()) {
            rows.add(new Object[] {rs.getLong(1), rs.getString(2), rs.getString(3), rs.getDouble(4), rs.getDouble(5),
                rs.getDouble(6), rs.getString(7), rs.getString(8), rs.getString(9), rs.getString(10),
                rs.getString(11)});
          }
        }
        assertThat(rows).as("real PRA lines of " + game).isNotEmpty();
        Object[] first = rows.get(0);
        Instant t = Instant.parse((String) first[6]);
        Instant inGame = Instant.parse((String) first[10]).plus(Duration.ofMinutes(15 + 10));
        writeCapture(json, data, game, "1_early", t.minus(Duration.ofHours(2)), rows, 4);
        writeCapture(json, data, game, "2_at_real_snapshot", t, rows, 3);
        writeCapture(json, data, game, "3_in_game", inGame, rows, 5);
      }
    }
    return data;
  }

  /** One derived capture of a game: every player's line from column {@code lineColumn} of {@code rows}. */
  private static void writeCapture(ObjectMapper json, Path data, String game, String label, Instant fetchedAt,
                                   List<Object[]> rows, int lineColumn) throws Exception {
    Object[] first = rows.get(0);
    ObjectNode resp = json.createObjectNode();
    resp.putObject("_parameters").put("sport", "NBA").put("market_id", "338").put("date", (String) first[9])
        .put("include_events", "true");
    ObjectNode event = resp.putArray("events").addObject();
    event.put("id", "derived-" + game).put("sport", "NBA").put("home", (String) first[7])
        .put("visitor", (String) first[8]).put("scheduled", (String) first[9]).put("nba_game_id", game);
    ArrayNode props = resp.putArray("props");
    for (Object[] r : rows) {
      String name = (String) r[1];
      int sp = name.indexOf(' ');
      ObjectNode p = props.addObject();
      p.put("sport", "NBA").put("market_id", 338).put("event_id", "derived-" + game);
      ObjectNode participant = p.putObject("participant");
      participant.put("id", "derived-" + r[0]).put("name", name);
      participant.putObject("player").put("first_name", sp < 0 ? name : name.substring(0, sp))
          .put("last_name", sp < 0 ? "" : name.substring(sp + 1)).put("team", (String) r[2])
          .put("nba_player_id", (Long) r[0]);
      double line = (Double) r[lineColumn];
      p.putObject("over").put("line", line).put("consensus_line", line).put("consensus_odds", -110);
      p.putObject("under").put("line", line).put("consensus_line", line).put("consensus_odds", -110);
    }
    ObjectNode env = json.createObjectNode();
    env.put("fetched_at", fetchedAt.toString());
    env.set("response", resp);
    Files.writeString(data.resolve("props/captures/bettingpros_derived_from_real_lines_" + game + "_" + label
        + ".json"), json.writerWithDefaultPrettyPrinter().writeValueAsString(env));
  }
}
