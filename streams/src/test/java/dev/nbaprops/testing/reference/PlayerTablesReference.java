package dev.nbaprops.testing.reference;

import static dev.nbaprops.testing.reference.SqlParts.MID;
import static dev.nbaprops.testing.reference.SqlParts.PAINT;
import static dev.nbaprops.testing.reference.SqlParts.THREE;
import static dev.nbaprops.testing.reference.SqlParts.firstDates;
import static dev.nbaprops.testing.reference.SqlParts.list;
import static dev.nbaprops.testing.reference.SqlParts.query;
import static dev.nbaprops.testing.reference.SqlParts.SEASON_OF_GAME_ID;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The independent reference for every column of nba_analytics.player_game_summary and
 * nba_precompute.player_daily_cache, as docs/features.md and docs/contract.md define them: DuckDB SQL straight over
 * the raw CSV files of a data directory (box_scores/, shots/, schedule/). No production class, constant or
 * function is on the expected-value path. The one input that is not computed here is the PRA consensus line per
 * (game, player), which the caller passes in from another independent reference (PraLineParityTest.reference:
 * the raw props file with its ground-truth ids, start = schedule tipoff_utc + 15 min).
 */
public final class PlayerTablesReference {
  private PlayerTablesReference() {}

  /**
   * player_game_summary, key "game_id|player_id", one row per box-score row of the seasons; every column.
   *
   * @param praLines the independent PRA consensus per "game_id|player_id" (absent or null: no line)
   */
  public static Map<String, Map<String, Object>> playerGameSummary(Path data, List<String> seasons,
                                                                   Map<String, Double> praLines) throws SQLException {
    List<Path> shots = files(data.resolve("shots"), seasons);
    String sql = """
        WITH box AS (%s),
        shots AS (%s),
        -- docs/features.md: the zone fields are the player's shot rows of the game, null when the shot data has
        -- none (a game without shot data, or a player without an attempt).
        z AS (
          SELECT game_id, player_id, CAST(count(*) AS INTEGER) AS shot_attempts,
                 CAST(count(*) FILTER (WHERE %s) AS INTEGER) AS paint_fga,
                 CAST(count(*) FILTER (WHERE %s AND shot_made = 1) AS INTEGER) AS paint_fgm,
                 CAST(count(*) FILTER (WHERE %s) AS INTEGER) AS mid_range_fga,
                 CAST(count(*) FILTER (WHERE %s AND shot_made = 1) AS INTEGER) AS mid_range_fgm,
                 CAST(count(*) FILTER (WHERE %s) AS INTEGER) AS three_fga,
                 CAST(count(*) FILTER (WHERE %s AND shot_made = 1) AS INTEGER) AS three_fgm
          FROM shots GROUP BY game_id, player_id
        )
        SELECT b.game_id, b.player_id, b.player_name, %s AS season, b.season_type,
               CAST(b.game_date AS VARCHAR) AS game_date, b.team_abbr, b.opp_abbr, b.home_away = 'H' AS home,
               b.min, b.pts, b.fgm, b.fga, b.fg3m, b.fg3a, b.ftm, b.fta, b.oreb, b.dreb, b.reb, b.ast, b.stl, b.blk,
               b.tov, b.pf, b.plus_minus,
               CASE WHEN b.fga + b.fta = 0 THEN NULL ELSE b.pts / (2.0 * (b.fga + 0.44 * b.fta)) END AS ts_pct,
               b.pts + b.reb + b.ast AS pra,
               CASE WHEN b.min = 0 THEN NULL ELSE (b.fga + 0.44 * b.fta + b.tov) * 36.0 / b.min END AS usage_per_36,
               z.shot_attempts AS shot_attempts,
               z.paint_fga AS paint_fga,
               z.paint_fgm AS paint_fgm,
               z.mid_range_fga AS mid_range_fga,
               z.mid_range_fgm AS mid_range_fgm,
               z.three_fga AS three_fga,
               z.three_fgm AS three_fgm
        FROM box b
        LEFT JOIN z ON z.game_id = b.game_id AND z.player_id = b.player_id
        """.formatted(readBox(data, seasons), readShots(shots), PAINT, PAINT, MID, MID, THREE, THREE,
        SEASON_OF_GAME_ID.replace("game_id", "b.game_id"));
    Map<String, Map<String, Object>> rows = query(sql, r -> r.get("game_id") + "|" + r.get("player_id"));
    for (var e : rows.entrySet()) {
      Double line = praLines.get(e.getKey());
      int pra = ((Number) e.getValue().get("pra")).intValue();
      e.getValue().put("pra_line", line);
      e.getValue().put("pra_result", line == null ? null : pra > line ? "OVER" : pra < line ? "UNDER" : "PUSH");
    }
    return rows;
  }

