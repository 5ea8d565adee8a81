package dev.nbaprops.source.props;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nbaprops.avro.raw.PropLine;
import dev.nbaprops.source.Parsed;
import dev.nbaprops.source.props.ScheduleIndex.Game;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Parses The Odds API v4 event-odds JSON for player markets into one {@link PropLine} per (bookmaker, market,
 * player): the Over and Under outcomes of a player are paired, {@code line} = their {@code point}, prices from the
 * two outcomes. Accepted shapes (see docs/prop-feeds.md for the fields relied on and where they are documented):
 * <ul>
 *   <li>the event object of {@code GET /v4/sports/{sport}/events/{eventId}/odds}: {@code id, sport_key,
 *   commence_time, home_team, away_team, bookmakers[{key, title, last_update, markets[{key, last_update,
 *   outcomes[{name: Over|Under, description: player, price, point}]}]}]};</li>
 *   <li>the historical wrapper of {@code GET /v4/historical/sports/{sport}/events/{eventId}/odds}: {@code
 *   {timestamp, previous_timestamp, next_timestamp, data: <event>}}, whose {@code timestamp} is the snapshot
 *   time;</li>
 *   <li>an array of events, or a wrapper whose {@code data} is one (the sport-level odds endpoints).</li>
 * </ul>
 * Snapshot time: the wrapper's {@code timestamp}; else the time the caller fetched the live response; else the
 * market's {@code last_update}, else the bookmaker's. Prices may be American or decimal ({@code oddsFormat});
 * decimal prices are converted to American. Non-player markets and {@code *_alternate} markets are rejected with
 * a reason, as are outcomes without a player, point or price, a player with more than one line in one market,
 * and games or players that cannot be matched.
 */
public final class OddsApiEventOddsParser {
  public static final String SOURCE = "ODDS_API";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final PropMatcher matcher;

  public OddsApiEventOddsParser(PropMatcher matcher) {
    this.matcher = matcher;
  }

  /** A historical response (snapshot time = its {@code timestamp}) or a live one timed by {@code last_update}. */
  public List<Parsed<PropLine>> parse(String json) {
    return parse(json, null);
  }

