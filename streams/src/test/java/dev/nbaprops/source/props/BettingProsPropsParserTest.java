package dev.nbaprops.source.props;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nbaprops.avro.raw.PropLine;
import dev.nbaprops.source.Parsed;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class BettingProsPropsParserTest {
  static final Instant FETCHED = Instant.parse("2023-10-24T23:20:00Z");
  final BettingProsPropsParser parser = new BettingProsPropsParser(SliceMatcher.get());

  static List<PropLine> ok(List<Parsed<PropLine>> r) {
    return OddsApiEventOddsParserTest.ok(r);
  }

  static List<String> rejected(List<Parsed<PropLine>> r) {
    return OddsApiEventOddsParserTest.rejected(r);
  }

  @Test
  void fixtureBuiltFromDocumentedFields() {
    List<Parsed<PropLine>> r = parser.parse(SliceMatcher.fixture("bettingpros_props_LAL_at_DEN_2023-10-24.json"),
        FETCHED);
    assertThat(rejected(r)).isEmpty();
    List<PropLine> lines = ok(r);
    assertThat(lines).extracting(PropLine::getPlayerName)
        .containsExactly("Nikola Jokic", "LeBron James", "Anthony Davis", "Jamal Murray", "Aaron Gordon");
    assertThat(lines).extracting(PropLine::getPlayerId)
        .containsExactly(203999L, 2544L, 203076L, 1627750L, 203932L);
    assertThat(lines).allSatisfy(l -> {
      assertThat(l.getSource()).isEqualTo("BETTINGPROS");
      assertThat(l.getBookmaker()).isEqualTo("BettingPros Consensus");
      assertThat(l.getMarket()).isEqualTo("player_points_rebounds_assists");
      assertThat(l.getSnapshotTs()).isEqualTo(FETCHED);
      assertThat(l.getEventId()).isEqualTo("21001");
      assertThat(l.getEventDate()).isEqualTo("2023-10-24");
      assertThat(l.getHomeTeam()).isEqualTo("Denver Nuggets");
      assertThat(l.getAwayTeam()).isEqualTo("Los Angeles Lakers");
      assertThat(l.getGameId()).isEqualTo("0022300061");
    });
    PropLine jokic = lines.get(0);
    assertThat(jokic.getLine()).isEqualTo(47.5);
    assertThat(jokic.getOverPrice()).isEqualTo(-120);
    assertThat(jokic.getUnderPrice()).isEqualTo(-105);
    Parsed.Ok<PropLine> first = (Parsed.Ok<PropLine>) r.get(0);
    assertThat(first.key()).isEqualTo("203999");
    assertThat(first.eventTime()).isEqualTo(FETCHED.toEpochMilli());
  }

  static String doc(String props, String events) {
    return """
        {"_parameters": {"sport": "NBA", "date": "2023-10-24"}, "_pagination": {"page": 1},
         "props": [%s], "events": [%s]}""".formatted(props, events);
  }

  static String prop(int eventId, int marketId, String first, String last, String team, String line) {
    return """
        {"event_id": %d, "market_id": %d,
         "participant": {"id": "9", "name": "%s %s", "player": {"first_name": "%s", "last_name": "%s",
          "team": "%s"}},
         "over": {"line": %s, "odds": -110, "consensus_line": %s, "consensus_odds": -110},
         "under": {"line": %s, "odds": -110, "consensus_line": %s, "consensus_odds": -110}}"""
        .formatted(eventId, marketId, first, last, first, last, team, line, line, line, line);
  }

  @Test
  void withoutEventsTheGameComesFromThePlayersTeamAndTheRequestDate() {
    List<Parsed<PropLine>> r = parser.parse(doc(prop(77, 156, "Aaron", "Gordon", "DEN", "14.5"), ""), FETCHED);
    PropLine l = ok(r).get(0);
    assertThat(l.getGameId()).isEqualTo("0022300061");
    assertThat(l.getMarket()).isEqualTo("player_points");
    assertThat(l.getLine()).isEqualTo(14.5);
  }

  @Test
  void playerObjectAtTopLevelAndNoParticipantName() {
    String p = """
        {"event_id": 21001, "market_id": 338, "player": {"first_name": "LeBron", "last_name": "James", "team": "LAL"},
         "over": {"consensus_line": 38.5, "consensus_odds": -105}, "under": {"consensus_odds": -120}}""";
    List<Parsed<PropLine>> r = parser.parse(doc(p, "{\"id\": 21001, \"home\": \"DEN\", \"visitor\": \"LAL\","
        + " \"scheduled\": \"2023-10-24 19:30:00\"}"), FETCHED);
    assertThat(ok(r)).singleElement().satisfies(l -> {
      assertThat(l.getPlayerName()).isEqualTo("LeBron James");
      assertThat(l.getPlayerId()).isEqualTo(2544L);
    });
  }

  @Test
  void badInputIsRejectedWithTheReason() {
    assertThat(rejected(parser.parse("{oops", FETCHED))).singleElement().asString().startsWith("unparseable JSON");
    assertThat(rejected(parser.parse("{\"events\": []}", FETCHED)))
        .containsExactly("not a BettingPros v3/props response: no props array");
    assertThat(rejected(parser.parse(doc(prop(77, 156, "Aaron", "Gordon", "DEN", "14.5"), ""), null)))
        .singleElement().asString().startsWith("no snapshot time");
    String events = "{\"id\": 21001, \"home\": \"DEN\", \"visitor\": \"LAL\", \"scheduled\": \"2023-10-24\"}";
    assertThat(rejected(parser.parse(doc(String.join(",",
        prop(21001, 999, "Aaron", "Gordon", "DEN", "14.5"),
        prop(21001, 156, "Aaron", "Gordon", "DEN", "\"x\""),
        prop(21001, 156, "Michael", "Jordan", "DEN", "30.5"),
        "{\"market_id\": 156}",
        "{\"event_id\": 5, \"market_id\": 156, \"over\": {\"consensus_line\": 1.5}}",
        prop(88, 156, "Aaron", "Gordon", "", "14.5")), events), FETCHED))).containsExactly(
            "prop 1 (event 21001): unknown market_id 999",
            "prop 2 (event 21001): missing or non-numeric over.consensus_line",
            "no player named 'Michael Jordan' on DEN or LAL in 2023-24",
            "prop 4: missing event_id",
            "prop 5 (event 5): missing player name (participant.name or player.first_name/last_name)",
            "prop 6 (event 88): event not in the response's events[] and no player team and _parameters.date to "
                + "find the game");
    String unknownTeam = "{\"id\": 21001, \"home\": \"SEA\", \"visitor\": \"LAL\", \"scheduled\": \"2023-10-24\"}";
    assertThat(rejected(parser.parse(doc(prop(21001, 156, "Aaron", "Gordon", "DEN", "14.5"), unknownTeam),
        FETCHED))).containsExactly("unknown team 'SEA'");
  }
}
