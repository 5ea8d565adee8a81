package dev.nbaprops.live;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nbaprops.avro.raw.PlayerBoxScore;
import dev.nbaprops.avro.raw.PropLine;
import dev.nbaprops.source.BoxScoreParser;
import dev.nbaprops.source.CsvSource;
import dev.nbaprops.source.Parsed;
import dev.nbaprops.source.props.OddsApiEventOddsParser;
import dev.nbaprops.source.props.PropMatcher;
import dev.nbaprops.source.props.PropsCsvParser;
import dev.nbaprops.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The committed fixtures of {@code fixtures/live/} (one game of 2023-10-30, MIN at ATL, and its Odds API event)
 * are exactly what {@link NightFeed} serves, and the live parsers read them into the same records the backfill
 * parsers make of the real CSV rows. Regenerate with {@code -Dlive.fixtures.write=true}.
 */
class LiveFixturesTest {
  static final LocalDate NIGHT = LocalDate.of(2023, 10, 30);
  static final String GAME = "0022300104";
  static final String EVENT = "b5e892b56357874a85121dda5696e6c4";

  static Map<String, String> fixtures(NightFeed f) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("todaysScoreboard_00_2023-10-30_in_progress.json", f.scoreboard(f.tipOff.plus(Duration.ofMinutes(81))));
    m.put("boxscore_" + GAME + "_in_progress.json", f.boxScore(GAME, f.tipOff.plus(Duration.ofMinutes(81))));
    m.put("boxscore_" + GAME + "_final.json", f.boxScore(GAME, f.finalAt));
    m.put("odds_api_events_2023-10-30.json", f.oddsEvents(f.tipOff));
    m.put("odds_api_event_odds_" + EVENT + ".json", f.eventOdds(EVENT, f.tipOff.plus(Duration.ofMinutes(30))));
    return m;
  }

  @Test
  void committedFixturesAreTheGeneratorsOutputAndParseToTheRealRows() throws Exception {
    NightFeed feed = new NightFeed(TestData.slice(), NIGHT);
    Path dir = TestData.projectRoot().resolve("streams/src/test/resources/fixtures/live");
    Map<String, String> want = fixtures(feed);
    if (Boolean.getBoolean("live.fixtures.write")) {
      for (var e : want.entrySet()) {
        Files.writeString(dir.resolve(e.getKey()), e.getValue());
      }
    }
    for (var e : want.entrySet()) {
      assertThat(Files.readString(dir.resolve(e.getKey()))).as(e.getKey()).isEqualTo(e.getValue());
    }

    // Final box score: every player line equals the backfill parser's record of the real CSV row.
    LiveBoxScoreParser.Game fin = LiveBoxScoreParser.parse(Files.readString(dir.resolve("boxscore_" + GAME + "_final.json")));
    assertThat(fin.isFinal()).isTrue();
    assertThat(fin.gameDate()).isEqualTo(NIGHT);
    List<PlayerBoxScore> csv = new ArrayList<>();
    try (CsvSource s = new CsvSource(TestData.slice().resolve("box_scores/player_box_2023-24.csv.gz"))) {
      while (s.hasNext()) {
        var row = s.next();
        if (GAME.equals(row.get("game_id")) && BoxScoreParser.parse(row, dev.nbaprops.source.GameStarts.NONE) instanceof Parsed.Ok<PlayerBoxScore> ok) {
          csv.add(ok.value());
        }
      }
    }
    assertThat(fin.players()).allMatch(p -> p.parsed() instanceof Parsed.Ok);
    assertThat(fin.players().stream().map(p -> ((Parsed.Ok<PlayerBoxScore>) p.parsed()).value()).toList())
        .containsExactlyInAnyOrderElementsOf(csv);

    LiveBoxScoreParser.Game mid = LiveBoxScoreParser.parse(Files.readString(dir.resolve("boxscore_" + GAME
        + "_in_progress.json")));
    assertThat(mid.status()).isEqualTo(2);
    assertThat(mid.period()).isEqualTo(3);
    assertThat(mid.homeScore()).isLessThan(fin.homeScore());

    List<ScoreboardParser.Game> sb = ScoreboardParser.parse(Files.readString(dir.resolve(
        "todaysScoreboard_00_2023-10-30_in_progress.json")));
    assertThat(sb).hasSize(11).allMatch(g -> g.status() == 2 && g.schedule() instanceof Parsed.Ok);

    // Event odds: the same lines as the real CSV rows of that event and snapshot.
    PropMatcher matcher = PropMatcher.load(TestData.slice());
    Instant snap = Instant.parse("2023-10-30T23:25:42Z");
    List<Parsed<PropLine>> live = new OddsApiEventOddsParser(matcher).parse(
        Files.readString(dir.resolve("odds_api_event_odds_" + EVENT + ".json")), snap);
    Set<PropLine> fromCsv;
    try (CsvSource s = new CsvSource(TestData.slice().resolve("props/pra_lines_2023-24.csv.gz"))) {
      PropsCsvParser p = new PropsCsvParser(matcher);
      List<PropLine> l = new ArrayList<>();
      while (s.hasNext()) {
        var row = s.next();
        if (EVENT.equals(row.get("event_id")) && p.parse(row) instanceof Parsed.Ok<PropLine> ok) {
          l.add(ok.value());
        }
      }
      fromCsv = Set.copyOf(l);
    }
    assertThat(live).allMatch(p -> p instanceof Parsed.Ok);
    // The live lines carry the event's commence_time as the game's start (FEED); the CSV rows the schedule's
    // listed tip-off + 15 minutes (SCHEDULE); the fixture's commence_time is that instant, so only the source differs.
    assertThat(live).allSatisfy(p -> assertThat(((Parsed.Ok<PropLine>) p).value().getGameStartSource())
        .isEqualTo("FEED"));
    assertThat(live.stream().map(p -> PropLine.newBuilder(((Parsed.Ok<PropLine>) p).value()).setGameStartSource("SCHEDULE")
        .build()).collect(Collectors.toSet())).isEqualTo(fromCsv).isNotEmpty();
  }
}
