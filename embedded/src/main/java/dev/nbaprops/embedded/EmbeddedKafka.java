package dev.nbaprops.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker in KRaft mode (combined broker + controller), run as a child JVM from the
 * Kafka jars on this application's classpath. Its log lives under {@code <state>/kafka}; the storage is
 * formatted on first start and reused afterwards (the cluster id is kept in {@code meta.properties}).
 * Output goes to {@code <state>/kafka/broker.log}.
 */
public final class EmbeddedKafka implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);

  private final Path dir;
  private final boolean autoPorts;
  private int port;
  private int controllerPort;
  private final String heap;
  private final List<String> jvmOptions;
  private final Map<String, Object> overrides;
  private Process process;
  /** Runs between the port check and the broker's launch; a test uses it to take a port in that window. */
  Runnable afterPortCheck = () -> { };

  /** The broker JVM's options besides its heap when none are given: C1 only (see {@code embedded.kafka.jvm.options}). */
  public static final List<String> DEFAULT_JVM_OPTIONS =
      dev.nbaprops.config.AppConfig.defaults().embeddedKafkaJvmOptions();

  public EmbeddedKafka(Path stateDir, int port, int controllerPort, String heap, Map<String, Object> overrides) {
    this(stateDir, port, controllerPort, heap, DEFAULT_JVM_OPTIONS, overrides);
  }

  public EmbeddedKafka(Path stateDir, int port, int controllerPort, String heap, List<String> jvmOptions,
                       Map<String, Object> overrides) {
    this.jvmOptions = List.copyOf(jvmOptions);
    this.dir = stateDir.resolve("kafka");
    this.autoPorts = port == 0 && controllerPort == 0;
    this.port = port == 0 ? freePort() : port;
    this.controllerPort = controllerPort == 0 ? freePort() : controllerPort;
    this.heap = heap;
    this.overrides = overrides;
  }

  /** Process id of the broker JVM (for RSS figures in benchmarks); -1 before start. */
  public long pid() {
    return process == null ? -1 : process.pid();
  }

  public String bootstrapServers() {
    return "localhost:" + port;
  }

  public EmbeddedKafka start(Duration timeout) {
    try {
      Files.createDirectories(dir);
      Path brokerLog = dir.resolve("broker.log");
      for (int attempt = 1; ; attempt++) {
        if (autoPorts && !(isFree(port) && isFree(controllerPort))) {
          port = freePort();
          controllerPort = freePort();
        }
        assertPortFree(port, "embedded.kafka.port");
        assertPortFree(controllerPort, "embedded.kafka.controller.port");
        afterPortCheck.run();
        Path props = writeServerProperties();
        Path logDir = dir.resolve("data");
        List<String> args = new ArrayList<>(List.of(BrokerMain.class.getName(), props.toString()));
        if (!Files.exists(logDir.resolve("meta.properties"))) {
          args.addAll(List.of("--format-with-cluster-id", org.apache.kafka.common.Uuid.randomUuid().toString()));
        }
        long logFrom = Files.exists(brokerLog) ? Files.size(brokerLog) : 0;
        LOG.info("starting embedded Kafka broker on {} (log: {})", bootstrapServers(), brokerLog);
        process = runJava(args, brokerLog, false);
        try {
          awaitReady(timeout);
          return this;
        } catch (IllegalStateException e) {
          // A port chosen here was free when checked but taken before the broker bound it (another process, or an
          // outgoing connection given it as its local port): with ports of our own choosing, choose again.
          if (!autoPorts || attempt >= 3 || process.isAlive() || !lostPortRace(brokerLog, logFrom)) {
            throw e;
          }
          LOG.warn("embedded broker could not bind localhost:{} or :{} (taken since it was chosen); choosing other"
              + " ports", port, controllerPort);
          port = freePort();
          controllerPort = freePort();
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the embedded broker: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting the embedded broker", e);
    }
  }

  /** Whether the broker's output since {@code from} says it failed to bind a listener's port. */
  private static boolean lostPortRace(Path log, long from) throws IOException {
    try (var ch = Files.newByteChannel(log)) {
      ch.position(from);
      byte[] tail = java.nio.channels.Channels.newInputStream(ch).readAllBytes();
      return new String(tail, java.nio.charset.StandardCharsets.UTF_8).contains("Address already in use");
    }
  }

  private Path writeServerProperties() throws IOException {
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", "1");
    p.put("controller.quorum.voters", "1@localhost:" + controllerPort);
    p.put("listeners", "PLAINTEXT://localhost:" + port + ",CONTROLLER://localhost:" + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://localhost:" + port);
    p.put("controller.listener.names", "CONTROLLER");
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("log.dirs", dir.resolve("data").toString());
    p.put("offsets.topic.replication.factor", "1");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("min.insync.replicas", "1");
    p.put("default.replication.factor", "1");
    p.put("num.partitions", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    // One node: the 50 partitions each of the offsets and transaction-state topics (the defaults, made for big
    // clusters) took most of the start-up, created on the first group join and the first transaction.
    p.put("offsets.topic.num.partitions", "4");
    p.put("transaction.state.log.num.partitions", "4");
    p.put("auto.create.topics.enable", "false");
    p.put("log.cleaner.dedupe.buffer.size", Long.toString(32L << 20));
    overrides.forEach((k, v) -> p.put(k, String.valueOf(v)));
    Path file = dir.resolve("server.properties");
    try (var w = Files.newBufferedWriter(file)) {
      p.store(w, "embedded broker of nba-props-streams (generated on every start)");
    }
    return file;
  }

  /** The broker JVM's flags: its heap, G1 unless {@code options} name another collector (the JVM refuses two), them. */
  static List<String> jvmFlags(String heap, List<String> options) {
    List<String> flags = new ArrayList<>(List.of("-Xms256m", "-Xmx" + heap));
    if (options.stream().noneMatch(o -> o.matches("-XX:\\+Use\\w*GC"))) {
      flags.add("-XX:+UseG1GC");
    }
    flags.addAll(options);
    return flags;
  }

  private Process runJava(List<String> mainAndArgs, Path log, boolean closeStdin) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmFlags(heap, jvmOptions));
    cmd.add("-Dlog4j2.configurationFile=log4j2-broker.xml");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.addAll(mainAndArgs);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    Process p = pb.start();
    if (closeStdin) {
      p.getOutputStream().close();
    }
    return p;
  }

  private void awaitReady(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    // First until the port accepts connections (a plain connect every 50 ms): an admin client whose only broker
    // refuses connections re-bootstraps in a tight loop, burning the CPU the starting broker needs.
    while (System.nanoTime() < deadline && process.isAlive() && !accepts(port)) {
      Thread.sleep(50);
    }
    // Then until it answers as a broker. Retries every 100 ms: the client's default backs off exponentially up to 1 s.
    Map<String, Object> cfg = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000,
        AdminClientConfig.RECONNECT_BACKOFF_MS_CONFIG, 50, AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 100,
        AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, 50, AdminClientConfig.RETRY_BACKOFF_MAX_MS_CONFIG, 100);
    try (Admin admin = Admin.create(cfg)) {
      while (System.nanoTime() < deadline) {
        if (!process.isAlive()) {
          throw new IllegalStateException("the embedded broker exited with " + process.exitValue() + "; see "
              + dir.resolve("broker.log"));
        }
        try {
          admin.describeCluster().nodes().get(3, TimeUnit.SECONDS);
          admin.listTopics().names().get(3, TimeUnit.SECONDS);
          return;
        } catch (Exception notYet) {
          Thread.sleep(100);
        }
      }
    }
    close();
    throw new IllegalStateException("the embedded broker did not become ready in " + timeout + "; see "
        + dir.resolve("broker.log"));
  }

  private static boolean accepts(int port) {
    try (java.net.Socket s = new java.net.Socket()) {
      s.connect(new java.net.InetSocketAddress("localhost", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static void assertPortFree(int port, String setting) {
    if (!isFree(port)) {
      throw new IllegalStateException("port " + port + " is in use (is another instance running on this state dir,"
          + " or another Kafka?); set " + setting + " to another port or 0");
    }
  }

  /**
   * A port free now, chosen below the kernel's ephemeral range where it can be read (Linux): ports handed out by
   * {@code bind(0)} come from that range, the same one every outgoing connection takes its local port from, so in a
   * busy JVM one of them can take the port before the broker binds it. Falls back to {@code bind(0)}.
   */
  public static int freePort() {
    int below = ephemeralLow();
    if (below - PORT_FLOOR > 1000) {
      for (int i = 0; i < 100; i++) {
        int candidate = PORT_FLOOR + java.util.concurrent.ThreadLocalRandom.current().nextInt(below - PORT_FLOOR);
        if (isFree(candidate)) {
          return candidate;
        }
      }
    }
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static final int PORT_FLOOR = 10_000;

  static int ephemeralLow() {
    try {
      String[] range = procFile("/proc/sys/net/ipv4/ip_local_port_range").trim().split("\\s+");
      return Integer.parseInt(range[0]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** Reads a /proc file whole: {@code Files.readString} trusts its reported size and returns only a byte of it. */
  static String procFile(String path) throws IOException {
    try (var in = new java.io.FileInputStream(path)) {
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
    }
  }

  /**
   * Whether the broker could bind the port now. Binds as the broker does, with SO_REUSEADDR (Kafka's socket
   * server sets it): connections of a run that just ended linger in TIME_WAIT on its ports for up to a minute,
   * and without it they made the port look taken, so the same command run twice in a row failed.
   */
  static boolean isFree(int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new java.net.InetSocketAddress(port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Stops the broker: a clean shutdown (SIGTERM), forced after 30 s. */
  @Override
  public void close() {
    if (process == null || !process.isAlive()) {
      return;
    }
    LOG.info("stopping embedded Kafka broker");
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        LOG.warn("embedded broker did not stop in 30 s; killing it");
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
