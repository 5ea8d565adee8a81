package dev.nbaprops.testing;

import static dev.nbaprops.testing.reference.SqlParts.MID;
import static dev.nbaprops.testing.reference.SqlParts.PAINT;
import static dev.nbaprops.testing.reference.SqlParts.THREE;
import static dev.nbaprops.testing.reference.SqlParts.ZONE_SUMS;
import static dev.nbaprops.testing.reference.SqlParts.list;
import static dev.nbaprops.testing.reference.SqlParts.query;
import static dev.nbaprops.testing.reference.SqlParts.readBox;

import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * The independent batch computation the stream is checked against: docs/contract.md's pinned player metrics as
 * DuckDB SQL window functions straight over the box-score CSV files. It shares no code with the topology.
 */
public final class ReferenceSql {
  private ReferenceSql() {}

  /** team_offense_game_summary (key "game_id|team_abbr") or, with {@code defense}, team_defense_game_summary. */
  public static Map<String, Map<String, Object>> teamGameSummary(List<Path> boxScoreFiles, boolean defense)
      throws SQLException {
    String teams = """
        WITH box AS (
          %s
        ), t AS (
          SELECT game_id, team_abbr, any_value(opp_abbr) AS opp_abbr, any_value(home_away) = 'H' AS home,
                 any_value(season) AS season, CAST(any_value(game_date) AS VARCHAR) AS game_date,
                 CAST(count(*) AS INTEGER) AS players, sum(min) / 5 AS game_minutes,
                 sum(pts) AS pts, sum(fgm) AS fgm, sum(fga) AS fga, sum(fg3m) AS fg3m, sum(fg3a) AS fg3a,
                 sum(ftm) AS ftm, sum(fta) AS fta, sum(oreb) AS oreb, sum(dreb) AS dreb, sum(reb) AS reb,
                 sum(ast) AS ast, sum(tov) AS tov,
                 sum(fga) - sum(oreb) + sum(tov) + 0.44 * sum(fta) AS possessions
          FROM box GROUP BY game_id, team_abbr
        )
        """.formatted(readBox(boxScoreFiles, ""));
    String select = defense ? """
        SELECT t.game_id, t.team_abbr, t.season, t.game_date, t.opp_abbr, t.home,
               o.pts AS opp_pts, o.fgm AS opp_fgm, o.fga AS opp_fga, o.fg3m AS opp_fg3m, o.fg3a AS opp_fg3a,
               o.ftm AS opp_ftm, o.fta AS opp_fta, o.oreb AS opp_oreb, o.dreb AS opp_dreb, o.reb AS opp_reb,
               o.ast AS opp_ast, o.tov AS opp_tov, o.possessions AS opp_possessions,
               100.0 * o.pts / o.possessions AS def_rating, o.game_minutes AS opp_game_minutes,
               48.0 * o.possessions / o.game_minutes AS opp_pace
        FROM t JOIN t o ON o.game_id = t.game_id AND o.team_abbr = t.opp_abbr
        """ : """
        SELECT *, 48.0 * possessions / game_minutes AS pace, 100.0 * pts / possessions AS off_rating FROM t
        """;
    return query(teams + select, r -> r.get("game_id") + "|" + r.get("team_abbr"));
  }

  /** Rows keyed "player_id|cache_date", each a column -> value map. */
  public static Map<String, Map<String, Object>> playerDailyCache(List<Path> boxScoreFiles) throws SQLException {
    String sql = """
        WITH box AS (
          %s
        ), g AS (
          SELECT player_id, season, game_id, game_date, pts, reb, ast, min, pts + reb + ast AS pra,
                 MIN(game_date) OVER (PARTITION BY season) AS season_first_date
          FROM box
        )
        SELECT player_id, CAST(game_date AS VARCHAR) AS cache_date, season, game_id,
          CAST(COUNT(*) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS INTEGER) AS games_played_season,
          AVG(pts) OVER (w ROWS BETWEEN 5 PRECEDING AND 1 PRECEDING) AS pts_avg_last_5,
          AVG(pts) OVER (w ROWS BETWEEN 10 PRECEDING AND 1 PRECEDING) AS pts_avg_last_10,
          AVG(pts) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS pts_avg_season,
          STDDEV_SAMP(pts) OVER (w ROWS BETWEEN 10 PRECEDING AND 1 PRECEDING) AS pts_std_last_10,
          AVG(min) OVER (w ROWS BETWEEN 10 PRECEDING AND 1 PRECEDING) AS min_avg_last_10,
          AVG(reb) OVER (w ROWS BETWEEN 10 PRECEDING AND 1 PRECEDING) AS reb_avg_last_10,
          AVG(ast) OVER (w ROWS BETWEEN 10 PRECEDING AND 1 PRECEDING) AS ast_avg_last_10,
          AVG(pra) OVER (w ROWS BETWEEN 10 PRECEDING AND 1 PRECEDING) AS pra_avg_last_10,
          CAST(date_diff('day', LAG(game_date) OVER w, game_date) - 1 AS INTEGER) AS days_rest,
          date_diff('day', LAG(game_date) OVER w, game_date) - 1 = 0 AS back_to_back,
          game_date < season_first_date + INTERVAL 7 DAY AS is_bootstrap,
          LEAST(LEAST(COUNT(*) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 5) / 5.0,
                LEAST(COUNT(*) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 10) / 10.0) AS quality_score
        FROM g
        WINDOW w AS (PARTITION BY player_id, season ORDER BY game_date, game_id)
        """.formatted(readBox(boxScoreFiles, ""));
    return query(sql, r -> r.get("player_id") + "|" + r.get("cache_date"));
  }