  /**
   * player_daily_cache, key "player_id|cache_date", one row per box-score row of the seasons (D = its game date),
   * from the player's games of the same season before D ordered by (game_date, game_id); every column. The
   * season's first game date (is_bootstrap) is the earliest game_date of the season's regular-season (002…)
   * schedule rows.
   */
  public static Map<String, Map<String, Object>> playerDailyCache(Path data, List<String> seasons)
      throws SQLException {
    String sql = """
        WITH box AS (%s),
        sched AS (
          SELECT * FROM read_csv([%s], header = true, union_by_name = true,
                                 types = {'game_id': 'VARCHAR', 'game_date': 'DATE'})
        ),
        first_date AS (%s),
        g AS (
          SELECT %s AS season, b.* EXCLUDE (season), b.fga + 0.44 * b.fta + b.tov AS usage_events,
                 b.pts + b.reb + b.ast AS pra
          FROM box b
        )
        SELECT g.player_id, CAST(g.game_date AS VARCHAR) AS cache_date, g.season, g.game_id, g.player_name,
          g.team_abbr, g.home_away = 'H' AS home, g.opp_abbr,
          CAST(count(*) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS INTEGER) AS games_played_season,
          CAST(count(*) OVER (w ROWS BETWEEN 5 PRECEDING AND 1 PRECEDING) AS INTEGER) AS games_in_window_last_5,
          CAST(count(*) OVER (w ROWS BETWEEN 10 PRECEDING AND 1 PRECEDING) AS INTEGER) AS games_in_window_last_10,
          avg(pts) OVER (w ROWS BETWEEN 5 PRECEDING AND 1 PRECEDING) AS pts_avg_last_5,
          avg(pts) OVER (w ROWS BETWEEN 10 PRECEDING AND 1 PRECEDING) AS pts_avg_last_10,
          avg(pts) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS pts_avg_season,
          stddev_samp(pts) OVER (w ROWS BETWEEN 10 PRECEDING AND 1 PRECEDING) AS pts_std_last_10,
          avg(min) OVER (w ROWS BETWEEN 5 PRECEDING AND 1 PRECEDING) AS min_avg_last_5,
          avg(min) OVER (w ROWS BETWEEN 10 PRECEDING AND 1 PRECEDING) AS min_avg_last_10,
          avg(reb) OVER (w ROWS BETWEEN 10 PRECEDING AND 1 PRECEDING) AS reb_avg_last_10,
          avg(ast) OVER (w ROWS BETWEEN 10 PRECEDING AND 1 PRECEDING) AS ast_avg_last_10,
          avg(pra) OVER (w ROWS BETWEEN 10 PRECEDING AND 1 PRECEDING) AS pra_avg_last_10,
          avg(fg3m) OVER (w ROWS BETWEEN 5 PRECEDING AND 1 PRECEDING) AS fg3m_avg_last_5,
          avg(fg3m) OVER (w ROWS BETWEEN 10 PRECEDING AND 1 PRECEDING) AS fg3m_avg_last_10,
          avg(pts) OVER (w ROWS BETWEEN 5 PRECEDING AND 1 PRECEDING)
            - avg(pts) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS pts_trend,
          avg(min) OVER (w ROWS BETWEEN 5 PRECEDING AND 1 PRECEDING)
            - avg(min) OVER (w ROWS BETWEEN 10 PRECEDING AND 1 PRECEDING) AS min_trend,
          CAST(date_diff('day', lag(game_date) OVER w, game_date) - 1 AS INTEGER) AS days_rest,
          date_diff('day', lag(game_date) OVER w, game_date) - 1 = 0 AS back_to_back,
          CAST(count(*) OVER w7 AS INTEGER) AS games_last_7_days,
          COALESCE(sum(min) OVER w7, 0.0) AS minutes_last_7_days,
          sum(usage_events) OVER (w ROWS BETWEEN 5 PRECEDING AND 1 PRECEDING) * 36.0
            / NULLIF(sum(min) OVER (w ROWS BETWEEN 5 PRECEDING AND 1 PRECEDING), 0) AS usage_per_36_last_5,
          sum(usage_events) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) * 36.0
            / NULLIF(sum(min) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS usage_per_36_season,
          sum(pts) OVER (w ROWS BETWEEN 10 PRECEDING AND 1 PRECEDING)
            / (2.0 * NULLIF(sum(fga) OVER (w ROWS BETWEEN 10 PRECEDING AND 1 PRECEDING)
                            + 0.44 * sum(fta) OVER (w ROWS BETWEEN 10 PRECEDING AND 1 PRECEDING), 0)) AS ts_pct_last_10,
          g.game_date < f.first_date + INTERVAL 7 DAY AS is_bootstrap,
          least(count(*) OVER (w ROWS BETWEEN 5 PRECEDING AND 1 PRECEDING) / 5.0,
                count(*) OVER (w ROWS BETWEEN 10 PRECEDING AND 1 PRECEDING) / 10.0) AS quality_score
        FROM g LEFT JOIN first_date f ON f.season = g.season
        WINDOW w AS (PARTITION BY g.player_id, g.season ORDER BY g.game_date, g.game_id),
               w7 AS (PARTITION BY g.player_id, g.season ORDER BY g.game_date
                      RANGE BETWEEN INTERVAL 7 DAY PRECEDING AND INTERVAL 1 DAY PRECEDING)
        """.formatted(readBox(data, seasons), list(files(data.resolve("schedule"), List.of())),
        firstDates(SEASON_OF_GAME_ID), SEASON_OF_GAME_ID.replace("game_id", "b.game_id"));
    return query(sql, r -> r.get("player_id") + "|" + r.get("cache_date"));
  }

