package dev.nbaprops.bench;

import dev.nbaprops.app.NbaPropsApp;
import dev.nbaprops.config.AppConfig;
import dev.nbaprops.replay.ProgressBar;
import dev.nbaprops.replay.ReplaySummary;
import dev.nbaprops.replay.ReplayProducer;
import dev.nbaprops.replay.Replayer;
import dev.nbaprops.replay.Timeline;
import dev.nbaprops.replay.Selection;
import dev.nbaprops.replay.SourceParsers;
import dev.nbaprops.source.SourceKind;
import dev.nbaprops.avro.raw.PlayerBoxScore;
import dev.nbaprops.serde.AvroCodec;
import dev.nbaprops.source.BoxScoreParser;
import dev.nbaprops.source.CsvSource;
import dev.nbaprops.source.DataLayout;
import dev.nbaprops.source.Parsed;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Replay benchmark on the embedded default (broker child JVM + topology + Connect sink into DuckDB), all in one
 * run: (1) raw producer throughput for the same number and size of records as the replay, to a scratch topic;
 * (2) end-to-end replay throughput: input records per second from the first record produced until every derived
 * row is committed and written by the sink; (3) wall time; (4) peak RSS of this JVM and of the broker JVM.
 *
 * <p>Usage: {@code bench/replay.sh [--data DIR] [--seasons a,b] [--sources s1,s2] [--settings k=v,k=v] [--json FILE]
 *     [--churn true]} (--churn: versions per row and the fields that changed, {@link ChurnReport})
 * (default
 * ../shared/data/nba, every season, every source, the app's default settings).
 */
public final class ReplayBenchmark {
  public static void main(String[] args) throws Exception {
    Map<String, String> opts = parse(args);
    Path data = Path.of(opts.getOrDefault("--data", "../shared/data/nba")).toAbsolutePath().normalize();
    List<String> seasons = opts.containsKey("--seasons") ? Arrays.asList(opts.get("--seasons").split(",")) : List.of();
    List<SourceKind> sources = opts.containsKey("--sources")
        ? Arrays.stream(opts.get("--sources").split(",")).map(SourceKind::byName).toList() : List.of();
    Path state = Files.createTempDirectory("nba-bench-");
    Map<String, String> settings = new java.util.HashMap<>(Map.of(AppConfig.STATE_DIR, state.toString(),
        AppConfig.EMBEDDED_KAFKA_PORT, "0", AppConfig.EMBEDDED_CONTROLLER_PORT, "0",
        AppConfig.EMBEDDED_CONNECT_PORT, "0", AppConfig.QUERY_PORT, "0"));
    if (opts.containsKey("--settings")) { // e.g. precompute.interval.ms=5000,commit.interval.ms=2000
      for (String kv : opts.get("--settings").split(",")) {
        String[] p = kv.split("=", 2);
        if (p.length != 2) {
          throw new IllegalArgumentException("--settings wants key=value pairs, got '" + kv + "'");
        }
        settings.put(p[0].strip(), p[1].strip());
      }
    }
    AppConfig cfg = AppConfig.defaults().with(settings);
    long wall0 = System.nanoTime();
    System.out.printf("benchmark: data %s, sources %s, seasons %s, settings %s, state %s, %d cores, java %s%n", data,
        sources.isEmpty() ? "all" : sources, seasons.isEmpty() ? "all" : seasons,
        opts.getOrDefault("--settings", "defaults"), state, Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"));
    try {
      try (NbaPropsApp app = NbaPropsApp.start(cfg)) {
        app.awaitRunning(Duration.ofMinutes(2));
        try (MemorySampler memory = new MemorySampler(app.streams())) { // closed before the app's stores
        double startupSecs = (System.nanoTime() - wall0) / 1e9;
        System.out.printf("startup (broker, topics, Connect, Streams): %.1f s%n", startupSecs);

        // What the replay will send (count, real encoded bytes), from a pass over the same timeline without Kafka.
        Selection selection = Selection.of(sources, seasons, null, null, List.of());
        DataLayout layout = new DataLayout(data);
        long p0 = System.nanoTime();
        List<byte[]> samples = new java.util.ArrayList<>();
        long records = 0;
        try (Timeline t = new Timeline(layout, selection, SourceParsers.forLayout(layout), new ReplaySummary())) {
          while (t.hasNext()) {
            if (t.next() instanceof Timeline.Data d) {
              if (records++ % 20 == 0) {
                samples.add(encode(d.value()));
              }
            }
          }
        }
        double parseSecs = (System.nanoTime() - p0) / 1e9;
        int recordSize = (int) samples.stream().mapToInt(x -> x.length).average().orElse(0);
        double rawRate = rawProducer(app, cfg, records, samples);

        double cpuAtReplay = cpuSeconds(ProcessHandle.current().pid());
        ThreadCpuSampler threadCpu = new ThreadCpuSampler(memory); // from the replay's start to its end
        long t0 = System.nanoTime();
        ReplaySummary summary;
        summary = new Replayer(app.bootstrapServers(), Map.of()).replay(new Replayer.Options(data, selection),
            SourceParsers.forLayout(layout), ProgressBar::forConsole, System.out::println);
        double produceSecs = (System.nanoTime() - t0) / 1e9;
        app.awaitDrained(Duration.ofMinutes(60),
            s -> System.out.printf("  %5.1f s waiting: %s%n", (System.nanoTime() - t0) / 1e9, s));
        double e2eSecs = (System.nanoTime() - t0) / 1e9;
        double wall = (System.nanoTime() - wall0) / 1e9;
        long derived = dev.nbaprops.connect.WarehouseSinkTask.recordsApplied();
        double appCpu = cpuSeconds(ProcessHandle.current().pid());
        Map<String, Double> cpuByThread = threadCpu.byThread(appCpu - cpuAtReplay);
        memory.close(); // its peaks end with the run (closing again at the block's end does nothing)
        long appRss = peakRssKb(ProcessHandle.current().pid()) / 1024;
        long brokerRss = peakRssKb(app.brokerPid()) / 1024;
        System.out.println(summary.oneLine());
        System.out.println();
        System.out.println("RESULTS");
        System.out.printf("  input records                     %,d (%d bytes each on average)%n", summary.produced(), recordSize);
        System.out.printf("  read+parse+merge only (no Kafka)  %,.0f rec/s (%.1f s)%n", records / parseSecs, parseSecs);
        System.out.printf("  raw producer throughput           %,.0f rec/s (same count and size, scratch topic)%n", rawRate);
        System.out.printf("  replay produce phase              %,.0f rec/s (%.1f s)%n", summary.produced() / produceSecs, produceSecs);
        System.out.printf("  end-to-end replay throughput      %,.0f rec/s (%.1f s until all derived rows in DuckDB)%n",
            summary.produced() / e2eSecs, e2eSecs);
        System.out.printf("  end-to-end / raw producer         %.2f%n", (summary.produced() / e2eSecs) / rawRate);
        System.out.printf("  wall time (incl. startup)         %.1f s%n", wall);
        System.out.printf("  peak RSS app JVM                  %,d MB%n", peakRssKb(ProcessHandle.current().pid()) / 1024);
        System.out.printf("  peak RSS broker JVM               %,d MB%n", peakRssKb(app.brokerPid()) / 1024);
        System.out.printf("  CPU time app JVM / broker JVM     %.1f s / %.1f s (of %.1f s wall x %d cores)%n",
            appCpu, cpuSeconds(app.brokerPid()), wall, Runtime.getRuntime().availableProcessors());
        System.out.printf("  app CPU by thread, replay to end   %s%n", cpuByThread);
        System.out.printf("  memory, peak of each (MB)         %s%n", memory.peaks());
        System.out.printf("  memory at the peak RSS (MB)       %s%n", memory.atRssPeak());
        System.out.printf("  derived rows written by the sink  %,d%n", derived);
        java.util.SortedMap<String, Long> byTopic = dev.nbaprops.connect.WarehouseSinkTask.recordsAppliedByTopic();
        byTopic.forEach((topic, n) -> System.out.printf("    %-46s %,d%n", topic, n));
        if ("true".equals(opts.get("--churn"))) {
          ChurnReport.print(ChurnReport.measure(app.bootstrapServers(), app.inputsDrainedAtMs()));
        }
        if (opts.containsKey("--json")) {
          Map<String, Object> json = new java.util.LinkedHashMap<>();
          json.put("input_records", summary.produced());
          json.put("parse_only_rps", Math.round(records / parseSecs));
          json.put("raw_producer_rps", Math.round(rawRate));
          json.put("produce_seconds", round1(produceSecs));
          json.put("end_to_end_seconds", round1(e2eSecs));
          json.put("end_to_end_rps", Math.round(summary.produced() / e2eSecs));
          json.put("startup_seconds", round1(startupSecs));
          json.put("wall_seconds", round1(wall));
          json.put("app_peak_rss_mb", appRss);
          json.put("broker_peak_rss_mb", brokerRss);
          json.put("app_cpu_seconds", round1(appCpu));
          json.put("broker_cpu_seconds", round1(cpuSeconds(app.brokerPid())));
          json.put("derived_rows", derived);
          json.put("derived_rows_by_topic", byTopic);
          json.put("app_cpu_seconds_by_thread", cpuByThread);
          json.put("memory_peaks_mb", memory.peaks());
          json.put("memory_at_peak_rss_mb", memory.atRssPeak());
          json.put("max_heap_mb", Runtime.getRuntime().maxMemory() >> 20);
          json.put("cores", Runtime.getRuntime().availableProcessors());
          json.put("java", System.getProperty("java.version"));
          json.put("jvm_options", String.join(" ", java.lang.management.ManagementFactory.getRuntimeMXBean()
              .getInputArguments()));
          json.put("seasons", seasons.isEmpty() ? "all" : String.join(",", seasons));
          json.put("settings", settings);
          Files.writeString(Path.of(opts.get("--json")), toJson(json) + "\n");
          System.out.println("  json: " + opts.get("--json"));
        }
        } // the memory sampler
      }
    } finally {
      deleteRecursively(state);
    }
  }

  private static double round1(double x) {
    return Math.round(x * 10) / 10.0;
  }

  /** A flat JSON object (numbers, strings, one nested map of strings). */
  static String toJson(Map<String, ?> m) {
    StringBuilder b = new StringBuilder("{");
    m.forEach((k, v) -> {
      if (b.length() > 1) {
        b.append(", ");
      }
      b.append('"').append(k).append("\": ");
      if (v instanceof Number) {
        b.append(v);
      } else if (v instanceof Map<?, ?> inner) {
        @SuppressWarnings("unchecked")
        Map<String, ?> nested = new java.util.TreeMap<>((Map<String, ?>) inner);
        b.append(toJson(nested));
      } else {
        b.append('"').append(String.valueOf(v).replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
      }
    });
    return b.append('}').toString();
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static byte[] encode(org.apache.avro.specific.SpecificRecord value) {
    return ((AvroCodec) AvroCodec.of(value.getClass())).encode(value);
  }

  /** Sends {@code records} records cycling through real encoded samples (same size, same compressibility). */
  private static double rawProducer(NbaPropsApp app, AppConfig cfg, long records, List<byte[]> samples) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", app.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic("bench.raw-producer", cfg.partitions(), cfg.replication()))).all().get();
    }
    try (KafkaProducer<String, byte[]> p = ReplayProducer.create(app.bootstrapServers(), Map.of())) {
      for (int i = 0; i < 20_000; i++) { // warm-up
        p.send(new ProducerRecord<>("bench.raw-producer", Integer.toString(i % 1000), samples.get(i % samples.size())));
      }
      p.flush();
      long t0 = System.nanoTime();
      for (long i = 0; i < records; i++) {
        p.send(new ProducerRecord<>("bench.raw-producer", Long.toString(i % 1000), samples.get((int) (i % samples.size()))));
      }
      p.flush();
      return records / ((System.nanoTime() - t0) / 1e9);
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  /** User + system CPU seconds of a process so far (from /proc, clock ticks of 1/100 s); -1 when unknown. */
  static double cpuSeconds(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** VmHWM (peak resident set) of a process, in kB; -1 when unknown. */
  static long peakRssKb(long pid) {
    return statusKb(pid, "VmHWM:");
  }

  /** A kB figure of a process's /proc/PID/status ({@code field} e.g. "VmRSS:"); -1 when unknown. */
  static long statusKb(long pid, String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith(field)) {
          return Long.parseLong(line.replaceAll("\\D+", ""));
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }

  private static Map<String, String> parse(String[] args) {
    Map<String, String> m = new java.util.HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      m.put(args[i], args[i + 1]);
    }
    return m;
  }
}
