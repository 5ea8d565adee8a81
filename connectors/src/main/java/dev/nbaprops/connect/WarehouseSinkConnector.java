package dev.nbaprops.connect;

import dev.nbaprops.connect.WarehouseSinkConnectorConfig.WarehouseType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;

/**
 * Sink connector that writes the derived-table topics into a warehouse, one table per record schema (its
 * {@code x-table} parameter, see {@link AvroSingleObjectConverter}), upserting by the schema's primary key. Use it
 * with {@code value.converter=dev.nbaprops.connect.AvroSingleObjectConverter}; configuration keys are in
 * {@link WarehouseSinkConnectorConfig}.
 *
 * <p>Tasks:
 * <ul>
 *   <li>DuckDB: a single task whatever {@code tasks.max} says. A DuckDB file allows one read-write process and,
 *       inside it, serialises writers anyway; several tasks would only contend for the file (or, on a distributed
 *       cluster, fail to open it on a second worker).</li>
 *   <li>BigQuery: {@code tasks.max} tasks, which share the topic partitions. "Last wins" per key holds because the
 *       topics are keyed by the table key, so every record of a key is in one partition, read by one task in
 *       order; each task's upserts are idempotent MERGEs.</li>
 * </ul>
 */
public class WarehouseSinkConnector extends SinkConnector {
  private Map<String, String> props;
  private WarehouseType type;

  @Override
  public void start(Map<String, String> props) {
    type = new WarehouseSinkConnectorConfig(props).warehouseType();
    this.props = Map.copyOf(props);
  }

  @Override
  public Class<? extends Task> taskClass() {
    return WarehouseSinkTask.class;
  }

  /** One task for DuckDB, {@code maxTasks} for BigQuery; see the class doc. */
  @Override
  public List<Map<String, String>> taskConfigs(int maxTasks) {
    int tasks = type == WarehouseType.BIGQUERY ? Math.max(1, maxTasks) : 1;
    List<Map<String, String>> configs = new ArrayList<>(tasks);
    for (int i = 0; i < tasks; i++) {
      configs.add(new HashMap<>(props));
    }
    return configs;
  }

  @Override
  public void stop() {
  }

  @Override
  public ConfigDef config() {
    return WarehouseSinkConnectorConfig.CONFIG_DEF;
  }

  /**
   * Adds the cross-key checks ConfigDef cannot express: {@code duckdb.path} is required for DuckDB,
   * {@code bigquery.project} for BigQuery.
   */
  @Override
  public Config validate(Map<String, String> connectorConfigs) {
    Config config = super.validate(connectorConfigs);
    Map<String, ConfigValue> values = new HashMap<>();
    config.configValues().forEach(v -> values.put(v.name(), v));
    ConfigValue type = values.get(WarehouseSinkConnectorConfig.WAREHOUSE_TYPE);
    if (type == null || !type.errorMessages().isEmpty()) {
      return config;
    }
    if (WarehouseType.DUCKDB.configValue().equals(type.value())) {
      requireNonBlank(values.get(WarehouseSinkConnectorConfig.DUCKDB_PATH),
          WarehouseSinkConnectorConfig.missingDuckDbPath());
    } else if (WarehouseType.BIGQUERY.configValue().equals(type.value())) {
      requireNonBlank(values.get(WarehouseSinkConnectorConfig.BIGQUERY_PROJECT),
          WarehouseSinkConnectorConfig.missingBigQueryProject());
    }
    return config;
  }

  @Override
  public String version() {
    return PluginVersion.get();
  }

  private static void requireNonBlank(ConfigValue value, String message) {
    if (value != null && (value.value() == null || value.value().toString().isBlank())) {
      value.addErrorMessage(message);
    }
  }
}
