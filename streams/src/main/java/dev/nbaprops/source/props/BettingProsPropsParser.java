package dev.nbaprops.source.props;

import dev.nbaprops.source.Teams;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nbaprops.avro.raw.PropLine;
import dev.nbaprops.source.Parsed;
import dev.nbaprops.source.props.ScheduleIndex.Game;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses a BettingPros {@code GET api.bettingpros.com/v3/props} response into one {@link PropLine} per prop, with
 * {@code source = BETTINGPROS} and {@code bookmaker = "BettingPros Consensus"}: {@code line} = the consensus line
 * ({@code over.consensus_line}), prices = {@code over.consensus_odds} / {@code under.consensus_odds}. The response
 * carries no snapshot time, so the caller passes the time it was fetched.
 *
 * <p>Fields relied on (see docs/prop-feeds.md for where they are documented): {@code props[].event_id},
 * {@code props[].market_id}, {@code props[].participant.name}, {@code props[].participant.player.{first_name,
 * last_name, team}} (or {@code props[].player.*}), {@code props[].over.consensus_line}, {@code
 * props[].over.consensus_odds}, {@code props[].under.consensus_odds}; the game from {@code events[]} (present with
 * {@code include_events=true}: {@code id, home, visitor, scheduled}), or else from the player's team and the
 * request date {@code _parameters.date}.
 */
public final class BettingProsPropsParser {
  public static final String SOURCE = "BETTINGPROS";
  public static final String BOOKMAKER = "BettingPros Consensus";

  /** BettingPros NBA market ids, mapped to The Odds API market keys the rest of the project uses. */
  public static final Map<Integer, String> MARKETS = Map.ofEntries(
      Map.entry(156, "player_points"),
      Map.entry(157, "player_rebounds"),
      Map.entry(151, "player_assists"),
      Map.entry(162, "player_threes"),
      Map.entry(160, "player_steals"),
      Map.entry(152, "player_blocks"),
      Map.entry(142, "player_turnovers"),
      Map.entry(335, "player_points_assists"),
      Map.entry(336, "player_points_rebounds"),
      Map.entry(337, "player_rebounds_assists"),
      Map.entry(338, "player_points_rebounds_assists"));

  private static final ObjectMapper JSON = new ObjectMapper();

  private record Event(String home, String visitor, LocalDate date) {}

  private final PropMatcher matcher;

  public BettingProsPropsParser(PropMatcher matcher) {
    this.matcher = matcher;
  }