  private static String readShots(List<Path> shotFiles) {
    return shotFiles.isEmpty()
        ? "SELECT NULL::VARCHAR AS season, NULL::VARCHAR AS game_id, NULL::DATE AS game_date, NULL::BIGINT AS team_id,"
            + " NULL::BIGINT AS player_id, NULL::INTEGER AS shot_made, NULL::VARCHAR AS zone_basic WHERE false"
        : "SELECT * FROM read_csv([" + list(shotFiles) + "], header = true, types = {'game_id': 'VARCHAR',"
            + " 'game_date': 'DATE', 'player_id': 'BIGINT', 'team_id': 'BIGINT', 'shot_made': 'INTEGER'})";
  }

  /**
   * player_shot_zone_analysis (key "player_id|analysis_date"): docs/contract.md's zone rates and FG% over the
   * player's last 10 games (box scores) of the season before D, zone counts from the shots of those games.
   */
  public static Map<String, Map<String, Object>> playerShotZones(List<Path> boxScoreFiles, List<Path> shotFiles)
      throws SQLException {
    String sql = """
        WITH box AS (
          %s
        ), shots AS (%s
        ), z AS (
          SELECT game_id, player_id, %s FROM shots GROUP BY game_id, player_id
        ), g AS (
          SELECT b.player_id, b.season, b.game_id, b.game_date, z.* EXCLUDE (game_id, player_id)
          FROM box b LEFT JOIN z ON z.game_id = b.game_id AND z.player_id = b.player_id
        )
        SELECT player_id, CAST(game_date AS VARCHAR) AS analysis_date, season,
          CAST(COUNT(*) OVER w AS INTEGER) AS games_in_window,
          CAST(SUM(paint_fga) OVER w AS DOUBLE) / NULLIF(SUM(shots) OVER w, 0) AS paint_rate_last_10,
          CAST(SUM(mid_fga) OVER w AS DOUBLE) / NULLIF(SUM(shots) OVER w, 0) AS mid_range_rate_last_10,
          CAST(SUM(three_fga) OVER w AS DOUBLE) / NULLIF(SUM(shots) OVER w, 0) AS three_rate_last_10,
          CAST(SUM(paint_fgm) OVER w AS DOUBLE) / NULLIF(SUM(paint_fga) OVER w, 0) AS paint_fg_pct_last_10,
          CAST(SUM(mid_fgm) OVER w AS DOUBLE) / NULLIF(SUM(mid_fga) OVER w, 0) AS mid_range_fg_pct_last_10,
          CAST(SUM(three_fgm) OVER w AS DOUBLE) / NULLIF(SUM(three_fga) OVER w, 0) AS three_fg_pct_last_10,
          CAST(COUNT(shots) OVER w AS INTEGER) AS shot_games_in_window,
          LEAST(COUNT(*) OVER w, 10) / 10.0 AS quality_score
        FROM g
        WINDOW w AS (PARTITION BY player_id, season ORDER BY game_date, game_id ROWS BETWEEN 10 PRECEDING AND 1 PRECEDING)
        """.formatted(readBox(boxScoreFiles, ""), readShots(shotFiles), ZONE_SUMS);
    return query(sql, r -> r.get("player_id") + "|" + r.get("analysis_date"));
  }

