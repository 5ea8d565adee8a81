package dev.nbaprops.connect;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.errors.ConnectException;

/**
 * The configuration of {@link WarehouseSinkConnector} and its task: which warehouse, and where. The Connect
 * framework's own keys ({@code topics}, {@code errors.*}, converters) are not declared here.
 */
public final class WarehouseSinkConnectorConfig extends AbstractConfig {
  public static final String WAREHOUSE_TYPE = "warehouse.type";
  public static final String DUCKDB_PATH = "duckdb.path";
  public static final String DUCKDB_THREADS = "duckdb.threads";
  public static final String DUCKDB_CHECKPOINT_THRESHOLD = "duckdb.checkpoint.threshold";
  public static final String BIGQUERY_PROJECT = "bigquery.project";
  public static final String BIGQUERY_LOCATION = "bigquery.location";
  public static final String BIGQUERY_CREDENTIALS_PATH = "bigquery.credentials.path";
  public static final String BIGQUERY_ENDPOINT = "bigquery.endpoint";
  public static final String BIGQUERY_JOB_TIMEOUT_MS = "bigquery.job.timeout.ms";
  public static final String RETRY_BACKOFF_MS = "retry.backoff.ms";

  /** The supported warehouses. */
  public enum WarehouseType {
    DUCKDB, BIGQUERY;

    /** The value of {@value #WAREHOUSE_TYPE}. */
    public String configValue() {
      return name().toLowerCase(Locale.ROOT);
    }

    static List<String> configValues() {
      return Arrays.stream(values()).map(WarehouseType::configValue).toList();
    }
  }

  public static final ConfigDef CONFIG_DEF = new ConfigDef()
      .define(WAREHOUSE_TYPE, Type.STRING, WarehouseType.DUCKDB.configValue(), (name, value) -> {
        if (value == null || !WarehouseType.configValues().contains(value.toString())) {
          throw new ConfigException(name, value, "unsupported warehouse; valid values: "
              + WarehouseType.configValues());
        }
      }, Importance.HIGH, "The warehouse the tables are written to. Valid values: "
          + WarehouseType.configValues() + ".")
      .define(DUCKDB_PATH, Type.STRING, null, Importance.HIGH, "Path of the DuckDB database file (created with"
          + " its parent directories if missing). Required when " + WAREHOUSE_TYPE + "=duckdb. DuckDB allows"
          + " one read-write process per file: nothing else may hold it while the connector runs.")
      .define(DUCKDB_THREADS, Type.INT, 1, ConfigDef.Range.atLeast(1), Importance.LOW, "DuckDB's worker threads"
          + " (its `threads` setting). 1: a batch's upserts are small statements that gain nothing from parallel"
          + " execution, and on a 2-core machine the extra thread's scheduling cost the topology CPU (one season:"
          + " the sink's CPU per row 90-108 us with DuckDB's default of one thread per core, 59 us with 1 and the"
          + " threshold below; bench/RESULTS.md).")
      .define(DUCKDB_CHECKPOINT_THRESHOLD, Type.STRING, "1GB", new ConfigDef.NonEmptyString(), Importance.LOW,
          "DuckDB's `checkpoint_threshold`: the write-ahead log size at which DuckDB writes its changes into the"
          + " database file. A checkpoint rewrites and recompresses every row group the upserts touched, so at"
          + " DuckDB's default (16MB) a season's backfill checkpoints over and over; a checkpoint still runs when"
          + " the connector stops, and DuckDB replays the log when a crash left one.")
      .define(BIGQUERY_PROJECT, Type.STRING, null, Importance.HIGH, "Google Cloud project that holds the"
          + " datasets and runs (and is billed for) the load and query jobs. Required when " + WAREHOUSE_TYPE
          + "=bigquery.")
      .define(BIGQUERY_LOCATION, Type.STRING, "US", new ConfigDef.NonEmptyString(), Importance.HIGH,
          "BigQuery location (US, EU, or a region such as europe-west1) of the datasets the connector creates"
          + " and of its jobs. An existing dataset in another location is an error.")
      .define(BIGQUERY_CREDENTIALS_PATH, Type.STRING, null, Importance.HIGH, "Path of a service-account JSON"
          + " key file on every worker. Empty: Application Default Credentials (GOOGLE_APPLICATION_CREDENTIALS,"
          + " the gcloud user login, or the metadata server of the VM/GKE node the worker runs on).")
      .define(BIGQUERY_ENDPOINT, Type.STRING, null, Importance.LOW, "Root URL of the BigQuery REST API, e.g."
          + " http://localhost:9050/ for an emulator. Empty: https://bigquery.googleapis.com/. An http://"
          + " endpoint without " + BIGQUERY_CREDENTIALS_PATH + " is called without credentials.")
      .define(BIGQUERY_JOB_TIMEOUT_MS, Type.LONG, 120_000L, ConfigDef.Range.atLeast(1_000L), Importance.LOW,
          "How long to wait for one BigQuery load or MERGE job before giving up on the batch (it is then"
          + " retried). Keep the time a batch can take below the consumer's max.poll.interval.ms.")
      .define(RETRY_BACKOFF_MS, Type.LONG, 1_000L, ConfigDef.Range.atLeast(0), Importance.LOW,
          "How long Connect waits before redelivering a batch after a transient warehouse error (a lock held"
          + " by another process, a transaction conflict, a BigQuery rate limit or server error).");

