package dev.nbaprops.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.connect.cli.ConnectStandalone;
import org.apache.kafka.connect.runtime.Connect;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;
import org.apache.kafka.connect.runtime.standalone.StandaloneHerder;
import org.apache.kafka.connect.util.FutureCallback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Kafka Connect worker (standalone mode, in-process) running the project's warehouse sink connector
 * with the configuration in {@code connectors/config/duckdb-sink.properties}, pointed at the local DuckDB
 * warehouse. Source offsets of the standalone worker live under {@code <state>/connect}; sink offsets are
 * committed to Kafka by the sink's consumer group ({@code connect-<name>}).
 */
public final class EmbeddedConnect implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedConnect.class);
  public static final String CONNECTOR_CONFIG_RESOURCE = "connector-config/duckdb-sink.properties";

  private final Connect<StandaloneHerder> connect;
  private final String connectorName;

  private EmbeddedConnect(Connect<StandaloneHerder> connect, String connectorName) {
    this.connect = connect;
    this.connectorName = connectorName;
  }

  public static EmbeddedConnect start(String bootstrapServers, Path stateDir, int restPort, Path duckdbPath,
                                      Map<String, Object> workerOverrides, Map<String, Object> sinkOverrides) {
    try {
      Path dir = stateDir.resolve("connect");
      Files.createDirectories(dir);
      Map<String, String> worker = new HashMap<>();
      worker.put("bootstrap.servers", bootstrapServers);
      worker.put("offset.storage.file.filename", dir.resolve("standalone.offsets").toString());
      worker.put("plugin.discovery", "service_load");
      worker.put("listeners", "http://localhost:" + restPort);
      worker.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
      worker.put("value.converter", "dev.nbaprops.connect.AvroSingleObjectConverter");
      // The derived topics are written in Kafka transactions (exactly-once Streams): never sink aborted rows.
      worker.put("consumer.isolation.level", "read_committed");
      worker.put("offset.flush.interval.ms", "1000");
      // Large batches: the sink stages each batch with DuckDB's appender and upserts it per table in one statement,
      // so its cost is per batch far more than per row; 500 rows (the default) made it the end-to-end bottleneck.
      worker.put("consumer.max.poll.records", "20000");
      worker.put("consumer.fetch.min.bytes", "65536");
      worker.put("consumer.fetch.max.wait.ms", "200");
      workerOverrides.forEach((k, v) -> worker.put(k, String.valueOf(v)));
      Connect<StandaloneHerder> connect = new ConnectStandalone().startConnect(worker);

      Map<String, String> cfg = connectorConfig(duckdbPath, sinkOverrides);
      String name = cfg.get("name");
      FutureCallback<org.apache.kafka.connect.runtime.Herder.Created<
          org.apache.kafka.connect.runtime.rest.entities.ConnectorInfo>> cb = new FutureCallback<>();
      try {
        connect.herder().putConnectorConfig(name, cfg, true, cb);
        cb.get(60, TimeUnit.SECONDS);
      } catch (Exception e) {
        connect.stop(); // release the worker's threads, port and the warehouse file
        connect.awaitStop();
        throw e;
      }
      LOG.info("Connect worker running sink connector '{}' into {}", name, duckdbPath);
      return new EmbeddedConnect(connect, name);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (Exception e) {
      throw new IllegalStateException("cannot start the embedded Connect worker: " + e.getMessage(), e);
    }
  }

  /**
   * The sink connector's configuration: the bundled {@value #CONNECTOR_CONFIG_RESOURCE}, then the app's
   * {@code sink.*} settings ({@code overrides}, prefix removed), then {@code duckdb.path}, which the app's
   * {@code warehouse.duckdb.path} decides (the app reads the warehouse there).
   */
  static Map<String, String> connectorConfig(Path duckdbPath, Map<String, Object> overrides) throws IOException {
    Map<String, String> cfg = connectorConfig();
    overrides.forEach((k, v) -> cfg.put(k, String.valueOf(v)));
    cfg.put("duckdb.path", duckdbPath.toString());
    return cfg;
  }

  static Map<String, String> connectorConfig() throws IOException {
    try (InputStream in = EmbeddedConnect.class.getClassLoader().getResourceAsStream(CONNECTOR_CONFIG_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing " + CONNECTOR_CONFIG_RESOURCE + " on the classpath");
      }
      Properties p = new Properties();
      p.load(in);
      Map<String, String> m = new HashMap<>();
      p.stringPropertyNames().forEach(k -> m.put(k, p.getProperty(k)));
      return m;
    }
  }

  /** The consumer group whose committed offsets say what the sink has written. */
  public String sinkGroup() {
    return "connect-" + connectorName;
  }

  /** A one-line state of the connector and its tasks, or the failure trace of a failed one. */
  public ConnectorStateInfo status() {
    return connect.herder().connectorStatus(connectorName);
  }

  /** Throws with the task's trace when the sink task has failed (so a drain wait does not hang on it). */
  public void assertHealthy() {
    ConnectorStateInfo s = status();
    if ("FAILED".equals(s.connector().state())) {
      throw new IllegalStateException("sink connector failed: " + s.connector().trace());
    }
    for (ConnectorStateInfo.TaskState t : s.tasks()) {
      if ("FAILED".equals(t.state())) {
        throw new IllegalStateException("sink task " + t.id() + " failed: " + t.trace());
      }
    }
  }

  @Override
  public void close() {
    LOG.info("stopping Connect worker");
    connect.stop();
    connect.awaitStop();
  }
}
