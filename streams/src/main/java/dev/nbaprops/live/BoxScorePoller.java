package dev.nbaprops.live;

import dev.nbaprops.avro.raw.PlayerBoxScore;
import dev.nbaprops.source.Parsed;
import dev.nbaprops.source.SourceKind;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Polls the live box score of every followed game that is due ({@link LiveGames#due}). An in-progress box score
 * (gameStatus 1 or 2) only updates the in-game state; a final one (gameStatus 3) produces each player's line to
 * {@code nba.raw.player-box-score}, and a later poll that finds a line changed (a stat correction) produces that
 * line again, which the topology treats as a correction. The games due are requested together (at most
 * {@value #MAX_IN_FLIGHT} at a time) and processed in order. A game that cannot be fetched is retried at the next
 * poll; the others are processed anyway.
 */
public final class BoxScorePoller implements Poller {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(BoxScorePoller.class);
  private final String urlTemplate;
  private final HttpFeed http;
  private final LiveGames games;
  private final Outbox outbox;
  private final PollerHealth health;
  private final Duration finalRecheck;
  private final Duration finalWatch;

  /** @param urlTemplate with {@code {gameId}} where the game id goes */
  public BoxScorePoller(String urlTemplate, Duration interval, Duration finalRecheck, Duration finalWatch,
                        HttpFeed http, LiveGames games, Outbox outbox) {
    this.urlTemplate = urlTemplate;
    this.http = http;
    this.games = games;
    this.outbox = outbox;
    this.finalRecheck = finalRecheck;
    this.finalWatch = finalWatch;
    this.health = new PollerHealth("boxscore", interval);
  }

  @Override
  public PollerHealth health() {
    return health;
  }

  public String url(String gameId) {
    return urlTemplate.replace("{gameId}", gameId);
  }

  /**
   * Box scores fetched at once, at most: the games due are requested together (a night's games often end within
   * minutes of each other), so the round takes about one request's time instead of one per game; the cap keeps a
   * full slate polite to the CDN.
   */
  static final int MAX_IN_FLIGHT = 8;

  @Override
  public int poll(Instant now) throws FeedException {
    int queued = 0;
    List<String> failed = new ArrayList<>();
    FeedException first = null;
    List<String> due = List.copyOf(games.due(now, health.interval(), finalRecheck, finalWatch));
    HttpFeed.Pending[] requests = new HttpFeed.Pending[due.size()];
    RuntimeException[] notStarted = new RuntimeException[due.size()];
    int next = 0;
    try {
      for (int i = 0; i < due.size() && !Thread.currentThread().isInterrupted(); i++) {
        while (next < due.size() && next - i < MAX_IN_FLIGHT) {
          try {
            requests[next] = http.start(url(due.get(next)));
          } catch (RuntimeException e) { // e.g. a game id that makes no URL: that game's failure
            notStarted[next] = e;
          }
          next++;
        }
        String gameId = due.get(i);
        String url = url(gameId);
        try {
          if (notStarted[i] != null) {
            throw notStarted[i];
          }
          HttpFeed.Pending request = requests[i];
          requests[i] = null;
          LiveBoxScoreParser.Game g = LiveBoxScoreParser.parse(http.await(request).body());
          if (!g.gameId().equals(gameId)) {
            throw new FeedException(FeedException.Kind.MALFORMED, url + " returned game " + g.gameId());
          }
          games.fromBoxScore(g, now);
          games.polled(gameId, now);
          if (g.isFinal()) {
            queued += outbox.offer(finalRecords(g, url, now), now);
          }
        } catch (FeedException | RuntimeException e) {
          // One game's failure (the feed, or a defect on its payload) is that game's: the others go on.
          FeedException f;
          if (e instanceof FeedException fe) {
            f = fe;
          } else {
            LOG.error("live box score of game {}: unexpected failure; the game is fetched again at the next poll",
                gameId, e);
            f = new FeedException(FeedException.Kind.MALFORMED, "unexpected " + e + " on " + HttpFeed.redact(url),
                null, e);
          }
          failed.add(gameId);
          if (first == null || first.retryAfter() == null && f.retryAfter() != null) {
            first = f;
          }
        }
      }
    } finally {
      for (HttpFeed.Pending p : requests) {
        if (p != null) {
          p.cancel(); // only when the poll ended early (interrupted)
        }
      }
    }
    if (first != null) {
      health.addRecords(queued);
      throw new FeedException(first.kind(), (failed.size() > 1 ? failed.size() + " games failed, e.g. " : "")
          + first.getMessage(), first.retryAfter(), first);
    }
    return queued;
  }

  static List<LiveRecord> finalRecords(LiveBoxScoreParser.Game g, String url, Instant now) {
    List<LiveRecord> out = new ArrayList<>();
    int line = 0;
    for (LiveBoxScoreParser.PlayerLine p : g.players()) {
      line++;
      if (p.parsed() instanceof Parsed.Ok<PlayerBoxScore> ok) {
        out.add(new LiveRecord(SourceKind.BOX_SCORES.topic(), ok.key(), ok.value(), ok.eventTime(),
            "box|" + g.gameId() + "|" + ok.value().getPlayerId(), LiveRecord.digestOf(ok.value())));
      } else if (p.parsed() instanceof Parsed.Rejected<PlayerBoxScore> r) {
        out.add(DeadLetters.of(SourceKind.BOX_SCORES.cliName(), HttpFeed.redact(url), line, r.reason(),
            String.join(",", p.columns().values()), now));
      }
    }
    return out;
  }
}
