package dev.nbaprops.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.api.gax.retrying.RetrySettings;
import com.google.cloud.bigquery.BigQueryError;
import com.google.cloud.bigquery.BigQueryException;
import com.google.cloud.bigquery.BigQueryOptions;
import com.google.cloud.http.HttpTransportOptions;
import dev.nbaprops.avro.analytics.PlayerGameSummary;
import dev.nbaprops.connect.FakeBigQuery.Load;
import dev.nbaprops.connect.FakeBigQuery.Request;
import dev.nbaprops.serde.TableSpec;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.errors.RetriableException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link BigQueryWarehouse} with the real google-cloud-bigquery client against {@link FakeBigQuery}, a local HTTP
 * server implementing the REST calls it makes. Rows are synthetic (made-up values), built from the generated Avro
 * classes through the converter.
 */
class BigQueryWarehouseTest {
  static final String PROJECT = "synthetic-project";
  private static final LocalDate D1 = LocalDate.of(2024, 1, 15);
  private static final LocalDate D2 = LocalDate.of(2024, 1, 16);
  private static final String JOBS = "/bigquery/v2/projects/" + PROJECT + "/jobs";
  private static final String TABLES = "/bigquery/v2/projects/" + PROJECT + "/datasets/[^/]+/tables";

  private final AvroSingleObjectConverter converter = new AvroSingleObjectConverter();
  private FakeBigQuery fake;

  @TempDir
  Path dir;

  @BeforeEach
  void startFake() throws IOException {
    fake = new FakeBigQuery(PROJECT);
  }

  @AfterEach
  void stopFake() {
    assertThat(fake.unhandled()).as("calls the fake does not implement").isEmpty();
    fake.close();
  }

  /** The real client against the fake, with two attempts per call, short delays and a 2 s read timeout. */
  private BigQueryWarehouse warehouse() {
    return warehouse(2_000);
  }

  private BigQueryWarehouse warehouse(int readTimeoutMs) {
    return warehouse(readTimeoutMs, Duration.ofSeconds(10));
  }

  private BigQueryWarehouse warehouse(int readTimeoutMs, Duration jobTimeout) {
    BigQueryOptions options = BigQueryWarehouse.options(PROJECT, "US", Optional.empty(),
            Optional.of(fake.endpoint()))
        .setRetrySettings(RetrySettings.newBuilder().setMaxAttempts(2)
            .setInitialRetryDelayDuration(Duration.ofMillis(5)).setRetryDelayMultiplier(2.0)
            .setMaxRetryDelayDuration(Duration.ofMillis(20)).setTotalTimeoutDuration(Duration.ofSeconds(10))
            .setInitialRpcTimeoutDuration(Duration.ofSeconds(5)).setRpcTimeoutMultiplier(1.0)
            .setMaxRpcTimeoutDuration(Duration.ofSeconds(5)).build())
        .setTransportOptions(HttpTransportOptions.newBuilder().setConnectTimeout(2_000).setReadTimeout(readTimeoutMs)
            .build())
        .build();
    return new BigQueryWarehouse(options, jobTimeout);
  }

  // ---- tables ----

  @Test
  void createsTheDatasetAndATableWithTypesModesPartitioningClusteringAndPrimaryKey() {
    TableDef def = TableDef.fromSchema(AvroSingleObjectConverter.toConnectSchema(PlayerGameSummary.getClassSchema()));
    try (BigQueryWarehouse w = warehouse()) {
      w.ensureTable(def);
    }

    List<Request> datasetInserts = fake.requests("POST", "/bigquery/v2/projects/" + PROJECT + "/datasets");
    assertThat(datasetInserts).hasSize(1);
    JsonNode dataset = datasetInserts.get(0).json();
    assertThat(dataset.path("datasetReference").path("datasetId").asText()).isEqualTo("nba_analytics");
    assertThat(dataset.path("location").asText()).isEqualTo("US");

    List<Request> tableInserts = fake.requests("POST", TABLES);
    assertThat(tableInserts).hasSize(1);
    JsonNode table = tableInserts.get(0).json();
    assertThat(table.path("tableReference").path("tableId").asText()).isEqualTo("player_game_summary");
    Map<String, String> columns = new LinkedHashMap<>();
    table.path("schema").path("fields").forEach(f ->
        columns.put(f.path("name").asText(), f.path("type").asText() + " " + f.path("mode").asText()));
    assertThat(columns).hasSize(PlayerGameSummary.getClassSchema().getFields().size())
        .containsEntry("game_id", "STRING REQUIRED").containsEntry("player_id", "INTEGER REQUIRED")
        .containsEntry("game_date", "DATE REQUIRED").containsEntry("home", "BOOLEAN REQUIRED")
        .containsEntry("min", "FLOAT REQUIRED").containsEntry("pts", "INTEGER REQUIRED")
        .containsEntry("plus_minus", "INTEGER NULLABLE").containsEntry("pra_result", "STRING NULLABLE");
    assertThat(fieldNamed(table, "pra_result").path("description").asText())
        .isEqualTo("OVER, UNDER or PUSH of pra against pra_line (null without a line)");
    assertThat(table.path("timePartitioning").path("type").asText()).isEqualTo("DAY");
    assertThat(table.path("timePartitioning").path("field").asText()).isEqualTo("game_date");
    assertThat(FakeBigQuery.strings(table.path("clustering").path("fields"))).containsExactly("game_id", "player_id");
    assertThat(FakeBigQuery.strings(table.path("tableConstraints").path("primaryKey").path("columns")))
        .containsExactly("game_id", "player_id");

    // A second task (a new warehouse) finds dataset and table and changes nothing.
    fake.clearRequests();
    try (BigQueryWarehouse w = warehouse()) {
      w.ensureTable(def);
    }
    assertThat(fake.requests()).extracting(Request::method).containsOnly("GET");
  }

