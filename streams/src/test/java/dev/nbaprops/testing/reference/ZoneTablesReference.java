package dev.nbaprops.testing.reference;

import static dev.nbaprops.testing.reference.SqlParts.MID;
import static dev.nbaprops.testing.reference.SqlParts.PAINT;
import static dev.nbaprops.testing.reference.SqlParts.THREE;
import static dev.nbaprops.testing.reference.SqlParts.firstDates;
import static dev.nbaprops.testing.reference.SqlParts.list;
import static dev.nbaprops.testing.reference.SqlParts.query;
import static dev.nbaprops.testing.reference.SqlParts.ZONE_SUMS;

import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * Every column of nba_precompute.player_shot_zone_analysis and nba_precompute.team_defense_zone_analysis,
 * computed independently of the production code: DuckDB SQL straight over the raw CSV files of a data directory
 * (box_scores/, shots/, schedule/), plus plain Java over the SQL rows for the two "which zone" columns. It builds on
 * the SQL of {@code ReferenceSql.playerShotZones} / {@code teamDefenseZones} and adds the columns those lack, each
 * written from its definition in docs/features.md and docs/contract.md:
 *
 * <ul>
 *   <li>zones from {@code zone_basic}: paint = Restricted Area + In The Paint (Non-RA); mid_range = Mid-Range;
 *       three = Left Corner 3 + Right Corner 3 + Above the Break 3 + Backcourt;</li>
 *   <li>a window is the player's (team's) last 10 (15) box-score games of the season with game_date &lt; D, by
 *       (game_date, game_id); a game "with shot data" is a game that has rows in the shot files;</li>
 *   <li>{@code is_bootstrap} = D &lt; the season's first game date + 7 days, where the first game date is the
 *       minimum game_date of the season's regular-season (game id prefix 002) schedule rows;</li>
 *   <li>{@code primary_scoring_zone} / {@code weakest_zone}: the zone with the most field-goal points (2 per paint or
 *       mid-range make, 3 per three; null without makes) / the largest non-null {@code *_vs_league} (null when all
 *       are null); a tie goes to the first in the order paint, mid_range, three.</li>
 * </ul>
 */
public final class ZoneTablesReference {
  /** The zones in the order of the contract (and of ties). */
  public static final List<String> ZONES = List.of("paint", "mid_range", "three");

  private ZoneTablesReference() {}

