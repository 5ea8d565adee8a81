package dev.nbaprops.warehouse;

import dev.nbaprops.serde.TableSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * Writes one warehouse table (DuckDB) to a CSV file with a header row, or to Parquet, ordered by the table's
 * key, using DuckDB's own COPY. The warehouse is opened read-only; DuckDB lets only one process open a file
 * while it is being written, so export runs after the app has stopped (the error says so otherwise).
 */
public final class WarehouseExport {
  public enum Format { CSV, PARQUET }

  private WarehouseExport() {}

  /** Returns the number of rows written. */
  public static long export(Path warehouse, String table, Format format, Path out) throws SQLException {
    TableSpec spec = TableSpec.byTable(table); // validates the name: only known tables reach SQL
    if (!Files.exists(warehouse)) {
      throw new IllegalArgumentException("no warehouse at " + warehouse + " (run a replay first, or pass --state-dir)");
    }
    Properties p = new Properties();
    p.setProperty("duckdb.read_only", "true");
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + warehouse, p);
         Statement st = c.createStatement()) {
      try (ResultSet rs = st.executeQuery("SELECT count(*) FROM information_schema.tables WHERE table_schema = '"
          + spec.dataset() + "' AND table_name = '" + spec.tableName() + "'")) {
        rs.next();
        if (rs.getLong(1) == 0) {
          throw new IllegalArgumentException("table " + table + " is not in the warehouse yet (nothing was written)");
        }
      }
      String target = out.toAbsolutePath().toString().replace("'", "''");
      String options = format == Format.CSV ? "FORMAT CSV, HEADER" : "FORMAT PARQUET";
      String sql = "COPY (SELECT * FROM " + spec.table() + " ORDER BY " + String.join(", ", spec.key())
          + ") TO '" + target + "' (" + options + ")";
      st.execute(sql);
      try (ResultSet rs = st.executeQuery("SELECT count(*) FROM " + spec.table())) {
        rs.next();
        return rs.getLong(1);
      }
    } catch (SQLException e) {
      if (String.valueOf(e.getMessage()).toLowerCase().contains("lock")) {
        throw new IllegalStateException("the warehouse " + warehouse + " is open in a running app; stop it (Ctrl-C)"
            + " and export again: " + e.getMessage(), e);
      }
      throw e;
    }
  }
}
