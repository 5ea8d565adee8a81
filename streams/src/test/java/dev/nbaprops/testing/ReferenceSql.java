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

  /** Rows keyed "player_id|cache_date", each a column -> value map. */
  public static Map<String, Map<String, Object>> playerDailyCache(List<Path> boxScoreFiles) throws SQLException {
    StringBuilder files = new StringBuilder();
    for (Path f : boxScoreFiles) {
      files.append(files.length() == 0 ? "" : ", ").append('\'').append(f.toAbsolutePath()).append('\'');
    }
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
        """.formatted(files);
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
        out.put(row.get("player_id") + "|" + row.get("cache_date"), row);
      }
    }
    return out;
  }
}