  /**
   * player_shot_zone_analysis, keyed "player_id|analysis_date" like its topic: one row per player per date D on
   * which the player has a box score, over the player's last 10 box-score games of the season before D.
   */
  public static Map<String, Map<String, Object>> playerShotZones(Path data, List<String> seasons) throws SQLException {
    String sql = """
        WITH %s,
        z AS (
          SELECT game_id, player_id, %s FROM shots GROUP BY game_id, player_id
        ), g AS (
          -- every box-score game of the player; zone counts when the shot data has rows of the player for the
          -- game, NULL otherwise (docs/features.md: a game without shot data, or no attempt)
          SELECT b.player_id, b.season, b.game_id, b.game_date,
                 z.shots AS shots, z.paint_fga AS paint_fga, z.paint_fgm AS paint_fgm, z.mid_fga AS mid_fga,
                 z.mid_fgm AS mid_fgm, z.three_fga AS three_fga, z.three_fgm AS three_fgm
          FROM box b
          LEFT JOIN z ON z.game_id = b.game_id AND z.player_id = b.player_id
        ), days AS (
          SELECT DISTINCT player_id, season, game_date AS d FROM box
        ), win AS (
          SELECT days.player_id, days.season, days.d, g.*  EXCLUDE (player_id, season),
                 row_number() OVER (PARTITION BY days.player_id, days.d ORDER BY g.game_date DESC, g.game_id DESC) AS rn
          FROM days JOIN g ON g.player_id = days.player_id AND g.season = days.season AND g.game_date < days.d
        ), w AS (
          SELECT player_id, d, count(*) AS games, count(shots) AS shot_games, sum(shots) AS shots,
                 sum(paint_fga) AS paint_fga, sum(paint_fgm) AS paint_fgm, sum(mid_fga) AS mid_fga,
                 sum(mid_fgm) AS mid_fgm, sum(three_fga) AS three_fga, sum(three_fgm) AS three_fgm
          FROM win WHERE rn <= 10 GROUP BY player_id, d
        ), x AS (
          SELECT days.player_id, days.season, days.d, COALESCE(w.games, 0) AS games,
                 COALESCE(w.shot_games, 0) AS shot_games, COALESCE(w.shots, 0) AS shots,
                 w.paint_fga, w.paint_fgm, w.mid_fga, w.mid_fgm, w.three_fga, w.three_fgm
          FROM days LEFT JOIN w ON w.player_id = days.player_id AND w.d = days.d
        )
        SELECT x.player_id, CAST(x.d AS VARCHAR) AS analysis_date, x.season,
               CAST(x.games AS INTEGER) AS games_in_window,
               CAST(x.paint_fga AS DOUBLE) / NULLIF(x.shots, 0) AS paint_rate_last_10,
               CAST(x.mid_fga AS DOUBLE) / NULLIF(x.shots, 0) AS mid_range_rate_last_10,
               CAST(x.three_fga AS DOUBLE) / NULLIF(x.shots, 0) AS three_rate_last_10,
               CAST(x.paint_fgm AS DOUBLE) / NULLIF(x.paint_fga, 0) AS paint_fg_pct_last_10,
               CAST(x.mid_fgm AS DOUBLE) / NULLIF(x.mid_fga, 0) AS mid_range_fg_pct_last_10,
               CAST(x.three_fgm AS DOUBLE) / NULLIF(x.three_fga, 0) AS three_fg_pct_last_10,
               x.d < f.first_date + INTERVAL 7 DAY AS is_bootstrap,
               x.games / 10.0 AS quality_score,
               CAST(x.shot_games AS INTEGER) AS shot_games_in_window,
               CAST(x.shots AS INTEGER) AS fga_last_10,
               CAST(x.paint_fga AS DOUBLE) / NULLIF(x.shot_games, 0) AS paint_fga_per_game,
               CAST(x.mid_fga AS DOUBLE) / NULLIF(x.shot_games, 0) AS mid_range_fga_per_game,
               CAST(x.three_fga AS DOUBLE) / NULLIF(x.shot_games, 0) AS three_fga_per_game,
               2 * COALESCE(x.paint_fgm, 0) AS paint_points, 2 * COALESCE(x.mid_fgm, 0) AS mid_range_points,
               3 * COALESCE(x.three_fgm, 0) AS three_points
        FROM x LEFT JOIN first_dates f ON f.season = x.season
        """.formatted(sources(data, seasons), ZONE_SUMS);
    Map<String, Map<String, Object>> rows = query(sql, r -> r.get("player_id") + "|" + r.get("analysis_date"));
    for (Map<String, Object> r : rows.values()) {
      long[] points = new long[3];
      for (int z = 0; z < 3; z++) {
        points[z] = ((Number) r.remove(ZONES.get(z) + "_points")).longValue();
      }
      r.put("primary_scoring_zone", bestZone(points[0] > 0 ? (double) points[0] : null,
          points[1] > 0 ? (double) points[1] : null, points[2] > 0 ? (double) points[2] : null));
    }
    return rows;
  }