  @Test
  void everyDerivedTableGetsItsPartitionAndKeyColumns() {
    try (BigQueryWarehouse w = warehouse()) {
      for (TableSpec spec : TableSpec.all()) {
        w.ensureTable(TableDef.fromSchema(AvroSingleObjectConverter.toConnectSchema(spec.schema())));
      }
    }
    assertThat(fake.requests("POST", "/bigquery/v2/projects/" + PROJECT + "/datasets"))
        .extracting(r -> r.json().path("datasetReference").path("datasetId").asText())
        .containsExactly("nba_analytics", "nba_precompute");
    for (TableSpec spec : TableSpec.all()) {
      String[] name = spec.table().split("\\.");
      JsonNode table = fake.table(name[0], name[1]).resource;
      assertThat(table.path("timePartitioning").path("field").asText()).as(spec.table()).isEqualTo(spec.partitionBy());
      assertThat(FakeBigQuery.strings(table.path("clustering").path("fields"))).as(spec.table())
          .isEqualTo(spec.key());
      assertThat(FakeBigQuery.strings(table.path("tableConstraints").path("primaryKey").path("columns")))
          .as(spec.table()).isEqualTo(spec.key());
    }
  }

  @Test
  void aDatasetInAnotherLocationIsAClearError() {
    fake.putDataset("nba_analytics", "EU");
    TableDef def = TableDef.fromSchema(AvroSingleObjectConverter.toConnectSchema(PlayerGameSummary.getClassSchema()));
    try (BigQueryWarehouse w = warehouse()) {
      assertThatThrownBy(() -> w.ensureTable(def)).isInstanceOf(ConnectException.class)
          .isNotInstanceOf(RetriableException.class)
          .hasMessageContaining("dataset synthetic-project:nba_analytics is in location EU but bigquery.location=US");
    }
  }

  // ---- upserts ----

  @Test
  void everyDerivedTableIsUpsertedByKeyAndReplaysAndCorrectionsNeverDuplicate() {
    Map<TableDef, List<Struct>> batch = new LinkedHashMap<>();
    Map<String, List<Struct>> expected = new LinkedHashMap<>();
    for (TableSpec spec : TableSpec.all()) {
      Struct v0 = synthetic(Synthetic.record(spec.recordClass(), 0));
      Struct v1 = synthetic(Synthetic.record(spec.recordClass(), 1));
      // v0 twice in one batch: staged once.
      batch.put(TableDef.fromSchema(v0.schema()), List.of(v0, v1, v0));
      expected.put(spec.table(), new ArrayList<>(List.of(v0, v1)));
    }
    PlayerGameSummary corrected = Synthetic.record(PlayerGameSummary.class, 0);
    corrected.setPts(99);
    corrected.setPraResult("OVER");
    Struct correction = synthetic(corrected);
    expected.get("nba_analytics.player_game_summary").set(0, correction);

    try (BigQueryWarehouse w = warehouse()) {
      w.upsertAll(batch);
      w.upsertAll(batch); // a replay
      w.upsert(TableDef.fromSchema(correction.schema()), List.of(correction));
    }

    for (TableSpec spec : TableSpec.all()) {
      TableDef def = TableDef.fromSchema(expected.get(spec.table()).get(0).schema());
      assertThat(fake.rows(spec.table())).as(spec.table())
          .containsExactlyInAnyOrderElementsOf(expected.get(spec.table()).stream().map(r -> stored(def, r)).toList());
    }
    assertThat(fake.tableNames()).as("staging tables are dropped").noneMatch(t -> t.contains("_nba_sink_stage_"));

    // What went over the wire for player_game_summary: deduplicated rows staged by a load job, then one MERGE.
    List<Load> loads = fake.loads().stream().filter(l -> l.table().startsWith("_nba_sink_stage_player_game_summary_"))
        .toList();
    assertThat(loads).hasSize(3);
    assertThat(loads.get(0).lines()).hasSize(2);
    assertThat(loads.get(0).dataset()).isEqualTo("nba_analytics");
    assertThat(loads.get(0).configuration().path("sourceFormat").asText()).isEqualTo("NEWLINE_DELIMITED_JSON");
    assertThat(loads.get(0).configuration().path("writeDisposition").asText()).isEqualTo("WRITE_TRUNCATE");
    assertThat(loads.get(0).configuration().path("createDisposition").asText()).isEqualTo("CREATE_NEVER");
    assertThat(loads.get(2).lines()).singleElement().asString()
        .contains("\"game_id\":\"synthetic game_id 0\"", "\"pts\":99", "\"pra_result\":\"OVER\"");

    List<String> merges = fake.jobs().stream().map(j -> j.path("configuration").path("query").path("query").asText())
        .filter(q -> q.startsWith("MERGE `synthetic-project.nba_analytics.player_game_summary` T")).toList();
    assertThat(merges).hasSize(3);
    assertThat(merges.get(0))
        .contains("USING `synthetic-project.nba_analytics." + loads.get(0).table() + "` S")
        .contains("ON T.`game_id` = S.`game_id` AND T.`player_id` = S.`player_id`\n")
        .contains("WHEN MATCHED THEN UPDATE SET `player_name` = S.`player_name`, `season` = S.`season`,")
        .contains("`pra_result` = S.`pra_result`, ").contains("`usage_per_36` = S.`usage_per_36`\n")
        .contains("WHEN NOT MATCHED THEN INSERT (`game_id`, `player_id`, `player_name`,");
    assertThat(fake.jobs()).allSatisfy(job -> {
      assertThat(job.path("configuration").path("labels").path("writer").asText())
          .isEqualTo("nba-props-warehouse-sink");
      assertThat(job.path("jobReference").path("location").asText()).isEqualTo("US");
    });

    // Staging tables: created in the target's dataset, all columns NULLABLE, expiring, then deleted.
    List<Request> stagingInserts = fake.requests("POST", TABLES).stream()
        .filter(r -> r.json().path("tableReference").path("tableId").asText().startsWith("_nba_sink_stage_")).toList();
    assertThat(stagingInserts).hasSize(21);
    assertThat(stagingInserts).allSatisfy(r -> {
      JsonNode t = r.json();
      assertThat(t.path("expirationTime").asLong()).isBetween(System.currentTimeMillis(),
          System.currentTimeMillis() + Duration.ofMinutes(61).toMillis());
      assertThat(t.path("schema").path("fields"))
          .allSatisfy(f -> assertThat(f.path("mode").asText()).isEqualTo("NULLABLE"));
    });
    assertThat(fake.requests("DELETE", TABLES + "/_nba_sink_stage_.*")).hasSize(21);
  }

