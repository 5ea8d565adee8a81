package dev.nbaprops.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nbaprops.avro.analytics.PlayerGameSummary;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.duckdb.DuckDBDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DuckDbWarehouseTest {
  private static final LocalDate D1 = LocalDate.of(2024, 1, 15);
  private static final LocalDate D2 = LocalDate.of(2024, 1, 16);

  @TempDir
  Path dir;

  private static SchemaBuilder rows() {
    return SchemaBuilder.struct().name("test.Row").parameter("x-table", "ds.rows").parameter("x-key", "id,day")
        .parameter("x-partition-by", "day");
  }

  private static final Schema V1 = rows()
      .field("id", Schema.STRING_SCHEMA).field("day", Date.SCHEMA)
      .field("n", Schema.INT32_SCHEMA).field("score", Schema.OPTIONAL_FLOAT64_SCHEMA).build();

  private static Struct row(Schema schema, String id, LocalDate day, int n, Double score) {
    return new Struct(schema).put("id", id).put("day", new java.util.Date(day.toEpochDay() * 86_400_000L))
        .put("n", n).put("score", score);
  }

  private String file() {
    return dir.resolve("warehouse.duckdb").toString();
  }

  @Test
  void createsTheTableFromARecordSchemaWithItsPrimaryKey() throws SQLException {
    TableDef def = TableDef.fromSchema(AvroSingleObjectConverter.toConnectSchema(PlayerGameSummary.getClassSchema()));
    try (DuckDbWarehouse w = new DuckDbWarehouse(file())) {
      w.ensureTable(def);
      w.ensureTable(def); // idempotent
    }
    Map<String, String> columns = new LinkedHashMap<>();
    for (List<Object> r : query("SELECT column_name, data_type, is_nullable FROM information_schema.columns"
        + " WHERE table_schema = 'nba_analytics' AND table_name = 'player_game_summary' ORDER BY ordinal_position")) {
      columns.put((String) r.get(0), r.get(1) + ("NO".equals(r.get(2)) ? " NOT NULL" : ""));
    }
    assertThat(columns).containsEntry("game_id", "VARCHAR NOT NULL").containsEntry("player_id", "BIGINT NOT NULL")
        .containsEntry("game_date", "DATE NOT NULL").containsEntry("home", "BOOLEAN NOT NULL")
        .containsEntry("min", "DOUBLE NOT NULL").containsEntry("pts", "INTEGER NOT NULL")
        .containsEntry("plus_minus", "INTEGER").containsEntry("pra_result", "VARCHAR")
        .containsEntry("paint_fga", "INTEGER").containsEntry("usage_per_36", "DOUBLE").hasSize(38);
    assertThat(query("SELECT constraint_column_names::VARCHAR FROM duckdb_constraints() WHERE schema_name ="
        + " 'nba_analytics' AND table_name = 'player_game_summary' AND constraint_type = 'PRIMARY KEY'"))
        .containsExactly(List.of("[game_id, player_id]"));
    assertThat(query("SELECT comment FROM duckdb_columns() WHERE table_name = 'player_game_summary'"
        + " AND column_name = 'pra_result'")).containsExactly(
        List.of("OVER, UNDER or PUSH of pra against pra_line (null without a line)"));
  }

  @Test
  void upsertsByPrimaryKeyAndCorrectionsWin() throws SQLException {
    TableDef def = TableDef.fromSchema(V1);
    List<Struct> batch = List.of(row(V1, "a", D1, 1, 0.5), row(V1, "a", D2, 2, null), row(V1, "b", D1, 3, 1.5));
    try (DuckDbWarehouse w = new DuckDbWarehouse(file())) {
      w.ensureTable(def);
      w.upsert(def, batch);
      w.upsert(def, batch);
      w.upsert(def, List.of(row(V1, "b", D1, 30, null)));
    }
    assertThat(query("SELECT id, day, n, score FROM ds.rows ORDER BY id, day")).containsExactly(
        List.of("a", D1, 1, 0.5), nullable("a", D2, 2, null), nullable("b", D1, 30, null));
  }

  @Test
  void theLastRowOfAKeyInOneBatchWins() throws SQLException {
    TableDef def = TableDef.fromSchema(V1);
    try (DuckDbWarehouse w = new DuckDbWarehouse(file())) {
      w.upsert(def, List.of(row(V1, "a", D1, 1, null), row(V1, "b", D1, 2, null), row(V1, "a", D1, 3, null),
          row(V1, "a", D1, 4, 4.0)));
    }
    assertThat(query("SELECT id, n, score FROM ds.rows ORDER BY id"))
        .containsExactly(List.of("a", 4, 4.0), nullable("b", 2, null));
  }

  private static List<Object> key(String id, LocalDate day) {
    return List.of(id, new java.util.Date(day.toEpochDay() * 86_400_000L));
  }

  @Test
  void deletesByKeyIdempotentlyAndNeverCreatesATable() throws SQLException {
    TableDef def = TableDef.fromSchema(V1);
    try (DuckDbWarehouse w = new DuckDbWarehouse(file())) {
      w.delete(def, List.of(key("a", D1))); // no table yet: nothing to do
      assertThat(query("SELECT count(*) FROM information_schema.tables WHERE table_name = 'rows'"))
          .containsExactly(List.of(0L));
      w.upsert(def, List.of(row(V1, "a", D1, 1, null), row(V1, "a", D2, 2, null), row(V1, "b", D1, 3, null)));
      w.delete(def, List.of(key("a", D1), key("never", D1), key("b", D2)));
      w.delete(def, List.of(key("a", D1), key("never", D1), key("b", D2))); // redelivery
    }
    assertThat(query("SELECT id, day, n FROM ds.rows ORDER BY id, day"))
        .containsExactly(List.of("a", D2, 2), List.of("b", D1, 3));
  }

  @Test
  void deletesOfANewTableAreSkippedAndAKeyBothDeletedAndUpsertedEndsUpUpserted() throws SQLException {
    TableDef def = TableDef.fromSchema(V1);
    try (Connection c = connect(); Statement s = c.createStatement()) { // the table exists, not yet ensured
      s.execute("CREATE SCHEMA ds");
      s.execute("CREATE TABLE ds.rows (id VARCHAR NOT NULL, day DATE NOT NULL, n INTEGER NOT NULL, score DOUBLE,"
          + " PRIMARY KEY (id, day))");
      s.execute("INSERT INTO ds.rows VALUES ('a', DATE '2024-01-15', 1, NULL), ('b', DATE '2024-01-15', 2, NULL)");
    }
    try (DuckDbWarehouse w = new DuckDbWarehouse(file())) {
      w.delete(def, List.of(key("b", D1)));
      w.apply(Map.of(def, new Changes(List.of(row(V1, "a", D1, 10, null)), List.of(key("a", D1)))));
    }
    assertThat(query("SELECT id, n FROM ds.rows ORDER BY id")).containsExactly(List.of("a", 10));
  }

  @Test
  void deletesAndUpsertsOfABatchAreOneTransaction() throws SQLException {
    TableDef def = TableDef.fromSchema(V1);
    Schema checked = SchemaBuilder.struct().name("test.Checked").parameter("x-table", "ds.checked")
        .parameter("x-key", "id,day").field("id", Schema.STRING_SCHEMA).field("day", Date.SCHEMA)
        .field("n", Schema.INT32_SCHEMA).field("score", Schema.OPTIONAL_FLOAT64_SCHEMA).build();
    try (DuckDbWarehouse w = new DuckDbWarehouse(file())) {
      w.upsert(def, List.of(row(V1, "a", D1, 1, null), row(V1, "b", D1, 2, null)));
    }
    try (Connection c = connect(); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE ds.checked (id VARCHAR NOT NULL, day DATE NOT NULL, n INTEGER NOT NULL CHECK (n >= 0),"
          + " score DOUBLE, PRIMARY KEY (id, day))");
    }
    try (DuckDbWarehouse w = new DuckDbWarehouse(file())) {
      Map<TableDef, Changes> batch = new LinkedHashMap<>();
      batch.put(def, new Changes(List.of(row(V1, "c", D1, 3, null)), List.of(key("a", D1))));
      batch.put(TableDef.fromSchema(checked), Changes.upserts(List.of(row(checked, "x", D1, -1, null))));
      assertThatThrownBy(() -> w.apply(batch)).isInstanceOf(ConnectException.class)
          .hasMessageContaining("upserting into and deleting from ds.rows, ds.checked");
      batch.remove(TableDef.fromSchema(checked));
      w.apply(batch);
    }
    assertThat(query("SELECT id FROM ds.rows ORDER BY id")).containsExactly(List.of("b"), List.of("c"));
  }

  @Test
  void aNewOptionalFieldAddsAColumnAndOlderRowsGetNull() throws SQLException {
    Schema v2 = rows().field("id", Schema.STRING_SCHEMA).field("day", Date.SCHEMA)
        .field("n", Schema.INT32_SCHEMA).field("score", Schema.OPTIONAL_FLOAT64_SCHEMA)
        .field("note", SchemaBuilder.string().optional().doc("added in v2").build())
        .field("seen_at", Timestamp.builder().optional().build())
        .field("ratio", Schema.OPTIONAL_FLOAT32_SCHEMA).build();
    Instant seen = Instant.parse("2024-01-16T20:30:00.123Z");
    try (DuckDbWarehouse w = new DuckDbWarehouse(file())) {
      w.upsert(TableDef.fromSchema(V1), List.of(row(V1, "a", D1, 1, null)));
      w.ensureTable(TableDef.fromSchema(v2));
      w.upsert(TableDef.fromSchema(v2), List.of(
          row(v2, "b", D1, 2, null).put("note", "new").put("seen_at", java.util.Date.from(seen)).put("ratio", 0.5f),
          row(V1, "c", D1, 3, null)));
    }
    assertThat(query("SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'rows'"
        + " AND column_name IN ('note', 'seen_at', 'ratio') ORDER BY ordinal_position")).containsExactly(
        List.of("note", "VARCHAR"), List.of("seen_at", "TIMESTAMP"), List.of("ratio", "FLOAT"));
    assertThat(query("SELECT id, note, seen_at, ratio FROM ds.rows ORDER BY id")).containsExactly(
        nullable("a", null, null, null),
        List.of("b", "new", LocalDateTime.of(2024, 1, 16, 20, 30, 0, 123_000_000), 0.5f),
        nullable("c", null, null, null));
  }

  @Test
  void aRequiredFieldThatBecomesOptionalDropsNotNull() throws SQLException {
    Schema optionalN = rows().field("id", Schema.STRING_SCHEMA).field("day", Date.SCHEMA)
        .field("n", Schema.OPTIONAL_INT32_SCHEMA).field("score", Schema.OPTIONAL_FLOAT64_SCHEMA).build();
    try (DuckDbWarehouse w = new DuckDbWarehouse(file())) {
      w.ensureTable(TableDef.fromSchema(V1));
      w.upsert(TableDef.fromSchema(optionalN), List.of(new Struct(optionalN).put("id", "a")
          .put("day", new java.util.Date(D1.toEpochDay() * 86_400_000L))));
    }
    assertThat(query("SELECT id, n FROM ds.rows")).containsExactly(nullable("a", null));
  }

  @Test
  void incompatibleChangesFailWithTheTableAndColumn() {
    Schema typeChanged = rows().field("id", Schema.STRING_SCHEMA).field("day", Date.SCHEMA)
        .field("n", Schema.INT64_SCHEMA).field("score", Schema.OPTIONAL_FLOAT64_SCHEMA).build();
    Schema newRequired = rows().field("id", Schema.STRING_SCHEMA).field("day", Date.SCHEMA)
        .field("n", Schema.INT32_SCHEMA).field("score", Schema.OPTIONAL_FLOAT64_SCHEMA)
        .field("extra", Schema.STRING_SCHEMA).build();
    Schema keyChanged = SchemaBuilder.struct().name("test.Row").parameter("x-table", "ds.rows")
        .parameter("x-key", "id").field("id", Schema.STRING_SCHEMA).field("day", Date.SCHEMA)
        .field("n", Schema.INT32_SCHEMA).field("score", Schema.OPTIONAL_FLOAT64_SCHEMA).build();
    Schema requiredDropped = rows().field("id", Schema.STRING_SCHEMA).field("day", Date.SCHEMA)
        .field("score", Schema.OPTIONAL_FLOAT64_SCHEMA).build();
    try (DuckDbWarehouse w = new DuckDbWarehouse(file())) {
      w.ensureTable(TableDef.fromSchema(V1));
      assertThatThrownBy(() -> w.ensureTable(TableDef.fromSchema(typeChanged)))
          .isInstanceOf(ConnectException.class).isNotInstanceOf(RetriableException.class)
          .hasMessageContaining("table ds.rows").hasMessageContaining("column n changed type from INTEGER to BIGINT");
      assertThatThrownBy(() -> w.ensureTable(TableDef.fromSchema(newRequired)))
          .isInstanceOf(ConnectException.class)
          .hasMessageContaining("table ds.rows").hasMessageContaining("new required field extra (VARCHAR NOT NULL)");
      assertThatThrownBy(() -> w.ensureTable(TableDef.fromSchema(keyChanged)))
          .isInstanceOf(ConnectException.class)
          .hasMessageContaining("table ds.rows").hasMessageContaining("primary key changed from [id, day] to [id]");
      assertThatThrownBy(() -> w.ensureTable(TableDef.fromSchema(requiredDropped)))
          .isInstanceOf(ConnectException.class)
          .hasMessageContaining("column n is NOT NULL but the record schema has no such field");
      // Still usable after the failures.
      w.upsert(TableDef.fromSchema(V1), List.of(row(V1, "a", D1, 1, null)));
    }
  }

  @Test
  void anUpsertAcrossTablesIsAllOrNothing() throws SQLException {
    try (Connection c = connect(); Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA ds");
      s.execute("CREATE TABLE ds.checked (id VARCHAR NOT NULL, day DATE NOT NULL, n INTEGER NOT NULL CHECK (n >= 0),"
          + " score DOUBLE, PRIMARY KEY (id, day))");
    }
    Schema checked = SchemaBuilder.struct().name("test.Checked").parameter("x-table", "ds.checked")
        .parameter("x-key", "id,day").field("id", Schema.STRING_SCHEMA).field("day", Date.SCHEMA)
        .field("n", Schema.INT32_SCHEMA).field("score", Schema.OPTIONAL_FLOAT64_SCHEMA).build();
    try (DuckDbWarehouse w = new DuckDbWarehouse(file())) {
      Map<TableDef, List<Struct>> batch = new LinkedHashMap<>();
      batch.put(TableDef.fromSchema(V1), List.of(row(V1, "a", D1, 1, null)));
      batch.put(TableDef.fromSchema(checked), List.of(row(checked, "x", D1, -1, null)));
      assertThatThrownBy(() -> w.upsertAll(batch)).isInstanceOf(ConnectException.class)
          .isNotInstanceOf(RetriableException.class).hasMessageContaining("upserting into ds.rows, ds.checked");
    }
    assertThat(query("SELECT count(*) FROM ds.rows")).containsExactly(List.of(0L));
    assertThat(query("SELECT count(*) FROM ds.checked")).containsExactly(List.of(0L));
  }

  @Test
  void connectionsInTheSameProcessShareTheOpenFile() throws SQLException {
    try (DuckDbWarehouse w = new DuckDbWarehouse(file())) {
      w.upsert(TableDef.fromSchema(V1), List.of(row(V1, "a", D1, 1, null)));
      assertThat(query("SELECT count(*) FROM ds.rows")).containsExactly(List.of(1L));
    }
  }

  /** duckdb.threads and duckdb.checkpoint.threshold reach DuckDB; a threshold it cannot read fails with its name. */
  @Test
  void theConnectorsDuckDbSettingsAreApplied() throws SQLException {
    try (DuckDbWarehouse w = new DuckDbWarehouse(file(), 1, "256MB")) {
      w.upsert(TableDef.fromSchema(V1), List.of(row(V1, "a", D1, 1, null)));
      assertThat(query("SELECT current_setting('threads')")).containsExactly(List.of(1L));
      assertThat(query("SELECT current_setting('checkpoint_threshold')").get(0).get(0).toString()).isEqualTo("244.1 MiB");
    }
    try (DuckDbWarehouse w = new DuckDbWarehouse(file(), 2, "16MB")) {
      assertThat(query("SELECT current_setting('threads')")).containsExactly(List.of(2L));
    }
    assertThatThrownBy(() -> new DuckDbWarehouse(file(), 1, "lots")).isInstanceOf(ConnectException.class)
        .hasMessageContaining("duckdb.checkpoint.threshold=lots");
    Map<String, String> props = Map.of("duckdb.path", file(), "duckdb.threads", "0");
    assertThatThrownBy(() -> new WarehouseSinkConnectorConfig(props))
        .isInstanceOf(org.apache.kafka.common.config.ConfigException.class).hasMessageContaining("duckdb.threads");
    assertThat(new WarehouseSinkConnectorConfig(Map.of("duckdb.path", file())).getInt("duckdb.threads")).isEqualTo(1);
  }

  @Test
  void aFileLockedByAnotherProcessIsRetriable() throws Exception {
    Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), HoldLock.class.getName(), file())
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
      assertThat(out.readLine()).isEqualTo("locked");
      assertThatThrownBy(() -> new DuckDbWarehouse(file())).isInstanceOf(RetriableException.class)
          .hasMessageContaining("Could not set lock on file");
      holder.getOutputStream().close();
      assertThat(holder.waitFor(30, TimeUnit.SECONDS)).isTrue();
      new DuckDbWarehouse(file()).close();
    } finally {
      holder.destroyForcibly();
    }
  }

  @Test
  void classifiesDuckDbErrors() {
    assertThat(DuckDbWarehouse.isTransient(new SQLException("IO Error: Could not set lock on file \"x\""))).isTrue();
    assertThat(DuckDbWarehouse.isTransient(new SQLException("TransactionContext Error: Catalog write-write conflict")))
        .isTrue();
    assertThat(DuckDbWarehouse.isTransient(new SQLException("Constraint Error: Duplicate key"))).isFalse();
    assertThat(DuckDbWarehouse.isTransient(new SQLException("Binder Error: no such column"))).isFalse();
  }

  /** Child process for the lock test: holds the DuckDB file open until its stdin closes. */
  public static final class HoldLock {
    public static void main(String[] args) throws Exception {
      try (Connection c = new DuckDBDriver().connect("jdbc:duckdb:" + args[0], new Properties())) {
        System.out.println("locked");
        System.out.flush();
        while (System.in.read() >= 0) {
          // wait for EOF
        }
      }
    }
  }

  private Connection connect() throws SQLException {
    return new DuckDBDriver().connect("jdbc:duckdb:" + file(), new Properties());
  }

  private List<List<Object>> query(String sql) throws SQLException {
    List<List<Object>> out = new ArrayList<>();
    try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        List<Object> row = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
          Object v = rs.getObject(i);
          row.add(v instanceof java.sql.Timestamp t ? t.toLocalDateTime() : v);
        }
        out.add(row);
      }
    }
    return out;
  }

  private static List<Object> nullable(Object... values) {
    return java.util.Arrays.asList(values);
  }
}
