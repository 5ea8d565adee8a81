package dev.nbaprops.live;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.nbaprops.query.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The live run's HTTP endpoints, mounted on the query API under {@code /live}:
 * <pre>
 *   GET /live/health            pollers' health (last success, last error, consecutive failures, lag), producer
 *                               queue, game counts; 200 when healthy, 503 when degraded
 *   GET /live/metrics           the same as Prometheus text (LiveMetrics#prometheus)
 *   GET /live/games             in-game state of every followed game (scoreboard + last live box score)
 *   GET /live/games/{game_id}   one game's in-game state, 404 when not followed
 * </pre>
 */
public final class LiveHttpHandler implements HttpHandler {
  public static final String PATH = "/live";
  private static final Pattern GAME = Pattern.compile("/live/games/(\\d{10})");

  private final LiveMetrics metrics;
  private final LiveGames games;
  private final Clock clock;

  public LiveHttpHandler(LiveMetrics metrics, LiveGames games, Clock clock) {
    this.metrics = metrics;
    this.games = games;
    this.clock = clock;
  }

  @Override
  public void handle(HttpExchange ex) throws IOException {
    try (ex) {
      if (!"GET".equals(ex.getRequestMethod())) {
        json(ex, 405, Map.of("error", "only GET is supported"));
        return;
      }
      String path = ex.getRequestURI().getPath();
      Matcher m;
      if (path.equals("/live/health") || path.equals("/live") || path.equals("/live/")) {
        json(ex, metrics.healthy(clock.instant()) ? 200 : 503, metrics.json(clock.instant()));
      } else if (path.equals("/live/metrics")) {
        byte[] body = metrics.prometheus(clock.instant()).getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
        send(ex, 200, body);
      } else if (path.equals("/live/games")) {
        json(ex, 200, Map.of("games", games.all()));
      } else if ((m = GAME.matcher(path)).matches()) {
        var g = games.game(m.group(1));
        if (g.isPresent()) {
          json(ex, 200, g.get());
        } else {
          json(ex, 404, Map.of("error", "game " + m.group(1) + " is not followed by this live run"));
        }
      } else {
        json(ex, 404, Map.of("error", "unknown path " + path + " (see /live/health, /live/metrics, /live/games)"));
      }
    }
  }

  private static void json(HttpExchange ex, int code, Object body) throws IOException {
    ex.getResponseHeaders().set("Content-Type", "application/json");
    send(ex, code, Json.bytes(body));
  }

  private static void send(HttpExchange ex, int code, byte[] body) throws IOException {
    ex.sendResponseHeaders(code, body.length);
    try (OutputStream os = ex.getResponseBody()) {
      os.write(body);
    }
  }
}