  /**
   * team_defense_zone_analysis (key "team_abbr|analysis_date"), one row per team per scheduled game of the
   * box-score seasons: opponents' zone FG% over the team's last 15 games (box scores) of the season before D,
   * the league's over every shot of the season before D, and the differences.
   */
  public static Map<String, Map<String, Object>> teamDefenseZones(List<Path> boxScoreFiles, List<Path> shotFiles,
                                                                  Path scheduleFile) throws SQLException {
    String sql = """
        WITH box AS (
          %s
        ), shots AS (%s
        ), sched AS (
          SELECT * FROM read_csv('%s', header = true, types = {'game_id': 'VARCHAR', 'game_date': 'DATE'})
          WHERE season IN (SELECT DISTINCT season FROM box)
        ), rows AS (
          SELECT season, game_id, game_date AS d, home_team_abbr AS team FROM sched
          UNION ALL SELECT season, game_id, game_date, away_team_abbr FROM sched
        ), tg AS (
          SELECT DISTINCT season, game_id, game_date, team_id, team_abbr FROM box
        ), sz AS (
          SELECT game_id, team_id, %s FROM shots GROUP BY game_id, team_id
        ), def AS (
          SELECT tg.season, tg.game_id, tg.game_date, tg.team_abbr, sz.* EXCLUDE (game_id, team_id)
          FROM tg LEFT JOIN sz ON sz.game_id = tg.game_id AND sz.team_id <> tg.team_id
        ), win AS (
          SELECT r.team, r.d, r.season, def.*  EXCLUDE (season, team_abbr),
                 row_number() OVER (PARTITION BY r.team, r.d ORDER BY def.game_date DESC, def.game_id DESC) AS rn
          FROM rows r JOIN def ON def.team_abbr = r.team AND def.season = r.season AND def.game_date < r.d
        ), w AS (
          SELECT team, d, CAST(count(*) AS INTEGER) AS games_in_window,
                 CAST(sum(paint_fgm) AS DOUBLE) / NULLIF(sum(paint_fga), 0) AS opp_paint_fg_pct_last_15,
                 CAST(sum(mid_fgm) AS DOUBLE) / NULLIF(sum(mid_fga), 0) AS opp_mid_range_fg_pct_last_15,
                 CAST(sum(three_fgm) AS DOUBLE) / NULLIF(sum(three_fga), 0) AS opp_three_fg_pct_last_15
          FROM win WHERE rn <= 15 GROUP BY team, d
        ), days AS (
          SELECT DISTINCT season, d FROM rows
        ), league AS (
          SELECT days.season, days.d,
                 CAST(sum(CASE WHEN %5$s THEN shot_made END) AS DOUBLE)
                   / NULLIF(sum(CASE WHEN %5$s THEN 1 END), 0) AS league_paint_fg_pct,
                 CAST(sum(CASE WHEN %6$s THEN shot_made END) AS DOUBLE)
                   / NULLIF(sum(CASE WHEN %6$s THEN 1 END), 0) AS league_mid_range_fg_pct,
                 CAST(sum(CASE WHEN %7$s THEN shot_made END) AS DOUBLE)
                   / NULLIF(sum(CASE WHEN %7$s THEN 1 END), 0) AS league_three_fg_pct
          FROM days LEFT JOIN shots ON shots.season = days.season AND shots.game_date < days.d
          GROUP BY days.season, days.d
        )
        SELECT r.team AS team_abbr, CAST(r.d AS VARCHAR) AS analysis_date, r.season,
               COALESCE(w.games_in_window, 0) AS games_in_window,
               w.opp_paint_fg_pct_last_15, w.opp_mid_range_fg_pct_last_15, w.opp_three_fg_pct_last_15,
               l.league_paint_fg_pct, l.league_mid_range_fg_pct, l.league_three_fg_pct,
               w.opp_paint_fg_pct_last_15 - l.league_paint_fg_pct AS paint_vs_league,
               w.opp_mid_range_fg_pct_last_15 - l.league_mid_range_fg_pct AS mid_range_vs_league,
               w.opp_three_fg_pct_last_15 - l.league_three_fg_pct AS three_vs_league,
               LEAST(COALESCE(w.games_in_window, 0), 15) / 15.0 AS quality_score
        FROM rows r LEFT JOIN w ON w.team = r.team AND w.d = r.d
        LEFT JOIN league l ON l.season = r.season AND l.d = r.d
        """.formatted(readBox(boxScoreFiles, ""), readShots(shotFiles), scheduleFile.toAbsolutePath(), ZONE_SUMS,
        PAINT, MID, THREE);
    return query(sql, r -> r.get("team_abbr") + "|" + r.get("analysis_date"));
  }

  private static final String SCHEDULE_ROWS = """
      sched AS (
        SELECT * FROM read_csv('%s', header = true, types = {'game_id': 'VARCHAR', 'game_date': 'DATE'})
        WHERE season IN (SELECT DISTINCT season FROM box)
      ), rows AS (
        SELECT season, game_id, game_date AS d, home_team_abbr AS team, away_team_abbr AS opp, true AS home FROM sched
        UNION ALL SELECT season, game_id, game_date, away_team_abbr, home_team_abbr, false FROM sched
      )""";

