package dev.nbaprops.warehouse;

import dev.nbaprops.serde.TableSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
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
  public static long export(Path warehouse, String table, Format format, Path out) throws SQLException, IOException {
    TableSpec spec = TableSpec.byTable(table); // validates the name: only known tables reach SQL
    return readOnly(warehouse, List.of(spec), st -> {
      copy(st, "SELECT * FROM " + spec.table() + " ORDER BY " + String.join(", ", spec.key()), format, out);
      try (ResultSet rs = st.executeQuery("SELECT count(*) FROM " + spec.table())) {
        rs.next();
        return rs.getLong(1);
      }
    });
  }

  /** Work on the open warehouse. */
  interface Work<T> {
    T run(Statement st) throws SQLException, IOException;
  }

  /**
   * Runs {@code work} on the warehouse opened read-only, once every table of {@code required} is in it. Errors say
   * what to do: no warehouse yet, a table not written yet, the file held by a running app.
   */
  static <T> T readOnly(Path warehouse, List<TableSpec> required, Work<T> work) throws SQLException, IOException {
    if (!Files.exists(warehouse)) {
      throw new IllegalArgumentException("no warehouse at " + warehouse + " (run a replay first, or pass --state-dir)");
    }
    Properties p = new Properties();
    p.setProperty("duckdb.read_only", "true");
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + warehouse, p);
         Statement st = c.createStatement()) {
      for (TableSpec spec : required) {
        try (ResultSet rs = st.executeQuery("SELECT count(*) FROM information_schema.tables WHERE table_schema = '"
            + spec.dataset() + "' AND table_name = '" + spec.tableName() + "'")) {
          rs.next();
          if (rs.getLong(1) == 0) {
            throw new IllegalArgumentException("table " + spec.table() + " is not in the warehouse yet"
                + " (nothing was written)");
          }
        }
      }
      return work.run(st);
    } catch (SQLException e) {
      if (String.valueOf(e.getMessage()).toLowerCase().contains("lock")) {
        throw new IllegalStateException("the warehouse " + warehouse + " is open in a running app; stop it (Ctrl-C)"
            + " and export again: " + e.getMessage(), e);
      }
      throw e;
    }
  }

  /** DuckDB's COPY of {@code query}'s rows to {@code out}: CSV with a header row, or Parquet. */
  static void copy(Statement st, String query, Format format, Path out) throws SQLException {
    String target = out.toAbsolutePath().toString().replace("'", "''");
    String options = format == Format.CSV ? "FORMAT CSV, HEADER" : "FORMAT PARQUET";
    st.execute("COPY (" + query + ") TO '" + target + "' (" + options + ")");
  }
}
