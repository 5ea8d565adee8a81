package dev.nbaprops.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nbaprops.app.NbaPropsApp;
import dev.nbaprops.config.AppConfig;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The query API's HTTP layer under abuse, on a real server (Jetty on a loopback port) without Kafka: every refusal
 * and limit of docs/query-api.md ("Limits and refusals"). Data routes answer 503 here (no Kafka Streams attached),
 * which is enough to tell a refusal from a route that ran.
 */
@org.junit.jupiter.api.parallel.Isolated("asserts answers within a second: not beside another class's broker and app")
class QueryHttpLimitsTest {
  static final String TOKEN = "limits-token";
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @TempDir
  Path tmp;
  QueryServer server;
  final List<Socket> sockets = new ArrayList<>();

  QueryServer start(Map<String, String> settings) {
    AppConfig cfg = AppConfig.defaults().with(Map.of(AppConfig.QUERY_AUTH_TOKEN, TOKEN)).with(settings);
    server = QueryServer.bind("127.0.0.1", 0, cfg);
    AtomicInteger calls = new AtomicInteger();
    server.mount("/live", (method, path) -> {
      if (path.equals("/live/boom")) {
        throw new NullPointerException("secret detail of the failure");
      }
      calls.incrementAndGet();
      return new QueryServer.MountReply(200, "application/json", "{\"live\": true}".getBytes(StandardCharsets.UTF_8));
    });
    server.start();
    return server;
  }

  @AfterEach
  void stop() throws Exception {
    for (Socket s : sockets) {
      s.close();
    }
    if (server != null) {
      server.close();
    }
  }