  /** {@code fetchedAt}: when the response was fetched; it is the snapshot time of every line. */
  public List<Parsed<PropLine>> parse(String json, Instant fetchedAt) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      return List.of(Parsed.rejected("unparseable JSON: " + OddsApiEventOddsParser.firstLine(e.getOriginalMessage())
          + OddsApiEventOddsParser.at(e)));
    }
    if (root == null || !root.isObject() || !root.path("props").isArray()) {
      return List.of(Parsed.rejected("not a BettingPros v3/props response: no props array"));
    }
    if (fetchedAt == null) {
      return List.of(Parsed.rejected("no snapshot time: a BettingPros response has none, the caller must give "
          + "the fetch time"));
    }
    Map<String, Event> events = new HashMap<>();
    for (JsonNode e : root.path("events")) {
      Event ev = event(e);
      if (ev != null && e.hasNonNull("id")) {
        events.put(e.get("id").asText(), ev);
      }
    }
    LocalDate requestDate = date(root.path("_parameters").path("date").asText(null));
    List<Parsed<PropLine>> out = new ArrayList<>();
    int i = 0;
    for (JsonNode prop : root.get("props")) {
      i++;
      out.add(prop(prop, i, events, requestDate, fetchedAt));
    }
    return out;
  }

  private Parsed<PropLine> prop(JsonNode prop, int index, Map<String, Event> events, LocalDate requestDate,
                                Instant snapshot) {
    String where = "prop " + index;
    try {
      Odds.check(prop.isObject(), "not a JSON object");
      Odds.check(prop.hasNonNull("event_id"), "missing event_id");
      String eventId = prop.get("event_id").asText();
      where = "prop " + index + " (event " + eventId + ")";
      Odds.check(prop.path("market_id").canConvertToInt(), "missing or non-numeric market_id");
      int marketId = prop.get("market_id").asInt();
      String market = MARKETS.get(marketId);
      Odds.check(market != null, "unknown market_id " + marketId);

      JsonNode participant = prop.path("participant");
      JsonNode player = participant.has("player") ? participant.path("player") : prop.path("player");
      String name = participant.path("name").asText("");
      if (name.isBlank()) {
        String first = player.path("first_name").asText("");
        String last = player.path("last_name").asText("");
        name = (first + " " + last).trim();
      }
      Odds.check(!name.isBlank(), "missing player name (participant.name or player.first_name/last_name)");
      String team = player.path("team").asText("");

      JsonNode over = prop.path("over");
      JsonNode under = prop.path("under");
      Odds.check(over.path("consensus_line").isNumber(), "missing or non-numeric over.consensus_line");
      double line = Odds.line(over.get("consensus_line").asDouble(), "over.consensus_line");
      if (under.path("consensus_line").isNumber()) {
        Odds.check(under.get("consensus_line").asDouble() == line, "over and under consensus lines differ ("
            + line + " / " + under.get("consensus_line").asDouble() + ")");
      }
      Integer overPrice = price(over, "over.consensus_odds");
      Integer underPrice = price(under, "under.consensus_odds");

      Event ev = events.get(eventId);
      PropMatcher.GameMatch gm;
      LocalDate eventDate;
      if (ev != null) {
        eventDate = ev.date() != null ? ev.date() : requestDate;
        gm = matcher.matchGame(ev.home(), ev.visitor(), eventDate, snapshot);
      } else if (!team.isBlank() && requestDate != null) {
        eventDate = requestDate;
        gm = matcher.matchTeamGame(team, requestDate);
      } else {
        return Parsed.rejected(where + ": event not in the response's events[] and no player team and "
            + "_parameters.date to find the game");
      }
      PropMatcher.Match m = matcher.withPlayer(gm, name);
      if (!m.matched()) {
        return Parsed.rejected(m.reason());
      }
      Game g = m.game();
      PropLine.Builder b = PropLine.newBuilder()
          .setSource(SOURCE).setSnapshotTs(snapshot).setEventId(eventId)
          .setEventDate(eventDate == null ? g.date().toString() : eventDate.toString())
          .setHomeTeam(Teams.fullName(g.homeAbbr()).orElse(g.homeAbbr()))
          .setAwayTeam(Teams.fullName(g.awayAbbr()).orElse(g.awayAbbr()))
          .setPlayerName(name).setBookmaker(BOOKMAKER).setMarket(market)
          .setLine(line).setOverPrice(overPrice).setUnderPrice(underPrice);
      PropLine p = PropMatcher.resolved(b, g, m.playerId(), m.rule(), null).build();
      return Parsed.ok(Long.toString(m.playerId()), p, snapshot.toEpochMilli());
    } catch (Odds.BadInput e) {
      return Parsed.rejected(where + ": " + e.getMessage());
    }
  }

  private static Integer price(JsonNode side, String what) {
    JsonNode v = side.get("consensus_odds");
    if (v == null || v.isNull()) {
      return null;
    }
    Odds.check(v.isNumber(), what + " is not a number: '" + v.asText() + "'");
    return Odds.american(v.asDouble(), what);
  }

  /**
   * An entry of {@code events[]}: {@code home} and {@code visitor} are team abbreviations; some clients saw
   * participant ids there instead, resolved through {@code participants[].team.abbreviation}.
   */
  private static Event event(JsonNode e) {
    String home = team(e, "home");
    String visitor = team(e, "visitor");
    if (home == null || visitor == null) {
      return null;
    }
    return new Event(home, visitor, date(e.path("scheduled").asText(null)));
  }

  private static String team(JsonNode e, String field) {
    JsonNode v = e.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (v.isTextual()) {
      return v.asText();
    }
    for (JsonNode p : e.path("participants")) {
      if (p.path("id").asText().equals(v.asText())) {
        String abbr = p.path("team").path("abbreviation").asText("");
        return abbr.isEmpty() ? null : abbr;
      }
    }
    return null;
  }

  /** The date part of "2024-03-12", "2024-03-12 19:30:00" or "2024-03-12T23:30:00Z". */
  private static LocalDate date(String s) {
    if (s == null || s.length() < 10) {
      return null;
    }
    try {
      return LocalDate.parse(s.substring(0, 10));
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
