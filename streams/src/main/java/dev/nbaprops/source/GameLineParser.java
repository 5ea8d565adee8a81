package dev.nbaprops.source;

import dev.nbaprops.avro.raw.GameLine;
import java.time.LocalDate;

/**
 * One row of {@code odds/game_lines_*.csv.gz}: spread, total and moneylines, keyed by game id, event time 1 ms
 * after the game's schedule entry. Rows without an NBA game id (play-in games, the NBA Cup final: games the
 * schedule does not have) are rejected with that reason.
 */
public final class GameLineParser {
  private GameLineParser() {}

  public static Parsed<GameLine> parse(SourceRow row) {
    return RowReader.parse(row, r -> {
      if (r.optString("nba_game_id") == null) {
        return Parsed.rejected("no NBA game id (" + r.optString("season_type") + "): not a scheduled game");
      }
      String gameId = r.gameId("nba_game_id");
      LocalDate date = r.date("game_date");
      String fav = r.optString("whos_favored");
      RowReader.check(fav == null || fav.equals("home") || fav.equals("away"), "whos_favored must be home or away");
      Double spread = r.optDouble("spread", -100, 100);
      RowReader.check(spread == null || spread >= 0, "spread must be the favourite's size (>= 0)");
      Double total = r.optDouble("total", -1000, 1000);
      RowReader.check(total == null || total > 0, "total must be positive");
      GameLine g = GameLine.newBuilder().setSeason(r.string("season")).setSeasonType(r.string("season_type"))
          .setGameDate(date).setGameId(gameId)
          .setAwayTeamAbbr(r.team("away_team_abbr")).setHomeTeamAbbr(r.team("home_team_abbr"))
          .setWhosFavored(fav).setSpread(spread).setTotal(total)
          .setMoneylineAway(r.optInt("moneyline_away", -100_000, 100_000))
          .setMoneylineHome(r.optInt("moneyline_home", -100_000, 100_000)).build();
      return Parsed.ok(gameId, g, EventTimes.scheduled(date) + 1);
    });
  }
}
