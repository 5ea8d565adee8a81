package dev.nbaprops.live;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.nbaprops.query.Json;
import dev.nbaprops.query.QueryServer;
import java.security.MessageDigest;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The live run's HTTP endpoints, mounted on the query API under {@code /live} (behind its token):
 * <pre>
 *   GET /live/health            pollers' health (last success, last error, consecutive failures, lag), producer
 *                               queue, game counts; 200 when healthy, 503 when degraded
 *   GET /live/metrics           the same as Prometheus text (LiveMetrics#prometheus)
 *   GET /live/games             in-game state of every followed game (scoreboard + last live box score)
 *   GET /live/games/{game_id}   one game's in-game state, 404 when not followed
 * </pre>
 */
public final class LiveHttpHandler implements HttpHandler, QueryServer.Mount {
  public static final String PATH = "/live";
  private static final Pattern GAME = Pattern.compile("/live/games/(\\d{10})");

  private final LiveMetrics metrics;
  private final LiveGames games;
  private final Clock clock;
  private String token = "";

  public LiveHttpHandler(LiveMetrics metrics, LiveGames games, Clock clock) {
    this.metrics = metrics;
    this.games = games;
    this.clock = clock;
  }

  /**
   * The answer to a request of {@code /live/*}, whatever serves it: the query API mounts this (behind its token,
   * limits and pools); {@code live --produce-only} serves it on the JDK server through {@link #handle}.
   */
  @Override
  public QueryServer.MountReply answer(String method, String path) {
    if (!"GET".equals(method)) {
      return json(405, Json.ordered("error", "only GET is supported", "code", "method_not_allowed"));
    }
    Matcher m;
    if (path.equals("/live/health") || path.equals("/live") || path.equals("/live/")) {
      return json(metrics.healthy(clock.instant()) ? 200 : 503, metrics.json(clock.instant()));
    } else if (path.equals("/live/metrics")) {
      return new QueryServer.MountReply(200, "text/plain; version=0.0.4; charset=utf-8",
          metrics.prometheus(clock.instant()).getBytes(StandardCharsets.UTF_8));
    } else if (path.equals("/live/games")) {
      return json(200, Map.of("games", games.all()));
    } else if ((m = GAME.matcher(path)).matches()) {
      var g = games.game(m.group(1));
      return g.isPresent() ? json(200, g.get()) : json(404, Json.ordered("error", "game " + m.group(1)
          + " is not followed by this live run", "code", "not_found"));
    }
    return json(404, Json.ordered("error", "unknown path " + path + " (see /live/health, /live/metrics, /live/games)",
        "code", "not_found"));
  }

  /** Requires {@code Authorization: Bearer <token>} on the JDK server too (empty: no token). */
  public LiveHttpHandler requireToken(String token) {
    this.token = token == null ? "" : token;
    return this;
  }

  @Override
  public void handle(HttpExchange ex) throws IOException {
    try (ex) {
      QueryServer.MountReply r;
      String h = ex.getRequestHeaders().getFirst("Authorization");
      if (!token.isEmpty() && (h == null || !MessageDigest.isEqual(("Bearer " + token).getBytes(StandardCharsets.UTF_8),
          h.getBytes(StandardCharsets.UTF_8)))) {
        ex.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"nba-props\"");
        r = json(401, Json.ordered("error", "this endpoint needs 'Authorization: Bearer <query.auth.token>'",
            "code", "unauthorized"));
      } else {
        r = answer(ex.getRequestMethod(), ex.getRequestURI().getPath());
      }
      ex.getResponseHeaders().set("Content-Type", r.contentType());
      ex.sendResponseHeaders(r.status(), r.body().length);
      try (OutputStream os = ex.getResponseBody()) {
        os.write(r.body());
      }
    }
  }

  private static QueryServer.MountReply json(int code, Object body) {
    return new QueryServer.MountReply(code, "application/json", Json.bytes(body));
  }
}
