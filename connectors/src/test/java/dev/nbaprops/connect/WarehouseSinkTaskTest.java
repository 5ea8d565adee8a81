package dev.nbaprops.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nbaprops.avro.analytics.PlayerGameSummary;
import dev.nbaprops.avro.precompute.PlayerDailyCache;
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
        .hasMessageContaining("is a tombstone the sink cannot apply: key 'k' of nba_analytics.player_game_summary"
            + " has 1 part, expected 2 separated by '|': game_id|player_id");
    assertThat(query("SELECT count(*) FROM nba_analytics.player_game_summary")).containsExactly(List.of(1L));
  }

  @Test
  void withoutAReporterABadRecordFailsTheBatch() {
    WarehouseSinkTask task = startTask(new Synthetic.Context(false));
    try {
      SinkRecord tombstone = new SinkRecord("nba_analytics.player_game_summary", 3, null, null, null, null, 42);
      assertThatThrownBy(() -> task.put(List.of(tombstone))).isInstanceOf(DataException.class)
          .hasMessageContaining("record nba_analytics.player_game_summary-3@42 is a tombstone the sink cannot apply:"
              + " tombstone (null value) without a key: cannot tell which nba_analytics.player_game_summary row to"
              + " delete (the key must be game_id|player_id)");
    } finally {
      task.stop();
    }
  }

  static final String DAILY_CACHE = "nba_precompute.player_daily_cache";

  /** The Kafka record key of a player_daily_cache row: player_id|cache_date. */
  static String key(PlayerDailyCache row) {
    return row.getPlayerId() + "|" + row.getCacheDate();
  }

  private SinkRecord tombstone(String topic, Object key) {
    return new SinkRecord(topic, 0, Schema.STRING_SCHEMA, key, null, null, offset++);
  }

  @Test
  void tombstonesDeleteRowsByKeyAndTheLastOperationOnAKeyInABatchWins() throws SQLException {
    PlayerDailyCache r0 = Synthetic.record(PlayerDailyCache.class, 0);
    PlayerDailyCache r1 = Synthetic.record(PlayerDailyCache.class, 1);
    PlayerDailyCache r2 = Synthetic.record(PlayerDailyCache.class, 2);
    PlayerDailyCache r3 = Synthetic.record(PlayerDailyCache.class, 3);
    PlayerDailyCache r1Again = Synthetic.record(PlayerDailyCache.class, 1);
    r1Again.setPlayerName("upserted after its tombstone");

    Synthetic.Context context = new Synthetic.Context(true);
    WarehouseSinkTask task = startTask(context);
    task.put(List.of(record(r0), record(r1), record(r2)));
    List<SinkRecord> deletes = List.of(tombstone(DAILY_CACHE, key(r0)), tombstone(DAILY_CACHE, "1|2023-10-27"));
    task.put(deletes);
    task.put(deletes); // redelivery: deleting missing rows is harmless
    task.put(List.of(record(r3), tombstone(DAILY_CACHE, key(r3)), tombstone(DAILY_CACHE, key(r1)), record(r1Again)));
    task.stop();

    assertThat(context.reported).isEmpty();
    assertThat(query("SELECT player_id, cache_date, player_name FROM " + DAILY_CACHE + " ORDER BY player_id"))
        .containsExactly(List.of(r1.getPlayerId(), r1.getCacheDate(), "upserted after its tombstone"),
            List.of(r2.getPlayerId(), r2.getCacheDate(), r2.getPlayerName()));
  }

  @Test
  void tombstonesThatNameNoRowGoToTheErrantRecordReporter() throws SQLException {
    PlayerDailyCache r0 = Synthetic.record(PlayerDailyCache.class, 0);
    List<SinkRecord> bad = List.of(tombstone(DAILY_CACHE, "203999"), tombstone(DAILY_CACHE, "203999|2023-10-27|x"),
        tombstone(DAILY_CACHE, "20399x|2023-10-27"), tombstone(DAILY_CACHE, "203999|2023-13-45"),
        tombstone(DAILY_CACHE, null), tombstone(DAILY_CACHE, 203999), tombstone("nba.raw.box_scores", "1|2"));
    List<SinkRecord> batch = new ArrayList<>(bad);
    batch.add(record(r0));
    batch.add(tombstone("nba_precompute.ml_feature_store", "1|2024-01-01")); // no such table yet: nothing to do

    Synthetic.Context context = new Synthetic.Context(true);
    WarehouseSinkTask task = startTask(context);
    task.put(batch);
    task.stop();

    assertThat(context.reported).extracting(Map.Entry::getKey).containsExactlyElementsOf(bad);
    assertThat(context.reported).extracting(e -> e.getValue().getMessage()).containsExactly(
        "record nba_precompute.player_daily_cache-0@0 is a tombstone the sink cannot apply: key '203999' of"
            + " nba_precompute.player_daily_cache has 1 part, expected 2 separated by '|': player_id|cache_date",
        "record nba_precompute.player_daily_cache-0@1 is a tombstone the sink cannot apply: key"
            + " '203999|2023-10-27|x' of nba_precompute.player_daily_cache has 3 parts, expected 2 separated by"
            + " '|': player_id|cache_date",
        "record nba_precompute.player_daily_cache-0@2 is a tombstone the sink cannot apply: key"
            + " '20399x|2023-10-27' of nba_precompute.player_daily_cache (player_id|cache_date): player_id"
            + " '20399x' is not an INT64 (a decimal integer)",
        "record nba_precompute.player_daily_cache-0@3 is a tombstone the sink cannot apply: key"
            + " '203999|2023-13-45' of nba_precompute.player_daily_cache (player_id|cache_date): cache_date"
            + " '2023-13-45' is not a DATE (yyyy-MM-dd)",
        "record nba_precompute.player_daily_cache-0@4 is a tombstone the sink cannot apply: tombstone (null value)"
            + " without a key: cannot tell which nba_precompute.player_daily_cache row to delete (the key must be"
            + " player_id|cache_date)",
        "record nba_precompute.player_daily_cache-0@5 is a tombstone the sink cannot apply: tombstone key is a"
            + " java.lang.Integer, expected a String player_id|cache_date; use"
            + " key.converter=org.apache.kafka.connect.storage.StringConverter",
        "record nba.raw.box_scores-0@6 is a tombstone the sink cannot apply: tombstone (null value) on topic"
            + " nba.raw.box_scores, which is not a derived-table topic ("
            + TableSpec.all().stream().map(TableSpec::topic).toList() + "), so there is no table to delete a row"
            + " from");
    assertThat(context.reported).allSatisfy(e -> assertThat(e.getValue()).isInstanceOf(DataException.class));
    assertThat(query("SELECT count(*) FROM " + DAILY_CACHE)).containsExactly(List.of(1L));
    assertThat(query("SELECT count(*) FROM information_schema.tables WHERE table_name = 'ml_feature_store'"))
        .containsExactly(List.of(0L));
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