  private static Schema rowsV1() {
    return rows().field("id", Schema.STRING_SCHEMA).field("day", Date.SCHEMA)
        .field("n", Schema.INT32_SCHEMA).field("score", Schema.OPTIONAL_FLOAT64_SCHEMA).build();
  }

  private static SchemaBuilder rows() {
    return SchemaBuilder.struct().name("test.Row").parameter("x-table", "ds.rows").parameter("x-key", "id,day")
        .parameter("x-partition-by", "day");
  }

  private static Struct row(Schema schema, String id, LocalDate day, int n, Double score) {
    return new Struct(schema).put("id", id).put("day", new java.util.Date(day.toEpochDay() * 86_400_000L))
        .put("n", n).put("score", score);
  }

  @Test
  void theLastRowOfAKeyInOneBatchWins() {
    Schema v1 = rowsV1();
    TableDef def = TableDef.fromSchema(v1);
    try (BigQueryWarehouse w = warehouse()) {
      w.upsert(def, List.of(row(v1, "a", D1, 1, null), row(v1, "b", D1, 2, null), row(v1, "a", D1, 3, null),
          row(v1, "a", D1, 4, 4.0), row(v1, "a", D2, 5, null)));
    }
    assertThat(fake.rows("ds.rows")).containsExactlyInAnyOrder(
        bqRow("id", "a", "day", D1, "n", 4L, "score", 4.0), bqRow("id", "b", "day", D1, "n", 2L, "score", null),
        bqRow("id", "a", "day", D2, "n", 5L, "score", null));
    assertThat(fake.loads()).singleElement().extracting(l -> l.lines().size()).isEqualTo(3);
  }

  private static List<Object> key(String id, LocalDate day) {
    return List.of(id, new java.util.Date(day.toEpochDay() * 86_400_000L));
  }

  private List<JsonNode> deleteJobs() {
    return fake.jobs().stream().map(j -> (JsonNode) j.path("configuration").path("query"))
        .filter(q -> q.path("query").asText().startsWith("DELETE")).toList();
  }

