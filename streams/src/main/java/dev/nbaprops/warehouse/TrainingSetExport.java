package dev.nbaprops.warehouse;

import dev.nbaprops.avro.analytics.PlayerGameSummary;
import dev.nbaprops.avro.precompute.MlFeatureStore;
import dev.nbaprops.query.TrainingSet;
import dev.nbaprops.serde.TableSpec;
import dev.nbaprops.query.TrainingSet.Pair;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

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
    return WarehouseExport.<Integer>readOnly(warehouse, List.of(TableSpec.from(MlFeatureStore.class).orElseThrow(),
        TableSpec.from(PlayerGameSummary.class).orElseThrow()), st -> {
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
      WarehouseExport.copy(st, sql, format, out);
      return pairs.size();
    });
  }}
