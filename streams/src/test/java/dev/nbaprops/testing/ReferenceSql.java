package dev.nbaprops.testing;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The independent batch computation the stream is checked against: CONTRACT.md's pinned player metrics as
 * DuckDB SQL window functions straight over the box-score CSV files. It shares no code with the topology.
 */
public final class ReferenceSql {
  private ReferenceSql() {}

  /** team_offense_game_summary (key "game_id|team_abbr") or, with {@code defense}, team_defense_game_summary. */
  public static Map<String, Map<String, Object>> teamGameSummary(List<Path> boxScoreFiles, boolean defense)
      throws SQLException {
    String teams = """
        WITH box AS (
          SELECT * FROM read_csv([%s], header = true, types = {'game_id': 'VARCHAR', 'game_date': 'DATE',
                                 'player_id': 'BIGINT', 'min': 'DOUBLE'})
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
        """.formatted(files(boxScoreFiles));
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

  private static String files(List<Path> boxScoreFiles) {
    StringBuilder files = new StringBuilder();
    for (Path f : boxScoreFiles) {
      files.append(files.length() == 0 ? "" : ", ").append('\'').append(f.toAbsolutePath()).append('\'');
    }
    return files.toString();
  }

  private static Map<String, Map<String, Object>> query(String sql,
      java.util.function.Function<Map<String, Object>, String> key) throws SQLException {
    Map<String, Map<String, Object>> out = new HashMap<>();
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
         Statement st = c.createStatement();
         ResultSet rs = st.executeQuery(sql)) {
      ResultSetMetaData md = rs.getMetaData();
      while (rs.next()) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 1; i <= md.getColumnCount(); i++) {
          row.put(md.getColumnLabel(i), rs.getObject(i));
        }
        out.put(key.apply(row), row);
      }
    }
    return out;
  }

  /** Rows keyed "player_id|cache_date", each a column -> value map. */
  public static Map<String, Map<String, Object>> playerDailyCache(List<Path> boxScoreFiles) throws SQLException {
    String sql = """
        WITH box AS (
          SELECT * FROM read_csv([%s], header = true, types = {'game_id': 'VARCHAR', 'game_date': 'DATE',
                                 'player_id': 'BIGINT', 'min': 'DOUBLE'})
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
        """.formatted(files(boxScoreFiles));
    return query(sql, r -> r.get("player_id") + "|" + r.get("cache_date"));
  }
}
