package dev.nbaprops.connect;

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
 * <p>It runs a single task whatever {@code tasks.max} says: the only warehouse so far is a DuckDB file, which
 * allows one read-write process and, inside it, serialises writers anyway; several tasks would only contend for
 * the file (or, on a distributed cluster, fail to open it on a second worker). Upserts also need every record of a
 * key to go through one writer to keep "last wins" ordering across partitions of one topic.
 */
public class WarehouseSinkConnector extends SinkConnector {
  private Map<String, String> props;

  @Override
  public void start(Map<String, String> props) {
    new WarehouseSinkConnectorConfig(props);
    this.props = Map.copyOf(props);
  }

  @Override
  public Class<? extends Task> taskClass() {
    return WarehouseSinkTask.class;
  }

  /** At most one task; see the class doc. */
  @Override
  public List<Map<String, String>> taskConfigs(int maxTasks) {
    return List.of(new HashMap<>(props));
  }

  @Override
  public void stop() {
  }

  @Override
  public ConfigDef config() {
    return WarehouseSinkConnectorConfig.CONFIG_DEF;
  }

  /** Adds the cross-key check ConfigDef cannot express: {@code duckdb.path} is required for DuckDB. */
  @Override
  public Config validate(Map<String, String> connectorConfigs) {
    Config config = super.validate(connectorConfigs);
    Map<String, ConfigValue> values = new HashMap<>();
    config.configValues().forEach(v -> values.put(v.name(), v));
    ConfigValue type = values.get(WarehouseSinkConnectorConfig.WAREHOUSE_TYPE);
    ConfigValue path = values.get(WarehouseSinkConnectorConfig.DUCKDB_PATH);
    if (type != null && type.errorMessages().isEmpty()
        && WarehouseSinkConnectorConfig.WarehouseType.DUCKDB.configValue().equals(type.value())
        && path != null && (path.value() == null || path.value().toString().isBlank())) {
      path.addErrorMessage(WarehouseSinkConnectorConfig.missingDuckDbPath());
    }
    return config;
  }

  @Override
  public String version() {
    return PluginVersion.get();
  }
}
