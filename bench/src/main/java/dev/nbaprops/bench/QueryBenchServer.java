package dev.nbaprops.bench;

import dev.nbaprops.app.NbaPropsApp;
import dev.nbaprops.config.AppConfig;
import dev.nbaprops.embedded.EmbeddedKafka;
import dev.nbaprops.replay.ProgressBar;
import dev.nbaprops.replay.Replayer;
import dev.nbaprops.replay.Selection;
import dev.nbaprops.replay.SourceParsers;
import dev.nbaprops.source.DataLayout;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The server side of {@code bench/query-load.sh}: an embedded broker and N app instances (same application id,
 * query ports from --base-port), the data replayed and fully processed, then "READY port1,port2,..." on stdout;
 * stops when stdin closes (the script holds it open) or after --max-seconds.
 *
 * <p>Usage: {@code QueryBenchServer [--data DIR] [--instances N] [--base-port P] [--max-seconds S]}.
 */
public final class QueryBenchServer {
  public static void main(String[] args) throws Exception {
    Map<String, String> o = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      o.put(args[i], args[i + 1]);
    }
    Path data = Path.of(o.getOrDefault("--data", "data/nba-slice")).toAbsolutePath().normalize();
    int instances = Integer.parseInt(o.getOrDefault("--instances", "1"));
    int basePort = Integer.parseInt(o.getOrDefault("--base-port", "17170"));
    long maxSeconds = Long.parseLong(o.getOrDefault("--max-seconds", "1800"));
    Path state = Files.createTempDirectory("nba-query-bench-");
    List<AutoCloseable> open = new ArrayList<>();
    try {
      EmbeddedKafka kafka = new EmbeddedKafka(state.resolve("broker"), 0, 0, "1g", Map.of()).start(Duration.ofSeconds(90));
      open.add(0, kafka);
      List<NbaPropsApp> apps = new ArrayList<>();
      for (int i = 0; i < instances; i++) {
        NbaPropsApp app = NbaPropsApp.start(AppConfig.defaults().with(Map.of(
            AppConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers(), AppConfig.STATE_DIR, state.resolve("app" + i).toString(),
            AppConfig.QUERY_PORT, Integer.toString(basePort + i), AppConfig.PARTITIONS, "4",
            AppConfig.STREAM_THREADS, "1", "streams.num.standby.replicas", instances > 1 ? "1" : "0")));
        open.add(0, app);
        apps.add(app);
      }
      for (NbaPropsApp app : apps) {
        app.awaitRunning(Duration.ofMinutes(2));
      }
      long t0 = System.nanoTime();
      PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
      new Replayer(kafka.bootstrapServers(), Map.of()).replay(new Replayer.Options(data, Selection.all()),
          SourceParsers.forLayout(new DataLayout(data)),
          (label, total) -> new ProgressBar(quiet, label, total, false, Duration.ofHours(1)), note -> { });
      apps.get(0).awaitDrained(Duration.ofMinutes(30), s -> System.err.println("waiting: " + s));
      while (apps.stream().anyMatch(a -> a.streams().state() != KafkaStreams.State.RUNNING
          || a.streams().metadataForAllStreamsClients().size() != instances)) {
        Thread.sleep(200);
      }
      Thread.sleep(2000);
      System.err.printf("replayed and processed %s in %.1f s%n", data, (System.nanoTime() - t0) / 1e9);
      System.out.println("READY " + String.join(",", apps.stream().map(a -> Integer.toString(a.queryPort())).toList()));
      System.out.flush();
      Thread reader = new Thread(() -> {
        try {
          while (System.in.read() >= 0) {
            // wait for EOF
          }
        } catch (java.io.IOException e) {
          // closed
        }
      });
      reader.setDaemon(true);
      reader.start();
      reader.join(maxSeconds * 1000);
    } finally {
      for (AutoCloseable c : open) {
        try {
          c.close();
        } catch (Exception e) {
          System.err.println("stop: " + e);
        }
      }
    }
  }
}
