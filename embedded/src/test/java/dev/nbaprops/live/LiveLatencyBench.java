package dev.nbaprops.live;

import dev.nbaprops.app.NbaPropsApp;
import dev.nbaprops.avro.raw.PlayerBoxScore;
import dev.nbaprops.config.AppConfig;
import dev.nbaprops.replay.ProgressBar;
import dev.nbaprops.replay.Replayer;
import dev.nbaprops.replay.Selection;
import dev.nbaprops.replay.SourceParsers;
import dev.nbaprops.source.DataLayout;
import dev.nbaprops.testing.TestData;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Live latency (issue 16): on the embedded default with the {@code live} profile (the app, its broker and the query
 * API as the {@code live} command runs them, without the warehouse sink), one real night of the data is played by
 * the live pollers against the local fixture server, poll round by poll round. For every final box score line the
 * box-score poller fetches and sends, it measures the wall time from the start of that poller's poll (which fetches
 * every game due, then flushes the lines to Kafka in one transaction, as {@link LiveRunner} runs each poller on its
 * own thread; the odds pollers of the round run meanwhile on another thread) to
 * <ul>
 *   <li>its {@code player_game_summary} row in the query API's answer to {@code GET /dates/D/player_game_summary},
 *       and</li>
 *   <li>the player's {@code ml_feature_store} row of that game in {@code GET /dates/D/ml_feature_store},</li>
 * </ul>
 * read in a loop (two requests a pass, 5 ms apart; a probe per line would take the CPU being measured). Before the night, the season's earlier nights are replayed (box scores, schedule, props) so
 * that the stores hold a real history. Prints p50/p90/p99/max of both; {@code bench/live-latency.sh} runs it.
 * Targets (issue 16): summary p99 at most 500 ms, feature row p99 at most 2 s.
 */
public final class LiveLatencyBench {
  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(60);
  private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