  /**
   * upcoming_team_game_context (key "game_id|team_abbr"): rest, games in the last 7 days, the team's spread and
   * the total, and pace / ratings over the team's box-score games of the season before D.
   */
  public static Map<String, Map<String, Object>> upcomingTeamContext(List<Path> boxScoreFiles, Path scheduleFile,
                                                                     Path gameLinesFile) throws SQLException {
    String sql = """
        WITH box AS (
          %s
        ), %s, lines AS (
          SELECT * FROM read_csv('%s', header = true, types = {'nba_game_id': 'VARCHAR', 'spread': 'DOUBLE', 'total': 'DOUBLE'})
          WHERE nba_game_id IS NOT NULL
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
        )
        SELECT r.game_id, r.team AS team_abbr, r.season, CAST(r.d AS VARCHAR) AS game_date, r.opp AS opp_abbr, r.home,
               a.days_rest, a.days_rest = 0 AS back_to_back, COALESCE(a.games_last_7_days, 0) AS games_last_7_days,
               CASE WHEN l.whos_favored IS NULL OR l.spread IS NULL THEN NULL
                    WHEN (l.whos_favored = 'home') = r.home THEN -l.spread ELSE l.spread END AS spread,
               l.total, COALESCE(a.games_played_season, 0) AS games_played_season,
               COALESCE(a.games_in_window_last_10, 0) AS games_in_window_last_10, a.pace_last_10, a.pace_season,
               a.off_rating_last_10, a.def_rating_last_10, a.off_rating_season, a.def_rating_season,
               o.pace_last_10 AS opp_pace_last_10
        FROM rows r LEFT JOIN agg a ON a.g = r.game_id AND a.team = r.team
        LEFT JOIN agg o ON o.g = r.game_id AND o.team = r.opp
        LEFT JOIN lines l ON l.nba_game_id = r.game_id
        """.formatted(readBox(boxScoreFiles, ""), SCHEDULE_ROWS.formatted(scheduleFile.toAbsolutePath()),
        gameLinesFile.toAbsolutePath());
    return query(sql, r -> r.get("game_id") + "|" + r.get("team_abbr"));
  }

  /**
   * upcoming_player_game_context's rows and schedule fields (key "game_id|player_id"): the players who appeared
   * for the team in one of its last 3 games of the season before D and whose latest appearance before D was for
   * that team, with days rest and games in the last 7 days.
   */
  public static Map<String, Map<String, Object>> expectedPlayers(List<Path> boxScoreFiles, Path scheduleFile)
      throws SQLException {
    String sql = """
        WITH box AS (
          %s
        ), %s, tg AS (
          SELECT DISTINCT season, game_id, game_date, team_abbr FROM box
        ), last3 AS (
          SELECT r.*, tg.game_id AS pg FROM rows r
          JOIN tg ON tg.team_abbr = r.team AND tg.season = r.season AND tg.game_date < r.d
          QUALIFY row_number() OVER (PARTITION BY r.game_id, r.team ORDER BY tg.game_date DESC, tg.game_id DESC) <= 3
        ), cand AS (
          SELECT DISTINCT l.season, l.game_id, l.d, l.team, l.opp, l.home, b.player_id
          FROM last3 l JOIN box b ON b.game_id = l.pg AND b.team_abbr = l.team
        ), hist AS (
          SELECT c.*, b.team_abbr AS last_team, b.game_date AS last_date,
                 row_number() OVER (PARTITION BY c.game_id, c.team, c.player_id ORDER BY b.game_date DESC, b.game_id DESC) AS rn,
                 count(*) FILTER (WHERE b.game_date >= c.d - INTERVAL 7 DAY)
                   OVER (PARTITION BY c.game_id, c.team, c.player_id) AS last7
          FROM cand c JOIN box b ON b.player_id = c.player_id AND b.season = c.season AND b.game_date < c.d
        )
        SELECT game_id, player_id, season, CAST(d AS VARCHAR) AS game_date, team AS team_abbr, opp AS opp_abbr, home,
               CAST(date_diff('day', last_date, d) - 1 AS INTEGER) AS days_rest,
               date_diff('day', last_date, d) - 1 = 0 AS back_to_back, CAST(last7 AS INTEGER) AS games_last_7_days
        FROM hist WHERE rn = 1 AND last_team = team
        """.formatted(readBox(boxScoreFiles, ""), SCHEDULE_ROWS.formatted(scheduleFile.toAbsolutePath()));
    return query(sql, r -> r.get("game_id") + "|" + r.get("player_id"));
  }
}
