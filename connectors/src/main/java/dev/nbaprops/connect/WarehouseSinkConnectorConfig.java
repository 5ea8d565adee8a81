package dev.nbaprops.connect;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * The configuration of {@link WarehouseSinkConnector} and its task: which warehouse, and where. The Connect
 * framework's own keys ({@code topics}, {@code errors.*}, converters) are not declared here.
 */
public final class WarehouseSinkConnectorConfig extends AbstractConfig {
  public static final String WAREHOUSE_TYPE = "warehouse.type";
  public static final String DUCKDB_PATH = "duckdb.path";
  public static final String RETRY_BACKOFF_MS = "retry.backoff.ms";

  /** The supported warehouses. */
  public enum WarehouseType {
    DUCKDB;

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
      .define(RETRY_BACKOFF_MS, Type.LONG, 1_000L, ConfigDef.Range.atLeast(0), Importance.LOW,
          "How long Connect waits before redelivering a batch after a transient warehouse error (a lock held"
          + " by another process, a transaction conflict).");

  /**
   * @throws ConfigException when a value is invalid or a key the warehouse needs is missing
   */
  public WarehouseSinkConnectorConfig(Map<String, String> props) {
    super(CONFIG_DEF, props);
    if (warehouseType() == WarehouseType.DUCKDB && duckDbPath().isBlank()) {
      throw new ConfigException(DUCKDB_PATH, getString(DUCKDB_PATH), missingDuckDbPath());
    }
  }

  public WarehouseType warehouseType() {
    return WarehouseType.valueOf(getString(WAREHOUSE_TYPE).toUpperCase(Locale.ROOT));
  }

  /** The DuckDB file; empty when not set. */
  public String duckDbPath() {
    String path = getString(DUCKDB_PATH);
    return path == null ? "" : path.strip();
  }

  public long retryBackoffMs() {
    return getLong(RETRY_BACKOFF_MS);
  }

  /** Opens the configured warehouse. */
  public Warehouse createWarehouse() {
    return switch (warehouseType()) {
      case DUCKDB -> new DuckDbWarehouse(duckDbPath());
    };
  }

  static String missingDuckDbPath() {
    return DUCKDB_PATH + " is required when " + WAREHOUSE_TYPE + "=" + WarehouseType.DUCKDB.configValue();
  }
}