  private LiveLatencyBench() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> o = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      o.put(args[i], args[i + 1]);
    }
    if (args.length % 2 != 0 || o.keySet().stream().anyMatch(k -> !List.of("--data", "--night", "--history-from",
        "--work", "--set").contains(k))) {
      System.err.println("usage: bench/live-latency.sh [--data DIR] [--night 2023-10-30] [--history-from 2023-10-24]"
          + " [--work DIR] [--set key=value,key=value]");
      System.exit(2);
    }
    Path data = o.containsKey("--data") ? Path.of(o.get("--data")) : TestData.slice();
    LocalDate night = LocalDate.parse(o.getOrDefault("--night", "2023-10-30"));
    LocalDate historyFrom = LocalDate.parse(o.getOrDefault("--history-from", "2023-10-24"));
    Path work = Path.of(o.getOrDefault("--work", "target/live-latency"));
    Map<String, String> extra = new HashMap<>();
    if (o.containsKey("--set")) {
      for (String kv : o.get("--set").split(",")) {
        String[] p = kv.split("=", 2);
        extra.put(p[0], p[1]);
      }
    }
    deleteTree(work);
    Files.createDirectories(work);

    Map<String, String> m = new HashMap<>(Map.of(AppConfig.STATE_DIR, work.resolve("state").toString(),
        AppConfig.PROFILE, "live", AppConfig.EMBEDDED_KAFKA_PORT, "0", AppConfig.EMBEDDED_CONTROLLER_PORT, "0",
        AppConfig.QUERY_PORT, "0", AppConfig.EMBEDDED_CONNECT, "false"));
    m.putAll(extra);
    AppConfig cfg = AppConfig.defaults().with(m);
    System.out.printf("live latency: data %s, night %s after the nights from %s, profile live (%s), %d cores%n",
        data, night, historyFrom, extra.isEmpty() ? "defaults" : extra, Runtime.getRuntime().availableProcessors());

    List<long[]> samples = new ArrayList<>(); // {summary ms, feature ms}
    int missingSummary = 0;
    int missingFeature = 0;
    try (NbaPropsApp app = NbaPropsApp.start(cfg)) {
      app.awaitRunning(Duration.ofMinutes(3));
      if (historyFrom.isBefore(night)) {
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
        new Replayer(app.bootstrapServers(), Map.of()).replay(new Replayer.Options(data,
                Selection.of(LiveTesting.LIVE_SOURCES, List.of(), historyFrom, night.minusDays(1), List.of())),
            SourceParsers.forLayout(new DataLayout(data)),
            (l, n) -> new ProgressBar(quiet, l, n, false, Duration.ofHours(1)), x -> { });
        app.awaitDrained(Duration.ofMinutes(10), x -> { });
        System.out.printf("history replayed and drained (%s to %s)%n", historyFrom, night.minusDays(1));
      }
      String base = "http://127.0.0.1:" + app.queryPort();
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2)).build();
      NightFeed feed = new NightFeed(data, night);
      ConcurrentLinkedQueue<PlayerBoxScore> sent = new ConcurrentLinkedQueue<>();
      try (FixtureServer server = new FixtureServer(feed, feed.pollTimes().get(0));
           KafkaLiveSink kafka = new KafkaLiveSink(app.bootstrapServers(), "nba-live-latency", Map.of());
           LiveMode mode = new LiveMode(LiveTesting.config(server, Map.of()), batch -> {
             kafka.send(batch);
             for (LiveRecord r : batch) {
               if (r.value() instanceof PlayerBoxScore b) {
                 sent.add(b);
               }
             }
           }, work.resolve("sent.tsv"), data, new SimClock(server.now))) {
        for (Instant t : feed.pollTimes()) {
          server.now.set(t);
          // As LiveRunner runs them: each poller polls and then flushes what it fetched to Kafka, on its own
          // thread. The box scores are measured from the start of their poller's poll; the pollers after it in
          // the round (the odds) run meanwhile on another thread, as they would in the live command.
          List<Poller> pollers = mode.runner().pollers();
          int box = 0;
          while (box < pollers.size() && !(pollers.get(box) instanceof BoxScorePoller)) {
            mode.runner().pollOnce(pollers.get(box), t);
            mode.runner().flushOnce(t);
            box++;
          }
          long roundStart = System.nanoTime();
          long pollMs = 0;
          if (box < pollers.size()) {
            mode.runner().pollOnce(pollers.get(box), t);
            pollMs = (System.nanoTime() - roundStart) / 1_000_000;
            mode.runner().flushOnce(t);
          }
          long sentMs = (System.nanoTime() - roundStart) / 1_000_000; // fetched, parsed and committed to Kafka
          List<Poller> rest = pollers.subList(Math.min(box + 1, pollers.size()), pollers.size());
          Thread others = new Thread(() -> {
            for (Poller p : rest) {
              mode.runner().pollOnce(p, t);
              mode.runner().flushOnce(t);
            }
          }, "live-latency-other-pollers");
          others.setDaemon(true); // a failed probe below must not keep the JVM alive
          others.start();
          List<PlayerBoxScore> fetched = new ArrayList<>();
          for (PlayerBoxScore b; (b = sent.poll()) != null; ) {
            fetched.add(b);
          }
          if (fetched.isEmpty()) {
            others.join();
            continue;
          }
          // Probe every line of this round until both rows answer (or the probe timeout).
          Map<PlayerBoxScore, long[]> seen = new HashMap<>();
          for (PlayerBoxScore b : fetched) {
            seen.put(b, new long[] {-1, -1});
          }
          long deadline = roundStart + PROBE_TIMEOUT.toNanos();
          List<PlayerBoxScore> open = new ArrayList<>(fetched);
          while (!open.isEmpty() && System.nanoTime() < deadline) {
            // Two date-wide reads a pass (every player of the date, both tables) instead of one read per line: the
            // probes must not take the CPU the pipeline being measured needs.
            LocalDate d = open.get(0).getGameDate();
            java.util.Set<Long> summaries = playersOn(http, base + "/dates/" + d + "/player_game_summary?limit=1000");
            java.util.Set<Long> features = playersOn(http, base + "/dates/" + d + "/ml_feature_store?limit=1000");
            long now = (System.nanoTime() - roundStart) / 1_000_000;
            for (PlayerBoxScore b : open) {
              long[] s = seen.get(b);
              if (s[0] < 0 && b.getGameDate().equals(d) && summaries.contains(b.getPlayerId())) {
                s[0] = now;
              }
              if (s[1] < 0 && b.getGameDate().equals(d) && features.contains(b.getPlayerId())) {
                s[1] = now;
              }
            }
            open.removeIf(b -> seen.get(b)[0] >= 0 && seen.get(b)[1] >= 0);
            Thread.sleep(5);
          }
          others.join();
          for (long[] s : seen.values()) {
            if (s[0] < 0) {
              missingSummary++;
            }
            if (s[1] < 0) {
              missingFeature++;
            }
            samples.add(s);
          }
          System.out.printf("  %s: %d final lines fetched by the box-score poller and committed to Kafka after %d ms"
              + " (%d games; fetched and parsed after %d ms), all visible after %d ms%n", t, fetched.size(), sentMs,
              fetched.stream().map(PlayerBoxScore::getGameId).distinct().count(), pollMs,
              (System.nanoTime() - roundStart) / 1_000_000);
        }
      }
    }
    List<Long> summary = new ArrayList<>();
    List<Long> feature = new ArrayList<>();
    for (long[] s : samples) {
      if (s[0] >= 0) {
        summary.add(s[0]);
      }
      if (s[1] >= 0) {
        feature.add(s[1]);
      }
    }
    System.out.println();
    System.out.println("| from a final box score fetched to ...          | lines | p50 ms | p90 ms | p99 ms | max ms | not seen |");
    System.out.println("|-------------------------------------------------|-------|--------|--------|--------|--------|----------|");
    row("its player_game_summary row over the query API", summary, missingSummary);
    row("its ml_feature_store row over the query API", feature, missingFeature);
    System.out.printf(Locale.ROOT, "live-latency: %d lines, summary p99 %d ms (target 500), feature row p99 %d ms"
        + " (target 2000), %d not seen%n", samples.size(), pct(summary, 99), pct(feature, 99),
        missingSummary + missingFeature);
    System.exit(samples.isEmpty() || missingSummary + missingFeature > 0 ? 1 : 0);
  }

  /** The player ids of a date-wide answer (empty when it is not 200 yet). */
  private static java.util.Set<Long> playersOn(HttpClient http, String url) {
    java.util.Set<Long> out = new java.util.HashSet<>();
    try {
      HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5))
          .GET().build(), HttpResponse.BodyHandlers.ofByteArray());
      if (r.statusCode() == 200) {
        for (com.fasterxml.jackson.databind.JsonNode row : JSON.readTree(r.body()).path("rows")) {
          out.add(row.path("player_id").asLong());
        }
      }
    } catch (java.io.IOException e) {
      // not answering yet
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return out;
  }

  private static void row(String what, List<Long> v, int missing) {
    System.out.printf(Locale.ROOT, "| %-47s | %5d | %6d | %6d | %6d | %6d | %8d |%n", what, v.size(), pct(v, 50),
        pct(v, 90), pct(v, 99), pct(v, 100), missing);
  }

  /** Nearest-rank percentile; -1 when empty. */
  static long pct(List<Long> values, int p) {
    if (values.isEmpty()) {
      return -1;
    }
    List<Long> s = new ArrayList<>(values);
    Collections.sort(s);
    int rank = (int) Math.ceil(p / 100.0 * s.size());
    return s.get(Math.max(0, Math.min(s.size() - 1, rank - 1)));
  }

  private static void deleteTree(Path p) throws java.io.IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (var s = Files.walk(p)) {
      for (Path x : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(x);
      }
    }
  }
}
