package dev.nbaprops.testing.reference;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
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
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * SQL pieces the independent references (this package and {@code ReferenceSql}) share, each one definition written
 * out here from docs/contract.md / docs/features.md, not taken from production code: the shot zones, the season of a
 * game id, the season's first game date, the box-score column types, the file listing and the query runner.
 */
public final class SqlParts {
  private SqlParts() {}

  /** Zone membership of a shot's zone_basic (docs/contract.md), written out here, not taken from ShotZones. */
  public static final String PAINT = "zone_basic IN ('Restricted Area', 'In The Paint (Non-RA)')";
  public static final String MID = "zone_basic = 'Mid-Range'";
  public static final String THREE =
      "zone_basic IN ('Left Corner 3', 'Right Corner 3', 'Above the Break 3', 'Backcourt')";

  /** Per-group shot sums over a relation of shot rows: shots and the FGA / FGM of each zone. */
  public static final String ZONE_SUMS = """
      CAST(count(*) AS INTEGER) AS shots,
      CAST(sum(CASE WHEN %1$s THEN 1 ELSE 0 END) AS INTEGER) AS paint_fga,
      CAST(sum(CASE WHEN %1$s THEN shot_made ELSE 0 END) AS INTEGER) AS paint_fgm,
      CAST(sum(CASE WHEN %2$s THEN 1 ELSE 0 END) AS INTEGER) AS mid_fga,
      CAST(sum(CASE WHEN %2$s THEN shot_made ELSE 0 END) AS INTEGER) AS mid_fgm,
      CAST(sum(CASE WHEN %3$s THEN 1 ELSE 0 END) AS INTEGER) AS three_fga,
      CAST(sum(CASE WHEN %3$s THEN shot_made ELSE 0 END) AS INTEGER) AS three_fgm
      """.formatted(PAINT, MID, THREE);

  /** The season of a game id (00S YY …: YY is the start year), as SQL over the column {@code game_id}. */
  public static final String SEASON_OF_GAME_ID =
      "('20' || substr(game_id, 4, 2) || '-' || lpad(CAST((CAST(substr(game_id, 4, 2) AS INTEGER) + 1) % 100 AS VARCHAR), 2, '0'))";

  /**
   * The season's first game date over a relation {@code sched} of schedule rows (game_date a DATE): the earliest
   * game_date of its regular-season (game id 002…) rows, as (season, first_date). {@code seasonExpr} is the SQL of
   * the season (the column {@code season}, or {@link #SEASON_OF_GAME_ID}).
   */
  public static String firstDates(String seasonExpr) {
    return "SELECT " + seasonExpr + " AS season, min(game_date) AS first_date FROM sched"
        + " WHERE game_id LIKE '002%' GROUP BY 1";
  }

  /** The column types every reference reads the box-score CSVs with (the ids and the date typed, the rest sniffed). */
  public static final String BOX_TYPES =
      "'game_id': 'VARCHAR', 'game_date': 'DATE', 'player_id': 'BIGINT', 'team_id': 'BIGINT', 'min': 'DOUBLE'";

  /** {@code read_csv} of box-score files with {@link #BOX_TYPES} (plus {@code extraTypes}, may be empty). */
  public static String readBox(List<Path> files, String extraTypes) {
    return "SELECT * FROM read_csv([" + list(files) + "], header = true, union_by_name = true, types = {" + BOX_TYPES
        + (extraTypes.isEmpty() ? "" : ", " + extraTypes) + "})";
  }

  /** Single-quoted absolute paths, comma-separated (for a DuckDB list {@code [...]}). */
  public static String list(List<Path> files) {
    StringBuilder out = new StringBuilder();
    for (Path f : files) {
      out.append(out.length() == 0 ? "" : ", ").append('\'').append(f.toAbsolutePath()).append('\'');
    }
    return out.toString();
  }

  /** The .csv / .csv.gz files directly in a folder, sorted; empty when there is no folder. */
  public static List<Path> csvFiles(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(Files::isRegularFile).filter(f -> f.getFileName().toString().matches(".*\\.csv(\\.gz)?"))
          .sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs {@code sql} on a fresh in-memory DuckDB; rows as column -> value maps keyed by {@code key}. */
  public static Map<String, Map<String, Object>> query(String sql, Function<Map<String, Object>, String> key)
      throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:")) {
      return query(c, sql, key);
    }
  }

  /** Runs {@code sql} on {@code c}; rows keyed by {@code key}, which must be unique. */
  public static Map<String, Map<String, Object>> query(Connection c, String sql,
      Function<Map<String, Object>, String> key) throws SQLException {
    Map<String, Map<String, Object>> out = new HashMap<>();
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      ResultSetMetaData md = rs.getMetaData();
      while (rs.next()) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 1; i <= md.getColumnCount(); i++) {
          row.put(md.getColumnLabel(i), rs.getObject(i));
        }
        String k = key.apply(row);
        if (out.put(k, row) != null) {
          throw new IllegalStateException("two reference rows for key " + k);
        }
      }
    }
    return out;
  }
}
