package dev.nbaprops.source.props;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nbaprops.avro.raw.PropLine;
import dev.nbaprops.source.Parsed;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class OddsApiEventOddsParserTest {
  final OddsApiEventOddsParser parser = new OddsApiEventOddsParser(SliceMatcher.get());

  static List<PropLine> ok(List<Parsed<PropLine>> results) {
    return results.stream().filter(p -> p instanceof Parsed.Ok<PropLine>)
        .map(p -> ((Parsed.Ok<PropLine>) p).value()).toList();
  }

  static List<String> rejected(List<Parsed<PropLine>> results) {
    return results.stream().filter(p -> p instanceof Parsed.Rejected<PropLine>)
        .map(p -> ((Parsed.Rejected<PropLine>) p).reason()).toList();
  }

  static PropLine find(List<PropLine> lines, String book, String player) {
    return lines.stream().filter(l -> l.getBookmaker().equals(book) && l.getPlayerName().equals(player))
        .findFirst().orElseThrow(() -> new AssertionError("no line " + book + " / " + player));
  }

  @Test
  void historicalWrapperOfARealGame() {
    List<Parsed<PropLine>> r = parser.parse(SliceMatcher.fixture(
        "odds_api_historical_event_odds_LAL_at_DEN_2023-10-24.json"));
    assertThat(rejected(r)).isEmpty();
    List<PropLine> lines = ok(r);
    assertThat(lines).hasSize(23);
    Instant snap = Instant.parse("2023-10-24T23:25:44Z");
    assertThat(lines).allSatisfy(l -> {
      assertThat(l.getSource()).isEqualTo("ODDS_API");
      assertThat(l.getSnapshotTs()).isEqualTo(snap);
      assertThat(l.getEventId()).isEqualTo("fd55db2fa9ee5be1f108be5151e2ecb0");
      assertThat(l.getEventDate()).isEqualTo("2023-10-24");
      assertThat(l.getHomeTeam()).isEqualTo("Denver Nuggets");
      assertThat(l.getAwayTeam()).isEqualTo("Los Angeles Lakers");
      assertThat(l.getMarket()).isEqualTo("player_points_rebounds_assists");
      assertThat(l.getGameId()).isEqualTo("0022300061");
    });
    PropLine dkJokic = find(lines, "DraftKings", "Nikola Jokic");
    assertThat(dkJokic.getLine()).isEqualTo(47.5);
    assertThat(dkJokic.getOverPrice()).isEqualTo(-120);
    assertThat(dkJokic.getUnderPrice()).isEqualTo(-105);
    assertThat(dkJokic.getPlayerId()).isEqualTo(203999L);
    PropLine riversJokic = find(lines, "BetRivers", "Nikola Jokić");
    assertThat(riversJokic.getLine()).isEqualTo(44.5);
    assertThat(riversJokic.getPlayerId()).isEqualTo(203999L);
    assertThat(find(lines, "BetOnline.ag", "Anthony Davis Jr.").getPlayerId()).isEqualTo(203076L);
    assertThat(find(lines, "Bovada", "Michael Porter Jr").getPlayerId()).isEqualTo(1629008L);
    PropLine rivLebron = find(lines, "BetRivers", "LeBron James");
    assertThat(rivLebron.getLine()).isEqualTo(40.5);
    assertThat(rivLebron.getOverPrice()).isEqualTo(140);
    assertThat(rivLebron.getUnderPrice()).isEqualTo(-205);
    assertThat(rivLebron.getPlayerId()).isEqualTo(2544L);
    // Key = player id, event time = snapshot.
    Parsed.Ok<PropLine> first = (Parsed.Ok<PropLine>) r.get(0);
    assertThat(first.key()).isEqualTo(Long.toString(first.value().getPlayerId()));
    assertThat(first.eventTime()).isEqualTo(snap.toEpochMilli());
  }

  @Test
  void liveEventOddsTimedByLastUpdateWithFeedSpellings() {
    List<Parsed<PropLine>> r = parser.parse(SliceMatcher.fixture("odds_api_event_odds_PHI_at_MIL_2023-10-26.json"));
    assertThat(rejected(r)).isEmpty();
    List<PropLine> lines = ok(r);
    assertThat(lines).hasSize(28);
    assertThat(lines).allSatisfy(l -> {
      assertThat(l.getSnapshotTs()).isEqualTo(Instant.parse("2023-10-26T23:25:42Z"));
      assertThat(l.getGameId()).isEqualTo("0022300075");
    });
    Map<String, Long> ids = lines.stream().collect(Collectors.toMap(PropLine::getPlayerName,
        PropLine::getPlayerId, (a, b) -> a));
    assertThat(ids).containsEntry("G Antetokounmpo", 203507L).containsEntry("Giannis Antetokounmpo", 203507L)
        .containsEntry("Portis, Bobby", 1626171L).containsEntry("Bobby Portis Jr.", 1626171L)
        .containsEntry("Brook Robert Lopez", 201572L).containsEntry("De'Anthony Melton", 1629001L);
    PropLine fdGiannis = find(lines, "FanDuel", "G Antetokounmpo");
    assertThat(fdGiannis.getLine()).isEqualTo(45.5);
    assertThat(fdGiannis.getOverPrice()).isEqualTo(-104);
    assertThat(fdGiannis.getUnderPrice()).isEqualTo(-122);
    assertThat(fdGiannis.getBookmaker()).isEqualTo("FanDuel");
    // A fetch time given by the caller wins over last_update.
    Instant fetched = Instant.parse("2023-10-26T23:26:00Z");
    assertThat(ok(parser.parse(SliceMatcher.fixture("odds_api_event_odds_PHI_at_MIL_2023-10-26.json"), fetched)))
        .allSatisfy(l -> assertThat(l.getSnapshotTs()).isEqualTo(fetched));
  }

  static String event(String outcomes) {
    return event("Denver Nuggets", outcomes);
  }

  static String event(String home, String outcomes) {
    return """
        {"timestamp": "2023-10-24T23:25:44Z", "previous_timestamp": null, "next_timestamp": null,
         "data": {"id": "e1", "sport_key": "basketball_nba", "commence_time": "2023-10-24T23:30:00Z",
          "home_team": "%s", "away_team": "Los Angeles Lakers",
          "bookmakers": [{"key": "draftkings", "title": "DraftKings", "last_update": "2023-10-24T23:25:00Z",
           "markets": [{"key": "player_points", "last_update": "2023-10-24T23:25:00Z", "outcomes": [%s]}]}]}}
        """.formatted(home, outcomes);
  }

  @Test
  void decimalPricesAreConvertedAndOneSidedLinesKept() {
    // oddsFormat=decimal, as in The Odds API's own historical event-odds example.
    List<Parsed<PropLine>> r = parser.parse(event("""
        {"name": "Over", "description": "LeBron James", "price": 1.91, "point": 24.5},
        {"name": "Under", "description": "LeBron James", "price": 2.5, "point": 24.5},
        {"name": "Over", "description": "Austin Reaves", "price": -115, "point": 15.5}"""));
    assertThat(rejected(r)).isEmpty();
    PropLine lebron = find(ok(r), "DraftKings", "LeBron James");
    assertThat(lebron.getMarket()).isEqualTo("player_points");
    assertThat(lebron.getOverPrice()).isEqualTo(-110);
    assertThat(lebron.getUnderPrice()).isEqualTo(150);
    PropLine reaves = find(ok(r), "DraftKings", "Austin Reaves");
    assertThat(reaves.getOverPrice()).isEqualTo(-115);
    assertThat(reaves.getUnderPrice()).isNull();
  }

  @Test
  void badOutcomesAreRejectedOneByOne() {
    List<Parsed<PropLine>> r = parser.parse(event("""
        {"name": "Over", "description": "LeBron James", "price": -110, "point": 24.5},
        {"name": "Under", "description": "LeBron James", "price": -110, "point": 24.5},
        {"name": "Over", "description": "Austin Reaves", "price": -110},
        {"name": "Over", "price": -110, "point": 3.5},
        {"name": "Yes", "description": "Jamal Murray", "price": 300},
        {"name": "Over", "description": "Aaron Gordon", "price": "even", "point": 12.5},
        {"name": "Over", "description": "Nikola Jokic", "price": -110, "point": 27.5},
        {"name": "Over", "description": "Nikola Jokic", "price": 120, "point": 29.5},
        {"name": "Over", "description": "Wilt Chamberlain", "price": -110, "point": 50.5}"""));
    assertThat(ok(r)).extracting(PropLine::getPlayerName).containsExactly("LeBron James");
    assertThat(rejected(r)).containsExactly(
        "event e1, DraftKings, player_points, outcome 3: missing or non-numeric point",
        "event e1, DraftKings, player_points, outcome 4: missing description",
        "event e1, DraftKings, player_points, outcome 5: outcome name 'Yes' is not Over/Under",
        "event e1, DraftKings, player_points, outcome 6: missing or non-numeric price",
        "event e1, DraftKings, player_points: 2 different lines [27.5, 29.5] for Nikola Jokic (alternate lines?)",
        "no player named 'Wilt Chamberlain' on DEN or LAL in 2023-24");
  }

  @Test
  void badDocumentsAndEventsAreRejected() {
    assertThat(rejected(parser.parse("{not json"))).singleElement().asString().startsWith("unparseable JSON");
    assertThat(rejected(parser.parse(""))).containsExactly("empty JSON document");
    assertThat(rejected(parser.parse("42")))
        .containsExactly("not an Odds API event-odds response (expected an event object, got NUMBER)");
    assertThat(rejected(parser.parse("{\"timestamp\": \"soon\", \"data\": {}}")))
        .containsExactly("historical response: timestamp is not an ISO-8601 UTC timestamp: 'soon'");
    assertThat(rejected(parser.parse("{\"id\": \"e2\", \"away_team\": \"Los Angeles Lakers\", \"bookmakers\": []}")))
        .containsExactly("event e2: missing home_team");
    String outcome = "{\"name\": \"Over\", \"description\": \"LeBron James\", \"price\": -110, \"point\": 24.5}";
    assertThat(rejected(parser.parse(event("Seattle SuperSonics", outcome))))
        .containsExactly("unknown team 'Seattle SuperSonics'");
    // A live response without any timestamp cannot be placed in time.
    String untimed = """
        {"id": "e3", "home_team": "Denver Nuggets", "away_team": "Los Angeles Lakers",
         "bookmakers": [{"key": "fanduel", "title": "FanDuel",
          "markets": [{"key": "player_points", "outcomes": [%s]}]}]}""".formatted(outcome);
    assertThat(rejected(parser.parse(untimed))).singleElement().asString().endsWith("no snapshot time "
        + "(no historical timestamp, fetch time or last_update)");
    assertThat(ok(parser.parse(untimed, Instant.parse("2023-10-24T22:00:00Z")))).hasSize(1);
  }

  @Test
  void nonPlayerAndAlternateMarketsAreRejected() {
    String json = """
        {"id": "e4", "commence_time": "2023-10-24T23:30:00Z", "home_team": "Denver Nuggets",
         "away_team": "Los Angeles Lakers",
         "bookmakers": [{"key": "draftkings", "title": "DraftKings", "last_update": "2023-10-24T23:25:00Z",
          "markets": [
           {"key": "h2h", "outcomes": [{"name": "Denver Nuggets", "price": -250}]},
           {"key": "player_points_alternate", "outcomes": []}]}]}""";
    assertThat(rejected(parser.parse(json))).containsExactly(
        "event e4, DraftKings, h2h: not a player market",
        "event e4, DraftKings, player_points_alternate: alternate-line market, not used");
  }
}
