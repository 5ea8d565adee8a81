package dev.nbaprops.embedded;

import dev.nbaprops.app.EmbeddedServices;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The embedded default for {@link dev.nbaprops.app.NbaPropsApp} (registered in
 * {@code META-INF/services/dev.nbaprops.app.EmbeddedServices}): {@link EmbeddedKafka} and {@link EmbeddedConnect}.
 */
public final class KafkaEmbeddedServices implements EmbeddedServices {

  @Override
  public Broker broker(Path stateDir, int port, int controllerPort, String heap, java.util.List<String> jvmOptions,
                       Map<String, Object> overrides) {
    EmbeddedKafka kafka = new EmbeddedKafka(stateDir, port, controllerPort, heap, jvmOptions, overrides);
    return new Broker() {
      @Override
      public void start(Duration timeout) {
        kafka.start(timeout);
      }

      @Override
      public String bootstrapServers() {
        return kafka.bootstrapServers();
      }

      @Override
      public long pid() {
        return kafka.pid();
      }

      @Override
      public void close() {
        kafka.close();
      }
    };
  }

  @Override
  public SinkWorker startConnect(String bootstrapServers, Path stateDir, int restPort, Path duckdbPath,
                                 Map<String, Object> workerOverrides, Map<String, Object> sinkOverrides) {
    EmbeddedConnect connect = EmbeddedConnect.start(bootstrapServers, stateDir, restPort, duckdbPath, workerOverrides,
        sinkOverrides);
    return new SinkWorker() {
      @Override
      public String sinkGroup() {
        return connect.sinkGroup();
      }

      @Override
      public void assertHealthy() {
        connect.assertHealthy();
      }

      @Override
      public void close() {
        connect.close();
      }
    };
  }
}
