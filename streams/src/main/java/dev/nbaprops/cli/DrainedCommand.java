package dev.nbaprops.cli;

import dev.nbaprops.app.DrainWatcher;
import dev.nbaprops.config.AppConfig;
import dev.nbaprops.topics.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code drained}: waits until a cluster has processed everything that was produced into it: the app instances
 * (the Kafka Streams group, {@code application.id}) have consumed every raw and repartition record, the warehouse
 * sink (its Connect consumer group) every derived row, no transaction is open on a derived topic, and the derived
 * topics have not grown for {@code --settle} (the season stage emits on a wall-clock punctuation after its inputs
 * are consumed). From Kafka's offsets alone, so it runs anywhere that reaches the brokers (scripts, CI).
 */
@Command(name = "drained", mixinStandardHelpOptions = true,
    description = {"Wait until the app instances and the warehouse sink of a Kafka cluster (--bootstrap-servers)",
        "have processed every record; exit 0 then, 1 on --timeout."})
final class DrainedCommand implements Callable<Integer> {
  @Mixin
  CommonOptions common;

  @Spec
  CommandSpec spec;

  @Option(names = "--sink-group", defaultValue = "connect-duckdb-sink",
      description = "Consumer group of the sink connector (connect-<connector name>; default ${DEFAULT-VALUE}).")
  String sinkGroup;

  @Option(names = "--timeout", description = "Longest wait, e.g. PT30M (default ${DEFAULT-VALUE}).")
  Duration timeout = Duration.ofMinutes(60);

  @Option(names = "--settle", description = {"How long nothing may move before it counts as drained (default ${DEFAULT-VALUE}).",
      "Keep it above max(2 x precompute.settle.ms + 2 x precompute.interval.ms, 5 x precompute.settle.ms +",
      "precompute.interval.ms) + commit.interval.ms of the app (17 s with the backfill defaults): rows held",
      "until they settle are not visible in offsets."})
  Duration settle = Duration.ofSeconds(20);

  @Override
  public Integer call() throws Exception {
    AppConfig cfg = common.load();
    if (cfg.embeddedKafka()) {
      throw new IllegalArgumentException("drained needs --bootstrap-servers (the cluster to watch)");
    }
    String bootstrap = cfg.getString(AppConfig.BOOTSTRAP_SERVERS);
    String streamsGroup = cfg.getString(AppConfig.APPLICATION_ID);
    List<String> derived = Topics.derived();
    java.io.PrintWriter out = spec.commandLine().getOut();
    long deadline = System.nanoTime() + timeout.toNanos();
    long lastReport = 0;
    long stableSince = System.nanoTime();
    String last = null;
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
         DrainWatcher watcher = new DrainWatcher(admin, bootstrap)) {
      while (true) {
        String state;
        boolean done = false;
        try {
          long streamsLeft = watcher.remaining(streamsGroup, watcher.consumedTopics(streamsGroup, Topics.RAW));
          long sinkLeft = watcher.remaining(sinkGroup, derived);
          long open = watcher.openTransactions(derived);
          long ends = watcher.endOffsets(derived);
          state = String.format("topology %,d records to process, sink %,d rows to write, %d open transactions,"
              + " derived end offsets %,d", streamsLeft, sinkLeft, open, ends);
          if (!state.equals(last)) {
            last = state;
            stableSince = System.nanoTime();
          }
          done = streamsLeft == 0 && sinkLeft == 0 && open == 0
              && System.nanoTime() - stableSince >= settle.toNanos();
        } catch (IllegalStateException e) {
          // A broker restarting or a group rebalancing: not drained yet, ask again.
          state = "cannot read offsets yet: " + e.getMessage();
          last = null;
        }
        if (done) {
          out.println("drained: " + state);
          out.flush();
          return 0;
        }
        if (System.nanoTime() - lastReport > 10_000_000_000L) {
          lastReport = System.nanoTime();
          out.println("waiting: " + state);
          out.flush();
        }
        if (System.nanoTime() > deadline) {
          out.println("not drained after " + timeout + ": " + state);
          out.flush();
          return 1;
        }
        Thread.sleep(1_000);
      }
    }
  }
}