  /** The box-score rows of the seasons (their files under box_scores/). */
  private static String readBox(Path data, List<String> seasons) {
    List<Path> box = files(data.resolve("box_scores"), seasons);
    if (box.size() < seasons.size()) {
      throw new IllegalArgumentException("box-score files of " + seasons + " under " + data + ": " + box);
    }
    return SqlParts.readBox(box, "'pts': 'INTEGER', 'reb': 'INTEGER', 'ast': 'INTEGER', 'fga': 'INTEGER',"
        + " 'fta': 'INTEGER', 'tov': 'INTEGER', 'plus_minus': 'INTEGER'");
  }

  private static String readShots(List<Path> shots) {
    return shots.isEmpty()
        ? "SELECT NULL::VARCHAR AS game_id, NULL::BIGINT AS player_id, NULL::INTEGER AS shot_made,"
            + " NULL::VARCHAR AS zone_basic WHERE false"
        : "SELECT * FROM read_csv([" + list(shots) + "], header = true, union_by_name = true, types = {"
            + "'game_id': 'VARCHAR', 'player_id': 'BIGINT', 'shot_made': 'INTEGER'})";
  }

  /**
   * The CSV files directly in {@code dir} (sorted) whose names hold one of {@code seasons}, or that span several
   * seasons ({@code _to_}); every CSV file when {@code seasons} is empty.
   */
  static List<Path> files(Path dir, List<String> seasons) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(Files::isRegularFile).filter(f -> {
        String n = f.getFileName().toString();
        return n.matches(".*\\.csv(\\.gz)?")
            && (seasons.isEmpty() || n.contains("_to_") || seasons.stream().anyMatch(n::contains));
      }).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

}
