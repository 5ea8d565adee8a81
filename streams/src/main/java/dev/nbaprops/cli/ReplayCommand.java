package dev.nbaprops.cli;

import dev.nbaprops.app.NbaPropsApp;
import dev.nbaprops.config.AppConfig;
import dev.nbaprops.replay.CoverageReport;
import dev.nbaprops.replay.ProgressBar;
import dev.nbaprops.replay.ReplaySummary;
import dev.nbaprops.replay.Replayer;
import dev.nbaprops.replay.Selection;
import dev.nbaprops.replay.SourceParsers;
import dev.nbaprops.replay.Timeline;
import dev.nbaprops.source.DataLayout;
import dev.nbaprops.source.SourceKind;
import dev.nbaprops.topics.TopicAdmin;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code replay}: runs the app and replays real data files into the raw topics in event-time order. */
@Command(name = "replay", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Start the app (embedded Kafka, Connect and DuckDB warehouse unless --bootstrap-servers is given),",
        "replay the data into the raw topics in event-time order, and serve the query API until Ctrl-C."})
final class ReplayCommand implements Callable<Integer> {
  @Mixin
  CommonOptions common;

  @Option(names = "--data", description = "Data directory in the ../shared/data/nba layout (default: the bundled slice).")
  Path data;

  @Option(names = "--seasons", split = ",", description = "Seasons, e.g. 2022-23,2023-24 (default: all).")
  List<String> seasons = List.of();

  @Option(names = "--start-date", description = "First game date to replay (YYYY-MM-DD).")
  LocalDate startDate;

  @Option(names = "--end-date", description = "Last game date to replay (YYYY-MM-DD).")
  LocalDate endDate;

  @Option(names = "--dates", split = ",", description = "Only these game dates, e.g. to retry a list.")
  List<LocalDate> dates = List.of();

  @Option(names = "--sources", split = ",",
      description = "Sources: schedule,game_lines,props,box_scores,shots (default: all).")
  List<String> sources = List.of();

  @Option(names = "--dry-run", description = "Produce nothing; print a coverage report per season and date.")
  boolean dryRun;

  @Option(names = "--report", description = "With --dry-run: also write the coverage report as CSV to this file.")
  Path report;

  @Option(names = "--resume", description = "Continue an interrupted replay of the same selection after its last commit.")
  boolean resume;

  @Option(names = "--speed", defaultValue = "max",
      description = "max (default) or N: replay N times faster than real time (event-time gaps / N).")
  String speed;

  @Option(names = "--produce-only", description = "Only produce into --bootstrap-servers; do not run the app here.")
  boolean produceOnly;

  @Option(names = "--exit-when-done", description = "Return once every derived row is written (for scripts and CI).")
  boolean exitWhenDone;

  @Option(names = "--timeout", description = "Longest wait for --exit-when-done, e.g. PT30M (default ${DEFAULT-VALUE}).")
  Duration timeout = Duration.ofMinutes(60);

