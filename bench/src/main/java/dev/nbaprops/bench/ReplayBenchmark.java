package dev.nbaprops.bench;

import dev.nbaprops.app.NbaPropsApp;
import dev.nbaprops.config.AppConfig;
import dev.nbaprops.replay.ProgressBar;
import dev.nbaprops.replay.ReplaySummary;
import dev.nbaprops.replay.ReplayProducer;
import dev.nbaprops.replay.Replayer;
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
 * <p>Usage: {@code bench/replay.sh [--data DIR] [--seasons a,b]} (default ../shared/data/nba, every season).
 */
public final class ReplayBenchmark {
  public static void main(String[] args) throws Exception {
    Map<String, String> opts = parse(args);
    Path data = Path.of(opts.getOrDefault("--data", "../shared/data/nba")).toAbsolutePath().normalize();
    List<String> seasons = opts.containsKey("--seasons") ? Arrays.asList(opts.get("--seasons").split(",")) : List.of();
    Path state = Files.createTempDirectory("nba-bench-");
    AppConfig cfg = AppConfig.defaults().with(Map.of(AppConfig.STATE_DIR, state.toString(),
        AppConfig.EMBEDDED_KAFKA_PORT, "0", AppConfig.EMBEDDED_CONTROLLER_PORT, "0",
        AppConfig.EMBEDDED_CONNECT_PORT, "0", AppConfig.QUERY_PORT, "0"));
    long wall0 = System.nanoTime();
    System.out.printf("benchmark: data %s, seasons %s, state %s, %d cores, java %s%n", data,
        seasons.isEmpty() ? "all" : seasons, state, Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"));
    try (NbaPropsApp app = NbaPropsApp.start(cfg)) {
      app.awaitRunning(Duration.ofMinutes(2));
      System.out.printf("startup (broker, topics, Connect, Streams): %.1f s%n", (System.nanoTime() - wall0) / 1e9);

      // Count and size of what the replay will send, for a like-for-like raw producer run.
      DataLayout layout = new DataLayout(data);
      List<String> chosen = seasons.isEmpty() ? layout.seasons() : seasons;
      long records = 0;
      for (String s : chosen) {
        records += CsvSource.countRows(layout.boxScores(s));
      }
      List<byte[]> samples = sampleRecords(layout, chosen.get(0));
      int recordSize = (int) samples.stream().mapToInt(b -> b.length).average().orElse(0);
      double rawRate = rawProducer(app, cfg, records, samples);

      long t0 = System.nanoTime();
      ReplaySummary summary;
      try (KafkaProducer<String, byte[]> p = ReplayProducer.create(app.bootstrapServers(), Map.of())) {
        summary = new Replayer(p).replay(new Replayer.Options(data, seasons), ProgressBar::forConsole);
      }
      double produceSecs = (System.nanoTime() - t0) / 1e9;
      app.awaitDrained(Duration.ofMinutes(60), s -> System.out.println("  waiting: " + s));
      double e2eSecs = (System.nanoTime() - t0) / 1e9;
      double wall = (System.nanoTime() - wall0) / 1e9;
      System.out.println(summary.oneLine());
      System.out.println();
      System.out.println("RESULTS");
      System.out.printf("  input records                     %,d (%d bytes each on average)%n", summary.produced(), recordSize);
      System.out.printf("  raw producer throughput           %,.0f rec/s (same count and size, scratch topic)%n", rawRate);
      System.out.printf("  replay produce phase              %,.0f rec/s (%.1f s)%n", summary.produced() / produceSecs, produceSecs);
      System.out.printf("  end-to-end replay throughput      %,.0f rec/s (%.1f s until all derived rows in DuckDB)%n",
          summary.produced() / e2eSecs, e2eSecs);
      System.out.printf("  end-to-end / raw producer         %.2f%n", (summary.produced() / e2eSecs) / rawRate);
      System.out.printf("  wall time (incl. startup)         %.1f s%n", wall);
      System.out.printf("  peak RSS app JVM                  %,d MB%n", peakRssKb(ProcessHandle.current().pid()) / 1024);
      System.out.printf("  peak RSS broker JVM               %,d MB%n", peakRssKb(app.brokerPid()) / 1024);
      System.out.printf("  CPU time app JVM / broker JVM     %.1f s / %.1f s (of %.1f s wall x %d cores)%n",
          cpuSeconds(ProcessHandle.current().pid()), cpuSeconds(app.brokerPid()), wall,
          Runtime.getRuntime().availableProcessors());
    }
  }

  /** The season's first 5,000 real box-score records, encoded as the replay sends them. */
  private static List<byte[]> sampleRecords(DataLayout layout, String season) {
    List<byte[]> out = new java.util.ArrayList<>();
    long n = 0;
    AvroCodec<PlayerBoxScore> codec = AvroCodec.of(PlayerBoxScore.class);
    try (CsvSource src = new CsvSource(layout.boxScores(season))) {
      while (src.hasNext() && n < 5000) {
        if (BoxScoreParser.parse(src.next()) instanceof Parsed.Ok<PlayerBoxScore> ok) {
          out.add(codec.encode(ok.value()));
          n++;
        }
      }
    }
    return out;
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
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith("VmHWM:")) {
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