  /** {@code fetchedAt}: when a live response was fetched (used when the body has no snapshot timestamp). */
  public List<Parsed<PropLine>> parse(String json, Instant fetchedAt) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      return List.of(Parsed.rejected("unparseable JSON: " + firstLine(e.getOriginalMessage())
          + OddsApiEventOddsParser.at(e)));
    }
    if (root == null || root.isMissingNode()) {
      return List.of(Parsed.rejected("empty JSON document"));
    }
    return parse(root, fetchedAt);
  }

  /** Where a JSON syntax error is (" (line L, column C)"), or nothing when unknown. */
  static String at(JsonProcessingException e) {
    var loc = e.getLocation();
    return loc == null ? "" : " (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")";
  }

  public List<Parsed<PropLine>> parse(JsonNode root, Instant fetchedAt) {
    List<Parsed<PropLine>> out = new ArrayList<>();
    Instant snapshot = fetchedAt;
    JsonNode body = root;
    if (root.isObject() && root.has("data") && !root.has("bookmakers")) {
      try {
        snapshot = instant(root, "timestamp");
      } catch (Odds.BadInput e) {
        return List.of(Parsed.rejected("historical response: " + e.getMessage()));
      }
      body = root.get("data");
    }
    if (body.isArray()) {
      for (JsonNode event : body) {
        parseEvent(event, snapshot, out);
      }
    } else if (body.isObject()) {
      parseEvent(body, snapshot, out);
    } else {
      out.add(Parsed.rejected("not an Odds API event-odds response (expected an event object, got "
          + body.getNodeType() + ")"));
    }
    return out;
  }

  private void parseEvent(JsonNode event, Instant snapshot, List<Parsed<PropLine>> out) {
    String eventId;
    String home;
    String away;
    Instant commence;
    try {
      Odds.check(event.isObject(), "event is not a JSON object");
      eventId = text(event, "id");
      home = text(event, "home_team");
      away = text(event, "away_team");
      commence = event.hasNonNull("commence_time") ? instant(event, "commence_time") : null;
      Odds.check(event.has("bookmakers") && event.get("bookmakers").isArray(), "missing bookmakers array");
    } catch (Odds.BadInput e) {
      out.add(Parsed.rejected("event " + event.path("id").asText("?") + ": " + e.getMessage()));
      return;
    }
    PropMatcher.GameMatch gm = null; // resolved once per event, on the first line (needs a snapshot time)
    for (JsonNode bm : event.get("bookmakers")) {
      String book = bm.path("title").asText(bm.path("key").asText(""));
      if (book.isBlank()) {
        out.add(Parsed.rejected("event " + eventId + ": bookmaker without key or title"));
        continue;
      }
      Instant bookUpdate = optInstant(bm, "last_update");
      if (!bm.path("markets").isArray()) {
        out.add(Parsed.rejected("event " + eventId + ", " + book + ": missing markets array"));
        continue;
      }
      for (JsonNode market : bm.get("markets")) {
        String marketKey = market.path("key").asText("");
        String where = "event " + eventId + ", " + book + ", " + (marketKey.isEmpty() ? "?" : marketKey);
        if (marketKey.isEmpty()) {
          out.add(Parsed.rejected(where + ": market without key"));
          continue;
        }
        if (!marketKey.startsWith("player_")) {
          out.add(Parsed.rejected(where + ": not a player market"));
          continue;
        }
        if (marketKey.endsWith("_alternate")) {
          out.add(Parsed.rejected(where + ": alternate-line market, not used"));
          continue;
        }
        Instant marketUpdate = optInstant(market, "last_update");
        Instant snap = snapshot != null ? snapshot : marketUpdate != null ? marketUpdate : bookUpdate;
        if (snap == null) {
          out.add(Parsed.rejected(where + ": no snapshot time (no historical timestamp, fetch time or "
              + "last_update)"));
          continue;
        }
        if (gm == null || snapshot == null) {
          gm = matcher.matchGameAt(home, away, commence, snap);
        }
        String eventDate = (commence != null ? commence : snap).atZone(ZoneOffset.UTC).toLocalDate().toString();
        Map<String, Map<Double, JsonNode[]>> byPlayer = new LinkedHashMap<>();
        int i = 0;
        for (JsonNode o : market.path("outcomes")) {
          i++;
          try {
            String side = o.path("name").asText("");
            Odds.check(side.equalsIgnoreCase("Over") || side.equalsIgnoreCase("Under"),
                "outcome name '" + side + "' is not Over/Under");
            String player = text(o, "description");
            Odds.check(o.has("point") && o.get("point").isNumber(), "missing or non-numeric point");
            Odds.check(o.has("price") && o.get("price").isNumber(), "missing or non-numeric price");
            double point = Odds.line(o.get("point").asDouble(), "point");
            JsonNode[] pair = byPlayer.computeIfAbsent(player, k -> new TreeMap<>())
                .computeIfAbsent(point, k -> new JsonNode[2]);
            int idx = side.equalsIgnoreCase("Over") ? 0 : 1;
            Odds.check(pair[idx] == null, "two " + side + " outcomes for " + player + " at " + point);
            pair[idx] = o;
          } catch (Odds.BadInput e) {
            out.add(Parsed.rejected(where + ", outcome " + i + ": " + e.getMessage()));
          }
        }
        for (var e : byPlayer.entrySet()) {
          String player = e.getKey();
          Map<Double, JsonNode[]> points = e.getValue();
          if (points.size() > 1) {
            out.add(Parsed.rejected(where + ": " + points.size() + " different lines " + points.keySet()
                + " for " + player + " (alternate lines?)"));
            continue;
          }
          var only = points.entrySet().iterator().next();
          out.add(line(gm, eventId, eventDate, home, away, book, marketKey, snap, player, only.getKey(),
              only.getValue(), where, commence));
        }
      }
    }
  }

  private Parsed<PropLine> line(PropMatcher.GameMatch gm, String eventId, String eventDate, String home,
                                String away, String book, String market, Instant snap, String player,
                                double point, JsonNode[] pair, String where, Instant commence) {
    try {
      Integer over = pair[0] == null ? null : Odds.american(pair[0].get("price").asDouble(), "Over price");
      Integer under = pair[1] == null ? null : Odds.american(pair[1].get("price").asDouble(), "Under price");
      if (!gm.matched()) {
        return Parsed.rejected(gm.reason());
      }
      Game game = gm.game();
      PropMatcher.PlayerMatch pm = matcher.matchPlayer(game, player);
      if (!pm.matched()) {
        return Parsed.rejected(pm.reason());
      }
      PropLine.Builder b = PropLine.newBuilder()
          .setSource(SOURCE).setSnapshotTs(snap).setEventId(eventId).setEventDate(eventDate)
          .setHomeTeam(home).setAwayTeam(away).setPlayerName(player).setBookmaker(book).setMarket(market)
          .setLine(point).setOverPrice(over).setUnderPrice(under);
      PropLine p = PropMatcher.resolved(b, game, pm.playerId(), pm.rule(), commence).build();
      return Parsed.ok(Long.toString(pm.playerId()), p, snap.toEpochMilli());
    } catch (Odds.BadInput e) {
      return Parsed.rejected(where + ", " + player + ": " + e.getMessage());
    }
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    Odds.check(v != null && v.isTextual() && !v.asText().isBlank(), "missing " + field);
    return v.asText().trim();
  }

  /** ISO-8601 ({@code dateFormat=iso}, the default) or epoch seconds ({@code dateFormat=unix}). */
  private static Instant instant(JsonNode n, String field) {
    JsonNode node = n.get(field);
    if (node != null && node.isIntegralNumber()) {
      return Instant.ofEpochSecond(node.asLong());
    }
    String v = text(n, field);
    try {
      return Instant.parse(v);
    } catch (DateTimeParseException e) {
      throw new Odds.BadInput(field + " is not an ISO-8601 UTC timestamp: '" + v + "'");
    }
  }

  private static Instant optInstant(JsonNode n, String field) {
    if (!n.hasNonNull(field)) {
      return null;
    }
    try {
      return instant(n, field);
    } catch (Odds.BadInput e) {
      return null;
    }
  }

  static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
