package dev.nbaprops.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nbaprops.avro.analytics.PlayerGameSummary;
import dev.nbaprops.avro.precompute.PlayerDailyCache;
import dev.nbaprops.serde.TableSpec;
import java.io.IOException;
import java.io.InputStream;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The sink task and connector with {@code warehouse.type=bigquery}, configured the way a worker would be (no test
 * hooks: production client settings, {@code bigquery.endpoint} pointing at {@link FakeBigQuery}). Records are
 * synthetic, encoded from the generated Avro classes and decoded by the converter.
 */
class BigQuerySinkTaskTest {
  private final AvroSingleObjectConverter converter = new AvroSingleObjectConverter();
  private FakeBigQuery fake;
  private long offset;

  @BeforeEach
  void startFake() throws IOException {
    fake = new FakeBigQuery(BigQueryWarehouseTest.PROJECT);
  }

  @AfterEach
  void stopFake() {
    assertThat(fake.unhandled()).isEmpty();
    fake.close();
  }

  private Map<String, String> props() {
    String endpoint = fake.endpoint();
    return Map.of("name", "bigquery-sink", "warehouse.type", "bigquery",
        "bigquery.project", BigQueryWarehouseTest.PROJECT,
        "bigquery.endpoint", endpoint.substring(0, endpoint.length() - 1)); // without the trailing slash
  }

  private WarehouseSinkTask startTask(Synthetic.Context context) {
    WarehouseSinkTask task = new WarehouseSinkTask();
    task.initialize(context);
    task.start(props());
    return task;
  }

  private SinkRecord record(SpecificRecord value) {
    return Synthetic.sinkRecord(converter, TableSpec.from(value.getClass()).map(TableSpec::topic).orElseThrow(),
        value, offset++);
  }

  @Test
  void writesEveryDerivedTableAndReplaysAndCorrectionsLeaveOneRowPerKey() {
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
    task.put(batch); // redelivery
    task.put(List.of(record(corrected)));
    task.stop();
    WarehouseSinkTask restarted = startTask(context); // a restart redelivers the last batch: nothing changes
    restarted.put(List.of(record(corrected)));
    restarted.stop();

    assertThat(context.reported).isEmpty();
    for (TableSpec spec : TableSpec.all()) {
      assertThat(fake.rows(spec.table())).as(spec.table()).hasSize(2);
    }
    assertThat(fake.rows("nba_analytics.player_game_summary")).filteredOn(r -> r.get("game_id")
        .equals(corrected.getGameId())).singleElement()
        .satisfies(r -> assertThat(r).containsEntry("pts", 99L).containsEntry("pra_result", "OVER"));
    assertThat(fake.tableNames()).hasSize(10);
    assertThat(fake.requests("POST", "/bigquery/v2/projects/synthetic-project/datasets/[^/]+/tables")
        .stream().filter(r -> !r.json().path("tableReference").path("tableId").asText().startsWith("_nba_sink_stage_")))
        .as("each table created once").hasSize(10);
  }

  @Test
  void tombstonesDeleteRowsWithOneParameterizedDeletePerTableAndTheLastOperationOnAKeyWins() {
    String topic = WarehouseSinkTaskTest.DAILY_CACHE;
    PlayerDailyCache r0 = Synthetic.record(PlayerDailyCache.class, 0);
    PlayerDailyCache r1 = Synthetic.record(PlayerDailyCache.class, 1);
    PlayerDailyCache r2 = Synthetic.record(PlayerDailyCache.class, 2);
    PlayerDailyCache r3 = Synthetic.record(PlayerDailyCache.class, 3);
    PlayerDailyCache r1Again = Synthetic.record(PlayerDailyCache.class, 1);
    r1Again.setPlayerName("upserted after its tombstone");
    SinkRecord malformed = tombstone(topic, "203999|27/10/2023");

    Synthetic.Context context = new Synthetic.Context(true);
    WarehouseSinkTask task = startTask(context);
    task.put(List.of(tombstone(topic, WarehouseSinkTaskTest.key(r0)))); // no table yet: nothing to do
    assertThat(fake.tableNames()).isEmpty();
    task.put(List.of(record(r0), record(r1), record(r2)));
    fake.clearRequests();
    List<SinkRecord> deletes = List.of(tombstone(topic, WarehouseSinkTaskTest.key(r0)),
        tombstone(topic, "1|2023-10-27"), malformed);
    task.put(deletes);
    task.put(deletes); // redelivery: harmless
    task.put(List.of(record(r3), tombstone(topic, WarehouseSinkTaskTest.key(r3)),
        tombstone(topic, WarehouseSinkTaskTest.key(r1)), record(r1Again)));
    task.stop();

    assertThat(context.reported).extracting(Map.Entry::getKey).containsExactly(malformed, malformed);
    assertThat(context.reported.get(0).getValue()).isInstanceOf(DataException.class).hasMessageContaining(
        "is a tombstone the sink cannot apply: key '203999|27/10/2023' of nba_precompute.player_daily_cache"
            + " (player_id|cache_date): cache_date '27/10/2023' is not a DATE (yyyy-MM-dd)");
    assertThat(fake.rows(topic)).extracting(r -> List.of(r.get("player_id"), r.get("cache_date"),
        r.get("player_name"))).containsExactlyInAnyOrder(
        List.of(r1.getPlayerId(), r1.getCacheDate(), "upserted after its tombstone"),
        List.of(r2.getPlayerId(), r2.getCacheDate(), r2.getPlayerName()));

    List<JsonNode> queries = fake.requests("POST", "/bigquery/v2/projects/synthetic-project/jobs").stream()
        .map(r -> r.json().path("configuration").path("query")).toList();
    // The deletes twice, then the last batch: r3 deleted (its last operation), then r1 upserted (its last one).
    assertThat(queries).extracting(q -> q.path("query").asText().split("\\s")[0])
        .containsExactly("DELETE", "DELETE", "DELETE", "MERGE");
    assertThat(queries.get(2).path("queryParameters")).extracting(p -> p.path("parameterValue").path("value")
        .asText()).containsExactlyInAnyOrder(String.valueOf(r3.getPlayerId()), r3.getCacheDate().toString());
    assertThat(queries.get(0).path("query").asText()).isEqualTo(
        "DELETE FROM `synthetic-project.nba_precompute.player_daily_cache`\n"
            + "WHERE (`player_id` = @k0_0 AND `cache_date` = @k0_1)\n"
            + "   OR (`player_id` = @k1_0 AND `cache_date` = @k1_1)");
    assertThat(queries.get(0).path("queryParameters")).extracting(p -> p.path("name").asText() + " "
        + p.path("parameterType").path("type").asText() + " " + p.path("parameterValue").path("value").asText())
        .containsExactlyInAnyOrder("k0_0 INT64 " + r0.getPlayerId(), "k0_1 DATE " + r0.getCacheDate(), "k1_0 INT64 1",
            "k1_1 DATE 2023-10-27");
  }

