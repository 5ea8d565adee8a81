package dev.nbaprops.testing.reference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The independent reference for EVERY column of nba_analytics.upcoming_team_game_context (key "game_id|team_abbr")
 * and nba_analytics.upcoming_player_game_context (key "game_id|player_id"), computed from the raw files of a data
 * directory alone (docs/features.md and docs/contract.md are the spec): DuckDB SQL over {@code box_scores/},
 * {@code schedule/}, {@code odds/} and {@code props/}, plus plain Jackson parsing of BettingPros capture files
 * ({@code props/**}{@code /bettingpros_*.json}). No production class, constant or function is used.
 *
 * <p>It builds on the SQL of {@code ReferenceSql.upcomingTeamContext} / {@code ReferenceSql.expectedPlayers}
 * (rows, rest, rolling pace and ratings, expected players) and of {@link PropsReference} (the props file's
 * ground-truth ids and name-match fill, the contract's start, the consensus and opening lines), and adds the columns
 * those did not cover: {@code league_pace_season}, {@code expected_players}, {@code player_name},
 * {@code last_game_date}, {@code market}, {@code opening_line}, {@code line_movement}, {@code bookmaker_count},
 * {@code line_source}, and the BettingPros fallback.
 *
 * <p>Readings of the spec made here:
 * <ul>
 *   <li>A prop snapshot is one bookmaker's line for a player, game and market at one instant; a row repeated
 *       identically in the source (the extract holds some rows twice) is the same snapshot, counted once.
 *   <li>{@code line_source} = ODDS_API when the Odds API has at least one PRA snapshot of the (game, player)
 *       strictly before the start; else BETTINGPROS when BettingPros has one; else every line field is null.
 *       The fields are then computed over the chosen source's snapshots only.
 *   <li>A BettingPros capture's snapshot time is its envelope's {@code fetched_at}; its line is
 *       {@code over.consensus_line}; all its lines are one bookmaker (BettingPros' consensus). The capture must
 *       carry ground-truth ids ({@code events[].nba_game_id}, {@code participant.player.nba_player_id}), as the
 *       props CSV does; a capture without them cannot be attributed independently, and the reference refuses it.
 *   <li>{@code player_name}: the box score's name of the player's latest appearance before D (the appearance
 *       that makes him expected for the team).
 * </ul>
 */
public final class ContextTablesReference {
  public static final String PRA = PropsReference.PRA;
  /** BettingPros' market id of points + rebounds + assists (docs/prop-feeds.md); the only market these tables use. */
  static final int BETTINGPROS_PRA_MARKET_ID = 338;

  private static final ObjectMapper JSON = new ObjectMapper();

  private ContextTablesReference() {}

  // ---------------------------------------------------------------------------------------------------- inputs

  static List<Path> boxFiles(Path data, List<String> seasons) {
    List<Path> out = new ArrayList<>();
    for (String s : seasons) {
      Path f = data.resolve("box_scores/player_box_" + s + ".csv.gz");
      if (Files.exists(f)) {
        out.add(f);
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("no box-score file of " + seasons + " under " + data);
    }
    return out;
  }

  /** CSV files directly in {@code data/<folder>}. */
  static List<Path> csvFiles(Path data, String folder) {
    return SqlParts.csvFiles(data.resolve(folder));
  }

  /** JSON files anywhere under {@code data/props} whose names start with {@code prefix}. */
  static List<Path> captures(Path data, String prefix) {
    Path dir = data.resolve("props");
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).filter(f -> {
        String n = f.getFileName().toString();
        return n.startsWith(prefix) && n.endsWith(".json");
      }).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String list(List<Path> files) {
    return "[" + SqlParts.list(files) + "]";
  }

  /** The CTE box: the box-score rows of the seasons' files. */
  private static String box(Path data, List<String> seasons) {
    return "box AS (" + SqlParts.readBox(boxFiles(data, seasons), "") + ")";
  }

  private static final String SCHEDULE_ROWS = """
      sched AS (
        SELECT * FROM read_csv(%s, header = true, types = {'game_id': 'VARCHAR', 'game_date': 'DATE'})
        WHERE season IN (SELECT DISTINCT season FROM box)
      ), rows AS (
        SELECT season, game_id, game_date AS d, home_team_abbr AS team, away_team_abbr AS opp, true AS home FROM sched
        UNION ALL SELECT season, game_id, game_date, away_team_abbr, home_team_abbr, false FROM sched
      )""";

  /**
   * The expected players (ReferenceSql.expectedPlayers): who appeared for the team in one of its last 3 games of
   * the season before D and whose latest appearance before D was for it; with rest, games in the last 7 days,
   * the latest appearance's date and name.
   */
  private static final String EXPECTED = """
      tgp AS (
        SELECT DISTINCT season, game_id, game_date, team_abbr FROM box
      ), last3 AS (
        SELECT r.*, tgp.game_id AS pg FROM rows r
        JOIN tgp ON tgp.team_abbr = r.team AND tgp.season = r.season AND tgp.game_date < r.d
        QUALIFY row_number() OVER (PARTITION BY r.game_id, r.team ORDER BY tgp.game_date DESC, tgp.game_id DESC) <= 3
      ), cand AS (
        SELECT DISTINCT l.season, l.game_id, l.d, l.team, l.opp, l.home, b.player_id
        FROM last3 l JOIN box b ON b.game_id = l.pg AND b.team_abbr = l.team
      ), hist AS (
        SELECT c.*, b.team_abbr AS last_team, b.game_date AS last_date, b.player_name AS last_name,
               row_number() OVER (PARTITION BY c.game_id, c.team, c.player_id ORDER BY b.game_date DESC, b.game_id DESC) AS rn,
               count(*) FILTER (WHERE b.game_date >= c.d - INTERVAL 7 DAY)
                 OVER (PARTITION BY c.game_id, c.team, c.player_id) AS last7
        FROM cand c JOIN box b ON b.player_id = c.player_id AND b.season = c.season AND b.game_date < c.d
      ), expected AS (
        SELECT * FROM hist WHERE rn = 1 AND last_team = team
      )""";

  // ------------------------------------------------------------------------------------------------ team table

  /**
   * upcoming_team_game_context, every column, keyed "game_id|team_abbr": one row per team per scheduled game of
   * the seasons; rest, games in the last 7 days, the team's spread and the total (odds/ game lines), pace and
   * ratings over the team's box-score games of the season before D, the opponent's last-10 pace, the league's
   * mean team-game pace of the season before D, and how many players are expected.
   */
  public static Map<String, Map<String, Object>> upcomingTeamContext(Path data, List<String> seasons)
      throws SQLException {
    List<Path> lineFiles = csvFiles(data, "odds");
    String lines = lineFiles.isEmpty()
        ? "SELECT NULL::VARCHAR AS nba_game_id, NULL::VARCHAR AS whos_favored, NULL::DOUBLE AS spread,"
            + " NULL::DOUBLE AS total WHERE false"
        : "SELECT * FROM read_csv(" + list(lineFiles) + ", header = true, types = {'nba_game_id': 'VARCHAR',"
            + " 'spread': 'DOUBLE', 'total': 'DOUBLE'}) WHERE nba_game_id IS NOT NULL";
    String sql = "WITH " + box(data, seasons) + ", "
        + SCHEDULE_ROWS.formatted(list(csvFiles(data, "schedule"))) + ", " + EXPECTED + """
        , lines AS (%s
        ), t AS (
          SELECT season, game_id, any_value(game_date) AS game_date, team_abbr, sum(pts) AS pts,
                 sum(fga) - sum(oreb) + sum(tov) + 0.44 * sum(fta) AS poss, sum(min) / 5 AS minutes
          FROM box GROUP BY season, game_id, team_abbr
        ), tg AS (
          SELECT t.*, 48.0 * t.poss / t.minutes AS pace, o.pts AS opp_pts, o.poss AS opp_poss
          FROM t JOIN t o ON o.game_id = t.game_id AND o.team_abbr <> t.team_abbr
        ), prior AS (
          SELECT r.game_id AS g, r.team, r.d, tg.*,
                 row_number() OVER (PARTITION BY r.game_id, r.team ORDER BY tg.game_date DESC, tg.game_id DESC) AS rn
          FROM rows r JOIN tg ON tg.team_abbr = r.team AND tg.season = r.season AND tg.game_date < r.d
        ), agg AS (
          SELECT g, team, CAST(count(*) AS INTEGER) AS games_played_season,
                 CAST(date_diff('day', max(game_date), d) - 1 AS INTEGER) AS days_rest,
                 CAST(count(*) FILTER (WHERE game_date >= d - INTERVAL 7 DAY) AS INTEGER) AS games_last_7_days,
                 CAST(count(*) FILTER (WHERE rn <= 10) AS INTEGER) AS games_in_window_last_10,
                 avg(pace) FILTER (WHERE rn <= 10) AS pace_last_10, avg(pace) AS pace_season,
                 100.0 * sum(pts) FILTER (WHERE rn <= 10) / sum(poss) FILTER (WHERE rn <= 10) AS off_rating_last_10,
                 100.0 * sum(opp_pts) FILTER (WHERE rn <= 10) / sum(opp_poss) FILTER (WHERE rn <= 10) AS def_rating_last_10,
                 100.0 * sum(pts) / sum(poss) AS off_rating_season, 100.0 * sum(opp_pts) / sum(opp_poss) AS def_rating_season
          FROM prior GROUP BY g, team, d
        ), league AS (
          SELECT d.season, d.d, avg(tg.pace) AS league_pace_season
          FROM (SELECT DISTINCT season, d FROM rows) d
          LEFT JOIN tg ON tg.season = d.season AND tg.game_date < d.d
          GROUP BY d.season, d.d
        ), exp AS (
          SELECT game_id, team, CAST(count(*) AS INTEGER) AS expected_players FROM expected GROUP BY game_id, team
        )
        SELECT r.game_id, r.team AS team_abbr, r.season, CAST(r.d AS VARCHAR) AS game_date, r.opp AS opp_abbr, r.home,
               a.days_rest, a.days_rest = 0 AS back_to_back, COALESCE(a.games_last_7_days, 0) AS games_last_7_days,
               CASE WHEN l.whos_favored IS NULL OR l.spread IS NULL THEN NULL
                    WHEN (l.whos_favored = 'home') = r.home THEN -l.spread ELSE l.spread END AS spread,
               l.total, COALESCE(a.games_played_season, 0) AS games_played_season,
               COALESCE(a.games_in_window_last_10, 0) AS games_in_window_last_10, a.pace_last_10, a.pace_season,
               a.off_rating_last_10, a.def_rating_last_10, a.off_rating_season, a.def_rating_season,
               o.pace_last_10 AS opp_pace_last_10, lg.league_pace_season,
               COALESCE(e.expected_players, 0) AS expected_players
        FROM rows r LEFT JOIN agg a ON a.g = r.game_id AND a.team = r.team
        LEFT JOIN agg o ON o.g = r.game_id AND o.team = r.opp
        LEFT JOIN lines l ON l.nba_game_id = r.game_id
        LEFT JOIN league lg ON lg.season = r.season AND lg.d = r.d
        LEFT JOIN exp e ON e.game_id = r.game_id AND e.team = r.team
        """.formatted(lines);
    return SqlParts.query(sql, r -> r.get("game_id") + "|" + r.get("team_abbr"));
  }

  // ---------------------------------------------------------------------------------------------- player table

  /**
   * upcoming_player_game_context, every column, keyed "game_id|player_id": one row per expected player (see
   * {@link #EXPECTED}) with the schedule fields, rest, games in the last 7 days, the latest appearance's date and
   * name, and docs/contract.md's prop-line fields for the PRA market over the snapshots strictly before the game's
   * start (schedule {@code tipoff_utc} + 15 minutes; 19:15 America/New_York without a time), from the props CSV
   * (The Odds API, ground-truth ids) or, only when that has no line for the player and game, the BettingPros captures.
   */
  public static Map<String, Map<String, Object>> upcomingPlayerContext(Path data, List<String> seasons)
      throws SQLException {
    if (!captures(data, "odds_api").isEmpty()) {
      throw new IllegalStateException("Odds API JSON captures under " + data.resolve("props") + ": the reference"
          + " covers the props CSV and BettingPros captures only");
    }
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:")) {
      try (Statement st = c.createStatement()) {
        st.execute("CREATE TABLE bp (game_id VARCHAR, player_id BIGINT, market VARCHAR, bookmaker VARCHAR,"
            + " snapshot_ms BIGINT, line DOUBLE)");
      }
      try (PreparedStatement ins = c.prepareStatement("INSERT INTO bp VALUES (?, ?, ?, ?, ?, ?)")) {
        for (BettingProsLine l : bettingProsLines(data)) {
          ins.setString(1, l.gameId());
          ins.setLong(2, l.playerId());
          ins.setString(3, l.market());
          ins.setString(4, "BettingPros consensus");
          ins.setLong(5, l.snapshot().toEpochMilli());
          ins.setDouble(6, l.line());
          ins.addBatch();
        }
        ins.executeBatch();
      }
      String sql = "WITH " + box(data, seasons) + ", "
          + SCHEDULE_ROWS.formatted(list(csvFiles(data, "schedule"))) + ", " + EXPECTED + ", "
          // The PRA snapshots and line fields (PropsReference): the props CSV (The Odds API) before the BettingPros
          // captures; the fill's pool for the few rows without a ground-truth player id is who played in the game
          // plus who is expected for it (the rows of this table).
          + PropsReference.ctes(new PropsReference.Inputs(csvFiles(data, "props"), csvFiles(data, "schedule"),
              "SELECT game_id, player_id, player_name FROM box",
              "SELECT game_id, player_id, last_name AS player_name FROM expected",
              "SELECT 'BETTINGPROS' AS source, game_id, player_id, bookmaker, market, snapshot_ms, line FROM bp"))
          + """
          SELECT e.game_id, e.player_id, e.season, CAST(e.d AS VARCHAR) AS game_date, e.team AS team_abbr,
                 e.opp AS opp_abbr, e.home,
                 CAST(date_diff('day', e.last_date, e.d) - 1 AS INTEGER) AS days_rest,
                 date_diff('day', e.last_date, e.d) - 1 = 0 AS back_to_back,
                 CASE WHEN pl.line_source IS NULL THEN NULL ELSE '%s' END AS market,
                 pl.consensus_line, pl.opening_line, pl.consensus_line - pl.opening_line AS line_movement,
                 pl.bookmaker_count, pl.line_source, e.last_name AS player_name,
                 CAST(e.last7 AS INTEGER) AS games_last_7_days, CAST(e.last_date AS VARCHAR) AS last_game_date
          FROM expected e LEFT JOIN props_lines pl ON pl.game_id = e.game_id AND pl.player_id = e.player_id
          """.formatted(PRA);
      return SqlParts.query(c, sql, r -> r.get("game_id") + "|" + r.get("player_id"));
    }
  }

  // ------------------------------------------------------------------------------------------ BettingPros lines

  /** One PRA line of a BettingPros capture, with its ground-truth ids. */
  public record BettingProsLine(String gameId, long playerId, String market, Instant snapshot, double line) {}

  /**
   * Every PRA line of the BettingPros captures under {@code data/props} ({@code bettingpros_*.json}, envelope
   * {@code {"fetched_at", "response"}}), attributed by the capture's ground-truth ids.
   */
  public static List<BettingProsLine> bettingProsLines(Path data) {
    List<BettingProsLine> out = new ArrayList<>();
    for (Path f : captures(data, "bettingpros")) {
      JsonNode env;
      try {
        env = JSON.readTree(Files.readString(f));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      if (env.get("fetched_at") == null || env.get("response") == null) {
        continue; // not a capture (the app dead-letters it too): no line
      }
      Instant at = Instant.parse(env.get("fetched_at").asText());
      JsonNode resp = env.get("response");
      Map<String, String> gameOfEvent = new HashMap<>();
      for (JsonNode e : resp.path("events")) {
        if (e.hasNonNull("nba_game_id")) {
          gameOfEvent.put(e.get("id").asText(), e.get("nba_game_id").asText());
        }
      }
      for (JsonNode p : resp.path("props")) {
        if (p.path("market_id").asInt() != BETTINGPROS_PRA_MARKET_ID) {
          continue;
        }
        JsonNode player = p.path("participant").has("player") ? p.path("participant").path("player") : p.path("player");
        String game = gameOfEvent.get(p.path("event_id").asText());
        if (game == null || !player.hasNonNull("nba_player_id")) {
          throw new IllegalStateException(f + ": a prop without ground-truth ids (events[].nba_game_id,"
              + " participant.player.nba_player_id); the reference cannot attribute it");
        }
        out.add(new BettingProsLine(game, player.get("nba_player_id").asLong(), PRA, at,
            p.path("over").path("consensus_line").asDouble()));
      }
    }
    return out;
  }
}
