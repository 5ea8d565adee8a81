package dev.nbaprops.live;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nbaprops.avro.raw.PropLine;
import dev.nbaprops.source.Parsed;
import dev.nbaprops.source.SourceKind;
import dev.nbaprops.source.props.Aliases;
import dev.nbaprops.source.props.OddsApiEventOddsParser;
import dev.nbaprops.source.props.PropMatcher;
import dev.nbaprops.source.props.ScheduleIndex;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Polls The Odds API v4 for player-prop lines: {@code GET /v4/sports/basketball_nba/events} (the upcoming events,
 * free of quota), then for each event that starts within {@code lookahead} and started no more than
 * {@code stopAfterStart} ago {@code GET /v4/sports/basketball_nba/events/{id}/odds?regions=..&markets=..
 * &oddsFormat=american}. Each response is parsed by {@link OddsApiEventOddsParser} with the fetch time as the
 * snapshot time, and names are matched by {@link PropMatcher} (data-file schedule plus the scoreboard's games).
 * A line is produced when it is new or its line or prices changed for that (event, market, bookmaker, player);
 * an unchanged line is not sent again. Quota headers ({@code x-requests-remaining}, {@code x-requests-used})
 * are reported as gauges.
 */
public final class OddsPoller implements Poller {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SPORT = "basketball_nba";

  /** What to ask the API for. */
  public record Settings(String baseUrl, String apiKey, String regions, String markets, String bookmakers,
                         Duration interval, Duration lookahead, Duration stopAfterStart) {}

  private final Settings s;
  private final HttpFeed http;
  private final Outbox outbox;
  private final LiveGames games;
  private final Supplier<PropMatcher> baseMatcher;
  private final PollerHealth health;
  private PropMatcher matcher;
  private int matcherExtraGames = -1;

  public OddsPoller(Settings settings, HttpFeed http, LiveGames games, Supplier<PropMatcher> baseMatcher,
                    Outbox outbox) {
    this.s = settings;
    this.http = http;
    this.games = games;
    this.baseMatcher = baseMatcher;
    this.outbox = outbox;
    this.health = new PollerHealth("odds", settings.interval());
  }

  @Override
  public PollerHealth health() {
    return health;
  }

  String eventsUrl() {
    return s.baseUrl() + "/v4/sports/" + SPORT + "/events?apiKey=" + enc(s.apiKey()) + "&dateFormat=iso";
  }

  String oddsUrl(String eventId) {
    String u = s.baseUrl() + "/v4/sports/" + SPORT + "/events/" + enc(eventId) + "/odds?apiKey=" + enc(s.apiKey())
        + "&regions=" + enc(s.regions()) + "&markets=" + enc(s.markets()) + "&oddsFormat=american&dateFormat=iso";
    return s.bookmakers() == null || s.bookmakers().isBlank() ? u : u + "&bookmakers=" + enc(s.bookmakers());
  }

  @Override
  public int poll(Instant now) throws FeedException {
    HttpFeed.Response er = http.get(eventsUrl());
    JsonNode events = json(er.body(), "events");
    if (!events.isArray()) {
      throw new FeedException(FeedException.Kind.MALFORMED, "events response is not an array");
    }
    OddsApiEventOddsParser parser = new OddsApiEventOddsParser(matcher());
    int queued = 0;
    FeedException first = null;
    int failed = 0;
    for (JsonNode ev : events) {
      String id = ev.path("id").asText("");
      Instant commence;
      try {
        commence = Instant.parse(ev.path("commence_time").asText(""));
      } catch (RuntimeException e) {
        continue; // not an event we can time; its odds would be rejected anyway
      }
      if (id.isEmpty() || commence.isAfter(now.plus(s.lookahead())) || now.isAfter(commence.plus(s.stopAfterStart()))) {
        continue;
      }
      String url = oddsUrl(id);
      try {
        HttpFeed.Response r = http.get(url);
        quota(r);
        JsonNode body = json(r.body(), "event odds");
        queued += outbox.offer(records(parser.parse(body, now), url, now, games), now);
      } catch (FeedException e) {
        failed++;
        if (first == null) {
          first = e;
        }
      }
    }
    if (first != null) {
      health.addRecords(queued);
      throw new FeedException(first.kind(), (failed > 1 ? failed + " events failed, e.g. " : "") + first.getMessage(),
          first.retryAfter(), first);
    }
    return queued;
  }

  /**
   * The records of parsed lines. A line's start is its event's {@code commence_time}, or earlier when the league's
   * feeds already showed the game in progress ({@link LiveGames#startedBy}): a game that tipped off early never
   * takes a line snapshotted after it started.
   */
  static List<LiveRecord> records(List<Parsed<PropLine>> parsed, String url, Instant now, LiveGames games) {
    List<LiveRecord> out = new ArrayList<>();
    int line = 0;
    for (Parsed<PropLine> p : parsed) {
      line++;
      if (p instanceof Parsed.Ok<PropLine> ok) {
        PropLine v = ok.value();
        Instant started = games.startedBy(v.getGameId()).orElse(null);
        if (started != null && (v.getGameStart() == null || started.isBefore(v.getGameStart()))) {
          v = PropLine.newBuilder(v).setGameStart(started).setGameStartSource("FEED").build();
        }
        // Content without the snapshot time: a line re-fetched unchanged is not a new record.
        PropLine content = PropLine.newBuilder(v).setSnapshotTs(Instant.EPOCH).build();
        String changeKey = "prop|" + v.getSource() + "|" + v.getEventId() + "|" + v.getMarket() + "|"
            + v.getBookmaker() + "|" + v.getPlayerId();
        out.add(new LiveRecord(SourceKind.PROPS.topic(), ok.key(), v, ok.eventTime(), changeKey,
            LiveRecord.digestOf(content)));
      } else if (p instanceof Parsed.Rejected<PropLine> r) {
        out.add(DeadLetters.of(SourceKind.PROPS.cliName(), HttpFeed.redact(url), line, r.reason(), null, now));
      }
    }
    return out;
  }

  private void quota(HttpFeed.Response r) {
    for (String h : List.of("x-requests-remaining", "x-requests-used", "x-requests-last")) {
      r.headers().firstValue(h).ifPresent(v -> {
        try {
          health.gauge(h.replace('-', '_'), Double.parseDouble(v.strip()));
        } catch (NumberFormatException ignored) {
          // not a number: not reported
        }
      });
    }
  }

  /** The data-file matcher, extended with the games the scoreboard announced (rebuilt when new ones appear). */
  private synchronized PropMatcher matcher() {
    List<ScheduleIndex.Game> extra = games.scheduleGames();
    if (matcher == null || extra.size() != matcherExtraGames) {
      PropMatcher base = baseMatcher.get();
      if (extra.isEmpty()) {
        matcher = base;
      } else {
        Map<String, ScheduleIndex.Game> all = new HashMap<>();
        extra.forEach(g -> all.put(g.gameId(), g));
        base.schedule().games().forEach(g -> all.put(g.gameId(), g)); // the data files win for games they have
        matcher = new PropMatcher(base.players(), ScheduleIndex.of(all.values()), Aliases.bundled());
      }
      matcherExtraGames = extra.size();
    }
    return matcher;
  }

  private static JsonNode json(String body, String what) throws FeedException {
    try {
      JsonNode n = JSON.readTree(body);
      if (n == null || n.isMissingNode()) {
        throw new FeedException(FeedException.Kind.MALFORMED, what + " response is empty");
      }
      return n;
    } catch (java.io.IOException e) {
      throw new FeedException(FeedException.Kind.MALFORMED, what + " response is not JSON: "
          + e.getMessage().lines().findFirst().orElse(""), null, e);
    }
  }

  private static String enc(String v) {
    return URLEncoder.encode(v == null ? "" : v, StandardCharsets.UTF_8);
  }
}