  private SinkRecord tombstone(String topic, String key) {
    return new SinkRecord(topic, 0, org.apache.kafka.connect.data.Schema.STRING_SCHEMA, key, null, null, offset++);
  }

  @Test
  void aRowBigQueryCannotStoreGoesToTheErrantRecordReporter() {
    PlayerGameSummary farFuture = Synthetic.record(PlayerGameSummary.class, 1);
    farFuture.setGameDate(LocalDate.of(12024, 1, 1));
    SinkRecord bad = record(farFuture);
    SinkRecord good = record(Synthetic.record(PlayerGameSummary.class, 0));

    Synthetic.Context context = new Synthetic.Context(true);
    WarehouseSinkTask task = startTask(context);
    task.put(List.of(bad, good));
    task.stop();

    assertThat(context.reported).extracting(Map.Entry::getKey).containsExactly(bad);
    assertThat(context.reported.get(0).getValue()).isInstanceOf(DataException.class)
        .hasMessageContaining("is not a warehouse row: nba_analytics.player_game_summary column game_date:"
            + " +12024-01-01 is outside BigQuery's DATE range");
    assertThat(fake.rows("nba_analytics.player_game_summary")).singleElement()
        .satisfies(r -> assertThat(r).containsEntry("game_id", "synthetic game_id 0"));
  }

  @Test
  void theConnectorRunsTasksMaxTasksForBigQueryAndValidatesTheProject() {
    WarehouseSinkConnector connector = new WarehouseSinkConnector();
    connector.start(props());
    assertThat(connector.taskConfigs(3)).hasSize(3).allSatisfy(c -> assertThat(c).isEqualTo(props()));
    assertThat(connector.taskConfigs(1)).hasSize(1);

    assertThatThrownBy(() -> new WarehouseSinkConnectorConfig(Map.of("warehouse.type", "bigquery")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("bigquery.project is required when warehouse.type=bigquery");
    Config config = connector.validate(Map.of("warehouse.type", "bigquery"));
    ConfigValue project = config.configValues().stream().filter(v -> v.name().equals("bigquery.project"))
        .findFirst().orElseThrow();
    assertThat(project.errorMessages()).containsExactly("bigquery.project is required when warehouse.type=bigquery");
    WarehouseSinkConnectorConfig defaults = new WarehouseSinkConnectorConfig(
        Map.of("warehouse.type", "bigquery", "bigquery.project", "p"));
    assertThat(defaults.bigQueryLocation()).isEqualTo("US");
    assertThat(defaults.bigQueryCredentialsPath()).isEmpty();
    assertThat(defaults.bigQueryEndpoint()).isEmpty();
    assertThat(defaults.bigQueryJobTimeoutMs()).isEqualTo(120_000L);
  }

  @Test
  void theStandaloneConfigSinksEveryDerivedTopicIntoBigQuery() throws IOException {
    Properties p = new Properties();
    try (InputStream in = getClass().getClassLoader()
        .getResourceAsStream("connector-config/bigquery-sink.properties")) {
      assertThat(in).isNotNull();
      p.load(in);
    }
    assertThat(Arrays.stream(p.getProperty("topics").split(",")).map(String::strip).toList())
        .containsExactlyElementsOf(TableSpec.all().stream().map(TableSpec::topic).toList());
    assertThat(p).containsEntry("connector.class", WarehouseSinkConnector.class.getName())
        .containsEntry("value.converter", AvroSingleObjectConverter.class.getName())
        .containsEntry("errors.deadletterqueue.topic.name", "nba.connect.dlq");
    Map<String, String> props = new HashMap<>();
    p.stringPropertyNames().forEach(k -> props.put(k, p.getProperty(k)));
    WarehouseSinkConnectorConfig config = new WarehouseSinkConnectorConfig(props);
    assertThat(config.warehouseType()).isEqualTo(WarehouseSinkConnectorConfig.WarehouseType.BIGQUERY);
    assertThat(config.bigQueryLocation()).isEqualTo("US");
    assertThat(config.bigQueryCredentialsPath()).isPresent();
  }
}
