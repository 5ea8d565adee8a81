package dev.nbaprops.warehouse;

import dev.nbaprops.query.TrainingSet;
import dev.nbaprops.query.TrainingSet.Pair;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * {@code export --training-set pairs.csv}: the training table of {@link TrainingSet} from the warehouse (DuckDB),
 * to CSV or Parquet with DuckDB's COPY: one row per pair in the file's order, columns {@link TrainingSet#columns()};
 * the same table {@code POST /training-set} answers from the stores. The pairs are parsed by the same code as the
 * API's (header {@code player_id,date}, at most {@link TrainingSet#MAX_PAIRS}).
 */
public final class TrainingSetExport {
  private TrainingSetExport() {}

  /** Returns the number of rows written (one per pair). */
  public static long export(Path warehouse, Path pairsCsv, WarehouseExport.Format format, Path out)
      throws SQLException, IOException {
    List<Pair> pairs;
    try (Reader r = Files.newBufferedReader(pairsCsv, StandardCharsets.UTF_8)) {
      pairs = TrainingSet.parseCsv(r);
    }
    if (!Files.exists(warehouse)) {
      throw new IllegalArgumentException("no warehouse at " + warehouse + " (run a replay first, or pass --state-dir)");
    }
    Properties p = new Properties();
    p.setProperty("duckdb.read_only", "true");
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + warehouse, p);
         Statement st = c.createStatement()) {
      for (String t : List.of("ml_feature_store", "player_game_summary")) {
        try (var rs = st.executeQuery("SELECT count(*) FROM information_schema.tables WHERE table_name = '" + t + "'")) {
          rs.next();
          if (rs.getLong(1) == 0) {
            throw new IllegalArgumentException("table " + t + " is not in the warehouse yet (nothing was written)");
          }
        }
      }
      // The validated pairs, numbered, into a temporary table (read-only databases still take temp tables).
      Path tmp = Files.createTempFile("training-pairs", ".csv");
      try {
        try (var w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
          w.write("n,player_id,date\n");
          long n = 0;
          for (Pair pair : pairs) {
            w.write(n++ + "," + pair.playerId() + "," + pair.date() + "\n");
          }
        }
        st.execute("CREATE TEMP TABLE training_pairs AS SELECT * FROM read_csv('"
            + tmp.toAbsolutePath().toString().replace("'", "''") + "', header = true,"
            + " columns = {'n': 'BIGINT', 'player_id': 'BIGINT', 'date': 'DATE'})");
      } finally {
        Files.deleteIfExists(tmp);
      }
      List<String> cols = new ArrayList<>(List.of("p.player_id", "p.date"));
      TrainingSet.featureColumns().forEach(f -> cols.add("f.\"" + f + "\""));
      TrainingSet.LABELS.forEach(l -> cols.add("s.\"" + l + "\""));
      String sql = "SELECT " + String.join(", ", cols) + " FROM training_pairs p"
          + " LEFT JOIN nba_precompute.ml_feature_store f ON f.player_id = p.player_id AND f.game_date = p.date"
          // the first game of the player that day (by game_id), as the API's key-range read takes it
          + " LEFT JOIN (SELECT * FROM nba_analytics.player_game_summary QUALIFY row_number() OVER"
          + " (PARTITION BY player_id, game_date ORDER BY game_id) = 1) s"
          + " ON s.player_id = p.player_id AND s.game_date = p.date ORDER BY p.n";
      String target = out.toAbsolutePath().toString().replace("'", "''");
      String options = format == WarehouseExport.Format.CSV ? "FORMAT CSV, HEADER" : "FORMAT PARQUET";
      st.execute("COPY (" + sql + ") TO '" + target + "' (" + options + ")");
      return pairs.size();
    } catch (SQLException e) {
      if (String.valueOf(e.getMessage()).toLowerCase().contains("lock")) {
        throw new IllegalStateException("the warehouse " + warehouse + " is open in a running app; stop it (Ctrl-C)"
            + " and export again: " + e.getMessage(), e);
      }
      throw e;
    }
  }
}
