package dev.nbaprops.testing.reference;

import static dev.nbaprops.testing.reference.SqlParts.MID;
import static dev.nbaprops.testing.reference.SqlParts.PAINT;
import static dev.nbaprops.testing.reference.SqlParts.THREE;
import static dev.nbaprops.testing.reference.SqlParts.firstDates;
import static dev.nbaprops.testing.reference.SqlParts.list;
import static dev.nbaprops.testing.reference.SqlParts.query;
import static dev.nbaprops.testing.reference.SqlParts.readBox;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The independent batch computation of nba_precompute.ml_feature_store and nba_precompute.player_composite_factors
 * (both keyed "player_id|game_date"), every column, as DuckDB SQL straight over the raw CSV files of a data
 * directory (box_scores/, shots/, schedule/, odds/, props/), following docs/features.md and docs/contract.md. It uses
 * no production class, constant or function: the inputs (daily cache, shot-zone profile, the opponent's team
 * context and zone defense, the PRA consensus) are this class's own SQL, adapted from {@code ReferenceSql}, the PRA
 * snapshots and consensus are {@link PropsReference}'s; the feature row and the composites are SQL over those reference rows.
 */
public final class FeatureTablesReference {
  /** docs/features.md: "nba_precompute.ml_feature_store (key player_id, game_date) — feature_version v1". */
  static final String FEATURE_VERSION = "v1";

  private FeatureTablesReference() {}

  /** Both tables, computed once. */
  public record Tables(Map<String, Map<String, Object>> mlFeatureStore,
                       Map<String, Map<String, Object>> playerCompositeFactors) {}

  /** ml_feature_store rows keyed "player_id|game_date" (every one of its 57 columns). */
  public static Map<String, Map<String, Object>> mlFeatureStore(Path data, List<String> seasons) throws SQLException {
    return compute(data, seasons).mlFeatureStore();
  }

  /** player_composite_factors rows keyed "player_id|game_date" (every one of its 27 columns). */
  public static Map<String, Map<String, Object>> playerCompositeFactors(Path data, List<String> seasons)
      throws SQLException {
    return compute(data, seasons).playerCompositeFactors();
  }

