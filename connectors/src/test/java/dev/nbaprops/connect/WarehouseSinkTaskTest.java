package dev.nbaprops.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nbaprops.avro.analytics.PlayerGameSummary;
import dev.nbaprops.avro.raw.PlayerBoxScore;
import dev.nbaprops.serde.TableSpec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.duckdb.DuckDBDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WarehouseSinkTaskTest {
  @TempDir
  Path dir;

  private final AvroSingleObjectConverter converter = new AvroSingleObjectConverter();
  private long offset;

  private Path file() {
    return dir.resolve("nested").resolve("warehouse.duckdb");
  }

  private Map<String, String> props() {
    return Map.of("name", "duckdb-sink", "warehouse.type", "duckdb", "duckdb.path", file().toString());
  }

  private WarehouseSinkTask startTask(Synthetic.Context context) {
    WarehouseSinkTask task = new WarehouseSinkTask();
    task.initialize(context);
    task.start(props());
    return task;
  }

  private SinkRecord record(SpecificRecord value) {
    return Synthetic.sinkRecord(converter, TableSpec.from(value.getClass()).map(TableSpec::topic).orElse("nba.raw"),
        value, offset++);
  }

  @Test
  void writesEveryDerivedTableAndUpsertsCorrections() throws SQLException {
    List<SinkRecord> batch = new ArrayList<>();
    for (TableSpec spec : TableSpec.all()) {
      batch.add(record(Synthetic.record(spec.recordClass(), 0)));
      batch.add(record(Synthetic.record(spec.recordClass(), 1)));
    }
    PlayerGameSummary corrected = Synthetic.record(PlayerGameSummary.class, 0);
    corrected.setPts(99);
    corrected.setPraResult("OVER");

    Synthetic.Context context = new Synthetic.Context(true);
    WarehouseSinkTask task = startTask(context);
    task.put(batch);
    task.put(batch); // redelivery: idempotent
    task.put(List.of(record(corrected)));
    task.stop();

    assertThat(context.reported).isEmpty();
    for (TableSpec spec : TableSpec.all()) {
      assertThat(query("SELECT count(*) FROM " + spec.table())).as(spec.table()).containsExactly(List.of(2L));
    }
    assertThat(query("SELECT pts, pra_result FROM nba_analytics.player_game_summary WHERE game_id = '"
        + corrected.getGameId() + "'")).containsExactly(List.of(99, "OVER"));
  }

  @Test
  void sendsRecordsThatAreNotTableRowsToTheErrantRecordReporter() throws SQLException {
    SinkRecord row = record(Synthetic.record(PlayerGameSummary.class, 0));
    SinkRecord rawInput = record(Synthetic.record(PlayerBoxScore.class, 0));
    SinkRecord tombstone = new SinkRecord("nba_analytics.player_game_summary", 0, Schema.STRING_SCHEMA, "k", null,
        null, offset++);
    Synthetic.Context context = new Synthetic.Context(true);
    WarehouseSinkTask task = startTask(context);
    task.put(List.of(rawInput, row, tombstone));
    task.stop();

    assertThat(context.reported).extracting(Map.Entry::getKey).containsExactly(rawInput, tombstone);
    assertThat(context.reported.get(0).getValue()).isInstanceOf(DataException.class)
        .hasMessageContaining("dev.nbaprops.avro.raw.PlayerBoxScore has no x-table schema parameter");
    assertThat(context.reported.get(1).getValue()).isInstanceOf(DataException.class)
        .hasMessageContaining("tombstone (null value) with key k");
    assertThat(query("SELECT count(*) FROM nba_analytics.player_game_summary")).containsExactly(List.of(1L));
  }

  @Test
  void withoutAReporterABadRecordFailsTheBatch() {
    WarehouseSinkTask task = startTask(new Synthetic.Context(false));
    try {
      SinkRecord tombstone = new SinkRecord("nba_analytics.player_game_summary", 3, null, null, null, null, 42);
      assertThatThrownBy(() -> task.put(List.of(tombstone))).isInstanceOf(DataException.class)
          .hasMessageContaining("record nba_analytics.player_game_summary-3@42 is not a warehouse row: tombstone");
    } finally {
      task.stop();
    }
  }

  @Test
  void aSchemaChangeTheTableCannotTakeFailsTheTask() throws SQLException {
    WarehouseSinkTask task = startTask(new Synthetic.Context(true));
    task.put(List.of(record(Synthetic.record(PlayerGameSummary.class, 0))));
    task.stop();
    try (Connection c = new DuckDBDriver().connect("jdbc:duckdb:" + file(), new Properties());
         Statement s = c.createStatement()) {
      s.execute("ALTER TABLE nba_analytics.player_game_summary ALTER COLUMN pts TYPE BIGINT");
    }
    WarehouseSinkTask restarted = startTask(new Synthetic.Context(true));
    try {
      assertThatThrownBy(() -> restarted.put(List.of(record(Synthetic.record(PlayerGameSummary.class, 1)))))
          .hasMessageContaining("table nba_analytics.player_game_summary")
          .hasMessageContaining("column pts changed type from BIGINT to INTEGER");
    } finally {
      restarted.stop();
    }
  }

  @Test
  void waitsForAFileLockedByAnotherProcess() throws Exception {
    java.nio.file.Files.createDirectories(file().getParent());
    Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), DuckDbWarehouseTest.HoldLock.class.getName(), file().toString())
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    Synthetic.Context context = new Synthetic.Context(true);
    WarehouseSinkTask task;
    List<SinkRecord> batch = List.of(record(Synthetic.record(PlayerGameSummary.class, 0)));
    try {
      assertThat(new java.io.BufferedReader(new java.io.InputStreamReader(holder.getInputStream())).readLine())
          .isEqualTo("locked");
      task = startTask(context); // starts anyway
      assertThatThrownBy(() -> task.put(batch)).isInstanceOf(RetriableException.class)
          .hasMessageContaining("Could not set lock on file");
      assertThat(context.timeoutMs).isEqualTo(1000L);
      holder.getOutputStream().close();
      assertThat(holder.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    } finally {
      holder.destroyForcibly();
    }
    task.put(batch);
    task.stop();
    assertThat(query("SELECT count(*) FROM nba_analytics.player_game_summary")).containsExactly(List.of(1L));
  }

  @Test
  void connectorRunsOneTaskAndValidatesItsConfig() {
    WarehouseSinkConnector connector = new WarehouseSinkConnector();
    connector.start(props());
    assertThat(connector.taskConfigs(4)).containsExactly(props());
    assertThat(connector.taskClass()).isEqualTo(WarehouseSinkTask.class);
    assertThat(connector.version()).matches("\\d+\\.\\d+\\.\\d+.*");

    assertThatThrownBy(() -> new WarehouseSinkConnectorConfig(Map.of("warehouse.type", "snowflake")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("valid values: [duckdb, bigquery]");
    assertThatThrownBy(() -> new WarehouseSinkConnectorConfig(Map.of("warehouse.type", "duckdb")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("duckdb.path is required when warehouse.type=duckdb");

    Config config = connector.validate(Map.of("warehouse.type", "duckdb"));
    ConfigValue path = config.configValues().stream().filter(v -> v.name().equals("duckdb.path")).findFirst()
        .orElseThrow();
    assertThat(path.errorMessages()).containsExactly("duckdb.path is required when warehouse.type=duckdb");
  }

  @Test
  void theStandaloneConfigSinksEveryDerivedTopic() throws IOException {
    Properties p = new Properties();
    try (InputStream in = getClass().getClassLoader().getResourceAsStream("connector-config/duckdb-sink.properties")) {
      assertThat(in).isNotNull();
      p.load(in);
    }
    assertThat(Arrays.stream(p.getProperty("topics").split(",")).map(String::strip).toList())
        .containsExactlyElementsOf(TableSpec.all().stream().map(TableSpec::topic).toList());
    assertThat(p).containsEntry("connector.class", WarehouseSinkConnector.class.getName())
        .containsEntry("value.converter", AvroSingleObjectConverter.class.getName())
        .containsEntry("tasks.max", "1").containsEntry("errors.deadletterqueue.topic.name", "nba.connect.dlq");
    Map<String, String> props = new java.util.HashMap<>();
    p.stringPropertyNames().forEach(k -> props.put(k, p.getProperty(k)));
    assertThat(new WarehouseSinkConnectorConfig(props).warehouseType())
        .isEqualTo(WarehouseSinkConnectorConfig.WarehouseType.DUCKDB);
  }

  private List<List<Object>> query(String sql) throws SQLException {
    List<List<Object>> out = new ArrayList<>();
    try (Connection c = new DuckDBDriver().connect("jdbc:duckdb:" + file(), new Properties());
         Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        List<Object> row = new ArrayList<>();
        for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
          row.add(rs.getObject(i));
        }
        out.add(row);
      }
    }
    return out;
  }
}