  /**
   * @throws ConfigException when a value is invalid or a key the warehouse needs is missing
   */
  public WarehouseSinkConnectorConfig(Map<String, String> props) {
    super(CONFIG_DEF, props);
    if (warehouseType() == WarehouseType.DUCKDB && duckDbPath().isBlank()) {
      throw new ConfigException(DUCKDB_PATH, getString(DUCKDB_PATH), missingDuckDbPath());
    }
    if (warehouseType() == WarehouseType.BIGQUERY && bigQueryProject().isBlank()) {
      throw new ConfigException(BIGQUERY_PROJECT, getString(BIGQUERY_PROJECT), missingBigQueryProject());
    }
  }

  public WarehouseType warehouseType() {
    return WarehouseType.valueOf(getString(WAREHOUSE_TYPE).toUpperCase(Locale.ROOT));
  }

  /** The DuckDB file; empty when not set. */
  public String duckDbPath() {
    return stripped(DUCKDB_PATH).orElse("");
  }

  /** The BigQuery project; empty when not set. */
  public String bigQueryProject() {
    return stripped(BIGQUERY_PROJECT).orElse("");
  }

  public String bigQueryLocation() {
    return getString(BIGQUERY_LOCATION).strip();
  }

  /** The service-account key file; empty for Application Default Credentials. */
  public Optional<String> bigQueryCredentialsPath() {
    return stripped(BIGQUERY_CREDENTIALS_PATH);
  }

  /** The REST root URL; empty for the public endpoint. */
  public Optional<String> bigQueryEndpoint() {
    return stripped(BIGQUERY_ENDPOINT);
  }

  public long bigQueryJobTimeoutMs() {
    return getLong(BIGQUERY_JOB_TIMEOUT_MS);
  }

  public long retryBackoffMs() {
    return getLong(RETRY_BACKOFF_MS);
  }

  /**
   * Opens the configured warehouse.
   *
   * @throws ConnectException when the warehouse cannot be opened, or its client library is not on the classpath
   */
  public Warehouse createWarehouse() {
    return switch (warehouseType()) {
      case DUCKDB -> new DuckDbWarehouse(duckDbPath(), getInt(DUCKDB_THREADS),
          getString(DUCKDB_CHECKPOINT_THRESHOLD).strip());
      case BIGQUERY -> {
        try {
          Class.forName("com.google.cloud.bigquery.BigQuery", false, getClass().getClassLoader());
        } catch (ClassNotFoundException e) {
          throw new ConnectException(WAREHOUSE_TYPE + "=bigquery needs google-cloud-bigquery and its"
              + " dependencies on the classpath: deploy the plugin directory (connectors/target/plugin), or add"
              + " the dependency to the module that embeds the connector", e);
        }
        yield BigQueryWarehouse.create(this);
      }
    };
  }

  static String missingDuckDbPath() {
    return DUCKDB_PATH + " is required when " + WAREHOUSE_TYPE + "=" + WarehouseType.DUCKDB.configValue();
  }

  static String missingBigQueryProject() {
    return BIGQUERY_PROJECT + " is required when " + WAREHOUSE_TYPE + "=" + WarehouseType.BIGQUERY.configValue();
  }

  private Optional<String> stripped(String key) {
    return Optional.ofNullable(getString(key)).map(String::strip).filter(s -> !s.isEmpty());
  }
}