  /**
   * team_defense_zone_analysis, keyed "team_abbr|analysis_date" like its topic: one row per team per scheduled
   * game (schedule) on D of the seasons, over the team's last 15 box-score games of the season before D.
   */
  public static Map<String, Map<String, Object>> teamDefenseZones(Path data, List<String> seasons) throws SQLException {
    String sql = """
        WITH %s,
        rows AS (
          SELECT season, game_id, game_date AS d, home_team_abbr AS team, away_team_abbr AS opp FROM sched
          UNION ALL SELECT season, game_id, game_date, away_team_abbr, home_team_abbr FROM sched
        ), tg AS (
          SELECT DISTINCT season, game_id, game_date, team_id, team_abbr FROM box
        ), sz AS (
          SELECT game_id, team_id, %s FROM shots GROUP BY game_id, team_id
        ), def AS (
          -- a team-game with the zone counts of the opponent's shots (NULL when the game has no shot data)
          SELECT tg.season, tg.game_id, tg.game_date, tg.team_abbr, sz.* EXCLUDE (game_id, team_id)
          FROM tg LEFT JOIN sz ON sz.game_id = tg.game_id AND sz.team_id <> tg.team_id
        ), win AS (
          SELECT r.team, r.d, def.* EXCLUDE (season, team_abbr),
                 row_number() OVER (PARTITION BY r.team, r.d ORDER BY def.game_date DESC, def.game_id DESC) AS rn
          FROM rows r JOIN def ON def.team_abbr = r.team AND def.season = r.season AND def.game_date < r.d
        ), w AS (
          SELECT team, d, count(*) AS games, count(shots) AS shot_games,
                 sum(paint_fga) AS paint_fga, sum(paint_fgm) AS paint_fgm, sum(mid_fga) AS mid_fga,
                 sum(mid_fgm) AS mid_fgm, sum(three_fga) AS three_fga, sum(three_fgm) AS three_fgm
          FROM win WHERE rn <= 15 GROUP BY team, d
        ), days AS (
          SELECT DISTINCT season, d FROM rows
        ), league AS (
          SELECT days.season, days.d,
                 CAST(sum(CASE WHEN %3$s THEN shot_made END) AS DOUBLE)
                   / NULLIF(sum(CASE WHEN %3$s THEN 1 END), 0) AS league_paint_fg_pct,
                 CAST(sum(CASE WHEN %4$s THEN shot_made END) AS DOUBLE)
                   / NULLIF(sum(CASE WHEN %4$s THEN 1 END), 0) AS league_mid_range_fg_pct,
                 CAST(sum(CASE WHEN %5$s THEN shot_made END) AS DOUBLE)
                   / NULLIF(sum(CASE WHEN %5$s THEN 1 END), 0) AS league_three_fg_pct
          FROM days LEFT JOIN shots ON shots.season = days.season AND shots.game_date < days.d
          GROUP BY days.season, days.d
        ), x AS (
          SELECT r.team, r.d, r.season, r.game_id, r.opp, COALESCE(w.games, 0) AS games,
                 COALESCE(w.shot_games, 0) AS shot_games,
                 CAST(w.paint_fgm AS DOUBLE) / NULLIF(w.paint_fga, 0) AS opp_paint,
                 CAST(w.mid_fgm AS DOUBLE) / NULLIF(w.mid_fga, 0) AS opp_mid,
                 CAST(w.three_fgm AS DOUBLE) / NULLIF(w.three_fga, 0) AS opp_three,
                 w.paint_fga, w.mid_fga, w.three_fga,
                 l.league_paint_fg_pct, l.league_mid_range_fg_pct, l.league_three_fg_pct
          FROM rows r LEFT JOIN w ON w.team = r.team AND w.d = r.d
          LEFT JOIN league l ON l.season = r.season AND l.d = r.d
        )
        SELECT x.team AS team_abbr, CAST(x.d AS VARCHAR) AS analysis_date, x.season,
               CAST(x.games AS INTEGER) AS games_in_window,
               x.opp_paint AS opp_paint_fg_pct_last_15, x.opp_mid AS opp_mid_range_fg_pct_last_15,
               x.opp_three AS opp_three_fg_pct_last_15,
               x.league_paint_fg_pct, x.league_mid_range_fg_pct, x.league_three_fg_pct,
               x.opp_paint - x.league_paint_fg_pct AS paint_vs_league,
               x.opp_mid - x.league_mid_range_fg_pct AS mid_range_vs_league,
               x.opp_three - x.league_three_fg_pct AS three_vs_league,
               x.d < f.first_date + INTERVAL 7 DAY AS is_bootstrap,
               x.games / 15.0 AS quality_score,
               CAST(x.shot_games AS INTEGER) AS shot_games_in_window,
               CAST(x.paint_fga AS DOUBLE) / NULLIF(x.shot_games, 0) AS opp_paint_fga_per_game,
               CAST(x.mid_fga AS DOUBLE) / NULLIF(x.shot_games, 0) AS opp_mid_range_fga_per_game,
               CAST(x.three_fga AS DOUBLE) / NULLIF(x.shot_games, 0) AS opp_three_fga_per_game,
               x.game_id, x.opp AS opp_abbr
        FROM x LEFT JOIN first_dates f ON f.season = x.season
        """.formatted(sources(data, seasons), ZONE_SUMS, PAINT, MID, THREE);
    Map<String, Map<String, Object>> rows = query(sql, r -> r.get("team_abbr") + "|" + r.get("analysis_date"));
    for (Map<String, Object> r : rows.values()) {
      r.put("weakest_zone", bestZone((Double) r.get("paint_vs_league"), (Double) r.get("mid_range_vs_league"),
          (Double) r.get("three_vs_league")));
    }
    return rows;
  }

