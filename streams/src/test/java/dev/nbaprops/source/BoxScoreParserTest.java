package dev.nbaprops.source;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nbaprops.avro.raw.PlayerBoxScore;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class BoxScoreParserTest {
  static final List<String> HEADER = List.of("season", "season_type", "game_id", "game_date", "team_id", "team_abbr",
      "opp_abbr", "home_away", "wl", "player_id", "player_name", "min", "pts", "fgm", "fga", "fg3m", "fg3a", "ftm",
      "fta", "oreb", "dreb", "reb", "ast", "stl", "blk", "tov", "pf", "plus_minus");
  /** A real row: Nikola Jokic, 2023-10-24 (first line of the 2023-24 slice after Caldwell-Pope). */
  static final String REAL = "2023-24,Regular Season,0022300061,2023-10-24,1610612743,DEN,LAL,H,W,203999,Nikola Jokić,"
      + "36,29,12,22,3,5,2,4,3,10,13,11,1,1,2,2,15";

  static SourceRow row(String line) {
    String[] v = line.split(",", -1);
    Map<String, String> f = new HashMap<>();
    if (v.length == HEADER.size()) {
      for (int i = 0; i < v.length; i++) {
        f.put(HEADER.get(i), v[i]);
      }
    }
    return new SourceRow("test.csv", 2, line, f);
  }

  static String with(String column, String value) {
    String[] v = REAL.split(",", -1);
    v[HEADER.indexOf(column)] = value;
    return String.join(",", v);
  }

  @Test
  void parsesARealRowKeyedByPlayerAtTheGamesEnd() {
    // The game's start as a schedule would give it (listed 19:30 ET + 15 minutes); the end is 3 hours later.
    java.time.Instant start = java.time.Instant.parse("2023-10-24T23:45:00Z");
    Parsed.Ok<PlayerBoxScore> ok = (Parsed.Ok<PlayerBoxScore>) BoxScoreParser.parse(row(REAL),
        (gameId, date) -> gameId.equals("0022300061") && date.equals(LocalDate.of(2023, 10, 24)) ? start : null);
    assertThat(ok.key()).isEqualTo("203999");
    assertThat(ok.eventTime()).isEqualTo(java.time.Instant.parse("2023-10-25T02:45:00Z").toEpochMilli());
    assertThat(ok.value().getPts()).isEqualTo(29);
    assertThat(ok.value().getPlayerName()).isEqualTo("Nikola Jokić");
    assertThat(ok.value().getGameId()).isEqualTo("0022300061");
  }

  @ParameterizedTest
  @CsvSource(delimiter = ';', value = {
      "player_id;;missing player_id",
      "player_id;abc;player_id is not a numeric id: 'abc'",
      "game_id;22300061;game_id must be a 10-digit NBA game id, got '22300061'",
      "game_date;2023-13-01;game_date is not a YYYY-MM-DD date: '2023-13-01'",
      "min;-1;negative or invalid min (-1)",
      "reb;-13;negative reb (-13)",
      "fga;11;FGM > FGA (12 > 11)",
      "fg3a;2;3PM > 3PA (3 > 2)",
      "fta;1;FTM > FTA (2 > 1)",
      "reb;14;REB != OREB + DREB",
      "pts;30;PTS != 2*FGM + 3PM + FTM",
      "home_away;X;home_away must be H or A, got X",
      "season;2022-23;season 2022-23 does not match game id 0022300061"})
  void rejectsImpossibleRowsWithTheReason(String column, String value, String reason) {
    Parsed<PlayerBoxScore> p = BoxScoreParser.parse(row(with(column, value == null ? "" : value)), GameStarts.NONE);
    assertThat(p).isEqualTo(Parsed.rejected(reason));
  }

  @Test
  void rejectsAnUnparseableLine() {
    assertThat(BoxScoreParser.parse(row("garbage"), GameStarts.NONE)).isInstanceOf(Parsed.Rejected.class);
  }
}