  @Test
  void deletesByKeyWithOneParameterizedDeleteJobIdempotentlyAndNeverCreatesATable() {
    Schema v1 = rowsV1();
    TableDef def = TableDef.fromSchema(v1);
    try (BigQueryWarehouse w = warehouse()) {
      w.delete(def, List.of(key("a", D1))); // no table yet: nothing to do
      assertThat(fake.tableNames()).isEmpty();
      assertThat(fake.jobs()).isEmpty();
      w.upsert(def, List.of(row(v1, "a", D1, 1, null), row(v1, "a", D2, 2, null), row(v1, "b", D1, 3, null)));
      w.delete(def, List.of(key("a", D1), key("never", D1), key("b", D2)));
      w.delete(def, List.of(key("a", D1), key("never", D1), key("b", D2))); // redelivery
      w.delete(def, List.of(key("b", LocalDate.of(12024, 1, 1)))); // no row can have it: no job
    }
    assertThat(fake.rows("ds.rows")).containsExactlyInAnyOrder(
        bqRow("id", "a", "day", D2, "n", 2L, "score", null), bqRow("id", "b", "day", D1, "n", 3L, "score", null));
    assertThat(fake.tableNames()).containsExactly("ds.rows");

    List<JsonNode> deletes = deleteJobs();
    assertThat(deletes).hasSize(2);
    JsonNode q = deletes.get(0);
    assertThat(q.path("query").asText()).isEqualTo("DELETE FROM `synthetic-project.ds.rows`\n"
        + "WHERE (`id` = @k0_0 AND `day` = @k0_1)\n"
        + "   OR (`id` = @k1_0 AND `day` = @k1_1)\n"
        + "   OR (`id` = @k2_0 AND `day` = @k2_1)");
    assertThat(q.path("useLegacySql").asBoolean(true)).isFalse();
    assertThat(q.path("parameterMode").asText()).isEqualTo("NAMED");
    Map<String, String> parameters = new LinkedHashMap<>();
    q.path("queryParameters").forEach(p -> parameters.put(p.path("name").asText(),
        p.path("parameterType").path("type").asText() + " " + p.path("parameterValue").path("value").asText()));
    assertThat(parameters).containsOnly(Map.entry("k0_0", "STRING a"), Map.entry("k0_1", "DATE 2024-01-15"),
        Map.entry("k1_0", "STRING never"), Map.entry("k1_1", "DATE 2024-01-15"), Map.entry("k2_0", "STRING b"),
        Map.entry("k2_1", "DATE 2024-01-16"));
    assertThat(fake.jobs()).allSatisfy(job -> {
      assertThat(job.path("configuration").path("labels").path("writer").asText())
          .isEqualTo("nba-props-warehouse-sink");
      assertThat(job.path("jobReference").path("location").asText()).isEqualTo("US");
    });
    assertThat(fake.jobs().stream().filter(j -> j.path("statistics").path("query").path("statementType").asText()
        .equals("DELETE")).map(j -> j.path("statistics").path("query").path("numDmlAffectedRows").asText()))
        .containsExactly("1", "0");
  }

  @Test
  void deletesRunBeforeTheMergesAndAKeyBothDeletedAndUpsertedEndsUpUpserted() {
    Schema v1 = rowsV1();
    TableDef def = TableDef.fromSchema(v1);
    Schema other = SchemaBuilder.struct().name("test.Other").parameter("x-table", "ds.other")
        .parameter("x-key", "id").field("id", Schema.INT64_SCHEMA).field("v", Schema.OPTIONAL_STRING_SCHEMA).build();
    TableDef otherDef = TableDef.fromSchema(other);
    try (BigQueryWarehouse w = warehouse()) {
      w.upsert(def, List.of(row(v1, "a", D1, 1, null), row(v1, "b", D1, 2, null)));
      w.upsert(otherDef, List.of(new Struct(other).put("id", 7L).put("v", "x"), new Struct(other).put("id", 8L)));
      fake.clearRequests();
      Map<TableDef, Changes> batch = new LinkedHashMap<>();
      batch.put(def, new Changes(List.of(row(v1, "a", D1, 10, null)), List.of(key("a", D1), key("b", D1))));
      batch.put(otherDef, Changes.deletes(List.of(List.of(8L))));
      w.apply(batch);
    }
    assertThat(fake.rows("ds.rows")).containsExactly(bqRow("id", "a", "day", D1, "n", 10L, "score", null));
    assertThat(fake.rows("ds.other")).containsExactly(bqRow("id", 7L, "v", "x"));
    List<String> statements = fake.requests("POST", JOBS).stream()
        .map(r -> r.json().path("configuration").path("query").path("query").asText().split("\\s")[0]).toList();
    assertThat(statements).containsExactly("DELETE", "DELETE", "MERGE");
    assertThat(fake.requests("POST", JOBS).get(1).json().path("configuration").path("query")
        .path("queryParameters").get(0).path("parameterType").path("type").asText()).isEqualTo("INT64");
  }

  @Test
  void manyKeysAreDeletedInChunks() {
    Schema v1 = rowsV1();
    TableDef def = TableDef.fromSchema(v1);
    List<List<Object>> keys = new ArrayList<>();
    for (int i = 0; i <= BigQueryWarehouse.MAX_KEYS_PER_DELETE; i++) {
      keys.add(key("k" + i, D1));
    }
    try (BigQueryWarehouse w = warehouse()) {
      w.upsert(def, List.of(row(v1, "k0", D1, 1, null), row(v1, "k" + BigQueryWarehouse.MAX_KEYS_PER_DELETE, D1, 2,
          null), row(v1, "z", D1, 3, null)));
      w.delete(def, keys);
    }
    assertThat(deleteJobs()).hasSize(2);
    assertThat(fake.rows("ds.rows")).extracting(r -> r.get("id")).containsExactly("z");
  }

