package dev.nbaprops.source.props;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nbaprops.avro.raw.PropLine;
import dev.nbaprops.source.CsvSource;
import dev.nbaprops.source.Parsed;
import dev.nbaprops.source.SourceRow;
import dev.nbaprops.testing.TestData;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PropsCsvParserTest {
  final PropsCsvParser parser = new PropsCsvParser(SliceMatcher.get());

  static Map<String, String> goodFields() {
    Map<String, String> f = new LinkedHashMap<>();
    f.put("snapshot_ts", "2023-10-24T23:25:44Z");
    f.put("event_id", "fd55db2fa9ee5be1f108be5151e2ecb0");
    f.put("event_date", "2023-10-24");
    f.put("home_team", "Denver Nuggets");
    f.put("away_team", "Los Angeles Lakers");
    f.put("nba_game_id", "0022300061");
    f.put("player_name", "Aaron Gordon");
    f.put("nba_player_id", "203932");
    f.put("market", "player_points_rebounds_assists");
    f.put("bookmaker", "BetMGM");
    f.put("line", "23.5");
    f.put("over_price", "-110.0");
    f.put("under_price", "-125.0");
    return f;
  }

  static SourceRow row(Map<String, String> fields) {
    return new SourceRow("test.csv", 2, String.join(",", fields.values()), fields);
  }

  Parsed<PropLine> parse(String col, String value) {
    Map<String, String> f = new HashMap<>(goodFields());
    f.put(col, value);
    return parser.parse(row(f));
  }

  static String reason(Parsed<PropLine> p) {
    assertThat(p).isInstanceOf(Parsed.Rejected.class);
    return ((Parsed.Rejected<PropLine>) p).reason();
  }

  @Test
  void firstRealRowOfTheSlice() {
    SourceRow first;
    try (CsvSource src = new CsvSource(TestData.slice().resolve("props/pra_lines_2023-24.csv.gz"))) {
      first = src.next();
    }
    Parsed<PropLine> p = parser.parse(first);
    assertThat(p).isInstanceOf(Parsed.Ok.class);
    Parsed.Ok<PropLine> ok = (Parsed.Ok<PropLine>) p;
    PropLine v = ok.value();
    assertThat(ok.key()).isEqualTo("203932");
    assertThat(ok.eventTime()).isEqualTo(Instant.parse("2023-10-24T23:25:44Z").toEpochMilli());
    assertThat(v.getSource()).isEqualTo("ODDS_API");
    assertThat(v.getSnapshotTs()).isEqualTo(Instant.parse("2023-10-24T23:25:44Z"));
    assertThat(v.getEventId()).isEqualTo("fd55db2fa9ee5be1f108be5151e2ecb0");
    assertThat(v.getEventDate()).isEqualTo("2023-10-24");
    assertThat(v.getHomeTeam()).isEqualTo("Denver Nuggets");
    assertThat(v.getAwayTeam()).isEqualTo("Los Angeles Lakers");
    assertThat(v.getPlayerName()).isEqualTo("Aaron Gordon");
    assertThat(v.getBookmaker()).isEqualTo("BetMGM");
    assertThat(v.getMarket()).isEqualTo("player_points_rebounds_assists");
    assertThat(v.getLine()).isEqualTo(23.5);
    assertThat(v.getOverPrice()).isEqualTo(-110);
    assertThat(v.getUnderPrice()).isEqualTo(-125);
    assertThat(v.getGameId()).isEqualTo("0022300061");
    assertThat(v.getPlayerId()).isEqualTo(203932L);
  }

  @Test
  void theFilesOwnIdsAreIgnored() {
    Map<String, String> f = new HashMap<>(goodFields());
    f.put("nba_game_id", "0022300999");
    f.put("nba_player_id", "2544");
    PropLine v = ((Parsed.Ok<PropLine>) parser.parse(row(f))).value();
    assertThat(v.getGameId()).isEqualTo("0022300061");
    assertThat(v.getPlayerId()).isEqualTo(203932L);
    f.put("nba_game_id", "");
    f.put("nba_player_id", "");
    assertThat(parser.parse(row(f))).isInstanceOf(Parsed.Ok.class);
  }

  @Test
  void quotedLastFirstNameAndEmptyPrice() {
    Map<String, String> f = new HashMap<>(goodFields());
    f.put("player_name", "Gordon, Aaron");
    f.put("under_price", "");
    PropLine v = ((Parsed.Ok<PropLine>) parser.parse(row(f))).value();
    assertThat(v.getPlayerId()).isEqualTo(203932L);
    assertThat(v.getPlayerName()).isEqualTo("Gordon, Aaron");
    assertThat(v.getUnderPrice()).isNull();
  }

  @Test
  void badRowsAreRejectedWithTheReason() {
    assertThat(reason(parser.parse(new SourceRow("t.csv", 7, "broken", Map.of()))))
        .isEqualTo("unparseable line (field count differs from the header)");
    assertThat(reason(parse("snapshot_ts", "yesterday")))
        .isEqualTo("snapshot_ts is not an ISO-8601 UTC timestamp: 'yesterday'");
    assertThat(reason(parse("event_date", "2023-13-40")))
        .isEqualTo("event_date is not a YYYY-MM-DD date: '2023-13-40'");
    assertThat(reason(parse("event_id", ""))).isEqualTo("missing event_id");
    assertThat(reason(parse("player_name", ""))).isEqualTo("missing player_name");
    assertThat(reason(parse("line", "twenty"))).isEqualTo("line is not a number: 'twenty'");
    assertThat(reason(parse("line", "NaN"))).isEqualTo("line is not a finite number (NaN)");
    assertThat(reason(parse("line", "-3.5"))).isEqualTo("negative line (-3.5)");
    assertThat(reason(parse("line", ""))).isEqualTo("missing line");
    assertThat(reason(parse("over_price", "abc"))).isEqualTo("over_price is not a number: 'abc'");
    assertThat(reason(parse("over_price", "-50")))
        .isEqualTo("over_price is neither American (|price| >= 100) nor decimal (> 1) odds (-50.0)");
    assertThat(reason(parse("home_team", "Seattle SuperSonics"))).isEqualTo("unknown team 'Seattle SuperSonics'");
    assertThat(reason(parse("player_name", "Michael Jordan")))
        .isEqualTo("no player named 'Michael Jordan' on DEN or LAL in 2023-24");
    assertThat(reason(parse("event_date", "2023-10-20")))
        .startsWith("no LAL at DEN game on 2023-10-19 or 2023-10-20 in the schedule");
  }
}
