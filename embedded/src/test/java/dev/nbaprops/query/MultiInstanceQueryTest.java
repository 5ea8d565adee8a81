package dev.nbaprops.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nbaprops.app.NbaPropsApp;
import dev.nbaprops.config.AppConfig;
import dev.nbaprops.embedded.EmbeddedKafka;
import dev.nbaprops.replay.ProgressBar;
import dev.nbaprops.replay.Replayer;
import dev.nbaprops.replay.Selection;
import dev.nbaprops.replay.SourceParsers;
import dev.nbaprops.source.DataLayout;
import dev.nbaprops.testing.Chromium;
import dev.nbaprops.testing.TestData;
import dev.nbaprops.topology.StoreCatalog;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real app instances (same application id, 4 partitions spread over them, one standby replica each) on one
 * embedded broker, the bundled real slice replayed through the real topology. Instance A runs in this JVM,
 * instance B is a separate JVM ({@code nba-props-streams run}), as in a deployment. Every endpoint answers the same
 * status and bytes from either instance; the web page renders in headless Chromium; while one instance restarts
 * the other answers 200 with the same body or 503 with Retry-After, never a 500 or a wrong (empty) answer.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MultiInstanceQueryTest {
  static final String TOKEN = "test-token-7";
  static final String APP_ID = "query-it";

  @TempDir
  static Path tmp;
  static EmbeddedKafka kafka;
  static NbaPropsApp a;
  static Process b;
  static volatile int bPort;
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  static AppConfig config(String name) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(AppConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
    m.put(AppConfig.STATE_DIR, tmp.resolve(name).toString());
    m.put(AppConfig.APPLICATION_ID, APP_ID);
    m.put(AppConfig.QUERY_PORT, "0");
    m.put(AppConfig.PARTITIONS, "4");
    m.put(AppConfig.STREAM_THREADS, "1");
    m.put(AppConfig.COMMIT_INTERVAL_MS, "200");
    // No settle holds: A's drain check ends A's holds, but B (another JVM) would hold its rows by wall clock with
    // no offsets moving, and A could call the topology drained before B has sent them.
    m.put(AppConfig.PRECOMPUTE_SETTLE_MS, "0");
    m.put(AppConfig.QUERY_AUTH_TOKEN, TOKEN);
    m.put("streams.num.standby.replicas", "1");
    return AppConfig.defaults().with(m);
  }

  @BeforeAll
  static void startTwoInstancesAndReplay() throws Exception {
    kafka = new EmbeddedKafka(tmp.resolve("broker"), 0, 0, "512m", Map.of()).start(Duration.ofSeconds(90));
    a = NbaPropsApp.start(config("a"));
    bPort = EmbeddedKafka.freePort();
    startB();
    a.awaitRunning(Duration.ofMinutes(2));
    Path data = TestData.slice();
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
    new Replayer(a.bootstrapServers(), Map.of()).replay(new Replayer.Options(data, Selection.all()),
        SourceParsers.forLayout(new DataLayout(data)),
        (label, total) -> new ProgressBar(quiet, label, total, false, Duration.ofHours(1)), note -> { });
    a.awaitDrained(Duration.ofMinutes(5), msg -> { });
    awaitStable();
  }

  /** Instance B: {@code nba-props-streams run} in its own JVM, with the same settings as A but its own port and state. */
  static void startB() throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> cmd = new ArrayList<>(List.of(java, "-Xmx768m", "-cp", System.getProperty("java.class.path"),
        "dev.nbaprops.cli.Main", "run", "--bootstrap-servers", kafka.bootstrapServers(),
        "--state-dir", tmp.resolve("b").toString(), "--port", Integer.toString(bPort)));
    for (String kv : List.of(AppConfig.APPLICATION_ID + "=" + APP_ID, AppConfig.PARTITIONS + "=4",
        AppConfig.STREAM_THREADS + "=1", AppConfig.COMMIT_INTERVAL_MS + "=200", AppConfig.QUERY_AUTH_TOKEN + "=" + TOKEN,
        AppConfig.PRECOMPUTE_SETTLE_MS + "=0", "streams.num.standby.replicas=1")) {
      cmd.add("--set");
      cmd.add(kv);
    }
    b = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(tmp.resolve("b.out").toFile())).start();
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (true) {
      if (!b.isAlive()) {
        throw new IllegalStateException("instance B exited " + b.exitValue() + ": " + Files.readString(tmp.resolve("b.out")));
      }
      try {
        if (get(bPort, "/health", false).statusCode() == 200) {
          return;
        }
      } catch (java.io.IOException e) {
        // not listening yet
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("instance B not RUNNING after 2 minutes");
      }
      Thread.sleep(200);
    }
  }

  /** Stops B as a deployment would (SIGTERM: its shutdown hook closes Streams, leaving the group). */
  static void stopB() throws InterruptedException {
    if (b != null && b.isAlive()) {
      b.destroy();
      if (!b.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
        b.destroyForcibly().waitFor();
      }
    }
  }

  @AfterAll
  static void stop() throws Exception {
    stopB();
    for (AutoCloseable c : new AutoCloseable[] {a, kafka}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception e) {
        // best effort
      }
    }
  }

  /** Both RUNNING, both own active partitions, and a date-wide query answers 200 on each. */
  static void awaitStable() throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (true) {
      boolean ok = a.streams().state() == KafkaStreams.State.RUNNING;
      if (ok) {
        var clients = a.streams().metadataForAllStreamsClients();
        ok = clients.size() == 2 && clients.stream().noneMatch(c -> c.topicPartitions().isEmpty());
      }
      for (int port : new int[] {a.queryPort(), bPort}) {
        try {
          ok = ok && get(port, "/health", false).statusCode() == 200
              && get(port, "/coverage?date=2023-10-27", true).statusCode() == 200;
        } catch (java.io.IOException e) {
          ok = false;
        }
      }
      if (ok) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("instances not stable after 3 minutes");
      }
      Thread.sleep(250);
    }
  }

  static HttpResponse<String> get(NbaPropsApp app, String path) throws Exception {
    return get(app.queryPort(), path, true);
  }

  static HttpResponse<String> get(int port, String path) throws Exception {
    return get(port, path, true);
  }

  static HttpResponse<String> get(int port, String path, boolean token) throws Exception {
    HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(20));
    if (token) {
      r.header("Authorization", "Bearer " + TOKEN);
    }
    return HTTP.send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A GET written on a socket as given (java.net.http refuses characters such as '|' in a URI): status, body. */
  static String[] rawGet(int port, String rawTarget) throws Exception {
    try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
      s.setSoTimeout(20_000);
      s.getOutputStream().write(("GET " + rawTarget + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + TOKEN
          + "\r\nConnection: close\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      String answer = new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      return new String[] {answer.substring(9, 12), answer.substring(answer.indexOf("\r\n\r\n") + 4)};
    }
  }

  static JsonNode json(HttpResponse<String> r) throws Exception {
    return Json.MAPPER.readTree(r.body());
  }

  static boolean computed(String store) throws Exception {
    for (JsonNode t : json(get(a, "/tables")).get("tables")) {
      if (t.get("store").asText().equals(store)) {
        return t.get("computed").asBoolean();
      }
    }
    throw new AssertionError(store);
  }

  /** Path -> expected status; each is asked of both instances. */
  static Map<String, Integer> endpoints() throws Exception {
    Map<String, Integer> e = new LinkedHashMap<>();
    e.put("/health", 200);
    e.put("/tables", 200);
    e.put("/teams", 200);
    e.put("/openapi.json", 200);
    e.put("/players/203999", 200);
    e.put("/players/203999/games", 200);
    e.put("/players/203999/daily-cache?date=2023-10-27", 200);
    e.put("/players/203999/player-daily-cache?date=2023-10-27", 200);
    e.put("/players/203999/nba_precompute.player_daily_cache?date=2023-10-28&asOf=true", 200);
    e.put("/players/203999/player_daily_cache/history?from=2023-10-01&to=2023-11-30", 200);
    e.put("/players/203999/player-game-summary?date=2023-10-24", 200);
    e.put("/players/203999/player-game-summary?date=2023-10-25&asOf=true", 200);
    e.put("/players/203999/player-game-summary/history", 200);
    e.put("/players?q=jokic", 200);
    e.put("/players?q=JOKI&limit=5", 200);
    e.put("/tables/player-daily-cache/rows?key=203999%7C2023-10-27", 200);
    e.put("/tables/team_offense_game_summary/rows?key=0022300061%7CDEN", 200);
    e.put("/games/0022300061/teams/DEN/offense", 200);
    e.put("/games/0022300061/teams/DEN/defense", 200);
    e.put("/games/0022300061/team-offense-game-summary", 200);
    e.put("/dates/2023-10-27/player-daily-cache", 200);
    e.put("/dates/2023-10-24/player_game_summary", 200);
    e.put("/dates/2023-10-24/team-offense-game-summary", 200);
    e.put("/dates/2023-10-24/team-defense-game-summary", 200);
    e.put("/coverage?date=2023-10-27", 200);
    e.put("/coverage?date=2022-11-01", 200);
    // Input validation: 400 with a message.
    e.put("/players/abc/games", 400);
    e.put("/players/0/games", 400);
    e.put("/players/203999/daily-cache?date=10/27/2023", 400);
    e.put("/players/203999/daily-cache", 400);
    e.put("/players/203999/player-daily-cache?date=2023-10-27&asOf=maybe", 400);
    e.put("/players/203999/player-daily-cache?date=2023-10-27&color=red", 400);
    e.put("/players/203999/team-offense-game-summary?date=2023-10-27", 400);
    e.put("/players/203999/player-daily-cache/history?from=2023-11-01&to=2023-10-01", 400);
    e.put("/dates/2023-13-01/player-game-summary", 400);
    e.put("/tables/player-daily-cache/rows?key=abc", 400);
    e.put("/tables/player-daily-cache/rows", 400);
    e.put("/players?q=a", 400);
    e.put("/games/123/teams/DEN/offense", 400);
    e.put("/teams/den/team-defense-zone-analysis?date=2023-10-27", 400);
    e.put("/teams/DEN/player-daily-cache?date=2023-10-27", 400);
    e.put("/coverage", 400);
    // Unknown player, team, table, row, endpoint: 404.
    e.put("/players/1/games", 404);
    e.put("/players/1", 404);
    e.put("/players/1/player-daily-cache?date=2023-10-27", 404);
    e.put("/players/1/player-daily-cache/history", 404);
    e.put("/players/203999/daily-cache?date=2023-10-25", 404);
    e.put("/players/203999/player-daily-cache?date=2021-01-01&asOf=true", 404);
    e.put("/teams/XYZ/team-defense-zone-analysis?date=2023-10-27", 404);
    e.put("/games/0022300061/teams/BOS/offense", 404);
    e.put("/tables/no-such-table/rows?key=1", 404);
    e.put("/tables/player-daily-cache/rows?key=1%7C2023-10-27", 404);
    e.put("/no/such/endpoint", 404);
    // Every catalog table is computed by the topology (a table dropped from it fails here, not as an accepted
    // 404 "not computed"), and answers date-wide and (for team-by-date ones) by team.
    for (StoreCatalog.Entry t : StoreCatalog.ALL) {
      boolean c = computed(t.store());
      assertThat(c).as(t.store() + " is computed by the topology").isTrue();
      e.put("/dates/2023-10-27/" + t.store(), c ? 200 : 404);
      if (t.partitioning() == StoreCatalog.Partitioning.BY_PLAYER) {
        e.put("/players/203999/" + t.store() + "/history?from=2023-10-01&to=2023-11-30", c ? 200 : 404);
        e.put("/players/203999/" + t.store() + "?date=2023-11-30&asOf=true", c ? 200 : 404);
      } else if (t.partitioning() == StoreCatalog.Partitioning.BY_SEASON_OF_DATE) {
        e.put("/teams/DEN/" + t.store() + "/history?from=2023-10-01&to=2023-11-30", c ? 200 : 404);
        e.put("/teams/DEN/" + t.store() + "?date=2023-11-30&asOf=true", c ? 200 : 404);
      }
    }
    // Players spread over every partition: key lookups routed to the owner, whichever instance is asked.
    for (JsonNode row : json(get(a, "/dates/2023-10-27/player-daily-cache")).get("rows")) {
      e.put("/players/" + row.get("player_id").asLong() + "/daily-cache?date=2023-10-27", 200);
      if (e.size() > 120) {
        break;
      }
    }
    return e;
  }

  @Test
  @Order(1)
  void everyEndpointAnswersTheSameFromEitherInstance() throws Exception {
    Map<String, Integer> endpoints = endpoints();
    Set<String> readFrom = new HashSet<>();
    for (Map.Entry<String, Integer> e : endpoints.entrySet()) {
      HttpResponse<String> ra = get(a, e.getKey());
      HttpResponse<String> rb = get(bPort, e.getKey());
      assertThat(ra.statusCode()).as("A " + e.getKey() + " " + ra.body()).isEqualTo(e.getValue());
      assertThat(rb.statusCode()).as("B " + e.getKey()).isEqualTo(e.getValue());
      assertThat(rb.body()).as("same body from both instances: " + e.getKey()).isEqualTo(ra.body());
      assertThat(json(ra).isObject()).isTrue();
      if (e.getValue() != 200) {
        assertThat(json(ra).get("error").asText()).as(e.getKey()).isNotBlank();
      }
      ra.headers().firstValue("X-Nba-Read-From").ifPresent(v -> readFrom.add("A:" + (v.equals("local") ? "local" : "remote")));
      rb.headers().firstValue("X-Nba-Read-From").ifPresent(v -> readFrom.add("B:" + (v.equals("local") ? "local" : "remote")));
    }
    // Both instances answered some keys from their own partitions and some from the other instance's.
    assertThat(readFrom).containsExactlyInAnyOrder("A:local", "A:remote", "B:local", "B:remote");

    // A key sent with a raw '|' (as curl sends it) is answered by both instances, whichever owns it: a forwarded
    // request is built from the decoded parameters, not from the raw target (java.net.URI refuses '|').
    int rawChecked = 0;
    for (JsonNode row : json(get(a, "/dates/2023-10-27/player-daily-cache")).get("rows")) {
      if (rawChecked++ == 12) {
        break;
      }
      String key = row.get("player_id").asText() + "|2023-10-27";
      String expected = get(a, "/tables/player-daily-cache/rows?key=" + key.replace("|", "%7C")).body();
      for (int port : new int[] {a.queryPort(), bPort}) {
        String[] raw = rawGet(port, "/tables/player-daily-cache/rows?key=" + key);
        assertThat(raw[0]).as("raw '|' key " + key + " on " + port).isEqualTo("200");
        assertThat(raw[1]).as("raw '|' key " + key + " on " + port).isEqualTo(expected);
      }
    }

    // The answers are right, not just equal.
    JsonNode cache = json(get(bPort, "/players/203999/daily-cache?date=2023-10-27"));
    assertThat(cache.get("pts_avg_season").asDouble()).isEqualTo(29.0);
    assertThat(cache.get("games_played_season").asInt()).isEqualTo(1);
    assertThat(json(get(a, "/tables/player-daily-cache/rows?key=203999%7C2023-10-27"))).isEqualTo(cache);
    JsonNode asOf = json(get(a, "/players/203999/player-daily-cache?date=2023-10-28&asOf=true"));
    assertThat(asOf.get("cache_date").asText()).isLessThanOrEqualTo("2023-10-28").isGreaterThanOrEqualTo("2023-10-27");
    assertThat(json(get(a, "/players/203999/games")).get("rows")).hasSize(15 + 12);
    JsonNode history = json(get(bPort, "/players/203999/player_daily_cache/history?from=2023-10-01&to=2023-11-30"));
    JsonNode gamesInRange = json(get(a, "/players/203999/player-game-summary/history?from=2023-10-01&to=2023-11-30"));
    assertThat(gamesInRange.get("count").asInt()).isGreaterThan(5);
    // One daily-cache row per game date (the features as of that game's day).
    assertThat(history.get("count").asInt()).isEqualTo(history.get("rows").size())
        .isEqualTo(gamesInRange.get("count").asInt());
    assertThat(history.get("rows")).allSatisfy(r -> assertThat(r.get("cache_date").asText()).startsWith("2023-1"));
    assertThat(json(get(a, "/games/0022300061/teams/DEN/offense")).get("pts").asInt()).isEqualTo(119);
    assertThat(json(get(a, "/games/0022300061/team-offense-game-summary")).get("rows")).hasSize(2);
    JsonNode search = json(get(a, "/players?q=jokic"));
    assertThat(search.get("players")).anySatisfy(p -> assertThat(p.get("player_id").asLong()).isEqualTo(203999));
    assertThat(json(get(a, "/players/1/games")).get("error").asText()).contains("unknown player");
    assertThat(json(get(a, "/teams/XYZ/team-defense-zone-analysis?date=2023-10-27")).get("error").asText())
        .contains("unknown team");

    // A date-wide query has every player who played that day; coverage says nothing is missing.
    JsonNode games = json(get(a, "/dates/2023-10-27/player_game_summary"));
    JsonNode caches = json(get(bPort, "/dates/2023-10-27/player-daily-cache"));
    assertThat(games.get("count").asInt()).isGreaterThan(100);
    assertThat(caches.get("count").asInt()).isEqualTo(games.get("count").asInt());
    JsonNode coverage = json(get(bPort, "/coverage?date=2023-10-27"));
    assertThat(coverage.get("players_with_game").asInt()).isEqualTo(games.get("count").asInt());
    for (JsonNode t : coverage.get("tables")) {
      if (t.get("table").asText().equals("nba_precompute.player_daily_cache")) {
        assertThat(t.get("rows").asInt()).isEqualTo(games.get("count").asInt());
        assertThat(t.get("missing")).isEmpty();
      }
      if (t.get("table").asText().equals("nba_analytics.team_offense_game_summary")) {
        assertThat(t.get("missing_count").asInt()).isZero();
        assertThat(t.get("rows").asInt()).isEqualTo(2 * coverage.get("games").asInt());
      }
      if (!t.get("computed").asBoolean()) {
        assertThat(t.get("note").asText()).isEqualTo("table not computed by this topology");
      }
    }
    for (StoreCatalog.Entry t : StoreCatalog.ALL) {
      if (!computed(t.store())) {
        assertThat(json(get(a, "/dates/2023-10-27/" + t.store())).get("error").asText())
            .contains("table not computed by this topology");
      }
    }
  }

  @Test
  @Order(2)
  void tokenHealthOpenApiAndMetrics() throws Exception {
    int port = a.queryPort();
    assertThat(get(port, "/health", false).statusCode()).isEqualTo(200);
    HttpResponse<String> noToken = get(port, "/players/203999/games", false);
    assertThat(noToken.statusCode()).isEqualTo(401);
    assertThat(noToken.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
    assertThat(get(port, "/metrics", false).statusCode()).isEqualTo(401);
    assertThat(get(port, "/internal/scan?store=player-game-summary", false).statusCode()).isEqualTo(401);
    HttpResponse<String> wrong = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
        + "/players/203999/games")).header("Authorization", "Bearer nope").build(), HttpResponse.BodyHandlers.ofString());
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(get(port, "/", false).statusCode()).isEqualTo(200); // static page files hold no data

    JsonNode api = json(get(a, "/openapi.json"));
    assertThat(api.get("openapi").asText()).startsWith("3.");
    assertThat(api.get("paths").has("/players/{player_id}/{table}")).isTrue();
    assertThat(api.get("paths").has("/dates/{date}/{table}")).isTrue();
    assertThat(api.get("paths").has("/coverage")).isTrue();

    HttpResponse<String> m = get(a, "/metrics");
    assertThat(m.statusCode()).isEqualTo(200);
    assertThat(m.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
    String text = m.body();
    assertThat(text).contains("# TYPE nba_query_requests_total counter")
        .contains("nba_query_requests_total{route=\"/players/{player_id}/daily-cache\",status=\"200\"}")
        .contains("# TYPE nba_query_request_duration_seconds histogram")
        .contains("nba_query_request_duration_seconds_bucket{route=\"/dates/{date}/{table}\",le=\"")
        .contains("kafka_streams_stream_thread_process_rate{")
        .contains("kafka_streams_stream_state_")
        // Key lookups owned by the other instance were forwarded there and its answer passed on (test 1).
        .containsPattern("(?m)^nba_query_instance_calls_total\\{outcome=\"forwarded\"} [1-9]");
    Matcher processed = Pattern.compile("(?m)^kafka_streams_stream_thread_process_total\\{[^}]*} ([0-9.eE+]+)$")
        .matcher(text);
    assertThat(processed.find()).as("process_total counter").isTrue();
    assertThat(Double.parseDouble(processed.group(1))).isGreaterThan(0);
  }

  @Test
  @Order(3)
  void webPageRendersChartsInHeadlessChromium() throws Exception {
    boolean ci = System.getenv("CI") != null;
    if (Chromium.binary().isEmpty()) {
      if (ci) {
        throw new AssertionError("chromium is missing; .ci/run installs it (apt-get install -y chromium)");
      }
      Assumptions.abort("skipped: /usr/bin/chromium absent (apt-get install -y chromium); .ci/run installs it");
    }
    Path work = Files.createDirectories(tmp.resolve("chromium"));
    String url = "http://127.0.0.1:" + bPort + "/?player=203999&team=DEN#token=" + TOKEN;
    String dom = Chromium.dumpDom(url, work);
    assertThat(dom).contains("data-ready=\"true\"").contains("Nikola Joki");

    // Every 2023-24 game of his is a dot at its points; the prop line is drawn where one existed.
    List<JsonNode> season = new ArrayList<>();
    json(get(a, "/players/203999/games")).get("rows").forEach(r -> {
      if (r.get("season").asText().equals("2023-24")) {
        season.add(r);
      }
    });
    List<String> dots = new ArrayList<>();
    Matcher m = Pattern.compile("<circle[^>]*class=\"pt pts\"[^>]*data-value=\"(\\d+)\"").matcher(dom);
    while (m.find()) {
      dots.add(m.group(1));
    }
    assertThat(dots).containsExactlyElementsOf(season.stream().map(r -> r.get("pts").asText()).toList());
    long withLine = season.stream().filter(r -> !r.get("pra_line").isNull()).count();
    assertThat(withLine).isGreaterThan(0);
    assertThat(count(dom, "class=\"pt prop-line\"")).isEqualTo(withLine);
    assertThat(count(dom, "class=\"pt pra\"")).isEqualTo(season.size());
    assertThat(dom).contains("data-series=\"avg last 5\"").contains("data-series=\"avg last 10\"")
        .contains("data-series=\"PRA avg last 10\"");
    if (computed(StoreCatalog.TEAM_DEFENSE_ZONE_ANALYSIS.store())) {
      assertThat(dom).contains("id=\"opp-zone-table\"").contains("data-series=\"paint allowed\"");
    } else {
      assertThat(dom).contains("table not computed by this topology");
    }

    Path png = Chromium.screenshot(url, work, 1000, 1500);
    Files.copy(png, Files.createDirectories(TestData.projectRoot().resolve("embedded/target")).resolve("query-page.png"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING); // for a person to look at
    BufferedImage img = ImageIO.read(png.toFile());
    assertThat(img.getWidth()).isEqualTo(1000);
    int ptsBlue = 0;
    int propRed = 0;
    Set<Integer> colors = new HashSet<>();
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        int rgb = img.getRGB(x, y) & 0xffffff;
        colors.add(rgb);
        if (near(rgb, 0x1f77b4)) {
          ptsBlue++;
        }
        if (near(rgb, 0xd62728)) {
          propRed++;
        }
      }
    }
    assertThat(colors.size()).as("distinct colours (not a blank page)").isGreaterThan(50);
    assertThat(ptsBlue).as("points series pixels").isGreaterThan(300);
    assertThat(propRed).as("prop line pixels").isGreaterThan(30);
  }

  private static long count(String text, String needle) {
    return Pattern.compile(Pattern.quote(needle)).matcher(text).results().count();
  }

  private static boolean near(int rgb, int target) {
    return Math.abs(((rgb >> 16) & 0xff) - ((target >> 16) & 0xff)) < 12
        && Math.abs(((rgb >> 8) & 0xff) - ((target >> 8) & 0xff)) < 12
        && Math.abs((rgb & 0xff) - (target & 0xff)) < 12;
  }

  @Test
  @Order(4)
  void whileOneInstanceRestartsTheOtherAnswersRightOr503() throws Exception {
    List<String> probes = new ArrayList<>(List.of("/dates/2023-10-27/player-daily-cache", "/coverage?date=2023-10-27",
        "/players?q=jokic", "/games/0022300061/teams/DEN/offense", "/players/203999/games",
        "/players/203999/daily-cache?date=2023-10-25"));
    for (JsonNode row : json(get(a, "/dates/2023-10-27/player-daily-cache")).get("rows")) {
      probes.add("/players/" + row.get("player_id").asLong() + "/daily-cache?date=2023-10-27");
      if (probes.size() > 30) {
        break;
      }
    }
    Map<String, HttpResponse<String>> baseline = new LinkedHashMap<>();
    for (String p : probes) {
      baseline.put(p, get(a, p));
    }
    ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
    AtomicInteger ok = new AtomicInteger();
    AtomicInteger unavailable = new AtomicInteger();
    AtomicInteger staleOk = new AtomicInteger();
    AtomicBoolean stop = new AtomicBoolean();

    Thread hammer = new Thread(() -> {
      int i = 0;
      while (!stop.get()) {
        String p = probes.get(i++ % probes.size());
        boolean stale = i % 3 == 0;
        String path = p + (stale ? (p.contains("?") ? "&" : "?") + "stale=true" : "");
        // Mostly A (which stays up); every fourth request the restarting instance, when it listens at all.
        boolean askB = i % 4 == 0;
        try {
          HttpResponse<String> r;
          try {
            r = get(askB ? bPort : a.queryPort(), path, true);
          } catch (java.io.IOException e) {
            if (askB) {
              continue; // B is down: connection refused is what a stopped process gives
            }
            throw e;
          }
          HttpResponse<String> base = baseline.get(p);
          if (r.statusCode() == 503) {
            unavailable.incrementAndGet();
            if (r.headers().firstValue("Retry-After").isEmpty()) {
              violations.add("503 without Retry-After: " + path);
            }
          } else if (r.statusCode() != base.statusCode() || !r.body().equals(base.body())) {
            violations.add((askB ? "B " : "A ") + r.statusCode() + " " + path + " differs from the baseline " + base.statusCode() + ": "
                + r.body().substring(0, Math.min(300, r.body().length())));
          } else {
            ok.incrementAndGet();
            if (r.headers().firstValue("X-Nba-Stale-Read").isPresent()) {
              staleOk.incrementAndGet();
              if (r.headers().firstValue("X-Nba-Offset-Lag").isEmpty()) {
                violations.add("stale read without X-Nba-Offset-Lag: " + path);
              }
            }
          }
        } catch (Exception e) {
          violations.add((askB ? "B" : "A") + " did not answer " + path + ": " + e);
        }
      }
    }, "hammer");
    hammer.start();
    try {
      Thread.sleep(500);
      stopB();
      // A alone: it takes over every partition (from its standbys) and answers date-wide queries again.
      long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
      while (get(a, "/dates/2023-10-27/player-daily-cache").statusCode() != 200 && System.nanoTime() < deadline) {
        Thread.sleep(200);
      }
      bPort = EmbeddedKafka.freePort(); // a new application.server, as when a pod comes back elsewhere
      startB(); // same state directory: it restores from its local state and the changelogs
      awaitStable();
      Thread.sleep(1000);
    } finally {
      stop.set(true);
      hammer.join(30_000);
    }
    assertThat(violations).as("answers during the restart").isEmpty();
    assertThat(ok.get()).as("200s during the restart").isGreaterThan(probes.size());
    System.out.printf("restart: %d right answers (%d from standbys), %d 503%n", ok.get(), staleOk.get(),
        unavailable.get());

    // After the restart both answer everything the same again (the restarted one has a new port).
    for (Map.Entry<String, Integer> e : endpoints().entrySet()) {
      HttpResponse<String> ra = get(a, e.getKey());
      HttpResponse<String> rb = get(bPort, e.getKey());
      assertThat(ra.statusCode()).as(e.getKey()).isEqualTo(e.getValue());
      assertThat(rb.body()).as(e.getKey()).isEqualTo(ra.body());
    }
    for (StreamsMetadata md : a.streams().metadataForAllStreamsClients()) {
      assertThat(md.topicPartitions()).isNotEmpty();
    }
  }
}
