package dev.nbaprops.live;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A local HTTP server in the place of cdn.nba.com and api.the-odds-api.com, serving a {@link NightFeed} at a
 * controllable time, with injectable faults (status codes with headers, delays beyond the client timeout,
 * malformed bodies) for the next requests whose path starts with a prefix.
 */
final class FixtureServer implements AutoCloseable {
  static final String SCOREBOARD = "/static/json/liveData/scoreboard/todaysScoreboard_00.json";
  static final String BOXSCORE = "/static/json/liveData/boxscore/boxscore_{gameId}.json";
  private static final Pattern BOX = Pattern.compile("/static/json/liveData/boxscore/boxscore_(\\d{10})\\.json");
  private static final Pattern EVENT_ODDS = Pattern.compile("/v4/sports/basketball_nba/events/([0-9a-f]+)/odds");

  /** A fault served instead of the payload. */
  record Fault(int status, Map<String, String> headers, String body, long delayMillis) {
    static Fault status(int code, Map<String, String> headers) {
      return new Fault(code, headers, "{\"message\":\"fault injected by the test\"}", 0);
    }

    static Fault malformed() {
      return new Fault(200, Map.of(), "{\"game\": {\"gameId\": \"00223", 0);
    }

    static Fault delay(long millis) {
      return new Fault(-1, Map.of(), null, millis);
    }
  }

  private final HttpServer server;
  private final java.util.concurrent.ExecutorService executor;
  /** Requests being answered now, and the most at once so far. */
  private final java.util.concurrent.atomic.AtomicInteger answering = new java.util.concurrent.atomic.AtomicInteger();
  final java.util.concurrent.atomic.AtomicInteger mostAnsweredAtOnce = new java.util.concurrent.atomic.AtomicInteger();
  private final NightFeed feed;
  final AtomicReference<Instant> now;
  private final Deque<Map.Entry<String, Fault>> faults = new ArrayDeque<>();
  final List<String> requests = Collections.synchronizedList(new ArrayList<>());
  /** (System.nanoTime() at arrival, path) of every request. */
  final List<Map.Entry<Long, String>> timedRequests = Collections.synchronizedList(new ArrayList<>());
  private volatile String apiKey = "test-key";

  FixtureServer(NightFeed feed, Instant start) throws IOException {
    this(feed, start, 4);
  }

  /** @param threads requests answered at once (more wait in the server's queue) */
  FixtureServer(NightFeed feed, Instant start, int threads) throws IOException {
    this.feed = feed;
    this.now = new AtomicReference<>(start);
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 32);
    executor = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "fixture-server");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  String base() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  Supplier<Instant> clock() {
    return now::get;
  }

  synchronized void fail(String pathPrefix, Fault f) {
    faults.add(Map.entry(pathPrefix, f));
  }

  synchronized int faultsLeft() {
    return faults.size();
  }

  private synchronized Fault nextFault(String path) {
    for (var it = faults.iterator(); it.hasNext(); ) {
      var e = it.next();
      if (path.startsWith(e.getKey())) {
        it.remove();
        return e.getValue();
      }
    }
    return null;
  }

  private void handle(HttpExchange ex) throws IOException {
    mostAnsweredAtOnce.accumulateAndGet(answering.incrementAndGet(), Math::max);
    try (ex) {
      String path = ex.getRequestURI().getPath();
      requests.add(path);
      timedRequests.add(Map.entry(System.nanoTime(), path));
      Fault f = nextFault(path);
      if (f != null) {
        if (f.delayMillis() > 0) {
          try {
            Thread.sleep(f.delayMillis());
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        if (f.status() > 0) {
          f.headers().forEach((k, v) -> ex.getResponseHeaders().set(k, v));
          send(ex, f.status(), f.body());
          return;
        }
      }
      Instant t = now.get();
      Matcher m;
      if (path.equals(SCOREBOARD)) {
        send(ex, 200, feed.scoreboard(t));
      } else if ((m = BOX.matcher(path)).matches()) {
        if (!feed.games.containsKey(m.group(1))) {
          send(ex, 403, "<Error><Code>AccessDenied</Code></Error>"); // what the CDN answers for an unknown game
        } else {
          send(ex, 200, feed.boxScore(m.group(1), t));
        }
      } else if (path.startsWith("/v4/")) {
        String q = ex.getRequestURI().getQuery();
        if (q == null || !q.contains("apiKey=" + apiKey)) {
          send(ex, 401, "{\"message\":\"API key is missing or invalid\"}");
          return;
        }
        ex.getResponseHeaders().set("x-requests-remaining", "480");
        ex.getResponseHeaders().set("x-requests-used", "20");
        if (path.equals("/v4/sports/basketball_nba/events")) {
          send(ex, 200, feed.oddsEvents(t));
        } else if ((m = EVENT_ODDS.matcher(path)).matches() && feed.eventOdds(m.group(1), t) != null) {
          send(ex, 200, feed.eventOdds(m.group(1), t));
        } else {
          send(ex, 404, "{\"message\":\"Event not found\"}");
        }
      } else {
        send(ex, 404, "not found");
      }
    } finally {
      answering.decrementAndGet();
    }
  }

  private static void send(HttpExchange ex, int code, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().putIfAbsent("Content-Type", List.of("application/json"));
    ex.sendResponseHeaders(code, b.length);
    try (OutputStream os = ex.getResponseBody()) {
      os.write(b);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow(); // a handler still sleeping out a delay fault
  }
}