  /** The zone with the largest non-null value, the first of paint, mid_range, three on a tie; null for none. */
  static String bestZone(Double paint, Double midRange, Double three) {
    Double[] v = {paint, midRange, three};
    int best = -1;
    for (int z = 0; z < 3; z++) {
      if (v[z] != null && (best < 0 || v[z] > v[best])) {
        best = z;
      }
    }
    return best < 0 ? null : ZONES.get(best);
  }

  /**
   * The CTEs box, shots, shot_games, sched and first_dates over the raw CSVs of the seasons: every CSV file of
   * box_scores/ and shots/ (rows of the seasons), the schedule rows of the seasons, and the season's first game
   * date = min game_date of its regular-season (game id 002…) schedule rows.
   */
  static String sources(Path data, List<String> seasons) {
    String in = seasons.stream().map(s -> "'" + s + "'").reduce((a, b) -> a + ", " + b).orElseThrow();
    List<Path> box = SqlParts.csvFiles(data.resolve("box_scores"));
    List<Path> shots = SqlParts.csvFiles(data.resolve("shots"));
    List<Path> sched = SqlParts.csvFiles(data.resolve("schedule"));
    if (box.isEmpty() || sched.isEmpty()) {
      throw new IllegalArgumentException("no box scores or schedule under " + data);
    }
    String shotsSql = shots.isEmpty()
        ? "SELECT NULL::VARCHAR AS season, NULL::VARCHAR AS game_id, NULL::DATE AS game_date, NULL::BIGINT AS team_id,"
            + " NULL::BIGINT AS player_id, NULL::INTEGER AS shot_made, NULL::VARCHAR AS zone_basic WHERE false"
        : "SELECT * FROM read_csv([" + list(shots) + "], header = true, union_by_name = true, types = {"
            + "'season': 'VARCHAR', 'game_id': 'VARCHAR', 'game_date': 'DATE', 'player_id': 'BIGINT',"
            + " 'team_id': 'BIGINT', 'shot_made': 'INTEGER', 'zone_basic': 'VARCHAR'}) WHERE season IN (" + in + ")";
    return """
        box AS (
          %s
          WHERE season IN (%s)
        ), shots AS (%s
        ), shot_games AS (
          SELECT DISTINCT game_id FROM shots
        ), sched AS (
          SELECT * FROM read_csv([%s], header = true, union_by_name = true, types = {'season': 'VARCHAR',
                                 'game_id': 'VARCHAR', 'game_date': 'DATE'})
          WHERE season IN (%s)
        ), first_dates AS (%s
        )""".formatted(SqlParts.readBox(box, "'season': 'VARCHAR'"), in, shotsSql, list(sched), in,
        firstDates("season"));
  }

}