  @Test
  void aFailedDeleteIsClassifiedLikeAFailedMerge() {
    Schema v1 = rowsV1();
    TableDef def = TableDef.fromSchema(v1);
    try (BigQueryWarehouse w = warehouse()) {
      w.upsert(def, List.of(row(v1, "a", D1, 1, null)));
      fake.failNextJobs("backendError", "Error encountered during execution. Retrying may solve the problem.", 1);
      assertThatThrownBy(() -> w.delete(def, List.of(key("a", D1)))).isInstanceOf(RetriableException.class)
          .hasMessageContaining("deleting from ds.rows in BigQuery project synthetic-project failed")
          .hasMessageContaining("backendError");
      fake.failNext("POST", JOBS, 503, "backendError", 5);
      assertThatThrownBy(() -> w.delete(def, List.of(key("a", D1)))).isInstanceOf(RetriableException.class)
          .hasMessageContaining("HTTP 503");
      fake.clearScripts();
      fake.failNextJobs("invalidQuery", "Syntax error: Unexpected identifier", 1);
      assertThatThrownBy(() -> w.delete(def, List.of(key("a", D1)))).isInstanceOf(ConnectException.class)
          .isNotInstanceOf(RetriableException.class).hasMessageContaining("invalidQuery: Syntax error");
      assertThat(fake.rows("ds.rows")).hasSize(1);
      w.delete(def, List.of(key("a", D1))); // what Connect does after retry.backoff.ms
    }
    assertThat(fake.rows("ds.rows")).isEmpty();
  }

  @Test
  void valuesKeepTheirTypesThroughTheJsonLoad() {
    Schema s = SchemaBuilder.struct().name("test.Values").parameter("x-table", "ds.values").parameter("x-key", "id")
        .field("id", Schema.STRING_SCHEMA).field("big", Schema.INT64_SCHEMA).field("ratio", Schema.FLOAT32_SCHEMA)
        .field("x", Schema.OPTIONAL_FLOAT64_SCHEMA).field("at", Timestamp.SCHEMA).field("flag", Schema.BOOLEAN_SCHEMA)
        .build();
    Instant at = Instant.parse("2024-01-16T20:30:00.123Z");
    Struct row = new Struct(s).put("id", "quote \" backslash \\ newline \n tab \t unicode é ✓")
        .put("big", Long.MAX_VALUE).put("ratio", 0.1f).put("x", Double.NaN).put("at", java.util.Date.from(at))
        .put("flag", true);
    try (BigQueryWarehouse w = warehouse()) {
      w.upsert(TableDef.fromSchema(s), List.of(row));
    }
    assertThat(fake.loads()).singleElement().extracting(Load::data).asString()
        .contains("\"big\":\"9223372036854775807\"", "\"ratio\":0.1,", "\"x\":\"NaN\"",
            "\"at\":\"2024-01-16 20:30:00.123000 UTC\"", "\\\" backslash \\\\ newline \\n tab \\t");
    assertThat(fake.rows("ds.values")).containsExactly(Map.of(
        "id", "quote \" backslash \\ newline \n tab \t unicode é ✓",
        "big", Long.MAX_VALUE, "ratio", 0.1, "x", Double.NaN, "at", at, "flag", true));
  }

  // ---- evolution ----

  @Test
  void aNewOptionalFieldPatchesTheTableAndOlderRowsGetNull() {
    Schema v1 = rowsV1();
    Schema v2 = rows().field("id", Schema.STRING_SCHEMA).field("day", Date.SCHEMA)
        .field("n", Schema.INT32_SCHEMA).field("score", Schema.OPTIONAL_FLOAT64_SCHEMA)
        .field("note", SchemaBuilder.string().optional().doc("added in v2").build())
        .field("seen_at", Timestamp.builder().optional().build()).build();
    Instant seen = Instant.parse("2024-01-16T20:30:00.123Z");
    try (BigQueryWarehouse w = warehouse()) {
      w.upsert(TableDef.fromSchema(v1), List.of(row(v1, "a", D1, 1, null)));
      w.ensureTable(TableDef.fromSchema(v1));
      w.ensureTable(TableDef.fromSchema(v2));
      w.upsert(TableDef.fromSchema(v2), List.of(row(v2, "b", D1, 2, null).put("note", "new")
          .put("seen_at", java.util.Date.from(seen)), row(v1, "c", D1, 3, null)));
    }
    List<Request> patches = fake.requests("PATCH", TABLES + "/rows");
    assertThat(patches).hasSize(1);
    Map<String, String> fields = new LinkedHashMap<>();
    patches.get(0).json().path("schema").path("fields").forEach(f ->
        fields.put(f.path("name").asText(), f.path("type").asText() + " " + f.path("mode").asText()));
    assertThat(fields).containsExactly(Map.entry("id", "STRING REQUIRED"), Map.entry("day", "DATE REQUIRED"),
        Map.entry("n", "INTEGER REQUIRED"), Map.entry("score", "FLOAT NULLABLE"), Map.entry("note", "STRING NULLABLE"),
        Map.entry("seen_at", "TIMESTAMP NULLABLE"));
    assertThat(fieldNamed(patches.get(0).json(), "note").path("description").asText()).isEqualTo("added in v2");
    assertThat(fake.rows("ds.rows")).containsExactlyInAnyOrder(
        bqRow("id", "a", "day", D1, "n", 1L, "score", null, "note", null, "seen_at", null),
        bqRow("id", "b", "day", D1, "n", 2L, "score", null, "note", "new", "seen_at", seen),
        bqRow("id", "c", "day", D1, "n", 3L, "score", null, "note", null, "seen_at", null));
  }

