package dev.nbaprops.app;

import dev.nbaprops.config.AppConfig;
import dev.nbaprops.query.QueryServer;
import dev.nbaprops.topics.TopicAdmin;
import dev.nbaprops.topics.Topics;
import dev.nbaprops.topology.NbaTopology;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running instance: (embedded broker) -> topics -> Streams topology with its stores -> query API, and on
 * the embedded default a Connect worker sinking every derived topic into the DuckDB warehouse. Everything
 * lives under the state directory, which one instance at a time may own. {@link #close()} stops all of it in
 * reverse order.
 */
public final class NbaPropsApp implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(NbaPropsApp.class);

  private final AppConfig cfg;
  private final Deque<AutoCloseable> toClose = new ArrayDeque<>();
  private String bootstrapServers;
  private EmbeddedServices.Broker kafka;
  private List<String> consumedTopics;
  private final dev.nbaprops.topology.PendingWork pendingWork = new dev.nbaprops.topology.PendingWork();
  private Admin admin;
  private KafkaStreams streams;
  private EmbeddedServices.SinkWorker connect;
  private QueryServer query;
  private volatile Throwable streamsError;
  private boolean closed;

  private NbaPropsApp(AppConfig cfg) {
    this.cfg = cfg;
  }

  public static NbaPropsApp start(AppConfig cfg) {
    NbaPropsApp app = new NbaPropsApp(cfg);
    try {
      app.startAll();
      return app;
    } catch (RuntimeException e) {
      app.close();
      throw e;
    }
  }

  private void startAll() {
    long t0 = System.nanoTime();
    QueryServer.checkExposure(cfg); // before anything starts: no open query API on a reachable address
    // The embedded broker and Connect worker are in the embedded module (ServiceLoader): fail before anything starts.
    EmbeddedServices embedded = cfg.embeddedKafka() ? EmbeddedServices.load() : null;
    Path state = cfg.stateDir();
    lockStateDir(state);
    // Start-up runs what does not depend on each other side by side (2 cores): the broker's JVM starts while this
    // one binds the query API and builds the topology; once the topics exist, the Connect worker starts while Kafka Streams forms its group. start() returns only when both
    // are up, as before; on close Kafka Streams still stops first and the broker last.
    CompletableFuture<Void> brokerUp;
    if (cfg.embeddedKafka()) {
      kafka = embedded.broker(state, cfg.getInt(AppConfig.EMBEDDED_KAFKA_PORT),
          cfg.getInt(AppConfig.EMBEDDED_CONTROLLER_PORT), cfg.getString(AppConfig.EMBEDDED_KAFKA_HEAP),
          cfg.embeddedKafkaJvmOptions(),
          cfg.passThrough("broker."));
      Duration timeout = Duration.parse(cfg.getString(AppConfig.EMBEDDED_KAFKA_START_TIMEOUT));
      brokerUp = runAsync("embedded-broker-start", () -> {
        kafka.start(timeout);
        LOG.info("start-up: embedded broker ready after {} ms", (System.nanoTime() - t0) / 1_000_000);
      });
      EmbeddedServices.Broker broker = kafka;
      toClose.push(() -> {
        awaitQuietly(brokerUp); // a start still in progress would otherwise launch the broker after its close
        broker.close();
      });
      bootstrapServers = kafka.bootstrapServers(); // its ports are chosen before it starts
    } else {
      brokerUp = CompletableFuture.completedFuture(null);
      bootstrapServers = cfg.getString(AppConfig.BOOTSTRAP_SERVERS);
    }

    query = QueryServer.bind(cfg.getString(AppConfig.QUERY_HOST), cfg.getInt(AppConfig.QUERY_PORT), cfg);
    toClose.push(query);
    String appServer = cfg.getString(AppConfig.QUERY_ADVERTISED_HOST) + ":" + query.port();
    org.apache.kafka.streams.Topology topology = NbaTopology.build(cfg.seasonStarts(),
        cfg.precomputeInterval(), cfg.precomputeSettle(), NbaTopology.StoreKind.PERSISTENT, pendingWork);
    consumedTopics = consumedTopics(topology, cfg.getString(AppConfig.APPLICATION_ID));
    LOG.info("start-up: topology built after {} ms", (System.nanoTime() - t0) / 1_000_000);

    join(brokerUp);
    admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
    toClose.push(admin);
    if (cfg.embeddedKafka()) {
      // A new broker creates its consumer-offsets and transaction-state topics only when a client first asks for a
      // coordinator; ask now, while the app's topics are created, instead of on the Streams threads' first group
      // join and first transaction. The answers do not matter (no such group or transaction).
      admin.listConsumerGroupOffsets("nba-props-start-up-warm-up");
      admin.describeTransactions(List.of("nba-props-start-up-warm-up"));
    }
    java.util.Set<String> existingTopics = TopicAdmin.ensureTopics(admin, cfg.partitions(), cfg.replication());
    List<String> retired = NbaTopology.retiredStoreProblems(existingTopics, cfg.getString(AppConfig.APPLICATION_ID));
    if (!retired.isEmpty()) {
      String what = "the state of application id " + cfg.getString(AppConfig.APPLICATION_ID) + " was made by an"
          + " earlier build: " + String.join("; ", retired) + ". Replay into a new state dir (or with another"
          + " application.id) to rebuild every store";
      if (!cfg.getBoolean(AppConfig.STATE_ALLOW_RETIRED_STORES)) {
        throw new IllegalStateException(what + ", or set " + AppConfig.STATE_ALLOW_RETIRED_STORES
            + "=true to run on it anyway");
      }
      LOG.warn("{} ({}=true: running on it anyway)", what, AppConfig.STATE_ALLOW_RETIRED_STORES);
    }
    LOG.info("start-up: topics ready after {} ms", (System.nanoTime() - t0) / 1_000_000);

    CompletableFuture<EmbeddedServices.SinkWorker> connectUp = null;
    if (cfg.embeddedKafka() && cfg.getBoolean(AppConfig.EMBEDDED_CONNECT)) {
      connectUp = CompletableFuture.supplyAsync(() -> {
        EmbeddedServices.SinkWorker w = embedded.startConnect(bootstrapServers, state,
            cfg.getInt(AppConfig.EMBEDDED_CONNECT_PORT), cfg.warehousePath(), cfg.passThrough("connect."),
            cfg.passThrough("sink."));
        LOG.info("start-up: Connect worker and sink ready after {} ms", (System.nanoTime() - t0) / 1_000_000);
        return w;
      }, daemonExecutor("embedded-connect-start"));
      CompletableFuture<EmbeddedServices.SinkWorker> started = connectUp;
      toClose.push(() -> {
        EmbeddedServices.SinkWorker w = awaitQuietly(started);
        if (w != null) {
          w.close();
        }
      });
    }
    // The Kafka Streams client is made only now that the broker answers: its admin client would spin reconnecting.
    streams = new KafkaStreams(topology, StreamsSettings.of(cfg, bootstrapServers, appServer));
    streams.setUncaughtExceptionHandler(e -> {
      streamsError = e;
      LOG.error("Kafka Streams stopped on an unexpected error", e);
      return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    });
    // Leave the group on close, so a restart (or the other instances) gets the partitions at once instead of
    // after session.timeout.ms.
    AutoCloseable closeStreams = () -> streams.close(CloseOptions.groupMembershipOperation(
        CloseOptions.GroupMembershipOperation.LEAVE_GROUP).withTimeout(Duration.ofSeconds(30)));
    toClose.push(closeStreams); // on close Kafka Streams stops first (its last exactly-once commit), the broker last
    query.attach(streams, topology);

    streams.start();
    query.start();
    LOG.info("start-up: Kafka Streams started after {} ms (running once the group has formed)",
        (System.nanoTime() - t0) / 1_000_000);
    if (connectUp != null) {
      connect = join(connectUp);
    }
  }

  private static CompletableFuture<Void> runAsync(String thread, Runnable r) {
    return CompletableFuture.runAsync(r, daemonExecutor(thread));
  }

  /** A one-task executor: a daemon thread of that name (a stuck start never holds the JVM open). */
  private static java.util.concurrent.Executor daemonExecutor(String thread) {
    return r -> {
      Thread t = new Thread(r, thread);
      t.setDaemon(true);
      t.start();
    };
  }

  /** The result, with the start step's own exception (not a CompletionException) on failure. */
  private static <T> T join(CompletableFuture<T> f) {
    try {
      return f.join();
    } catch (java.util.concurrent.CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw e;
    }
  }

  /** Waits for a start step that may still run (when start-up fails elsewhere); null when it failed. */
  private static <T> T awaitQuietly(CompletableFuture<T> f) {
    try {
      return f.join();
    } catch (RuntimeException e) {
      return null; // it failed and cleaned up after itself; start() reports the first failure
    }
  }

  /** Every topic the topology reads: the raw topics and its repartition topics (named {@code <app id>-...}). */
  static List<String> consumedTopics(org.apache.kafka.streams.Topology topology, String applicationId) {
    java.util.Set<String> out = new java.util.TreeSet<>();
    for (var sub : topology.describe().subtopologies()) {
      for (var node : sub.nodes()) {
        if (node instanceof org.apache.kafka.streams.TopologyDescription.Source src && src.topicSet() != null) {
          for (String t : src.topicSet()) {
            // Internal topics (repartition, foreign-key join subscription/response) carry the application id.
            boolean external = Topics.all().stream().anyMatch(d -> d.name().equals(t));
            out.add(external ? t : applicationId + "-" + t);
          }
        }
      }
    }
    return List.copyOf(out);
  }

  private void lockStateDir(Path state) {
    try {
      Files.createDirectories(state);
      FileChannel ch = FileChannel.open(state.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock = ch.tryLock();
      if (lock == null) {
        ch.close();
        throw new IllegalStateException("state directory " + state + " is in use by another running instance;"
            + " stop it or pass another --state-dir");
      }
      toClose.push(ch);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot use state directory " + state + ": " + e.getMessage(), e);
    }
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** Process id of the embedded broker's JVM, or -1 when Kafka is external. */
  public long brokerPid() {
    return kafka == null ? -1 : kafka.pid();
  }

  /** The error that stopped Kafka Streams (its uncaught exception handler's), or null. */
  public Throwable streamsError() {
    return streamsError;
  }

  public KafkaStreams streams() {
    return streams;
  }

  public int queryPort() {
    return query.port();
  }

  /** Serves an extra handler on the query API under {@code path} (the live mode's {@code /live}). */
  public void mount(String path, QueryServer.Mount handler) {
    query.mount(path, handler);
  }

  public AppConfig config() {
    return cfg;
  }

  public boolean hasWarehouseSink() {
    return connect != null;
  }

  /** Waits until Kafka Streams is RUNNING; throws if it fails first. */
  public void awaitRunning(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (streams.state() != KafkaStreams.State.RUNNING) {
      if (!streams.state().isRunningOrRebalancing() && streams.state() != KafkaStreams.State.CREATED) {
        throw new IllegalStateException("Kafka Streams is " + streams.state() + "; see the log");
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("Kafka Streams not RUNNING after " + timeout + " (" + streams.state() + ")");
      }
      Thread.sleep(100);
    }
  }

  /**
   * Waits until the topology has processed every raw record and committed its output, and (on the embedded
   * default) the sink has written every derived row to the warehouse. Reports what is left as it goes. Call it once
   * the inputs are complete (a replay has finished producing): each time it sees nothing left to process, the
   * deferred stages stop holding the work they hold while inputs may still be on their way (the backfill profile's
   * settle time), so the end of a replay does not wait out settle times. Its rows are the same; the last dates'
   * rows may be sent once more.
   */
  public void awaitDrained(Duration timeout, Consumer<String> status) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<String> streamsInputs = consumedTopics;
    List<String> derived = Topics.derived();
    String streamsGroup = cfg.getString(AppConfig.APPLICATION_ID);
    long lastReport = 0;
    try (DrainWatcher watcher = new DrainWatcher(admin, bootstrapServers)) {
      while (true) {
        if (streams.state() == KafkaStreams.State.ERROR || streams.state() == KafkaStreams.State.NOT_RUNNING) {
          throw new IllegalStateException("Kafka Streams is " + streams.state() + "; see the log");
        }
        if (connect != null) {
          connect.assertHealthy();
        }
        long streamsLeft;
        long checkedAt = System.currentTimeMillis();
        try {
          streamsLeft = watcher.remaining(streamsGroup, watcher.consumedTopics(streamsGroup, streamsInputs));
        } catch (IllegalStateException e) {
          if (!(e.getCause() instanceof java.util.concurrent.ExecutionException x
              && x.getCause() instanceof org.apache.kafka.common.errors.RetriableException)) {
            throw e;
          }
          // Kafka Streams is still creating its internal topics (metadata not yet everywhere): not drained.
          Thread.sleep(500);
          continue;
        }
        if (streamsLeft == 0) {
          // Every input and repartition record is processed and committed, and the caller produces no more: the
          // deferred stages stop holding work for inputs still on their way (there are none) and send it on their
          // next punctuation instead of after the settle time (PendingWork.inputsDrainedAt).
          pendingWork.inputsDrainedAt(checkedAt);
        }
        long sinkLeft = streamsLeft > 0 || connect == null ? -1 : watcher.remaining(connect.sinkGroup(), derived);
        // A deferred work's rows are handed to the producer when it is done; they are on the broker, in a
        // transaction that the remaining() check counts as open, within the producer's linger time, and committed
        // by the task's next commit. A second or a commit interval, whichever is longer, covers that (it was 3 x the
        // commit interval, at least 3 s, before remaining() counted open transactions).
        long settle = Math.max(1_000, cfg.getLong(AppConfig.COMMIT_INTERVAL_MS));
        // RUNNING: every task is restored and initialised (a task between two owners owes its marks to nobody).
        if (streamsLeft == 0 && sinkLeft <= 0 && pendingWork.pending() == 0
            && streams.state() == KafkaStreams.State.RUNNING
            && System.currentTimeMillis() - pendingWork.lastFlushMs() > settle) {
          // The season stage recomputes on a punctuation after its inputs are consumed (pendingWork), and its
          // output is then consumed again downstream: drained once that too is done and nothing moved since.
          // A punctuation's rows carry no input offsets: only the derived topics show whether the transaction
          // they are in has committed, so none may be open there either.
          long before = watcher.endOffsets(derived);
          Thread.sleep(1_000);
          long after = watcher.endOffsets(derived);
          long open = watcher.openTransactions(derived);
          if (pendingWork.pending() == 0 && streams.state() == KafkaStreams.State.RUNNING
              && after == before && open == 0
              && watcher.remaining(streamsGroup, watcher.consumedTopics(streamsGroup, streamsInputs)) == 0) {
            return;
          }
          if (System.nanoTime() - lastReport > 5_000_000_000L) {
            lastReport = System.nanoTime();
            status.accept(String.format("settling: %,d derived rows written in the last second, %d partitions with a transaction open",
                after - before, open));
          }
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("not drained after " + timeout + ": the derived topics kept moving ("
                + (after - before) + " rows in the last second, " + open + " partitions with a transaction open)");
          }
          continue;
        }
        if (System.nanoTime() - lastReport > 5_000_000_000L) {
          lastReport = System.nanoTime();
          status.accept(streamsLeft > 0 ? String.format("topology: %,d records to process (raw and repartition topics%s)", streamsLeft,
              watcher.lastRemainingByTopic(3).isEmpty() ? ", in transactions not yet committed"
                  : "; most in " + watcher.lastRemainingByTopic(3))
              : sinkLeft > 0 ? String.format("warehouse sink: %,d derived rows to write", sinkLeft)
              : String.format("precompute: %d deferred stage works to run", pendingWork.pending()));
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("not drained after " + timeout + " (topology left " + streamsLeft
              + ", sink left " + sinkLeft + ")");
        }
        Thread.sleep(500);
      }
    }
  }

  /**
   * For an instance whose inputs another process replays ({@code run}, fed by {@code replay --produce-only}): once a
   * second, when a replay in the progress topic has newly finished and no other is running ({@link ReplayEnds}) and
   * the group has processed and committed every input and repartition record, the deferred stages' holds end, as
   * {@link #awaitDrained} ends them for the replay command's own replay (PendingWork.inputsDrainedAt): a backfill's
   * last rows then come a punctuation or two after its last input instead of up to 20 x precompute.settle.ms later.
   * Once nothing is held and everything is processed, that replay's end is worked off (PendingWork.endDrain): what
   * comes next (a live feed, another replay) is held and batched as usual, until another replay finishes. The final
   * rows are the same either way. Nothing to do with a settle time of 0 (live) or the setting off.
   */
  public synchronized void endHoldsAfterReplays() {
    if (closed || !cfg.getBoolean(AppConfig.PRECOMPUTE_END_AFTER_REPLAY) || cfg.precomputeSettle().isZero()) {
      return;
    }
    String group = cfg.getString(AppConfig.APPLICATION_ID);
    java.util.concurrent.ScheduledExecutorService every = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "replay-end-watch");
      t.setDaemon(true);
      return t;
    });
    ReplayEnds replays = new ReplayEnds(bootstrapServers);
    DrainWatcher watcher = new DrainWatcher(admin, bootstrapServers);
    java.time.Instant[] handled = {java.time.Instant.MIN}; // the last replay end worked off (the replay's clock)
    boolean[] ending = {false};
    long[] lastWarn = {0};
    every.scheduleWithFixedDelay(() -> {
      try {
        long checkedAt = System.currentTimeMillis(); // before the reads: a record they miss came after it
        if (!replays.read(java.time.Instant.ofEpochMilli(checkedAt))) {
          return;
        }
        java.time.Instant finished = replays.lastFinished();
        if (finished == null || !finished.isAfter(handled[0]) || !replays.finished(java.time.Instant.ofEpochMilli(checkedAt))
            || watcher.remaining(group, watcher.consumedTopics(group, consumedTopics)) != 0) {
          return;
        }
        if (pendingWork.pending() == 0) {
          // Everything processed and nothing held: this replay's end is worked off.
          if (ending[0]) {
            pendingWork.endDrain();
            LOG.info("the replay's last rows are sent; deferred work is held as usual again");
          }
          handled[0] = finished;
          ending[0] = false;
          return;
        }
        if (!ending[0]) {
          LOG.info("the replay has finished and every input is processed: the deferred stages send what they hold");
          ending[0] = true;
        }
        pendingWork.inputsDrainedAt(checkedAt);
      } catch (RuntimeException e) {
        if (System.currentTimeMillis() - lastWarn[0] > 60_000) {
          lastWarn[0] = System.currentTimeMillis();
          LOG.warn("replay end check failed (asked again every second; a broker away or a rebalance passes): {}",
              e.toString());
        }
      }
    }, 1, 1, java.util.concurrent.TimeUnit.SECONDS);
    toClose.push(() -> {
      every.shutdownNow();
      if (!every.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS)) {
        LOG.warn("the replay end check did not stop within 30 s; its consumers are left to the JVM's exit");
        return; // closing them now would use a consumer from two threads
      }
      try {
        replays.close();
      } finally {
        watcher.close();
      }
    });
  }

  /**
   * When {@link #awaitDrained} first saw every input and repartition record processed with the inputs complete (wall
   * clock ms; the deferred stages' holds end then), or Long.MIN_VALUE.
   */
  public long inputsDrainedAtMs() {
    return pendingWork.firstDrainedAtMs();
  }

  /** Whether the deferred stages' holds are ended now (the end of a replay being worked off). */
  public boolean holdsEnded() {
    return pendingWork.drainedAtMs() != Long.MIN_VALUE;
  }

  /** Deferred works this instance's tasks still owe (marks held or due): 0 when nothing is held back. */
  public int deferredWorkOwed() {
    return pendingWork.pending();
  }

  /** Stops everything in reverse order of start; safe to call more than once and from several threads. */
  @Override
  public synchronized void close() {
    closed = true;
    while (!toClose.isEmpty()) {
      try {
        toClose.pop().close();
      } catch (Exception e) {
        LOG.warn("error while stopping: {}", e.toString());
      }
    }
  }
}
