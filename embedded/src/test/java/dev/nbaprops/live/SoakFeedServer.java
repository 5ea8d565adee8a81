package dev.nbaprops.live;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The soak's local feed server (docs/reliability.md, "Soak"): one real night ({@link NightFeed}) as cdn.nba.com's
 * liveData and The Odds API v4 would serve it at the time of a shared {@link Clock} (a {@link ScaledClock} at the
 * soak's speed), with random faults drawn from a seed: 5xx, a hang longer than the client's timeout, a garbage body
 * (random bytes, truncated JSON, an HTML error page, JSON of the wrong shape) and a slow body (the real payload
 * dripped in pieces, finishing before or after the client's timeout). Counts requests and faults by kind.
 */
public final class SoakFeedServer implements AutoCloseable {
  public static final String SCOREBOARD = FixtureServer.SCOREBOARD;
  public static final String BOXSCORE = FixtureServer.BOXSCORE;
  public static final String API_KEY = "soak-key";
  public static final List<String> KINDS = List.of("5xx", "hang", "garbage", "slow-ok", "slow-late");
  private static final Pattern BOX = Pattern.compile("/static/json/liveData/boxscore/boxscore_(\\d{10})\\.json");
  private static final Pattern EVENT_ODDS = Pattern.compile("/v4/sports/basketball_nba/events/([0-9a-f]+)/odds");

  private final HttpServer server;
  private final ExecutorService pool;
  private final NightFeed feed;
  private final Clock clock;
  private final Random rnd;
  private final double faultRate;
  private final long timeoutMillis;
  private final AtomicLong requests = new AtomicLong();
  private final Map<String, AtomicLong> faults = new TreeMap<>();
  /** Slow bodies the client stopped reading (closed the connection) before the last byte. */
  private final AtomicLong slowAbandoned = new AtomicLong();
  private volatile boolean faultsOn = true;

  /**
   * @param faultRate share of requests answered with a fault (0..1)
   * @param clientTimeoutMillis the live client's fetch timeout: hangs last longer, "slow-ok" bodies finish in half
   *     of it, "slow-late" ones take 1.5 to 3 times it
   */
  public SoakFeedServer(NightFeed feed, Clock clock, long seed, double faultRate, long clientTimeoutMillis)
      throws IOException {
    this.feed = feed;
    this.clock = clock;
    this.rnd = new Random(seed);
    this.faultRate = faultRate;
    this.timeoutMillis = clientTimeoutMillis;
    KINDS.forEach(k -> faults.put(k, new AtomicLong()));
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    pool = Executors.newFixedThreadPool(16, r -> {
      Thread t = new Thread(r, "soak-feed");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(pool);
    server.createContext("/", this::handle);
    server.start();
  }

  public String base() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** When the night's last game is final. */
  public Instant nightFinal() {
    return feed.finalAt;
  }

  public long requests() {
    return requests.get();
  }

  /** Faults served so far by kind (KINDS order). */
  public Map<String, Long> faults() {
    Map<String, Long> m = new java.util.LinkedHashMap<>();
    KINDS.forEach(k -> m.put(k, faults.get(k).get()));
    return m;
  }

  public long faultTotal() {
    return faults.values().stream().mapToLong(AtomicLong::get).sum();
  }

  public long slowAbandoned() {
    return slowAbandoned.get();
  }

  /** Stop injecting faults (the end of the soak: the last polls see the clean feed). */
  public void faultsOff() {
    faultsOn = false;
  }

  private synchronized String drawFault() {
    if (!faultsOn || rnd.nextDouble() >= faultRate) {
      return null;
    }
    return KINDS.get(rnd.nextInt(KINDS.size()));
  }

  private synchronized int draw(int bound) {
    return rnd.nextInt(bound);
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      requests.incrementAndGet();
      String path = ex.getRequestURI().getPath();
      Instant now = clock.instant();
      int[] code = {200};
      String body = payload(ex, path, now, code);
      String fault = code[0] == 200 ? drawFault() : null;
      if (fault == null) {
        send(ex, code[0], body);
        return;
      }
      faults.get(fault).incrementAndGet();
      switch (fault) {
        case "5xx" -> send(ex, List.of(500, 502, 503, 504).get(draw(4)), "{\"message\":\"soak: injected server error\"}");
        case "hang" -> {
          sleep(timeoutMillis + 500 + draw(1_500)); // the client gives up first
          send(ex, 200, body);
        }
        case "garbage" -> send(ex, 200, garbage(body));
        case "slow-ok" -> drip(ex, body, timeoutMillis / 2);
        case "slow-late" -> drip(ex, body, timeoutMillis * (3 + draw(4)) / 2);
        default -> throw new IllegalStateException(fault);
      }
    }
  }

  /** The real answer at {@code now} (status in code[0]). */
  private String payload(HttpExchange ex, String path, Instant now, int[] code) {
    Matcher m;
    if (path.equals(SCOREBOARD)) {
      return feed.scoreboard(now);
    }
    if ((m = BOX.matcher(path)).matches()) {
      if (!feed.games.containsKey(m.group(1))) {
        code[0] = 403;
        return "<Error><Code>AccessDenied</Code></Error>";
      }
      return feed.boxScore(m.group(1), now);
    }
    if (path.startsWith("/v4/")) {
      String q = ex.getRequestURI().getQuery();
      if (q == null || !q.contains("apiKey=" + API_KEY)) {
        code[0] = 401;
        return "{\"message\":\"API key is missing or invalid\"}";
      }
      ex.getResponseHeaders().set("x-requests-remaining", "480");
      ex.getResponseHeaders().set("x-requests-used", "20");
      if (path.equals("/v4/sports/basketball_nba/events")) {
        return feed.oddsEvents(now);
      }
      String odds = (m = EVENT_ODDS.matcher(path)).matches() ? feed.eventOdds(m.group(1), now) : null;
      if (odds != null) {
        return odds;
      }
      code[0] = 404;
      return "{\"message\":\"Event not found\"}";
    }
    code[0] = 404;
    return "not found";
  }

  private byte[] garbage(String body) {
    return switch (draw(4)) {
      case 0 -> { // random bytes (not UTF-8, not JSON)
        byte[] b = new byte[64 + draw(4_000)];
        synchronized (this) {
          rnd.nextBytes(b);
        }
        yield b;
      }
      case 1 -> utf8(body.substring(0, Math.max(1, draw(Math.max(1, body.length()))))); // truncated JSON
      case 2 -> utf8("<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1>"
          + "</center></body></html>\n"); // a proxy's error page with status 200
      default -> utf8("{\"meta\":{\"code\":200},\"unexpected\":[1,2,3],\"games\":\"none\"}\n"); // wrong shape
    };
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Sends the body in about 20 pieces over {@code totalMillis}; counts a client that hangs up before the end. */
  private void drip(HttpExchange ex, String body, long totalMillis) {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    int pieces = 20;
    try {
      ex.getResponseHeaders().putIfAbsent("Content-Type", List.of("application/json"));
      ex.sendResponseHeaders(200, b.length);
      OutputStream os = ex.getResponseBody();
      for (int i = 0; i < pieces; i++) {
        int from = (int) ((long) b.length * i / pieces);
        int to = (int) ((long) b.length * (i + 1) / pieces);
        os.write(b, from, to - from);
        os.flush();
        sleep(totalMillis / pieces);
      }
      os.close();
    } catch (IOException clientGone) {
      slowAbandoned.incrementAndGet();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void send(HttpExchange ex, int code, String body) throws IOException {
    send(ex, code, utf8(body));
  }

  private static void send(HttpExchange ex, int code, byte[] b) throws IOException {
    ex.getResponseHeaders().putIfAbsent("Content-Type", List.of("application/json"));
    try {
      ex.sendResponseHeaders(code, b.length);
      try (OutputStream os = ex.getResponseBody()) {
        os.write(b);
      }
    } catch (IOException clientGone) {
      // the client timed out first (a hang): nothing to do
    }
  }

  @Override
  public void close() {
    server.stop(0);
    pool.shutdownNow();
  }
}