  @Test
  void aRequiredFieldThatBecomesOptionalRelaxesTheColumn() {
    Schema optionalN = rows().field("id", Schema.STRING_SCHEMA).field("day", Date.SCHEMA)
        .field("n", Schema.OPTIONAL_INT32_SCHEMA).field("score", Schema.OPTIONAL_FLOAT64_SCHEMA).build();
    try (BigQueryWarehouse w = warehouse()) {
      w.ensureTable(TableDef.fromSchema(rowsV1()));
      w.upsert(TableDef.fromSchema(optionalN), List.of(new Struct(optionalN).put("id", "a")
          .put("day", new java.util.Date(D1.toEpochDay() * 86_400_000L))));
    }
    assertThat(fieldNamed(fake.requests("PATCH", TABLES + "/rows").get(0).json(), "n").path("mode").asText())
        .isEqualTo("NULLABLE");
    assertThat(fake.rows("ds.rows")).containsExactly(bqRow("id", "a", "day", D1, "n", null, "score", null));
  }

  @Test
  void incompatibleChangesFailWithTheTableColumnAndChange() {
    Schema typeChanged = rows().field("id", Schema.STRING_SCHEMA).field("day", Date.SCHEMA)
        .field("n", Schema.STRING_SCHEMA).field("score", Schema.OPTIONAL_FLOAT64_SCHEMA).build();
    Schema newRequired = rows().field("id", Schema.STRING_SCHEMA).field("day", Date.SCHEMA)
        .field("n", Schema.INT32_SCHEMA).field("score", Schema.OPTIONAL_FLOAT64_SCHEMA)
        .field("extra", Schema.STRING_SCHEMA).build();
    Schema keyChanged = SchemaBuilder.struct().name("test.Row").parameter("x-table", "ds.rows")
        .parameter("x-key", "id").field("id", Schema.STRING_SCHEMA).field("day", Date.SCHEMA)
        .field("n", Schema.INT32_SCHEMA).field("score", Schema.OPTIONAL_FLOAT64_SCHEMA).build();
    Schema requiredDropped = rows().field("id", Schema.STRING_SCHEMA).field("day", Date.SCHEMA)
        .field("score", Schema.OPTIONAL_FLOAT64_SCHEMA).build();
    Schema widened = rows().field("id", Schema.STRING_SCHEMA).field("day", Date.SCHEMA)
        .field("n", Schema.INT64_SCHEMA).field("score", Schema.OPTIONAL_FLOAT64_SCHEMA).build();
    try (BigQueryWarehouse w = warehouse()) {
      w.ensureTable(TableDef.fromSchema(rowsV1()));
      assertThatThrownBy(() -> w.ensureTable(TableDef.fromSchema(typeChanged)))
          .isInstanceOf(ConnectException.class).isNotInstanceOf(RetriableException.class)
          .hasMessageContaining("table ds.rows in BigQuery project synthetic-project cannot take the record schema")
          .hasMessageContaining("column n changed type from INT64 to STRING");
      assertThatThrownBy(() -> w.ensureTable(TableDef.fromSchema(newRequired)))
          .isInstanceOf(ConnectException.class)
          .hasMessageContaining("table ds.rows").hasMessageContaining("new required field extra (STRING REQUIRED)");
      assertThatThrownBy(() -> w.ensureTable(TableDef.fromSchema(keyChanged)))
          .isInstanceOf(ConnectException.class)
          .hasMessageContaining("table ds.rows").hasMessageContaining("primary key changed from [id, day] to [id]");
      assertThatThrownBy(() -> w.ensureTable(TableDef.fromSchema(requiredDropped)))
          .isInstanceOf(ConnectException.class)
          .hasMessageContaining("column n is REQUIRED but the record schema has no such field");
      // int32 -> int64 is INT64 either way: not a change in BigQuery.
      w.ensureTable(TableDef.fromSchema(widened));
      w.upsert(TableDef.fromSchema(rowsV1()), List.of(row(rowsV1(), "a", D1, 1, null)));
    }
    assertThat(fake.requests("PATCH", TABLES + "/.*")).isEmpty();
    assertThat(fake.rows("ds.rows")).hasSize(1);
  }

  // ---- errors ----