  HttpResponse<String> send(String method, String path, boolean token) throws Exception {
    HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
        .timeout(Duration.ofSeconds(10)).method(method, HttpRequest.BodyPublishers.noBody());
    if (token) {
      r.header("Authorization", "Bearer " + TOKEN);
    }
    return HTTP.send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  static JsonNode json(HttpResponse<String> r) throws Exception {
    return Json.MAPPER.readTree(r.body());
  }

  /** Opens a connection that sends half a request and waits (a slow-header client). */
  Socket halfRequest(String firstBytes) throws Exception {
    Socket s = new Socket();
    s.connect(new InetSocketAddress("127.0.0.1", server.port()), 2000);
    OutputStream out = s.getOutputStream();
    out.write(firstBytes.getBytes(StandardCharsets.US_ASCII));
    out.flush();
    sockets.add(s);
    return s;
  }

  @Test
  void sixtyFourSlowHeaderClientsDoNotDelayHealth() throws Exception {
    start(Map.of());
    for (int i = 0; i < 64; i++) {
      halfRequest("GET /tables HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + TOKEN + "\r\nX-Slow: ");
    }
    Thread.sleep(200);
    for (int i = 0; i < 5; i++) {
      long t0 = System.nanoTime();
      HttpResponse<String> h = send("GET", "/health", false);
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertThat(ms).as("/health with 64 slow-header connections open").isLessThan(1000);
      assertThat(h.statusCode()).isEqualTo(503); // no Kafka Streams here: CREATED
      assertThat(json(h).get("status").asText()).isEqualTo("CREATED");
      // a data route is still served too (its 503 is "not started", not a timeout or "busy")
      HttpResponse<String> tables = send("GET", "/tables", true);
      assertThat(json(tables).get("error").asText()).contains("starting");
    }
  }

  @Test
  void everyEndpointButHealthNeedsTheTokenLiveIncluded() throws Exception {
    start(Map.of());
    for (String p : List.of("/live/health", "/live/games", "/tables", "/metrics", "/openapi.json",
        "/internal/scan?store=player-game-summary&limit=10", "/players/203999/games", "/no/such/endpoint",
        "/dates/2023-10-27/player-daily-cache")) {
      HttpResponse<String> r = send("GET", p, false);
      assertThat(r.statusCode()).as(p).isEqualTo(401);
      assertThat(r.headers().firstValue("WWW-Authenticate")).as(p).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
      assertThat(json(r).get("code").asText()).isEqualTo("unauthorized");
    }
    assertThat(send("GET", "/live/health", true).statusCode()).isEqualTo(200);
    assertThat(send("GET", "/live/health", true).body()).isEqualTo("{\"live\": true}");
    HttpResponse<String> post = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
        + "/training-set")).POST(HttpRequest.BodyPublishers.ofString("player_id,date\n203999,2023-10-27\n")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(post.statusCode()).isEqualTo(401);
    assertThat(send("GET", "/health", false).statusCode()).isEqualTo(503); // open, and honest: not RUNNING
    assertThat(send("GET", "/", false).statusCode()).isEqualTo(200); // the page's static files carry no data
  }

  @Test
  void internalScanWithoutALimitIsRefused() throws Exception {
    start(Map.of());
    HttpResponse<String> none = send("GET", "/internal/scan?store=player-game-summary", true);
    assertThat(none.statusCode()).isEqualTo(400);
    assertThat(json(none).get("error").asText()).contains("'limit' is required");
    HttpResponse<String> huge = send("GET", "/internal/scan?store=player-game-summary&limit=1000000", true);
    assertThat(huge.statusCode()).isEqualTo(400);
    assertThat(json(huge).get("error").asText()).contains("1 to " + InstanceRouter.INTERNAL_MAX_ROWS);
    // The old NPE (dateSegment without date) is an unknown parameter now.
    HttpResponse<String> npe = send("GET", "/internal/scan?store=player-game-summary&limit=5&dateSegment=0", true);
    assertThat(npe.statusCode()).isEqualTo(400);
    assertThat(json(npe).get("code").asText()).isEqualTo("bad_request");
    // Page sizes of user routes are bounded the same way.
    assertThat(send("GET", "/dates/2023-10-27/player-daily-cache?limit=5000", true).statusCode()).isEqualTo(400);
    assertThat(send("GET", "/players?q=an&limit=201", true).statusCode()).isEqualTo(400);
  }

  @Test
  void errorsAreJsonWithACodeAndNoInternals() throws Exception {
    start(Map.of());
    HttpResponse<String> boom = send("GET", "/live/boom", true);
    assertThat(boom.statusCode()).isEqualTo(500);
    assertThat(json(boom).get("code").asText()).isEqualTo("internal_error");
    assertThat(boom.body()).doesNotContain("NullPointer").doesNotContain("secret").doesNotContain("at dev.");
    HttpResponse<String> missing = send("GET", "/no/such/endpoint", true);
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(json(missing).get("code").asText()).isEqualTo("not_found");
    HttpResponse<String> wrongMethod = send("DELETE", "/tables", true);
    assertThat(wrongMethod.statusCode()).isEqualTo(405);
    assertThat(wrongMethod.headers().firstValue("Allow")).hasValue("GET, HEAD, OPTIONS");
    assertThat(json(wrongMethod).get("code").asText()).isEqualTo("method_not_allowed");
    HttpResponse<String> badDate = send("GET", "/players/203999/daily-cache?date=10/27/2023", true);
    assertThat(badDate.statusCode()).isEqualTo(400);
    assertThat(json(badDate).get("error").asText()).isEqualTo("date must be YYYY-MM-DD, got '10/27/2023'");

    // A URL past query.max.header.bytes: refused by Jetty, as JSON.
    HttpResponse<String> longUrl = send("GET", "/players?q=" + "a".repeat(20_000), true);
    assertThat(longUrl.statusCode()).isIn(414, 431);
    assertThat(json(longUrl).get("code").asText()).isIn("uri_too_long", "headers_too_large");

    // A body past query.max.body.bytes: 413 from its Content-Length, before any of it is read. (Sent by hand: a
    // client still writing the 8 MB body may see the connection close before it reads the answer.)
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout(30_000);
      socket.getOutputStream().write(("POST /training-set HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
          + TOKEN + "\r\nContent-Type: text/csv\r\nContent-Length: " + ((8 << 20) + 1) + "\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      String answer = readAnswer(socket.getInputStream());
      assertThat(answer).startsWith("HTTP/1.1 413");
      assertThat(Json.MAPPER.readTree(answer.substring(answer.indexOf("\r\n\r\n") + 4)).get("code").asText()).isEqualTo("too_large");
    }
  }

  @Test
  void headAndOptions() throws Exception {
    start(Map.of());
    HttpResponse<String> head = send("HEAD", "/health", false);
    assertThat(head.statusCode()).isEqualTo(503);
    assertThat(head.body()).isEmpty();
    assertThat(head.headers().firstValueAsLong("Content-Length").orElse(-1))
        .isEqualTo(send("GET", "/health", false).body().getBytes(StandardCharsets.UTF_8).length);
    HttpResponse<String> opts = send("OPTIONS", "/tables", false);
    assertThat(opts.statusCode()).isEqualTo(204);
    assertThat(opts.headers().firstValue("Allow")).hasValue("GET, HEAD, OPTIONS");
    assertThat(send("OPTIONS", "/training-set", false).headers().firstValue("Allow")).hasValue("POST, OPTIONS");
    assertThat(send("OPTIONS", "/no/such/endpoint", true).statusCode()).isEqualTo(404);
  }

  @Test
  void aFullQueueAnswers503WithRetryAfterAndPeersAreServedApart() throws Exception {
    start(Map.of(AppConfig.QUERY_THREADS, "2", AppConfig.QUERY_QUEUE, "1", AppConfig.QUERY_REQUEST_TIMEOUT_MS, "1500"));
    // Three uploads that stall mid-body hold both user workers and the one queue place.
    List<Socket> slow = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      slow.add(halfRequest("POST /training-set HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + TOKEN
          + "\r\nContent-Type: text/csv\r\nContent-Length: 1000\r\n\r\nplayer_id,date\n"));
    }
    Thread.sleep(300);
    long t0 = System.nanoTime();
    HttpResponse<String> busy = send("GET", "/tables", true);
    assertThat((System.nanoTime() - t0) / 1_000_000).as("refused at once").isLessThan(1000);
    assertThat(busy.statusCode()).isEqualTo(503);
    assertThat(busy.headers().firstValue("Retry-After")).hasValue("1");
    assertThat(json(busy).get("error").asText()).contains("busy");
    // Calls from other instances have their own pool: not refused as busy.
    HttpResponse<String> peer = send("GET", "/internal/scan?store=player-game-summary&limit=10", true);
    assertThat(json(peer).get("error").asText()).doesNotContain("busy").contains("starting");
    // The stalled requests get their answer at the time limit: 503 with Retry-After, not a hang.
    for (Socket s : slow) {
      s.setSoTimeout(5000);
      InputStream in = s.getInputStream();
      String head = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
      assertThat(head).isEqualTo("HTTP/1.1 503");
    }
    assertThat(send("GET", "/tables", true).statusCode()).as("workers free again").isEqualTo(503);
    assertThat(json(send("GET", "/tables", true)).get("error").asText()).contains("starting");
  }

  @Test
  void aNonLoopbackBindWithoutATokenRefusesToStart() {
    Map<String, String> open = Map.of(AppConfig.QUERY_HOST, "0.0.0.0", AppConfig.STATE_DIR, tmp.toString(),
        AppConfig.QUERY_PORT, "0");
    assertThatThrownBy(() -> NbaPropsApp.start(AppConfig.defaults().with(open)))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("without a token")
        .hasMessageContaining("--insecure");
    assertThatThrownBy(() -> QueryServer.bind("0.0.0.0", 0, AppConfig.defaults()))
        .hasMessageContaining("refusing to serve the query API on 0.0.0.0");
    // With a token, or with an explicit --insecure, it binds (port 0; nothing is sent to it).
    QueryServer.bind("0.0.0.0", 0, AppConfig.defaults().with(Map.of(AppConfig.QUERY_AUTH_TOKEN, "t"))).close();
    QueryServer.bind("0.0.0.0", 0, AppConfig.defaults().with(Map.of(AppConfig.QUERY_INSECURE, "true"))).close();
    QueryServer.checkExposure(AppConfig.defaults()); // loopback by default: fine without a token
  }

  /**
   * One HTTP/1.1 answer: its head, then as many body bytes as its Content-Length says (not until the connection
   * closes: whether the server closes it after a refused body is its choice, and on a loaded machine waiting for
   * that took longer than the socket timeout).
   */
  private static String readAnswer(java.io.InputStream in) throws java.io.IOException {
    java.io.ByteArrayOutputStream head = new java.io.ByteArrayOutputStream();
    int b;
    while ((b = in.read()) >= 0) {
      head.write(b);
      byte[] h = head.toByteArray();
      int n = h.length;
      if (n >= 4 && h[n - 4] == '\r' && h[n - 3] == '\n' && h[n - 2] == '\r' && h[n - 1] == '\n') {
        break;
      }
    }
    String text = head.toString(StandardCharsets.US_ASCII);
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)content-length:\\s*(\\d+)").matcher(text);
    byte[] body = m.find() ? in.readNBytes(Integer.parseInt(m.group(1))) : in.readAllBytes();
    return text + new String(body, StandardCharsets.UTF_8);
  }
}
