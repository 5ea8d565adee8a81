package dev.nbaprops.reliability;

import com.sun.tools.attach.VirtualMachine;
import dev.nbaprops.app.DrainWatcher;
import dev.nbaprops.live.NightFeed;
import dev.nbaprops.live.ScaledClock;
import dev.nbaprops.live.SoakFeedServer;
import dev.nbaprops.testing.TestData;
import dev.nbaprops.topics.Topics;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.management.MBeanServerConnection;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * The soak of issue 19 (docs/reliability.md, "Soak"): a real night of the bundled slice played by the live mode at
 * {@code --speed 60} against a local feed server that injects random faults (5xx, hangs past the client's timeout,
 * garbage bodies, slow bodies) for 30 minutes, the app's heap and RSS sampled every 10 s; then no stuck partition
 * ({@code drained}: the app and the sink have consumed everything, with the consumer lag sampled all along) and
 * the final derived topics and warehouse tables compared key by key with a replay of the same night (the kill
 * harness's comparison). Run by {@code bench/soak.sh}; the last figures are in docs/reliability.md.
 *
 * <p>Both runs are the real command in a child JVM on the embedded default (broker child JVM, Kafka Streams,
 * Connect with the DuckDB sink, query API): {@code live ... --clock-start --clock-origin --speed} for the soak and
 * {@code replay --sources schedule,props,box_scores} (the sources live mode polls) of the same date for the
 * reference. The feed server and the live process share one {@link ScaledClock}.
 */
public final class Soak {
  record Options(Path data, LocalDate night, Instant clockStart, double speed, Duration duration, long seed,
      double faultRate, Duration sample, Path work, Duration httpTimeout, String heap, Path reference) {}

  private final Options o;
  private final PrintStream out;
  private final long t0 = System.nanoTime();
  private final List<Process> children = new ArrayList<>();

  Soak(Options o, PrintStream out) {
    this.o = o;
    this.out = out;
  }

  public static void main(String[] args) throws Exception {
    Options o;
    try {
      o = parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      System.err.println(usage());
      System.exit(2);
      return;
    }
    if (o == null) {
      System.out.println(usage());
      return;
    }
    Soak s = new Soak(o, System.out);
    Runtime.getRuntime().addShutdownHook(new Thread(s::stopChildren));
    int rc = s.run();
    System.exit(rc);
  }

  static String usage() {
    return String.join("\n",
        "usage: bench/soak.sh [options]",
        "  --night 2023-10-30        the night of the data to play (default 2023-10-30, 11 games, 437 prop lines)",
        "  --data DIR                data in the ../shared/data/nba layout (default: the bundled slice)",
        "  --minutes 30              how long the live run is soaked (wall time)",
        "  --speed 60                the night's clock runs this many times as fast as the wall clock",
        "  --clock-start T           the night's time when the live process starts (default: the night at 12:00Z)",
        "  --seed N                  the fault draws (default: random, printed)",
        "  --fault-rate 0.2          share of feed requests answered with a fault",
        "  --sample-seconds 10       heap/RSS/lag sampling period",
        "  --http-timeout PT2S       the live client's fetch timeout (wall time; hangs last longer)",
        "  --xmx 768m                heap of the live process (the soak's figures in docs/reliability.md were measured at 768m)",
        "  --reference DIR           reuse the reference snapshot of an earlier run (DIR/snapshot) instead of replaying",
        "  --work DIR                work directory (default target/soak; its live/ and reference/ are emptied first)");
  }

  static Options parse(String[] args) {
    Path data = null;
    LocalDate night = LocalDate.of(2023, 10, 30);
    Instant clockStart = null;
    double speed = 60;
    double minutes = 30;
    long seed = new java.util.Random().nextInt(1_000_000);
    double faultRate = 0.2;
    double sample = 10;
    Path work = Path.of("target/soak");
    Duration timeout = Duration.ofSeconds(2);
    String heap = "768m";
    Path reference = null;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--help") || a.equals("--help-usage") || a.equals("-h")) {
        return null;
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(a + " needs a value");
      }
      String v = args[++i];
      switch (a) {
        case "--night" -> night = LocalDate.parse(v);
        case "--data" -> data = Path.of(v);
        case "--minutes" -> minutes = Double.parseDouble(v);
        case "--speed" -> speed = Double.parseDouble(v);
        case "--clock-start" -> clockStart = Instant.parse(v);
        case "--seed" -> seed = Long.parseLong(v);
        case "--fault-rate" -> faultRate = Double.parseDouble(v);
        case "--sample-seconds" -> sample = Double.parseDouble(v);
        case "--http-timeout" -> timeout = Duration.parse(v);
        case "--xmx" -> heap = v;
        case "--reference" -> reference = Path.of(v);
        case "--work" -> work = Path.of(v);
        default -> throw new IllegalArgumentException("unknown option " + a);
      }
    }
    if (clockStart == null) {
      clockStart = night.atTime(12, 0).toInstant(java.time.ZoneOffset.UTC);
    }
    return new Options(data != null ? data : TestData.slice(), night, clockStart, speed,
        Duration.ofMillis((long) (minutes * 60_000)), seed, faultRate, Duration.ofMillis((long) (sample * 1000)),
        work.toAbsolutePath(), timeout, heap, reference);
  }

  void log(String s) {
    out.printf("[soak %6.1fs] %s%n", (System.nanoTime() - t0) / 1e9, s);
    out.flush();
  }

  int run() throws Exception {
    log(String.format("seed %d (re-run: bench/soak.sh --seed %d --night %s --minutes %s --speed %s --fault-rate %s)",
        o.seed(), o.seed(), o.night(), o.duration().toSeconds() / 60.0, o.speed(), o.faultRate()));
    Files.createDirectories(o.work());
    KillHarness.deleteTree(o.work().resolve("live"));
    Files.createDirectories(o.work().resolve("logs"));
    Path refSnap;
    if (o.reference() != null) {
      refSnap = o.reference().toAbsolutePath().resolve("snapshot");
      log("reference: reusing " + refSnap);
    } else {
      KillHarness.deleteTree(o.work().resolve("reference"));
      refSnap = reference();
    }
    Live live = soak();
    Path runSnap = o.work().resolve("live/snapshot");
    KillHarness.Comparison topics = KillHarness.compareTopics(refSnap, runSnap);
    KillHarness.Comparison tables = KillHarness.compareTables(refSnap, runSnap);
    topics.notes().forEach(n -> log("  " + n));
    tables.notes().forEach(n -> log("  " + n));
    boolean equal = topics.lost() + topics.extra() + topics.differing() == 0
        && tables.lost() + tables.extra() + tables.doubled() + tables.differing() == 0
        && topics.compared() > 0 && tables.compared() > 0;
    String summary = summary(live, topics, tables, equal);
    Files.writeString(o.work().resolve("summary.txt"), summary);
    summary.lines().forEach(l -> out.println("soak: " + l));
    writePlotScript(live);
    return equal && live.drained && live.exitedByItself == null ? 0 : 1;
  }

  // ---- the reference: a replay of the same night ---------------------------------------------------------------

  private Path reference() throws Exception {
    Path dir = o.work().resolve("reference");
    Ports p = new Ports();
    log("reference: replay of " + o.night() + " (schedule, props, box scores) on the embedded default, broker "
        + p.bootstrap());
    Process app = java("reference", List.of("-Xmx" + o.heap()), cat(List.of("replay", "--data",
        o.data().toString(), "--sources", "schedule,props,box_scores", "--start-date", o.night().toString(),
        "--end-date", o.night().toString()), p.args(dir.resolve("state"))));
    awaitLine(app, o.work().resolve("logs/reference.log"), "Where to look:", Duration.ofMinutes(20));
    log("reference: replayed; waiting until drained");
    if (drained(p, "reference-drained") != 0) {
      throw new IllegalStateException("the reference run did not drain; see logs/reference-drained.log");
    }
    return snapshot(p, app, dir, "reference");
  }

  // ---- the soak --------------------------------------------------------------------------------------------

  /** What the live run showed. */
  static final class Live {
    final List<double[]> samples = new ArrayList<>();
    boolean drained;
    String exitedByItself;
    Map<String, Long> faults;
    long requests;
    long slowAbandoned;
    double startupSeconds;
    Instant simEnd;
    String health = "";
    String metrics = "";
    long maxRawLag;
    long maxSinkLag;
  }

  /** Columns of samples.csv (and of Live.samples). */
  static final List<String> COLUMNS = List.of("elapsed_s", "heap_used_mb", "heap_committed_mb", "old_gen_after_gc_mb",
      "rss_mb", "broker_rss_mb", "raw_lag", "sink_lag", "requests", "faults");

  private Live soak() throws Exception {
    Path dir = o.work().resolve("live");
    Ports p = new Ports();
    Live live = new Live();
    Instant origin = Instant.now();
    ScaledClock clock = new ScaledClock(o.clockStart(), origin, o.speed(), Clock.systemUTC());
    NightFeed feed = new NightFeed(o.data(), o.night());
    try (SoakFeedServer server = new SoakFeedServer(feed, clock, o.seed(), o.faultRate(), o.httpTimeout().toMillis())) {
      log(String.format("live: night %s from %s at %sx (origin %s), feed server %s, fault rate %.2f, broker %s",
          o.night(), o.clockStart(), o.speed(), origin, server.base(), o.faultRate(), p.bootstrap()));
      Process app = java("live", List.of("-Xmx" + o.heap()), cat(List.of("live", "--data", o.data().toString(),
          "--scoreboard-url", server.base() + SoakFeedServer.SCOREBOARD,
          "--boxscore-url", server.base() + SoakFeedServer.BOXSCORE,
          "--odds-url", server.base(), "--odds-api-key", SoakFeedServer.API_KEY,
          "--clock-start", o.clockStart().toString(), "--clock-origin", origin.toString(),
          "--speed", Double.toString(o.speed()),
          "--set", "live.http.timeout=" + o.httpTimeout(),
          "--set", "live.flush.interval=PT30S"), p.args(dir.resolve("state"))));
      long start = System.nanoTime();
      Path csv = o.work().resolve("samples.csv");
      try (var w = Files.newBufferedWriter(csv);
           Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, p.bootstrap(),
               AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 8000));
           DrainWatcher watcher = new DrainWatcher(admin, p.bootstrap())) {
        w.write(String.join(",", COLUMNS) + "\n");
        JvmProbe probe = null;
        boolean up = false;
        // The lag is read on its own thread: at load 60-76 its Admin calls took tens of seconds and held back the
        // heap and RSS samples of the first soak (samples 10-110 s apart instead of 10 s).
        long[] lag = {-1, -1};
        Thread lagSampler = null;
        long next = start;
        while (System.nanoTime() - start < o.duration().toNanos()) {
          if (!app.isAlive()) {
            live.exitedByItself = "the live process exited with " + app.exitValue();
            log(live.exitedByItself + "; see logs/live.log");
            break;
          }
          if (!up && Files.readString(o.work().resolve("logs/live.log"), StandardCharsets.ISO_8859_1)
              .contains("Live mode is polling")) {
            up = true;
            live.startupSeconds = (System.nanoTime() - start) / 1e9;
            log(String.format("live: polling after %.1f s (night time %s)", live.startupSeconds, clock.instant()));
          }
          if (probe == null) {
            try {
              probe = new JvmProbe(app.pid());
            } catch (Exception notYet) {
              // the JVM is still starting
            }
          }
          double elapsed = (System.nanoTime() - start) / 1e9;
          double[] heap = probe == null ? new double[] {Double.NaN, Double.NaN, Double.NaN} : probe.heap();
          if (up && lagSampler == null) {
            lagSampler = lagSampler(watcher, live, lag);
          }
          long rawLag;
          long sinkLag;
          synchronized (live) {
            rawLag = lag[0];
            sinkLag = lag[1];
          }
          double[] row = {elapsed, heap[0], heap[1], heap[2], rssMb(app.pid()), descendantsRssMb(app.pid()), rawLag,
              sinkLag, server.requests(), server.faultTotal()};
          live.samples.add(row);
          StringBuilder line = new StringBuilder();
          for (int i = 0; i < row.length; i++) {
            line.append(i == 0 ? "" : ",").append(Double.isNaN(row[i]) ? "" : String.format(Locale.ROOT, "%.1f", row[i]));
          }
          w.write(line + "\n");
          w.flush();
          if (live.samples.size() % 6 == 1) {
            log(String.format("live: %4.0f s, night time %s, heap %.0f/%.0f MB, RSS %.0f MB (broker %.0f MB), lag raw %d"
                + " sink %d, %,d requests, faults %s", elapsed, clock.instant(), heap[0], heap[1], row[4], row[5],
                rawLag, sinkLag, server.requests(), server.faults()));
          }
          next += o.sample().toNanos();
          long sleep = next - System.nanoTime();
          if (sleep > 0) {
            TimeUnit.NANOSECONDS.sleep(sleep);
          }
        }
        if (probe != null) {
          probe.close();
        }
        if (lagSampler != null) {
          lagSampler.interrupt();
          lagSampler.join(30_000);
        }
      }
      live.simEnd = clock.instant();
      live.faults = server.faults();
      live.requests = server.requests();
      live.slowAbandoned = server.slowAbandoned();
      log(String.format("live: soaked %.0f s; night time now %s (the night's last game final at %s); %,d requests,"
          + " faults %s (%d slow bodies abandoned by the client)", (System.nanoTime() - start) / 1e9, live.simEnd,
          server.nightFinal(), live.requests, live.faults, live.slowAbandoned));
      if (live.exitedByItself != null) {
        return live;
      }
      live.health = get("http://localhost:" + p.query + "/live/health");
      live.metrics = get("http://localhost:" + p.query + "/live/metrics");
      Files.writeString(dir.resolve("live-health.json"), live.health);
      Files.writeString(dir.resolve("live-metrics.txt"), live.metrics);
      log("live: checking that nothing is stuck (drained; the feed server keeps injecting faults)");
      live.drained = drained(p, "live-drained") == 0;
      log("live: drained " + (live.drained ? "yes" : "NO (see logs/live-drained.log)"));
      snapshot(p, app, dir, "live");
    }
    return live;
  }

  /** Reads the consumer lag of the Streams group (raw topics) and the sink (derived topics) every sample period. */
  private Thread lagSampler(DrainWatcher watcher, Live live, long[] lag) {
    Thread t = new Thread(() -> {
      while (!Thread.currentThread().isInterrupted()) {
        try {
          long raw = watcher.remaining("nba-props-streams", watcher.consumedTopics("nba-props-streams", Topics.RAW));
          long sink = watcher.remaining("connect-duckdb-sink", Topics.derived());
          synchronized (live) {
            lag[0] = raw;
            lag[1] = sink;
            live.maxRawLag = Math.max(live.maxRawLag, raw);
            live.maxSinkLag = Math.max(live.maxSinkLag, sink);
          }
        } catch (RuntimeException e) {
          // a group not formed yet or rebalancing: not a lag
        }
        try {
          Thread.sleep(o.sample().toMillis());
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "soak-lag");
    t.setDaemon(true);
    t.start();
    return t;
  }

  // ---- figures ---------------------------------------------------------------------------------------------

  private String summary(Live live, KillHarness.Comparison topics, KillHarness.Comparison tables, boolean equal) {
    double end = live.samples.isEmpty() ? 0 : live.samples.get(live.samples.size() - 1)[0];
    double window = Math.min(300, end / 3);
    StringBuilder s = new StringBuilder();
    s.append(String.format("seed %d, night %s, speed %sx, fault rate %.2f, %s of soak (%d samples every %s s), night"
            + " time %s to %s, live process up after %.0f s%n", o.seed(), o.night(), o.speed(), o.faultRate(),
        fmtDuration(end), live.samples.size(), o.sample().toMillis() / 1000.0, o.clockStart(), live.simEnd,
        live.startupSeconds));
    s.append(String.format("requests %,d; faults %,d: %s; slow bodies abandoned by the client %d%n", live.requests,
        live.faults.values().stream().mapToLong(Long::longValue).sum(), live.faults, live.slowAbandoned));
    for (int[] c : new int[][] {{1, 0}, {2, 0}, {3, 0}, {4, 0}, {5, 0}}) {
      String name = COLUMNS.get(c[0]);
      double[] first = minMax(live.samples, c[0], 0, window);
      double[] last = minMax(live.samples, c[0], end - window, end + 1);
      s.append(String.format("%-20s first %.0f min: %.0f-%.0f MB, last %.0f min: %.0f-%.0f MB%n", name, window / 60,
          first[0], first[1], window / 60, last[0], last[1]));
    }
    s.append(String.format("max consumer lag during the soak: topology %d records, sink %d rows; drained at the end: %s%n",
        live.maxRawLag, live.maxSinkLag, live.drained ? "yes" : "no"));
    s.append(String.format("compared with the replay: topics %,d keys (lost %d, extra %d, differing %d), warehouse %,d rows"
            + " (lost %d, doubled %d, extra %d, differing %d)%n", topics.compared(), topics.lost(), topics.extra(),
        topics.differing(), tables.compared(), tables.lost(), tables.doubled(), tables.extra(), tables.differing()));
    s.append(live.exitedByItself != null ? "result: FAILED, " + live.exitedByItself + "\n"
        : String.format("result: %s%n", equal && live.drained ? "PASSED (tables equal to the replay, nothing stuck)"
            : "FAILED"));
    return s.toString();
  }

  private static double[] minMax(List<double[]> rows, int col, double from, double to) {
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (double[] r : rows) {
      if (r[0] >= from && r[0] < to && !Double.isNaN(r[col])) {
        lo = Math.min(lo, r[col]);
        hi = Math.max(hi, r[col]);
      }
    }
    return new double[] {lo, hi};
  }

  private static String fmtDuration(double seconds) {
    return String.format("%d min %02d s", (long) seconds / 60, (long) seconds % 60);
  }

  /** A gnuplot script drawing heap and RSS over the soak (bench/soak.sh runs it when gnuplot is installed). */
  private void writePlotScript(Live live) throws IOException {
    String title = String.format("Soak: live night %s at %sx, random feed faults (rate %.2f, seed %d), %s", o.night(),
        o.speed(), o.faultRate(), o.seed(), live.samples.isEmpty() ? "" : fmtDuration(
            live.samples.get(live.samples.size() - 1)[0]));
    String gp = String.join("\n",
        "set terminal pngcairo size 1200,640 font 'sans,11'",
        "set output '" + o.work().resolve("soak.png") + "'",
        "set datafile separator ','",
        "set title \"" + title + "\"",
        "set xlabel 'wall time since the live process started (min)'",
        "set ylabel 'MB'",
        "set grid",
        "set key outside bottom center horizontal",
        "set yrange [0:*]",
        "plot '" + o.work().resolve("samples.csv") + "' using ($1/60):5 with lines lw 2 title 'RSS (live process: app, "
            + "Streams, Connect, pollers)', \\",
        "  '' using ($1/60):3 with lines lw 2 title 'heap committed', \\",
        "  '' using ($1/60):2 with lines lw 1 title 'heap used', \\",
        "  '' using ($1/60):4 with linespoints pt 7 ps 0.4 lw 1 title 'old gen after last GC', \\",
        "  '' using ($1/60):6 with lines lw 1 dt 2 title 'RSS (broker child JVM)'",
        "");
    Files.writeString(o.work().resolve("soak.gp"), gp);
  }

  // ---- processes -------------------------------------------------------------------------------------------

  /** Free ports for one embedded-default run. */
  static final class Ports {
    final int kafka = KillHarness.freePort();
    final int controller = KillHarness.freePort();
    final int connect = KillHarness.freePort();
    final int query = KillHarness.freePort();

    String bootstrap() {
      return "localhost:" + kafka;
    }

    List<String> args(Path stateDir) {
      return List.of("--state-dir", stateDir.toString(), "--port", Integer.toString(query),
          "--set", "embedded.kafka.port=" + kafka, "--set", "embedded.kafka.controller.port=" + controller,
          "--set", "embedded.connect.port=" + connect,
          // at load averages of 20-40 a broker start has taken over 100 s (the default wait is 90 s)
          "--set", "embedded.kafka.start.timeout=PT5M", "--set", "app.start.timeout=PT10M");
    }
  }

  private Process java(String name, List<String> jvm, List<String> args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvm);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("dev.nbaprops.cli.Main");
    cmd.addAll(args);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(o.work().resolve("logs").resolve(name + ".log").toFile()))
        .start();
    synchronized (children) {
      children.add(p);
    }
    return p;
  }

  /** The run's topics, then (the app stopped: DuckDB is one process per file) its warehouse, under dir/snapshot. */
  private Path snapshot(Ports p, Process app, Path dir, String name) throws Exception {
    Path snap = dir.resolve("snapshot");
    KillHarness.snapshotTopics(p.bootstrap(), snap);
    stop(app, name);
    KillHarness.exportWarehouse(dir.resolve("state/warehouse.duckdb"), snap);
    log(name + ": snapshot written to " + snap);
    return snap;
  }

  private int drained(Ports p, String name) throws Exception {
    Process d = java(name, List.of("-Xmx256m"), List.of("drained", "--bootstrap-servers", p.bootstrap(),
        "--timeout", "PT15M"));
    d.waitFor();
    return d.exitValue();
  }

  private void awaitLine(Process p, Path log, String line, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (Files.exists(log) && Files.readString(log, StandardCharsets.ISO_8859_1).contains(line)) {
        return;
      }
      if (!p.isAlive()) {
        throw new IllegalStateException("the process exited with " + p.exitValue() + " before '" + line + "'; see " + log);
      }
      Thread.sleep(1_000);
    }
    throw new IllegalStateException("no '" + line + "' in " + log + " after " + timeout);
  }

  private void stop(Process p, String name) throws InterruptedException {
    p.destroy(); // SIGTERM: the app's shutdown hook stops the pollers, Streams, Connect and the broker
    if (!p.waitFor(180, TimeUnit.SECONDS)) {
      log(name + " did not stop in 180 s after SIGTERM; kill -9");
      p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
    // The broker child JVM stops with its parent (stdin closed); wait for it so that DuckDB and ports are free.
    Thread.sleep(2_000);
  }

  private void stopChildren() {
    synchronized (children) {
      for (Process p : children) {
        if (p.isAlive()) {
          p.destroy();
        }
      }
    }
  }

  private static String get(String url) {
    try {
      return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
          .build(), HttpResponse.BodyHandlers.ofString()).body();
    } catch (Exception e) {
      return "unavailable: " + e;
    }
  }

  static double rssMb(long pid) {
    try {
      for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (l.startsWith("VmRSS:")) {
          return Long.parseLong(l.replaceAll("\\D", "")) / 1024.0;
        }
      }
    } catch (IOException | RuntimeException gone) {
      // the process is gone
    }
    return Double.NaN;
  }

  /** RSS of the process's descendants (the embedded broker's JVM). */
  static double descendantsRssMb(long pid) {
    return ProcessHandle.of(pid).map(h -> h.descendants().mapToDouble(d -> {
      double r = rssMb(d.pid());
      return Double.isNaN(r) ? 0 : r;
    }).sum()).orElse(Double.NaN);
  }

  /** Heap figures of another JVM over JMX (its local management agent, started through the attach API). */
  static final class JvmProbe implements AutoCloseable {
    private final JMXConnector connector;
    private final MemoryMXBean memory;
    private final List<MemoryPoolMXBean> pools;

    JvmProbe(long pid) throws Exception {
      VirtualMachine vm = VirtualMachine.attach(Long.toString(pid));
      String url;
      try {
        url = vm.startLocalManagementAgent();
      } finally {
        vm.detach();
      }
      connector = JMXConnectorFactory.connect(new JMXServiceURL(url));
      MBeanServerConnection c = connector.getMBeanServerConnection();
      memory = ManagementFactory.newPlatformMXBeanProxy(c, ManagementFactory.MEMORY_MXBEAN_NAME, MemoryMXBean.class);
      pools = ManagementFactory.getPlatformMXBeans(c, MemoryPoolMXBean.class);
    }

    /** Heap used, heap committed, old generation after its last collection (MB; NaN when unknown). */
    double[] heap() {
      try {
        MemoryUsage h = memory.getHeapMemoryUsage();
        double old = Double.NaN;
        for (MemoryPoolMXBean p : pools) {
          if (p.getType() == MemoryType.HEAP && (p.getName().contains("Old") || p.getName().contains("Tenured"))) {
            MemoryUsage u = p.getCollectionUsage();
            old = u == null ? Double.NaN : u.getUsed() / 1048576.0;
          }
        }
        return new double[] {h.getUsed() / 1048576.0, h.getCommitted() / 1048576.0, old};
      } catch (RuntimeException e) {
        return new double[] {Double.NaN, Double.NaN, Double.NaN};
      }
    }

    @Override
    public void close() {
      try {
        connector.close();
      } catch (IOException ignored) {
        // the process is gone
      }
    }
  }

  static List<String> cat(List<String> a, List<String> b) {
    List<String> r = new ArrayList<>(a);
    r.addAll(b);
    return r;
  }
}