  @Test
  void serverErrorsAndRateLimitsAreRetriableAndTheRetrySucceeds() {
    Schema v1 = rowsV1();
    TableDef def = TableDef.fromSchema(v1);
    List<Struct> batch = List.of(row(v1, "a", D1, 1, null), row(v1, "b", D1, 2, 2.0));
    try (BigQueryWarehouse w = warehouse()) {
      fake.failNext("GET", "/bigquery/v2/projects/" + PROJECT + "/datasets/ds", 429, "rateLimitExceeded", 5);
      assertThatThrownBy(() -> w.ensureTable(def)).isInstanceOf(RetriableException.class)
          .hasMessageContaining("ensuring table ds.rows").hasMessageContaining("HTTP 429");
      fake.clearScripts();

      w.ensureTable(def);
      fake.failNext("POST", JOBS, 503, "backendError", 5); // the MERGE job
      assertThatThrownBy(() -> w.upsert(def, batch)).isInstanceOf(RetriableException.class)
          .hasMessageContaining("upserting into ds.rows").hasMessageContaining("HTTP 503");
      assertThat(fake.tableNames()).as("the staging table is dropped after a failure").containsExactly("ds.rows");
      assertThat(fake.rows("ds.rows")).isEmpty();
      fake.clearScripts();

      fake.failNext("PUT", "/upload/session/.*", 500, "internalError", 5); // the load's upload
      assertThatThrownBy(() -> w.upsert(def, batch)).isInstanceOf(RetriableException.class);
      fake.clearScripts();

      fake.failNextJobs("backendError", "Error encountered during execution. Retrying may solve the problem.", 1);
      assertThatThrownBy(() -> w.upsert(def, batch)).isInstanceOf(RetriableException.class)
          .hasMessageContaining("backendError: Error encountered during execution");

      w.upsert(def, batch); // what Connect does after retry.backoff.ms
    }
    assertThat(fake.rows("ds.rows")).hasSize(2);
    assertThat(fake.tableNames()).containsExactly("ds.rows");
  }

  @Test
  void aTimeoutIsRetriable() {
    try (BigQueryWarehouse w = warehouse(200)) {
      fake.delayNext("GET", "/bigquery/v2/projects/" + PROJECT + "/datasets/ds", 400, 2);
      assertThatThrownBy(() -> w.ensureTable(TableDef.fromSchema(rowsV1()))).isInstanceOf(RetriableException.class)
          .hasMessageContaining("ensuring table ds.rows")
          .hasRootCauseInstanceOf(SocketTimeoutException.class);
    }
  }

  @Test
  void aJobThatOutlivesTheJobTimeoutIsCancelledAndRetriable() {
    Schema v1 = rowsV1();
    TableDef def = TableDef.fromSchema(v1);
    List<Struct> batch = List.of(row(v1, "a", D1, 1, null));
    try (BigQueryWarehouse w = warehouse(2_000, Duration.ofMillis(300))) {
      w.ensureTable(def);
      fake.hangJobs("load");
      assertThatThrownBy(() -> w.upsert(def, batch)).isInstanceOf(RetriableException.class)
          .hasMessageContaining("loading into staging table _nba_sink_stage_rows_")
          .hasMessageContaining("did not finish within 300 ms (bigquery.job.timeout.ms)");
      fake.hangJobs("query");
      assertThatThrownBy(() -> w.upsert(def, batch)).isInstanceOf(RetriableException.class)
          .hasMessageContaining("merging into ds.rows")
          .hasMessageContaining("did not finish within 300 ms (bigquery.job.timeout.ms)");
      fake.clearScripts();
      w.upsert(def, batch);
    }
    assertThat(fake.requests("POST", JOBS + "/nba_sink_load_.*/cancel")).hasSize(1);
    assertThat(fake.requests("POST", JOBS + "/nba_sink_merge_.*/cancel")).hasSize(1);
    assertThat(fake.tableNames()).containsExactly("ds.rows");
    assertThat(fake.rows("ds.rows")).hasSize(1);
  }

  @Test
  void permanentErrorsFailTheBatchWithTheReason() {
    Schema v1 = rowsV1();
    TableDef def = TableDef.fromSchema(v1);
    try (BigQueryWarehouse w = warehouse()) {
      w.ensureTable(def);
      fake.failNextJobs("invalidQuery", "Syntax error: Unexpected identifier", 2); // the load, then the MERGE
      assertThatThrownBy(() -> w.upsert(def, List.of(row(v1, "a", D1, 1, null))))
          .isInstanceOf(ConnectException.class).isNotInstanceOf(RetriableException.class)
          .hasMessageContaining("upserting into ds.rows in BigQuery project synthetic-project failed")
          .hasMessageContaining("invalidQuery: Syntax error: Unexpected identifier");
      fake.clearScripts();
      fake.failNext("POST", JOBS, 403, "accessDenied", 1);
      assertThatThrownBy(() -> w.upsert(def, List.of(row(v1, "a", D1, 1, null))))
          .isInstanceOf(ConnectException.class).isNotInstanceOf(RetriableException.class)
          .hasMessageContaining("HTTP 403").hasMessageContaining("accessDenied");
    }
    assertThat(fake.tableNames()).containsExactly("ds.rows");
  }