  @Override
  public Integer call() throws Exception {
    Path dataDir = data != null ? data : defaultData();
    Selection selection = Selection.of(sources.stream().map(SourceKind::byName).toList(), seasons, startDate, endDate,
        dates);
    Timeline.ParserFactory parsers = SourceParsers.forLayout(new DataLayout(dataDir));
    if (dryRun) {
      CoverageReport r = CoverageReport.build(dataDir, selection, parsers);
      r.print(System.out);
      System.out.println(r.summary().oneLine().replaceFirst("replayed", "would replay"));
      if (report != null) {
        r.writeCsv(report);
        System.out.println("coverage report written to " + report.toAbsolutePath());
      }
      return 0;
    }
    Double pace = "max".equals(speed) ? null : Double.valueOf(speed);
    Replayer.Options options = new Replayer.Options(dataDir, selection, pace, resume);
    AppConfig cfg = common.load();
    if (produceOnly) {
      if (cfg.embeddedKafka()) {
        throw new IllegalArgumentException("--produce-only needs --bootstrap-servers (a Kafka cluster to produce to)");
      }
      try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cfg.getString(AppConfig.BOOTSTRAP_SERVERS)))) {
        TopicAdmin.ensureTopics(admin, cfg.partitions(), cfg.replication());
      }
      ReplaySummary s = new Replayer(cfg.getString(AppConfig.BOOTSTRAP_SERVERS), cfg.passThrough("producer."))
          .replay(options, parsers, ProgressBar::forConsole, System.out::println);
      System.out.println(s.oneLine());
      return 0;
    }
    CountDownLatch stop = new CountDownLatch(1);
    System.out.printf("starting (state in %s)%n", cfg.stateDir());
    try (NbaPropsApp app = NbaPropsApp.start(cfg)) {
      Thread hook = Shutdown.hook(stop, app);
      Runtime.getRuntime().addShutdownHook(hook);
      // The topics exist once start() returns: a full-speed replay produces while Kafka Streams forms its group and
      // opens its stores (several seconds on a first start); the topology starts from the first offset of each
      // topic. A paced replay (--speed N, possibly hours) waits for RUNNING first, so a topology that cannot start
      // is reported at once.
      if (pace != null) {
        app.awaitRunning(cfg.appStartTimeout());
      }
      ReplaySummary summary = new Replayer(app.bootstrapServers(), cfg.passThrough("producer."))
          .replay(options, parsers, ProgressBar::forConsole, System.out::println);
      System.out.println(summary.oneLine());
      app.awaitRunning(cfg.appStartTimeout());
      if (exitWhenDone) {
        long t0 = System.nanoTime();
        app.awaitDrained(timeout, s -> System.out.println("waiting: " + s));
        System.out.printf("all derived rows written (%.1f s after the last record was produced)%n",
            (System.nanoTime() - t0) / 1e9);
        printWhereToLook(app, false);
        Runtime.getRuntime().removeShutdownHook(hook);
        return 0;
      }
      printWhereToLook(app, true);
      stop.await();
      return 0;
    }
  }

  /** The bundled slice: $NBA_PROPS_HOME/data/nba-slice (set by bin/nba-props-streams), else ./data/nba-slice. */
  static Path defaultData() {
    String home = System.getenv("NBA_PROPS_HOME");
    Path p = (home == null ? Path.of(".") : Path.of(home)).resolve("data/nba-slice").toAbsolutePath().normalize();
    if (!Files.isDirectory(p)) {
      throw new IllegalArgumentException("bundled data slice not found at " + p + "; pass --data DIR");
    }
    return p;
  }

  private static void printWhereToLook(NbaPropsApp app, boolean stayingUp) {
    AppConfig cfg = app.config();
    int port = app.queryPort();
    System.out.println();
    System.out.println("Where to look:");
    if (stayingUp) {
      System.out.printf("  query API      http://localhost:%d/health%n", port);
      System.out.printf("                 http://localhost:%d/players/203999/daily-cache?date=2023-10-29%n", port);
      System.out.printf("                 http://localhost:%d/players/203999/games%n", port);
    }
    if (app.hasWarehouseSink()) {
      System.out.printf("  warehouse      %s (DuckDB; tables nba_analytics.*, nba_precompute.*)%n", cfg.warehousePath());
      System.out.printf("  export         bin/nba-props-streams export --state-dir %s --table "
          + "nba_precompute.player_daily_cache --format csv --out daily_cache.csv%n", cfg.stateDir());
    }
    System.out.printf("  kafka          %s (dead letters: nba.dlq, nba.streams.dlq, nba.connect.dlq)%n",
        app.bootstrapServers());
    System.out.printf("  logs           %s%n", cfg.stateDir().resolve("logs"));
    if (stayingUp) {
      System.out.println("Press Ctrl-C to stop.");
    }
  }
}