  /** Both tables from the raw files of {@code seasons} under {@code data}. */
  public static Tables compute(Path data, List<String> seasons) throws SQLException {
    List<Path> box = new ArrayList<>();
    List<Path> shots = new ArrayList<>();
    List<Path> props = new ArrayList<>();
    for (String s : seasons) {
      box.add(data.resolve("box_scores/player_box_" + s + ".csv.gz"));
      Path sh = data.resolve("shots/shots_" + s + "_regular.csv.gz");
      if (Files.exists(sh)) {
        shots.add(sh);
      }
      Path p = data.resolve("props/pra_lines_" + s + ".csv.gz");
      if (Files.exists(p)) {
        props.add(p);
      }
    }
    Path schedule = data.resolve("schedule/games_2021-22_to_2023-24.csv.gz");
    Path gameLines = data.resolve("odds/game_lines_2021-22_to_2023-24.csv.gz");
    String seasonList = String.join(", ", seasons.stream().map(s -> "'" + s + "'").toList());

    List<String> steps = new ArrayList<>();
    // ---- raw inputs
    steps.add("CREATE TEMP TABLE box AS " + readBox(box, "") + " WHERE season IN (" + seasonList + ")");
    steps.add(shots.isEmpty()
        ? "CREATE TEMP TABLE shots AS SELECT NULL::VARCHAR AS season, NULL::VARCHAR AS game_id, NULL::DATE AS game_date,"
            + " NULL::BIGINT AS team_id, NULL::BIGINT AS player_id, NULL::INTEGER AS shot_made,"
            + " NULL::VARCHAR AS zone_basic WHERE false"
        : "CREATE TEMP TABLE shots AS SELECT * FROM read_csv([" + list(shots) + "], header = true, types = {"
            + "'game_id': 'VARCHAR', 'game_date': 'DATE', 'player_id': 'BIGINT', 'team_id': 'BIGINT',"
            + " 'shot_made': 'INTEGER'})");
    steps.add("""
        CREATE TEMP TABLE sched AS SELECT * FROM read_csv('%s', header = true,
          types = {'game_id': 'VARCHAR', 'game_date': 'DATE', 'tipoff_utc': 'VARCHAR'})
        WHERE season IN (%s)""".formatted(schedule.toAbsolutePath(), seasonList));
    // The season's first game date: the earliest regular-season (game id 002...) schedule date (features.md).
    steps.add("CREATE TEMP TABLE season_start AS " + firstDates("season"));
    // One row per team per scheduled game (both sides).
    steps.add("""
        CREATE TEMP TABLE trows AS
        SELECT season, game_id, game_date AS d, home_team_abbr AS team, away_team_abbr AS opp FROM sched
        UNION ALL SELECT season, game_id, game_date, away_team_abbr, home_team_abbr FROM sched""");

    // ---- player side: daily cache fields over the player's games of the season strictly before D
    steps.add("""
        CREATE TEMP TABLE pprior AS
        SELECT b.player_id, b.game_date AS d, p.*,
               row_number() OVER (PARTITION BY b.player_id, b.game_date ORDER BY p.game_date DESC, p.game_id DESC) AS rn
        FROM box b JOIN box p ON p.player_id = b.player_id AND p.season = b.season AND p.game_date < b.game_date""");
    steps.add("""
        CREATE TEMP TABLE daily AS
        SELECT player_id, d,
          count(*) AS gp,
          avg(pts) FILTER (WHERE rn <= 5) AS pts5, avg(pts) FILTER (WHERE rn <= 10) AS pts10, avg(pts) AS pts_season,
          stddev_samp(pts) FILTER (WHERE rn <= 10) AS pts_std10,
          avg(min) FILTER (WHERE rn <= 10) AS min10, avg(min) FILTER (WHERE rn <= 5) AS min5,
          avg(reb) FILTER (WHERE rn <= 10) AS reb10, avg(ast) FILTER (WHERE rn <= 10) AS ast10,
          avg(pts + reb + ast) FILTER (WHERE rn <= 10) AS pra10,
          avg(fg3m) FILTER (WHERE rn <= 5) AS fg3m5, avg(fg3m) FILTER (WHERE rn <= 10) AS fg3m10,
          date_diff('day', max(game_date), d) - 1 AS days_rest,
          count(*) FILTER (WHERE rn <= 5) AS g5, count(*) FILTER (WHERE rn <= 10) AS g10,
          count(*) FILTER (WHERE game_date >= d - INTERVAL 7 DAY) AS g7,
          sum(min) FILTER (WHERE game_date >= d - INTERVAL 7 DAY) AS min7,
          sum(fga + 0.44 * fta + tov) FILTER (WHERE rn <= 5) * 36.0 / NULLIF(sum(min) FILTER (WHERE rn <= 5), 0) AS usage5,
          sum(fga + 0.44 * fta + tov) * 36.0 / NULLIF(sum(min), 0) AS usage_season,
          CAST(sum(pts) FILTER (WHERE rn <= 10) AS DOUBLE)
            / NULLIF(2 * (sum(fga) FILTER (WHERE rn <= 10) + 0.44 * sum(fta) FILTER (WHERE rn <= 10)), 0) AS ts10
        FROM pprior GROUP BY player_id, d""");
    // Shot-zone profile: the shots of the player's last 10 games before D.
    steps.add("""
        CREATE TEMP TABLE pshots AS
        SELECT game_id, player_id, count(*) AS shots,
          count(*) FILTER (WHERE %1$s) AS paint_fga, sum(shot_made) FILTER (WHERE %1$s) AS paint_fgm,
          count(*) FILTER (WHERE %2$s) AS mid_fga,
          count(*) FILTER (WHERE %3$s) AS three_fga, sum(shot_made) FILTER (WHERE %3$s) AS three_fgm
        FROM shots GROUP BY game_id, player_id""".formatted(PAINT, MID, THREE));
    steps.add("""
        CREATE TEMP TABLE pzones AS
        SELECT p.player_id, p.d, COALESCE(sum(s.shots), 0) AS shots,
          CAST(sum(s.paint_fga) AS DOUBLE) / NULLIF(sum(s.shots), 0) AS paint_rate,
          CAST(sum(s.mid_fga) AS DOUBLE) / NULLIF(sum(s.shots), 0) AS mid_rate,
          CAST(sum(s.three_fga) AS DOUBLE) / NULLIF(sum(s.shots), 0) AS three_rate,
          CAST(sum(s.paint_fgm) AS DOUBLE) / NULLIF(sum(s.paint_fga), 0) AS paint_pct,
          CAST(sum(s.three_fgm) AS DOUBLE) / NULLIF(sum(s.three_fga), 0) AS three_pct
        FROM pprior p LEFT JOIN pshots s ON s.game_id = p.game_id AND s.player_id = p.player_id
        WHERE p.rn <= 10 GROUP BY p.player_id, p.d""");

    // ---- PRA line (PropsReference): each bookmaker's last snapshot before the start, the median of those, the
    // earliest snapshot's line (median at that instant), the bookmaker count; the props CSV files of the seasons only
    // (The Odds API: line_source ODDS_API); the fill's pool is who played in the game.
    steps.add("CREATE TEMP TABLE lines AS WITH " + PropsReference.ctes(new PropsReference.Inputs(props,
        List.of(schedule), "SELECT game_id, player_id, player_name FROM box"))
        + " SELECT game_id, player_id, consensus_line AS consensus, opening_line AS opening, bookmaker_count AS books"
        + " FROM props_lines");

    // ---- the opponent's side: upcoming_team_game_context and team_defense_zone_analysis of (team, D)
    steps.add("""
        CREATE TEMP TABLE tgame AS
        WITH t AS (
          SELECT season, game_id, any_value(game_date) AS game_date, team_abbr, any_value(team_id) AS team_id,
                 sum(pts) AS pts, sum(fga) - sum(oreb) + sum(tov) + 0.44 * sum(fta) AS poss, sum(min) / 5 AS minutes
          FROM box GROUP BY season, game_id, team_abbr
        )
        SELECT t.*, 48.0 * t.poss / NULLIF(t.minutes, 0) AS pace, o.pts AS opp_pts, o.poss AS opp_poss
        FROM t JOIN t o ON o.game_id = t.game_id AND o.team_abbr <> t.team_abbr""");
    steps.add("""
        CREATE TEMP TABLE tctx AS
        WITH prior AS (
          SELECT r.game_id AS g, r.team, r.d, tg.*,
                 row_number() OVER (PARTITION BY r.game_id, r.team ORDER BY tg.game_date DESC, tg.game_id DESC) AS rn
          FROM trows r JOIN tgame tg ON tg.team_abbr = r.team AND tg.season = r.season AND tg.game_date < r.d
        ), agg AS (
          SELECT g, team, count(*) FILTER (WHERE rn <= 10) AS g10,
                 avg(pace) FILTER (WHERE rn <= 10) AS pace10,
                 100.0 * sum(opp_pts) FILTER (WHERE rn <= 10) / NULLIF(sum(opp_poss) FILTER (WHERE rn <= 10), 0) AS def10
          FROM prior GROUP BY g, team
        ), league AS (
          SELECT dd.season, dd.d, avg(tg.pace) AS league_pace
          FROM (SELECT DISTINCT season, d FROM trows) dd
          LEFT JOIN tgame tg ON tg.season = dd.season AND tg.game_date < dd.d
          GROUP BY dd.season, dd.d
        )
        SELECT r.game_id, r.team, r.d, r.opp, COALESCE(a.g10, 0) AS g10, a.pace10, a.def10,
               o.pace10 AS opp_pace10, l.league_pace
        FROM trows r LEFT JOIN agg a ON a.g = r.game_id AND a.team = r.team
        LEFT JOIN agg o ON o.g = r.game_id AND o.team = r.opp
        LEFT JOIN league l ON l.season = r.season AND l.d = r.d""");
    steps.add("""
        CREATE TEMP TABLE tzones AS
        WITH sz AS (
          SELECT game_id, team_id,
            count(*) FILTER (WHERE %1$s) AS paint_fga, sum(shot_made) FILTER (WHERE %1$s) AS paint_fgm,
            count(*) FILTER (WHERE %2$s) AS mid_fga, sum(shot_made) FILTER (WHERE %2$s) AS mid_fgm,
            count(*) FILTER (WHERE %3$s) AS three_fga, sum(shot_made) FILTER (WHERE %3$s) AS three_fgm
          FROM shots GROUP BY game_id, team_id
        ), def AS (
          SELECT tg.season, tg.game_id, tg.game_date, tg.team_abbr, sz.* EXCLUDE (game_id, team_id)
          FROM (SELECT DISTINCT season, game_id, game_date, team_id, team_abbr FROM box) tg
          LEFT JOIN sz ON sz.game_id = tg.game_id AND sz.team_id <> tg.team_id
        ), win AS (
          SELECT r.team, r.d, def.* EXCLUDE (season, team_abbr),
                 row_number() OVER (PARTITION BY r.team, r.d ORDER BY def.game_date DESC, def.game_id DESC) AS rn
          FROM trows r JOIN def ON def.team_abbr = r.team AND def.season = r.season AND def.game_date < r.d
        ), w AS (
          SELECT team, d, count(*) AS g15,
                 CAST(sum(paint_fgm) AS DOUBLE) / NULLIF(sum(paint_fga), 0) AS paint_pct,
                 CAST(sum(mid_fgm) AS DOUBLE) / NULLIF(sum(mid_fga), 0) AS mid_pct,
                 CAST(sum(three_fgm) AS DOUBLE) / NULLIF(sum(three_fga), 0) AS three_pct
          FROM win WHERE rn <= 15 GROUP BY team, d
        ), league AS (
          SELECT dd.season, dd.d,
                 CAST(sum(shot_made) FILTER (WHERE %1$s) AS DOUBLE) / NULLIF(count(*) FILTER (WHERE %1$s), 0) AS paint_pct,
                 CAST(sum(shot_made) FILTER (WHERE %2$s) AS DOUBLE) / NULLIF(count(*) FILTER (WHERE %2$s), 0) AS mid_pct,
                 CAST(sum(shot_made) FILTER (WHERE %3$s) AS DOUBLE) / NULLIF(count(*) FILTER (WHERE %3$s), 0) AS three_pct
          FROM (SELECT DISTINCT season, d FROM trows) dd
          LEFT JOIN shots ON shots.season = dd.season AND shots.game_date < dd.d
          GROUP BY dd.season, dd.d
        )
        SELECT r.team, r.d, COALESCE(w.g15, 0) AS g15,
               w.paint_pct - l.paint_pct AS paint_vs, w.mid_pct - l.mid_pct AS mid_vs, w.three_pct - l.three_pct AS three_vs
        FROM trows r LEFT JOIN w ON w.team = r.team AND w.d = r.d
        LEFT JOIN league l ON l.season = r.season AND l.d = r.d""".formatted(PAINT, MID, THREE));

    // ---- the feature row: one per player with a game on D (a box score), the opponent's context of (opp, D)
    steps.add("""
        CREATE TEMP TABLE features AS
        WITH base AS (
          SELECT b.player_id, b.game_date AS d, b.season, b.game_id, b.team_abbr, b.opp_abbr, b.home_away = 'H' AS home,
                 dl.*, pz.shots AS pz_shots, pz.paint_rate, pz.mid_rate, pz.three_rate, pz.paint_pct, pz.three_pct,
                 ln.consensus, ln.opening, ln.books,
                 ss.first_date,
                 c.team AS c_team, c.g10 AS opp_g10, c.pace10 AS opp_pace10, c.def10 AS opp_def10,
                 c.opp_pace10 AS team_pace10, c.league_pace, z.team AS z_team, z.g15 AS opp_g15,
                 z.paint_vs, z.mid_vs, z.three_vs
          FROM box b
          LEFT JOIN daily dl ON dl.player_id = b.player_id AND dl.d = b.game_date
          LEFT JOIN pzones pz ON pz.player_id = b.player_id AND pz.d = b.game_date
          LEFT JOIN lines ln ON ln.game_id = b.game_id AND ln.player_id = b.player_id
          LEFT JOIN season_start ss ON ss.season = b.season
          LEFT JOIN tctx c ON c.team = b.opp_abbr AND c.d = b.game_date
          LEFT JOIN tzones z ON z.team = b.opp_abbr AND z.d = b.game_date
        )
        SELECT
          player_id, CAST(d AS VARCHAR) AS game_date, season, game_id, '%s' AS feature_version,
          CAST(COALESCE(gp, 0) AS INTEGER) AS games_played_season,
          pts5 AS pts_avg_last_5, pts10 AS pts_avg_last_10, pts_season AS pts_avg_season, pts_std10 AS pts_std_last_10,
          min10 AS min_avg_last_10, reb10 AS reb_avg_last_10, ast10 AS ast_avg_last_10, pra10 AS pra_avg_last_10,
          CAST(days_rest AS INTEGER) AS days_rest, days_rest = 0 AS back_to_back,
          CAST(COALESCE(g5, 0) AS INTEGER) AS games_in_window_last_5,
          CAST(COALESCE(g10, 0) AS INTEGER) AS games_in_window_last_10,
          d < first_date + INTERVAL 7 DAY AS is_bootstrap,
          LEAST(COALESCE(g5, 0) / 5.0, COALESCE(g10, 0) / 10.0,
                LEAST(COALESCE(opp_g15, 0), 15) / 15.0, LEAST(COALESCE(opp_g10, 0), 10) / 10.0) AS quality_score,
          team_abbr, opp_abbr, home,
          CAST(COALESCE(g7, 0) AS INTEGER) AS games_last_7_days, COALESCE(min7, 0.0) AS minutes_last_7_days,
          min5 AS min_avg_last_5, pts5 - pts_season AS pts_trend,
          usage5 AS usage_per_36_last_5, usage_season AS usage_per_36_season, ts10 AS ts_pct_last_10,
          fg3m5 AS fg3m_avg_last_5, fg3m10 AS fg3m_avg_last_10,
          paint_rate AS paint_rate_last_10, mid_rate AS mid_range_rate_last_10, three_rate AS three_rate_last_10,
          paint_pct AS paint_fg_pct_last_10, three_pct AS three_fg_pct_last_10,
          paint_vs AS opp_paint_vs_league, mid_vs AS opp_mid_range_vs_league, three_vs AS opp_three_vs_league,
          team_pace10 AS team_pace_last_10, opp_pace10 AS opp_pace_last_10, league_pace AS league_pace_season,
          opp_def10 AS opp_def_rating_last_10,
          consensus AS prop_line, opening AS prop_opening_line, consensus - opening AS prop_line_movement,
          CAST(books AS INTEGER) AS prop_bookmaker_count,
          CASE WHEN consensus IS NULL THEN NULL ELSE 'ODDS_API' END AS line_source,
          pra10 - consensus AS pra_avg_last_10_minus_line,
          0.4 * (CASE WHEN days_rest = 0 THEN 1 ELSE 0 END) + 0.3 * LEAST(COALESCE(g7, 0), 4) / 4.0
            + 0.3 * LEAST(COALESCE(min7, 0.0), 144) / 144.0 AS fatigue_score,
          paint_rate * paint_vs + mid_rate * mid_vs + three_rate * three_vs AS shot_zone_mismatch_score,
          (team_pace10 + opp_pace10) / 2 - league_pace AS pace_score,
          usage5 - usage_season AS usage_spike_score,
          COALESCE(pz_shots, 0) > 0 AS has_shot_profile,
          c_team IS NOT NULL AND z_team IS NOT NULL AS has_opp_context,
          consensus IS NOT NULL AS has_prop_line,
          CAST(opp_g15 AS INTEGER) AS opp_games_in_window, CAST(opp_g10 AS INTEGER) AS team_games_in_window
        FROM base""".formatted(FEATURE_VERSION));

    String composites = """
        SELECT player_id, game_date, season, fatigue_score, shot_zone_mismatch_score, pace_score, usage_spike_score,
               is_bootstrap, quality_score, game_id, opp_abbr, days_rest, back_to_back, games_last_7_days,
               minutes_last_7_days, paint_rate_last_10, mid_range_rate_last_10, three_rate_last_10,
               opp_paint_vs_league, opp_mid_range_vs_league, opp_three_vs_league, team_pace_last_10, opp_pace_last_10,
               league_pace_season, usage_per_36_last_5, usage_per_36_season, feature_version
        FROM features""";

    try (Connection c = DriverManager.getConnection("jdbc:duckdb:")) {
      try (Statement st = c.createStatement()) {
        for (String step : steps) {
          st.execute(step);
        }
      }
      return new Tables(query(c, "SELECT * FROM features", KEY), query(c, composites, KEY));
    }
  }

  private static final Function<Map<String, Object>, String> KEY = r -> r.get("player_id") + "|" + r.get("game_date");
}
