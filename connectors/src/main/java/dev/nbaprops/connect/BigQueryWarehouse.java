package dev.nbaprops.connect;

import com.google.api.gax.retrying.PollException;
import com.google.auth.Credentials;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.cloud.NoCredentials;
import com.google.cloud.RetryOption;
import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.BigQueryError;
import com.google.cloud.bigquery.BigQueryException;
import com.google.cloud.bigquery.BigQueryOptions;
import com.google.cloud.bigquery.Clustering;
import com.google.cloud.bigquery.Dataset;
import com.google.cloud.bigquery.DatasetId;
import com.google.cloud.bigquery.DatasetInfo;
import com.google.cloud.bigquery.Field;
import com.google.cloud.bigquery.FormatOptions;
import com.google.cloud.bigquery.Job;
import com.google.cloud.bigquery.JobId;
import com.google.cloud.bigquery.JobInfo;
import com.google.cloud.bigquery.JobStatus;
import com.google.cloud.bigquery.PrimaryKey;
import com.google.cloud.bigquery.QueryJobConfiguration;
import com.google.cloud.bigquery.QueryParameterValue;
import com.google.cloud.bigquery.Schema;
import com.google.cloud.bigquery.StandardSQLTypeName;
import com.google.cloud.bigquery.StandardTableDefinition;
import com.google.cloud.bigquery.Table;
import com.google.cloud.bigquery.TableConstraints;
import com.google.cloud.bigquery.TableDataWriteChannel;
import com.google.cloud.bigquery.TableId;
import com.google.cloud.bigquery.TableInfo;
import com.google.cloud.bigquery.TimePartitioning;
import com.google.cloud.bigquery.WriteChannelConfiguration;
import dev.nbaprops.connect.TableDef.Column;
import dev.nbaprops.connect.TableDef.ColumnType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Warehouse} in BigQuery, through the google-cloud-bigquery client library (REST).
 *
 * <p>Tables: {@link #ensureTable} creates the dataset (in the configured location) and the table when missing. A
 * table has one column per field (STRING, INT64, FLOAT64, BOOL, DATE, TIMESTAMP; REQUIRED or NULLABLE as the field),
 * is partitioned by day on its partition column, clustered by its key columns (at most four, and only those of a
 * type BigQuery can cluster on) and has a {@code PRIMARY KEY ... NOT ENFORCED} constraint on them. Evolution: a new
 * optional field adds a NULLABLE column and a field that becomes optional relaxes its column to NULLABLE (one
 * {@code tables.patch}); a changed type, a new required field, a dropped required field or a changed primary key
 * fail with a {@link ConnectException} naming the table, the column and the change.
 *
 * <p>Upserts: for each table of a batch, the rows are deduplicated by key (the last row wins), loaded with a load
 * job (newline-delimited JSON, resumable upload) into a staging table {@value #STAGING_PREFIX}{@code <table>_<uuid>}
 * in the table's dataset, which expires after an hour should the task die before dropping it, then merged into
 * the table by one {@code MERGE ... WHEN MATCHED THEN UPDATE ... WHEN NOT MATCHED THEN INSERT} query job on the key
 * columns, and the staging table is dropped. The loads of all tables of a batch run concurrently, then the merges.
 * A MERGE of the same staged rows is idempotent, so redelivered batches never duplicate a key. Not atomic across
 * tables: after a failure, some tables of the batch may be merged; the redelivery merges them again.
 *
 * <p>Deletes: one {@code DELETE FROM t WHERE (k1 = @k0_0 AND k2 = @k0_1) OR ...} query job per table (the key
 * values as typed named query parameters), run while the upserts are staged and finished before the MERGEs. A
 * table that does not exist is not created; deleting a key without a row does nothing, so redelivery is safe.
 *
 * <p>Errors: HTTP 429, 408 and 5xx, the error reasons {@code rateLimitExceeded}, {@code quotaExceeded},
 * {@code backendError} and {@code internalError}, concurrent-update conflicts, timeouts and I/O failures are
 * {@link RetriableException}s (Connect redelivers the batch after {@code retry.backoff.ms}); anything else (an
 * invalid query or row, a permission denied) is a {@link ConnectException}. Rows with a DATE or TIMESTAMP outside
 * BigQuery's range are rejected by {@link #checkRow} before they reach BigQuery, so they go to the dead-letter queue.
 *
 * <p>Not thread-safe: one instance per task.
 */
public final class BigQueryWarehouse implements Warehouse {
  private static final Logger log = LoggerFactory.getLogger(BigQueryWarehouse.class);

  /** Prefix of the staging tables; they live in the target table's dataset. */
  static final String STAGING_PREFIX = "_nba_sink_stage_";
  /** Label set on the connector's jobs, so their cost can be found in INFORMATION_SCHEMA.JOBS. */
  static final Map<String, String> JOB_LABELS = Map.of("writer", "nba-props-warehouse-sink");

  /** Keys per DELETE statement: keeps the statement text and its parameter list (one per key column) small. */
  static final int MAX_KEYS_PER_DELETE = 1000;

  private static final Duration STAGING_EXPIRATION = Duration.ofHours(1);
  private static final int MAX_CLUSTERING_FIELDS = 4;
  private static final Set<StandardSQLTypeName> CLUSTERABLE = Set.of(StandardSQLTypeName.STRING,
      StandardSQLTypeName.INT64, StandardSQLTypeName.BOOL, StandardSQLTypeName.DATE, StandardSQLTypeName.TIMESTAMP);
  private static final Set<String> TRANSIENT_REASONS = Set.of("rateLimitExceeded", "quotaExceeded",
      "backendError", "internalError", "jobBackendError", "jobInternalError", "jobRateLimitExceeded", "timeout");

  private final BigQuery bigquery;
  private final String project;
  private final String location;
  private final Duration jobTimeout;
  /** Datasets known to exist in the right location. */
  private final Set<String> datasets = new HashSet<>();
  /** The schema of each table as BigQuery has it, by lower-case {@code dataset.table}; filled by ensureTable. */
  private final Map<String, Schema> tables = new HashMap<>();
  /** Every definition ensureTable has accepted; upserts of any other one ensure it first. */
  private final Set<TableDef> ensured = new HashSet<>();

  /**
   * A warehouse using a client built from these options (project and location must be set).
   *
   * @param jobTimeout how long to wait for one load or query job
   */
  BigQueryWarehouse(BigQueryOptions options, Duration jobTimeout) {
    this.bigquery = options.getService();
    this.project = options.getProjectId();
    this.location = options.getLocation();
    this.jobTimeout = jobTimeout;
    if (project == null || location == null) {
      throw new IllegalArgumentException("BigQuery options need a project id and a location");
    }
  }

  /** The warehouse of a connector configuration with {@code warehouse.type=bigquery}. */
  static BigQueryWarehouse create(WarehouseSinkConnectorConfig config) {
    BigQueryOptions options = options(config.bigQueryProject(), config.bigQueryLocation(),
        config.bigQueryCredentialsPath(), config.bigQueryEndpoint()).build();
    BigQueryWarehouse warehouse = new BigQueryWarehouse(options, Duration.ofMillis(config.bigQueryJobTimeoutMs()));
    log.info("BigQuery warehouse: project {}, location {}, endpoint {}", options.getProjectId(),
        options.getLocation(), options.getResolvedApiaryHost("bigquery"));
    return warehouse;
  }

  /**
   * Client options: the project, the location of datasets and jobs, the credentials (the key file, else none for
   * a plain-http endpoint such as an emulator, else Application Default Credentials) and the REST root URL.
   *
   * @throws ConnectException when the credentials cannot be loaded
   */
  static BigQueryOptions.Builder options(String project, String location, Optional<String> credentialsPath,
                                         Optional<String> endpoint) {
    BigQueryOptions.Builder builder = BigQueryOptions.newBuilder().setProjectId(project).setLocation(location);
    endpoint.ifPresent(e -> builder.setHost(e.endsWith("/") ? e : e + "/"));
    return builder.setCredentials(credentials(credentialsPath, endpoint));
  }

  private static Credentials credentials(Optional<String> credentialsPath, Optional<String> endpoint) {
    if (credentialsPath.isPresent()) {
      Path path = Path.of(credentialsPath.get());
      try (InputStream in = Files.newInputStream(path)) {
        return GoogleCredentials.fromStream(in);
      } catch (IOException e) {
        throw new ConnectException("cannot read the BigQuery credentials file "
            + WarehouseSinkConnectorConfig.BIGQUERY_CREDENTIALS_PATH + "=" + path + ": " + e.getMessage(), e);
      }
    }
    if (endpoint.isPresent() && endpoint.get().startsWith("http://")) {
      return NoCredentials.getInstance();
    }
    try {
      return GoogleCredentials.getApplicationDefault();
    } catch (IOException e) {
      throw new ConnectException("no BigQuery credentials: set "
          + WarehouseSinkConnectorConfig.BIGQUERY_CREDENTIALS_PATH + " to a service-account key file, or provide"
          + " Application Default Credentials on the worker: " + e.getMessage(), e);
    }
  }

  @Override
  public void checkRow(TableDef table, Struct row) {
    BigQueryRows.check(table, row);
  }

  @Override
  public void ensureTable(TableDef def) {
    Table table = call("ensuring table " + def.qualifiedName(), () -> {
      ensureDataset(def.dataset());
      TableId id = TableId.of(project, def.dataset(), def.table());
      Table existing = bigquery.getTable(id);
      if (existing == null) {
        try {
          Table created = bigquery.create(newTable(id, def));
          log.info("created table {} partitioned by {}, clustered and keyed by {}", def.qualifiedName(),
              def.partitionColumn(), def.keyColumns());
          return created;
        } catch (BigQueryException e) {
          if (e.getCode() != 409) {
            throw e;
          }
          existing = bigquery.getTable(id); // created concurrently by another task
          if (existing == null) {
            throw e;
          }
        }
      }
      return evolve(def, existing);
    });
    tables.put(key(def), schemaOf(table).orElseGet(() -> Schema.of(fields(def))));
    ensured.add(def);
  }

  /**
   * Applies every table's changes: stages the deduplicated upserts of all tables (concurrent load jobs) while it
   * deletes (one {@code DELETE} query job per table with deletes, concurrent across tables, of at most
   * {@value #MAX_KEYS_PER_DELETE} keys each), then merges the staged rows (concurrent query jobs), then drops the
   * staging tables. A definition with upserts not yet passed to {@link #ensureTable} is ensured first; deletes
   * from a table that does not exist are skipped, as are keys with a DATE or TIMESTAMP outside BigQuery's range
   * (no row can have them).
   */
  @Override
  public void apply(Map<TableDef, Changes> changesByTable) {
    Changes.toEnsure(changesByTable, ensured).forEach(this::ensureTable);
    String what = Changes.describe(changesByTable);
    List<Staging> stagings = new ArrayList<>();
    try {
      call(what, () -> {
        List<Job> loads = new ArrayList<>();
        for (Map.Entry<TableDef, Changes> e : changesByTable.entrySet()) {
          Collection<Struct> rows = lastPerKey(e.getKey(), e.getValue().upserts());
          if (rows.isEmpty()) {
            continue;
          }
          Staging staging = createStaging(e.getKey(), rows.size());
          stagings.add(staging);
          loads.add(startLoad(staging, rows));
        }
        runDeletes(changesByTable);
        for (int i = 0; i < loads.size(); i++) {
          await(loads.get(i), "loading into staging table " + stagings.get(i).table().getTable());
        }
        List<Job> merges = new ArrayList<>();
        for (Staging staging : stagings) {
          merges.add(bigquery.create(JobInfo.of(jobId("merge"), QueryJobConfiguration.newBuilder(
              mergeSql(staging)).setUseLegacySql(false).setLabels(JOB_LABELS).build())));
        }
        for (int i = 0; i < merges.size(); i++) {
          Staging staging = stagings.get(i);
          Job done = await(merges.get(i), "merging into " + staging.def().qualifiedName());
          log.debug("merged {} rows into {} (job {})", staging.rows(), staging.def().qualifiedName(),
              done.getJobId().getJob());
        }
        return null;
      });
    } finally {
      for (Staging staging : stagings) {
        drop(staging.table());
      }
    }
  }

  /** Nothing to release: the client holds no connection between calls. */
  @Override
  public void close() {
    log.info("closed BigQuery warehouse (project {})", project);
  }

  /**
   * Whether a BigQuery failure is worth retrying with the same rows: HTTP 408, 429 and 5xx, a transient error
   * reason, a concurrent-update conflict, or an I/O failure without an HTTP response (a timeout, a reset).
   */
  static boolean isTransient(BigQueryException e) {
    if (e.isRetryable()) {
      return true;
    }
    int code = e.getCode();
    if (code == 408 || code == 429 || code >= 500) {
      return true;
    }
    List<BigQueryError> errors = new ArrayList<>();
    if (e.getError() != null) {
      errors.add(e.getError());
    }
    if (e.getErrors() != null) {
      errors.addAll(e.getErrors());
    }
    for (BigQueryError error : errors) {
      if (TRANSIENT_REASONS.contains(error.getReason()) || isConflict(error.getMessage())) {
        return true;
      }
    }
    if (isConflict(e.getMessage())) {
      return true;
    }
    return code == 0 && errors.isEmpty() && hasCause(e, IOException.class);
  }

  private static boolean isConflict(String message) {
    return message != null && (message.contains("due to concurrent update")
        || message.contains("Could not serialize access"));
  }

  private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
    for (Throwable c = t.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
      if (type.isInstance(c)) {
        return true;
      }
    }
    return false;
  }

  private void ensureDataset(String dataset) {
    if (datasets.contains(dataset)) {
      return;
    }
    Dataset existing = bigquery.getDataset(DatasetId.of(project, dataset));
    if (existing == null) {
      try {
        bigquery.create(DatasetInfo.newBuilder(project, dataset).setLocation(location).build());
        log.info("created dataset {}:{} in {}", project, dataset, location);
      } catch (BigQueryException e) {
        if (e.getCode() != 409) { // 409: created concurrently by another task
          throw e;
        }
      }
    } else if (existing.getLocation() != null && !existing.getLocation().equalsIgnoreCase(location)) {
      throw new ConnectException("dataset " + project + ":" + dataset + " is in location " + existing.getLocation()
          + " but " + WarehouseSinkConnectorConfig.BIGQUERY_LOCATION + "=" + location
          + "; the connector's jobs must run where the dataset is: set "
          + WarehouseSinkConnectorConfig.BIGQUERY_LOCATION + "=" + existing.getLocation());
    }
    datasets.add(dataset);
  }

  private TableInfo newTable(TableId id, TableDef def) {
    StandardTableDefinition.Builder definition = StandardTableDefinition.newBuilder().setSchema(Schema.of(fields(def)));
    if (def.partitionColumn() != null) {
      Column partition = def.column(def.partitionColumn()).orElseThrow();
      if (partition.type() != ColumnType.DATE && partition.type() != ColumnType.TIMESTAMP) {
        throw new ConnectException("table " + def.qualifiedName() + ": partition column " + partition.name()
            + " is " + standardType(partition.type()) + "; BigQuery partitions by a DATE or TIMESTAMP column");
      }
      definition.setTimePartitioning(TimePartitioning.newBuilder(TimePartitioning.Type.DAY)
          .setField(partition.name()).build());
    }
    List<String> clustering = def.keyColumns().stream()
        .filter(k -> CLUSTERABLE.contains(standardType(def.column(k).orElseThrow().type())))
        .limit(MAX_CLUSTERING_FIELDS).toList();
    if (!clustering.isEmpty()) {
      definition.setClustering(Clustering.newBuilder().setFields(clustering).build());
    }
    return TableInfo.newBuilder(id, definition.build())
        .setTableConstraints(TableConstraints.newBuilder()
            .setPrimaryKey(PrimaryKey.newBuilder().setColumns(def.keyColumns()).build()).build())
        .build();
  }

  private static List<Field> fields(TableDef def) {
    return def.columns().stream().map(BigQueryWarehouse::field).toList();
  }

  private static Field field(Column c) {
    Field.Builder f = Field.newBuilder(c.name(), standardType(c.type()))
        .setMode(c.nullable() ? Field.Mode.NULLABLE : Field.Mode.REQUIRED);
    if (c.doc() != null && !c.doc().isBlank()) {
      f.setDescription(c.doc());
    }
    return f.build();
  }

  /** Checks the definition against the existing table; adds nullable columns and relaxes modes as needed. */
  private Table evolve(TableDef def, Table existing) {
    Schema schema = schemaOf(existing).orElseThrow(() -> new ConnectException("table " + def.qualifiedName()
        + " in BigQuery project " + project + " has no schema (is it a view?)"));
    TableConstraints constraints = existing.getTableConstraints();
    List<String> primaryKey = constraints == null || constraints.getPrimaryKey() == null ? null
        : constraints.getPrimaryKey().getColumns();
    if (primaryKey == null) {
      log.warn("table {} has no primary key constraint; cannot check that its key is {}", def.qualifiedName(),
          def.keyColumns());
    }
    SchemaEvolution.Plan plan = SchemaEvolution.plan(def, primaryKey, schema.getFields().stream()
            .map(f -> new SchemaEvolution.Existing(f.getName(), String.valueOf(f.getType().getStandardType()),
                f.getMode() != Field.Mode.REQUIRED)).toList(),
        c -> String.valueOf(standardType(c.type())),
        (e, c) -> e.type().equals(String.valueOf(standardType(c.type()))), "REQUIRED");
    if (!plan.problems().isEmpty()) {
      throw new ConnectException("table " + def.qualifiedName() + " in BigQuery project " + project
          + " cannot take the record schema: " + String.join("; ", plan.problems()));
    }
    List<Field> added = plan.added().stream().map(c -> field(c)).toList();
    Set<String> relaxed = new HashSet<>(plan.relaxed());
    if (added.isEmpty() && relaxed.isEmpty()) {
      return existing;
    }
    List<Field> fields = new ArrayList<>();
    for (Field f : schema.getFields()) {
      fields.add(relaxed.contains(f.getName()) ? f.toBuilder().setMode(Field.Mode.NULLABLE).build() : f);
    }
    fields.addAll(added);
    Table updated = bigquery.update(TableInfo.of(existing.getTableId(), StandardTableDefinition.of(Schema.of(fields))));
    log.info("table {}: added nullable columns {}, relaxed to NULLABLE {}", def.qualifiedName(),
        added.stream().map(Field::getName).toList(), relaxed);
    return updated;
  }

  private Staging createStaging(TableDef def, int rows) {
    Schema target = tables.get(key(def));
    List<Field> fields = target.getFields().stream()
        .map(f -> f.toBuilder().setMode(Field.Mode.NULLABLE).setDescription(null).build()).toList();
    TableId id = TableId.of(project, def.dataset(),
        STAGING_PREFIX + def.table() + "_" + UUID.randomUUID().toString().replace("-", ""));
    bigquery.create(TableInfo.newBuilder(id, StandardTableDefinition.of(Schema.of(fields)))
        .setExpirationTime(System.currentTimeMillis() + STAGING_EXPIRATION.toMillis())
        .setDescription("Staging table of the nba-props warehouse sink for " + def.qualifiedName()
            + "; dropped after the MERGE, expires on its own otherwise")
        .build());
    return new Staging(def, target, id, rows);
  }

  private Job startLoad(Staging staging, Collection<Struct> rows) throws IOException {
    WriteChannelConfiguration config = WriteChannelConfiguration.newBuilder(staging.table())
        .setFormatOptions(FormatOptions.json())
        .setCreateDisposition(JobInfo.CreateDisposition.CREATE_NEVER)
        .setWriteDisposition(JobInfo.WriteDisposition.WRITE_TRUNCATE)
        .setLabels(JOB_LABELS)
        .build();
    ByteBuffer data = ByteBuffer.wrap(BigQueryRows.toNdjson(staging.schema(), rows));
    TableDataWriteChannel writer = bigquery.writer(jobId("load"), config);
    try (writer) {
      while (data.hasRemaining()) {
        writer.write(data);
      }
    }
    return writer.getJob();
  }

  /**
   * Deletes the keys of every table that exists: per round one DELETE job per table (the first
   * {@value #MAX_KEYS_PER_DELETE} keys of each, then the next ones, ...), started together and awaited.
   */
  private void runDeletes(Map<TableDef, Changes> changesByTable) throws InterruptedException {
    Map<TableDef, List<List<Object>>> keysByTable = new LinkedHashMap<>();
    for (Map.Entry<TableDef, Changes> e : changesByTable.entrySet()) {
      TableDef def = e.getKey();
      List<List<Object>> keys = e.getValue().deletes().stream().filter(k -> storable(def, k)).toList();
      if (keys.isEmpty()) {
        continue;
      }
      if (!exists(def)) {
        log.debug("{} does not exist: nothing to delete for {} keys", def.qualifiedName(), keys.size());
        continue;
      }
      keysByTable.put(def, keys);
    }
    for (int from = 0; !keysByTable.isEmpty(); from += MAX_KEYS_PER_DELETE) {
      List<TableDef> defs = new ArrayList<>();
      List<Job> jobs = new ArrayList<>();
      for (Map.Entry<TableDef, List<List<Object>>> e : keysByTable.entrySet()) {
        List<List<Object>> keys = e.getValue();
        List<List<Object>> chunk = keys.subList(from, Math.min(keys.size(), from + MAX_KEYS_PER_DELETE));
        defs.add(e.getKey());
        jobs.add(bigquery.create(JobInfo.of(jobId("delete"), deleteQuery(e.getKey(), chunk))));
      }
      for (int i = 0; i < jobs.size(); i++) {
        Job done = await(jobs.get(i), "deleting from " + defs.get(i).qualifiedName());
        log.debug("deleted up to {} keys from {} (job {})", Math.min(MAX_KEYS_PER_DELETE,
            keysByTable.get(defs.get(i)).size() - from), defs.get(i).qualifiedName(), done.getJobId().getJob());
      }
      int next = from + MAX_KEYS_PER_DELETE;
      keysByTable.values().removeIf(keys -> keys.size() <= next);
    }
  }

  /** Whether the table exists (known from ensureTable, else asked once it exists); no table is created. */
  private boolean exists(TableDef def) {
    if (tables.containsKey(key(def))) {
      return true;
    }
    Table table = bigquery.getTable(TableId.of(project, def.dataset(), def.table()));
    if (table == null) {
      return false;
    }
    schemaOf(table).ifPresent(schema -> tables.put(key(def), schema));
    return true;
  }

  /**
   * {@code DELETE FROM t WHERE (k1 = @k0_0 AND k2 = @k0_1) OR (k1 = @k1_0 AND ...) ...}: one disjunct per key, the
   * values as named query parameters typed by the key columns.
   */
  private QueryJobConfiguration deleteQuery(TableDef def, List<List<Object>> keys) {
    List<String> columns = def.keyColumns();
    List<ColumnType> types = columns.stream().map(k -> def.column(k).orElseThrow().type()).toList();
    Map<String, QueryParameterValue> parameters = new LinkedHashMap<>();
    List<String> disjuncts = new ArrayList<>();
    for (int row = 0; row < keys.size(); row++) {
      List<Object> key = keys.get(row);
      if (key.size() != columns.size()) {
        throw new IllegalArgumentException(def.qualifiedName() + ": key " + key + " has " + key.size()
            + " values, expected " + columns.size() + " (" + columns + ")");
      }
      List<String> terms = new ArrayList<>();
      for (int i = 0; i < columns.size(); i++) {
        String name = "k" + row + "_" + i;
        parameters.put(name, parameter(types.get(i), key.get(i)));
        terms.add(quote(columns.get(i)) + " = @" + name);
      }
      disjuncts.add("(" + String.join(" AND ", terms) + ")");
    }
    String sql = "DELETE FROM " + tableRef(TableId.of(project, def.dataset(), def.table())) + "\nWHERE "
        + String.join("\n   OR ", disjuncts);
    return QueryJobConfiguration.newBuilder(sql).setUseLegacySql(false).setLabels(JOB_LABELS)
        .setParameterMode("NAMED").setNamedParameters(parameters).build();
  }

  /** A key value as a query parameter of the column's BigQuery type. */
  private static QueryParameterValue parameter(ColumnType type, Object v) {
    return switch (type) {
      case STRING -> QueryParameterValue.string((String) v);
      case INT32, INT64 -> QueryParameterValue.int64(((Number) v).longValue());
      case FLOAT32 -> QueryParameterValue.float64(Double.parseDouble(Float.toString((Float) v)));
      case FLOAT64 -> QueryParameterValue.float64((Double) v);
      case BOOLEAN -> QueryParameterValue.bool((Boolean) v);
      case DATE -> QueryParameterValue.date(LocalDate.ofInstant(((java.util.Date) v).toInstant(), ZoneOffset.UTC)
          .toString());
      case TIMESTAMP -> QueryParameterValue.timestamp(
          java.util.concurrent.TimeUnit.MILLISECONDS.toMicros(((java.util.Date) v).getTime()));
    };
  }

  /** False for a key with a DATE or TIMESTAMP outside BigQuery's range: no row can have it. */
  private static boolean storable(TableDef def, List<Object> key) {
    for (int i = 0; i < key.size() && i < def.keyColumns().size(); i++) {
      if (!(key.get(i) instanceof java.util.Date d)) {
        continue;
      }
      ColumnType type = def.column(def.keyColumns().get(i)).map(Column::type).orElse(null);
      if (type == ColumnType.DATE) {
        LocalDate date = LocalDate.ofInstant(d.toInstant(), ZoneOffset.UTC);
        if (date.isBefore(BigQueryRows.MIN_DATE) || date.isAfter(BigQueryRows.MAX_DATE)) {
          return false;
        }
      } else if (type == ColumnType.TIMESTAMP && (d.toInstant().isBefore(BigQueryRows.MIN_TIMESTAMP)
          || d.toInstant().isAfter(BigQueryRows.MAX_TIMESTAMP))) {
        return false;
      }
    }
    return true;
  }

  /** The MERGE of the staging table into its target: ON every key column, UPDATE and INSERT every column. */
  private String mergeSql(Staging staging) {
    List<String> columns = staging.schema().getFields().stream().map(Field::getName).toList();
    List<String> keys = staging.def().keyColumns();
    Set<String> keysLower = new HashSet<>(lower(keys));
    List<String> nonKey = columns.stream().filter(c -> !keysLower.contains(c.toLowerCase(Locale.ROOT))).toList();
    StringBuilder sql = new StringBuilder("MERGE ")
        .append(tableRef(TableId.of(project, staging.def().dataset(), staging.def().table()))).append(" T\n")
        .append("USING ").append(tableRef(staging.table())).append(" S\n")
        .append("ON ").append(keys.stream().map(k -> "T." + quote(k) + " = S." + quote(k))
            .collect(Collectors.joining(" AND "))).append('\n');
    if (!nonKey.isEmpty()) {
      sql.append("WHEN MATCHED THEN UPDATE SET ").append(nonKey.stream().map(c -> quote(c) + " = S." + quote(c))
          .collect(Collectors.joining(", "))).append('\n');
    }
    sql.append("WHEN NOT MATCHED THEN INSERT (").append(columns.stream().map(BigQueryWarehouse::quote)
            .collect(Collectors.joining(", "))).append(")\n")
        .append("  VALUES (").append(columns.stream().map(c -> "S." + quote(c))
            .collect(Collectors.joining(", "))).append(')');
    return sql.toString();
  }

  /**
   * Waits for a job; a job still running after the job timeout is cancelled (best effort) and retried later.
   *
   * @throws BigQueryException when the job failed
   */
  private Job await(Job job, String what) throws InterruptedException {
    Job done;
    try {
      done = job.waitFor(RetryOption.initialRetryDelayDuration(Duration.ofMillis(100)),
          RetryOption.retryDelayMultiplier(1.5), RetryOption.maxRetryDelayDuration(Duration.ofSeconds(5)),
          RetryOption.totalTimeoutDuration(jobTimeout));
    } catch (BigQueryException e) {
      if (!hasCause(e, PollException.class)) {
        throw e;
      }
      done = null; // load jobs: polling gave up
    }
    if (done != null && done.getStatus() != null && done.getStatus().getState() == JobStatus.State.DONE) {
      return done;
    }
    try {
      if (bigquery.getJob(job.getJobId()) == null) {
        throw new RetriableException(what + ": job " + job.getJobId().getJob() + " disappeared");
      }
      bigquery.cancel(job.getJobId());
    } catch (BigQueryException e) {
      log.warn("cannot cancel job {}: {}", job.getJobId().getJob(), e.getMessage());
    }
    throw new RetriableException(what + ": job " + job.getJobId().getJob() + " did not finish within "
        + jobTimeout.toMillis() + " ms (" + WarehouseSinkConnectorConfig.BIGQUERY_JOB_TIMEOUT_MS + "); cancelled");
  }

  private void drop(TableId staging) {
    try {
      bigquery.delete(staging);
    } catch (BigQueryException e) {
      log.warn("cannot drop staging table {}.{} ({}); it expires within {}", staging.getDataset(),
          staging.getTable(), e.getMessage(), STAGING_EXPIRATION);
    }
  }

  private JobId jobId(String kind) {
    return JobId.newBuilder().setProject(project).setLocation(location)
        .setJob("nba_sink_" + kind + "_" + UUID.randomUUID()).build();
  }

  /** Runs BigQuery calls, translating failures to Connect exceptions. */
  private <T> T call(String what, BigQueryWork<T> work) {
    try {
      return work.run();
    } catch (BigQueryException e) {
      String message = what + " in BigQuery project " + project + " failed: " + describe(e);
      throw isTransient(e) ? new RetriableException(message, e) : new ConnectException(message, e);
    } catch (IOException e) {
      throw new RetriableException(what + " in BigQuery project " + project + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ConnectException(what + " in BigQuery project " + project + " was interrupted", e);
    }
  }

  /** The HTTP code, reason and message, and every error of a failed job. */
  static String describe(BigQueryException e) {
    List<String> parts = new ArrayList<>();
    if (e.getCode() != 0) {
      parts.add("HTTP " + e.getCode());
    }
    if (e.getReason() != null) {
      parts.add(e.getReason());
    }
    if (e.getMessage() != null) {
      parts.add(e.getMessage());
    }
    if (e.getErrors() != null) {
      for (BigQueryError error : e.getErrors()) {
        parts.add(error.getReason() + ": " + error.getMessage());
      }
    }
    return parts.isEmpty() ? e.toString() : String.join("; ", parts);
  }

  /** The rows with duplicate keys removed, the last row of each key winning. */
  private static Collection<Struct> lastPerKey(TableDef def, List<Struct> rows) {
    Map<List<Object>, Struct> byKey = new LinkedHashMap<>();
    for (Struct row : rows) {
      byKey.put(def.keyOf(row), row);
    }
    return byKey.values();
  }

  private static Optional<Schema> schemaOf(Table table) {
    return table.getDefinition() instanceof StandardTableDefinition d ? Optional.ofNullable(d.getSchema())
        : Optional.empty();
  }

  static StandardSQLTypeName standardType(ColumnType type) {
    return switch (type) {
      case STRING -> StandardSQLTypeName.STRING;
      case INT32, INT64 -> StandardSQLTypeName.INT64;
      case FLOAT32, FLOAT64 -> StandardSQLTypeName.FLOAT64;
      case BOOLEAN -> StandardSQLTypeName.BOOL;
      case DATE -> StandardSQLTypeName.DATE;
      case TIMESTAMP -> StandardSQLTypeName.TIMESTAMP;
    };
  }

  private static String tableRef(TableId id) {
    return quote(id.getProject() + "." + id.getDataset() + "." + id.getTable());
  }

  private static String quote(String identifier) {
    return '`' + identifier.replace("\\", "\\\\").replace("`", "\\`") + '`';
  }

  private static String key(TableDef def) {
    return def.qualifiedName().toLowerCase(Locale.ROOT);
  }

  private static List<String> lower(List<String> names) {
    return names.stream().map(n -> n.toLowerCase(Locale.ROOT)).toList();
  }

  @FunctionalInterface
  private interface BigQueryWork<T> {
    T run() throws IOException, InterruptedException;
  }

  /** One table's staging table in an upsert: the target's definition and schema, the staging table, the row count. */
  private record Staging(TableDef def, Schema schema, TableId table, int rows) {
  }
}
