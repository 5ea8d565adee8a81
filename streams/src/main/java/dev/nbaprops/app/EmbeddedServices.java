package dev.nbaprops.app;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * The embedded default as the app uses it: a single-node Kafka broker under the state directory and a Kafka
 * Connect worker running the warehouse sink. The implementation is in the {@code embedded} module (it needs the
 * broker, {@code kafka_2.13}, and {@code connect-runtime}, which this module does not depend on), found with
 * {@link ServiceLoader}; {@code bin/nba-props-streams} runs that module's distribution. Without it on the class path
 * the app runs only against an existing cluster ({@code kafka.bootstrap.servers}).
 */
public interface EmbeddedServices {

  /**
   * A broker under {@code <stateDir>/kafka}, not started yet (closing it stops it, started or not); its JVM runs
   * with {@code -Xmx<heap>} and {@code jvmOptions}.
   */
  Broker broker(Path stateDir, int port, int controllerPort, String heap, java.util.List<String> jvmOptions,
                Map<String, Object> overrides);

  /**
   * Starts a Connect worker with the warehouse sink writing {@code duckdbPath}; returns once the sink is created.
   * {@code workerOverrides} go to the worker's configuration ({@code connect.*}), {@code sinkOverrides} to the sink
   * connector's ({@code sink.*}, e.g. {@code sink.duckdb.checkpoint.threshold}).
   */
  SinkWorker startConnect(String bootstrapServers, Path stateDir, int restPort, Path duckdbPath,
                          Map<String, Object> workerOverrides, Map<String, Object> sinkOverrides);

  /** The embedded broker. */
  interface Broker extends AutoCloseable {
    /** Starts it and returns once it answers, or throws. */
    void start(Duration timeout);

    String bootstrapServers();

    /** Process id of the broker's JVM; -1 before start. */
    long pid();

    @Override
    void close();
  }

  /** The embedded Connect worker with the warehouse sink. */
  interface SinkWorker extends AutoCloseable {
    /** The consumer group whose committed offsets say what the sink has written. */
    String sinkGroup();

    /** Throws with the task's trace when the sink connector or a task has failed. */
    void assertHealthy();

    @Override
    void close();
  }

  /** The implementation on the class path; fails with what to do when there is none. */
  static EmbeddedServices load() {
    return ServiceLoader.load(EmbeddedServices.class).findFirst().orElseThrow(() -> new IllegalStateException(
        "kafka.bootstrap.servers is empty, which asks for the embedded broker and Connect worker, but they are not"
            + " on the class path (the embedded module): set kafka.bootstrap.servers (--bootstrap-servers H:P) to use"
            + " a Kafka cluster, or run the embedded module's distribution (bin/nba-props-streams:"
            + " embedded/target/nba-props-streams-embedded.jar with embedded/target/lib/)"));
  }
}