  @Test
  void classifiesBigQueryErrors() {
    assertThat(BigQueryWarehouse.isTransient(new BigQueryException(503, "unavailable"))).isTrue();
    assertThat(BigQueryWarehouse.isTransient(new BigQueryException(429, "too many"))).isTrue();
    assertThat(BigQueryWarehouse.isTransient(new BigQueryException(403, "quota",
        new BigQueryError("rateLimitExceeded", "global", "Exceeded rate limits")))).isTrue();
    assertThat(BigQueryWarehouse.isTransient(new BigQueryException(List.of(
        new BigQueryError("invalidQuery", "q", "Transaction is aborted due to concurrent update against table x")))))
        .isTrue();
    assertThat(BigQueryWarehouse.isTransient(new BigQueryException(0, "io", new java.io.IOException("reset"))))
        .isTrue();
    assertThat(BigQueryWarehouse.isTransient(new BigQueryException(400, "bad",
        new BigQueryError("invalid", "global", "Invalid value")))).isFalse();
    assertThat(BigQueryWarehouse.isTransient(new BigQueryException(List.of(
        new BigQueryError("invalidQuery", "q", "Syntax error"))))).isFalse();
    assertThat(BigQueryWarehouse.isTransient(new BigQueryException(404, "Not found: Table x"))).isFalse();
  }

  // ---- rows BigQuery can never store, credentials ----

  @Test
  void rejectsDatesAndTimestampsOutsideBigQuerysRange() {
    Schema s = SchemaBuilder.struct().name("test.Dates").parameter("x-table", "ds.dates").parameter("x-key", "day")
        .field("day", Date.SCHEMA).field("at", Timestamp.builder().optional().build()).build();
    TableDef def = TableDef.fromSchema(s);
    try (BigQueryWarehouse w = warehouse()) {
      w.checkRow(def, new Struct(s)
          .put("day", new java.util.Date(LocalDate.of(9999, 12, 31).toEpochDay() * 86_400_000L)));
      assertThatThrownBy(() -> w.checkRow(def, new Struct(s)
          .put("day", new java.util.Date(LocalDate.of(10000, 1, 1).toEpochDay() * 86_400_000L))))
          .isInstanceOf(DataException.class)
          .hasMessage("ds.dates column day: +10000-01-01 is outside BigQuery's DATE range 0001-01-01 to 9999-12-31");
      assertThatThrownBy(() -> w.checkRow(def, new Struct(s).put("day", new java.util.Date(0))
          .put("at", java.util.Date.from(Instant.parse("-0001-06-01T00:00:00Z")))))
          .isInstanceOf(DataException.class).hasMessageContaining("ds.dates column at:")
          .hasMessageContaining("outside BigQuery's TIMESTAMP range");
    }
    assertThat(fake.requests()).as("checked locally").isEmpty();
  }

  @Test
  void anUnreadableCredentialsFileIsAClearError() throws IOException {
    Path key = dir.resolve("key.json");
    Files.writeString(key, "{\"type\": \"service_account\"}", StandardCharsets.UTF_8);
    assertThatThrownBy(() -> BigQueryWarehouse.options(PROJECT, "US", Optional.of(key.toString()), Optional.empty()))
        .isInstanceOf(ConnectException.class)
        .hasMessageContaining("cannot read the BigQuery credentials file bigquery.credentials.path=" + key);
    assertThatThrownBy(() -> BigQueryWarehouse.options(PROJECT, "US", Optional.of(dir.resolve("missing.json")
        .toString()), Optional.empty())).isInstanceOf(ConnectException.class).hasMessageContaining("missing.json");
  }

  // ---- helpers ----

  private Struct synthetic(SpecificRecord record) {
    return (Struct) Synthetic.sinkRecord(converter, "t", record, 0).value();
  }

  /** A row as the fake stores it: every column of the definition, with BigQuery's value types. */
  static Map<String, Object> stored(TableDef def, Struct row) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (TableDef.Column c : def.columns()) {
      Object v = row.get(c.name());
      if (v instanceof Integer i) {
        v = i.longValue();
      } else if (v instanceof Float f) {
        v = Double.parseDouble(Float.toString(f));
      } else if (v instanceof java.util.Date d) {
        v = c.type() == TableDef.ColumnType.DATE ? LocalDate.ofInstant(d.toInstant(), java.time.ZoneOffset.UTC)
            : d.toInstant();
      }
      out.put(c.name(), v);
    }
    return out;
  }

  /** A row from alternating column names and values (values may be null). */
  private static Map<String, Object> bqRow(Object... namesAndValues) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      out.put((String) namesAndValues[i], namesAndValues[i + 1]);
    }
    return out;
  }

  private static JsonNode fieldNamed(JsonNode table, String name) {
    for (JsonNode f : table.path("schema").path("fields")) {
      if (f.path("name").asText().equals(name)) {
        return f;
      }
    }
    throw new AssertionError("no field " + name + " in " + table);
  }
}
