package dev.nbaprops.connect;

import dev.nbaprops.connect.TableDef.Column;
import dev.nbaprops.connect.TableDef.ColumnType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.errors.RetriableException;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;
import org.duckdb.DuckDBDriver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Warehouse} in one DuckDB database file: each {@code dataset} is a DuckDB schema, each table has a
 * PRIMARY KEY on the key columns (and the field docs as column comments), and an upsert appends the rows to a
 * temporary staging table and {@code INSERT OR REPLACE}s them from there, in one transaction; deletes are one
 * batched {@code DELETE ... WHERE k1 = CAST(? AS type) AND ...} in the same transaction. Partition columns are
 * ignored (DuckDB tables are not partitioned).
 *
 * <p>DuckDB allows one read-write process per file, so the warehouse opens a single connection and keeps it until
 * {@link #close()}. Another process holding the file fails the constructor with a {@link RetriableException}.
 * Other connections in the same JVM to the same path, opened with the same configuration, share the open database
 * and see committed rows. Not thread-safe: one instance per task.
 */
public final class DuckDbWarehouse implements Warehouse {
  private static final Logger log = LoggerFactory.getLogger(DuckDbWarehouse.class);

  /** The per-connection temporary table rows are staged in. */
  private static final String STAGE = "warehouse_sink_stage";
  private static final java.time.format.DateTimeFormatter TIMESTAMP_TEXT =
      java.time.format.DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSSSSS", Locale.ROOT);

  private final String path;
  private final DuckDBConnection connection;
  /** The table as the catalog has it, by lower-case {@code dataset.table}; filled by ensureTable. */
  private final Map<String, TableState> tables = new HashMap<>();
  /** Every definition ensureTable has accepted; upserts of any other one ensure it first. */
  private final Set<TableDef> ensured = new HashSet<>();

  /**
   * Opens (creating it and its parent directories if needed) the DuckDB file at {@code path}.
   *
   * @throws RetriableException when another process holds the file's lock
   * @throws ConnectException when the file cannot be opened
   */
  public DuckDbWarehouse(String path) {
    this(path, 1, "1GB");
  }

  /**
   * As above, with DuckDB's {@code threads} and {@code checkpoint_threshold} settings (the connector's
   * {@code duckdb.threads} and {@code duckdb.checkpoint.threshold}).
   */
  public DuckDbWarehouse(String path, int threads, String checkpointThreshold) {
    this.path = path;
    Path parent = Path.of(path).toAbsolutePath().getParent();
    try {
      if (parent != null) {
        Files.createDirectories(parent);
      }
    } catch (IOException e) {
      throw new ConnectException("cannot create the directory of DuckDB file " + path + ": " + e, e);
    }
    try {
      // The driver directly, not DriverManager: under Connect's plugin isolation DriverManager may not see it.
      DuckDBConnection c = (DuckDBConnection) new DuckDBDriver().connect("jdbc:duckdb:" + path, new Properties());
      try (Statement s = c.createStatement()) {
        // Global settings of the open database: they hold for every connection to the file in this JVM.
        s.execute("SET threads = " + threads);
        s.execute("SET checkpoint_threshold = '" + checkpointThreshold.replace("'", "''") + "'");
      } catch (SQLException e) {
        c.close();
        throw new ConnectException("DuckDB " + path + " refused the settings duckdb.threads=" + threads
            + ", duckdb.checkpoint.threshold=" + checkpointThreshold + ": " + e.getMessage(), e);
      }
      c.setAutoCommit(false);
      this.connection = c;
    } catch (SQLException e) {
      throw translate("opening", e);
    }
    log.info("opened DuckDB warehouse {}", path);
  }

  @Override
  public void ensureTable(TableDef def) {
    TableState state = inTransaction("ensuring table " + def.qualifiedName(), () -> {
      TableState existing = readTable(def);
      if (existing == null) {
        create(def);
      } else {
        evolve(def, existing);
      }
      return readTable(def);
    });
    tables.put(key(def), state);
    ensured.add(def);
  }

  /**
   * Applies the deletes and upserts of every table in one transaction: all of them, or none. Per table the deletes
   * run first ({@code DELETE ... WHERE k1 = CAST(? AS type) AND ...}, one batched prepared statement), then the
   * upserts. A definition with upserts not yet passed to {@link #ensureTable} is ensured first (outside the
   * transaction); deletes from a table that does not exist are skipped.
   */
  @Override
  public void apply(Map<TableDef, Changes> changesByTable) {
    Changes.toEnsure(changesByTable, ensured).forEach(this::ensureTable);
    String what = Changes.describe(changesByTable);
    inTransaction(what, () -> {
      for (Map.Entry<TableDef, Changes> e : changesByTable.entrySet()) {
        deleteKeys(e.getKey(), e.getValue().deletes());
        write(e.getKey(), e.getValue().upserts());
      }
      return null;
    });
  }

  @Override
  public void close() {
    try {
      if (!connection.isClosed()) {
        connection.close();
        log.info("closed DuckDB warehouse {}", path);
      }
    } catch (SQLException e) {
      log.warn("closing DuckDB warehouse {} failed", path, e);
    }
  }

  /** Whether a DuckDB error is worth retrying: a lock held by another process or a transaction conflict. */
  static boolean isTransient(SQLException e) {
    if (e instanceof SQLTransientException || e instanceof SQLRecoverableException) {
      return true;
    }
    String state = e.getSQLState();
    if (state != null && (state.startsWith("08") || state.startsWith("40"))) {
      return true;
    }
    // DuckDB's JDBC driver sets no SQLState; its messages start with the error type.
    String m = String.valueOf(e.getMessage());
    return m.contains("Could not set lock on file") || m.startsWith("TransactionContext Error")
        || m.contains("write-write conflict") || m.startsWith("Out of Memory Error");
  }

  private void create(TableDef def) throws SQLException {
    List<String> columns = new ArrayList<>();
    for (Column c : def.columns()) {
      columns.add(quote(c.name()) + " " + sqlType(c.type()) + (c.nullable() ? "" : " NOT NULL"));
    }
    columns.add("PRIMARY KEY (" + def.keyColumns().stream().map(DuckDbWarehouse::quote)
        .collect(Collectors.joining(", ")) + ")");
    try (Statement s = connection.createStatement()) {
      s.execute("CREATE SCHEMA IF NOT EXISTS " + quote(def.dataset()));
      s.execute("CREATE TABLE IF NOT EXISTS " + qualified(def) + " (" + String.join(", ", columns) + ")");
      for (Column c : def.columns()) {
        comment(s, def, c);
      }
    }
    log.info("created table {} with primary key {}", def.qualifiedName(), def.keyColumns());
  }

  private void evolve(TableDef def, TableState existing) throws SQLException {
    SchemaEvolution.Plan plan = SchemaEvolution.plan(def, existing.primaryKey,
        existing.columns.values().stream().map(e -> new SchemaEvolution.Existing(e.name, e.sqlType, e.nullable)).toList(),
        c -> sqlType(c.type()), (e, c) -> sameType(e.type(), c.type()), "NOT NULL");
    if (!plan.problems().isEmpty()) {
      throw new ConnectException("table " + def.qualifiedName() + " in DuckDB " + path
          + " cannot take the record schema: " + String.join("; ", plan.problems()));
    }
    List<Column> added = plan.added();
    List<String> relaxed = plan.relaxed();
    try (Statement s = connection.createStatement()) {
      for (Column c : added) {
        s.execute("ALTER TABLE " + qualified(def) + " ADD COLUMN " + quote(c.name()) + " " + sqlType(c.type()));
        comment(s, def, c);
        log.info("table {}: added column {} {}", def.qualifiedName(), c.name(), sqlType(c.type()));
      }
      for (String c : relaxed) {
        s.execute("ALTER TABLE " + qualified(def) + " ALTER COLUMN " + quote(c) + " DROP NOT NULL");
        log.info("table {}: column {} is now nullable", def.qualifiedName(), c);
      }
    }
  }

  /**
   * Appends the rows to a temporary staging table, then {@code INSERT OR REPLACE ... SELECT}s them into the
   * table: DuckDB's appender is two orders of magnitude faster than one prepared statement per row.
   */
  private void write(TableDef def, List<Struct> rows) throws SQLException {
    if (rows.isEmpty()) {
      return;
    }
    List<ExistingColumn> columns = List.copyOf(tables.get(key(def)).columns.values());
    String columnList = columns.stream().map(c -> quote(c.name)).collect(Collectors.joining(", "));
    try (Statement s = connection.createStatement()) {
      s.execute("CREATE OR REPLACE TEMP TABLE " + quote(STAGE) + " AS SELECT " + columnList + " FROM "
          + qualified(def) + " LIMIT 0");
    }
    try (DuckDBAppender appender = connection.createAppender("temp", "main", STAGE)) {
      for (Struct row : lastPerKey(def, rows)) {
        appender.beginRow();
        for (ExistingColumn c : columns) {
          append(appender, row, c);
        }
        appender.endRow();
      }
    }
    try (Statement s = connection.createStatement()) {
      s.execute("INSERT OR REPLACE INTO " + qualified(def) + " (" + columnList + ") SELECT " + columnList
          + " FROM temp.main." + quote(STAGE));
      s.execute("DROP TABLE temp.main." + quote(STAGE));
    }
  }

  /**
   * Deletes the rows with these keys: one prepared {@code DELETE}, the key values bound as strings and cast to the
   * key columns' types, executed as a batch. Nothing happens when the table does not exist.
   */
  private void deleteKeys(TableDef def, List<List<Object>> keys) throws SQLException {
    if (keys.isEmpty()) {
      return;
    }
    if (!tables.containsKey(key(def))) {
      TableState state = readTable(def);
      if (state == null) {
        log.debug("{} does not exist: nothing to delete for {} keys", def.qualifiedName(), keys.size());
        return;
      }
      tables.put(key(def), state);
    }
    List<ColumnType> types = def.keyColumns().stream().map(k -> def.column(k).orElseThrow().type()).toList();
    String where = java.util.stream.IntStream.range(0, types.size()).mapToObj(i -> quote(def.keyColumns().get(i))
        + " = CAST(? AS " + sqlType(types.get(i)) + ")").collect(Collectors.joining(" AND "));
    try (PreparedStatement ps = connection.prepareStatement("DELETE FROM " + qualified(def) + " WHERE " + where)) {
      for (List<Object> key : keys) {
        if (key.size() != types.size()) {
          throw new DataException(def.qualifiedName() + ": key " + key + " has " + key.size() + " values, expected "
              + types.size() + " (" + def.keyColumns() + ")");
        }
        for (int i = 0; i < types.size(); i++) {
          ps.setString(i + 1, literal(types.get(i), key.get(i)));
        }
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  /** A key value as text DuckDB casts to the column type: dates and timestamps as UTC wall-clock ISO values. */
  private static String literal(ColumnType type, Object v) {
    if (v instanceof java.util.Date d) {
      LocalDateTime utc = LocalDateTime.ofInstant(d.toInstant(), ZoneOffset.UTC);
      return type == ColumnType.DATE ? utc.toLocalDate().toString() : TIMESTAMP_TEXT.format(utc);
    }
    return String.valueOf(v);
  }

  /** The rows with duplicate keys removed, the last row of each key winning. */
  private static Collection<Struct> lastPerKey(TableDef def, List<Struct> rows) {
    Map<List<Object>, Struct> byKey = new LinkedHashMap<>();
    for (Struct row : rows) {
      byKey.put(def.keyOf(row), row);
    }
    return byKey.values();
  }

  /** Appends the row's value of the column; NULL when the row's schema has no such field. */
  private static void append(DuckDBAppender appender, Struct row, ExistingColumn column) throws SQLException {
    Field f = row.schema().field(column.name);
    Object v = f == null ? null : row.get(f);
    if (v == null) {
      appender.appendNull();
    } else if (v instanceof String s) {
      appender.append(s);
    } else if (v instanceof Integer i) {
      appender.append(i.intValue());
    } else if (v instanceof Long l) {
      appender.append(l.longValue());
    } else if (v instanceof Double d) {
      appender.append(d.doubleValue());
    } else if (v instanceof Float x) {
      appender.append(x.floatValue());
    } else if (v instanceof Boolean b) {
      appender.append(b.booleanValue());
    } else if (v instanceof java.util.Date d) {
      // Connect Date is UTC midnight, Connect Timestamp is an instant: both stored as UTC wall-clock values.
      LocalDateTime utc = LocalDateTime.ofInstant(d.toInstant(), ZoneOffset.UTC);
      if ("DATE".equals(column.sqlType)) {
        appender.append(utc.toLocalDate());
      } else {
        appender.append(utc);
      }
    } else {
      throw new DataException("column " + column.name + ": unsupported value type " + v.getClass().getName());
    }
  }

  /** The table as the catalog has it, or null when it does not exist. */
  private TableState readTable(TableDef def) throws SQLException {
    LinkedHashMap<String, ExistingColumn> columns = new LinkedHashMap<>();
    try (PreparedStatement ps = connection.prepareStatement("SELECT column_name, data_type, is_nullable"
        + " FROM information_schema.columns WHERE table_catalog = current_database()"
        + " AND lower(table_schema) = lower(?) AND lower(table_name) = lower(?) ORDER BY ordinal_position")) {
      ps.setString(1, def.dataset());
      ps.setString(2, def.table());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          ExistingColumn c = new ExistingColumn(rs.getString(1), rs.getString(2).toUpperCase(Locale.ROOT),
              "YES".equals(rs.getString(3)));
          columns.put(c.name.toLowerCase(Locale.ROOT), c);
        }
      }
    }
    if (columns.isEmpty()) {
      return null;
    }
    List<String> pk = List.of();
    try (PreparedStatement ps = connection.prepareStatement("SELECT constraint_column_names"
        + " FROM duckdb_constraints() WHERE database_name = current_database() AND lower(schema_name) = lower(?)"
        + " AND lower(table_name) = lower(?) AND constraint_type = 'PRIMARY KEY'")) {
      ps.setString(1, def.dataset());
      ps.setString(2, def.table());
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          Array names = rs.getArray(1);
          pk = Arrays.stream((Object[]) names.getArray()).map(Object::toString).toList();
        }
      }
    }
    return new TableState(columns, pk);
  }

  private void comment(Statement s, TableDef def, Column c) throws SQLException {
    if (c.doc() != null && !c.doc().isBlank()) {
      s.execute("COMMENT ON COLUMN " + qualified(def) + "." + quote(c.name()) + " IS '"
          + c.doc().replace("'", "''") + "'");
    }
  }

  private <T> T inTransaction(String what, SqlWork<T> work) {
    try {
      T result = work.run();
      connection.commit();
      return result;
    } catch (SQLException e) {
      rollback(e);
      throw translate(what, e);
    } catch (RuntimeException e) {
      rollback(e);
      throw e;
    }
  }

  private void rollback(Exception cause) {
    try {
      connection.rollback();
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }

  private RuntimeException translate(String what, SQLException e) {
    String message = what + " in DuckDB " + path + " failed: " + e.getMessage();
    return isTransient(e) ? new RetriableException(message, e) : new ConnectException(message, e);
  }

  private static String sqlType(ColumnType type) {
    return switch (type) {
      case STRING -> "VARCHAR";
      case INT32 -> "INTEGER";
      case INT64 -> "BIGINT";
      case FLOAT32 -> "REAL";
      case FLOAT64 -> "DOUBLE";
      case BOOLEAN -> "BOOLEAN";
      case DATE -> "DATE";
      case TIMESTAMP -> "TIMESTAMP";
    };
  }

  /** information_schema reports REAL as FLOAT. */
  private static boolean sameType(String catalogType, ColumnType type) {
    return catalogType.equals(sqlType(type)) || (type == ColumnType.FLOAT32 && catalogType.equals("FLOAT"));
  }

  private static String qualified(TableDef def) {
    return quote(def.dataset()) + "." + quote(def.table());
  }

  private static String quote(String identifier) {
    return '"' + identifier.replace("\"", "\"\"") + '"';
  }

  private static String key(TableDef def) {
    return def.qualifiedName().toLowerCase(Locale.ROOT);
  }

  @FunctionalInterface
  private interface SqlWork<T> {
    T run() throws SQLException;
  }

  private record ExistingColumn(String name, String sqlType, boolean nullable) {
  }

  private record TableState(LinkedHashMap<String, ExistingColumn> columns, List<String> primaryKey) {
  }
}
