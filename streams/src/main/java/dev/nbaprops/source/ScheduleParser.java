package dev.nbaprops.source;

import dev.nbaprops.avro.raw.ScheduleGame;
import java.time.LocalDate;

/**
 * One row of {@code schedule/games_*.csv.gz}; keyed by game id, event time {@link EventTimes#scheduled}. The
 * optional last column {@code tipoff_utc} (an ISO-8601 UTC instant, or empty; files written before it existed have
 * no such column) is the listed tip-off; its Eastern date must be the game date.
 */
public final class ScheduleParser {
  private ScheduleParser() {}

  public static Parsed<ScheduleGame> parse(SourceRow row) {
    return RowReader.parse(row, r -> {
      String gameId = r.gameId("game_id");
      LocalDate date = r.date("game_date");
      String avail = r.string("player_box_available");
      RowReader.check(avail.equals("Y") || avail.equals("N"), "player_box_available must be Y or N, got " + avail);
      ScheduleGame g = ScheduleGame.newBuilder().setSeason(r.string("season")).setSeasonType(r.string("season_type"))
          .setGameId(gameId).setGameDate(date)
          .setHomeTeamId(r.id("home_team_id")).setHomeTeamAbbr(r.team("home_team_abbr"))
          .setAwayTeamId(r.id("away_team_id")).setAwayTeamAbbr(r.team("away_team_abbr"))
          .setHomePts(r.optInt("home_pts", 0, 300)).setAwayPts(r.optInt("away_pts", 0, 300))
          .setPlayerBoxAvailable(avail.equals("Y")).setTipoffUtc(r.optInstant("tipoff_utc")).build();
      RowReader.check(!g.getHomeTeamAbbr().equals(g.getAwayTeamAbbr()), "home and away team are the same");
      RowReader.check(g.getHomePts() == null || g.getHomePts() >= 0, "negative home_pts");
      RowReader.check(g.getAwayPts() == null || g.getAwayPts() >= 0, "negative away_pts");
      RowReader.check(g.getTipoffUtc() == null
          || g.getTipoffUtc().atZone(EventTimes.LEAGUE_ZONE).toLocalDate().equals(date),
          "tipoff_utc " + g.getTipoffUtc() + " is not on the game date " + date + " (US Eastern)");
      RowReader.check(Seasons.seasonOfGameId(gameId).equals(g.getSeason()),
          "season " + g.getSeason() + " does not match game id " + gameId);
      return Parsed.ok(gameId, g, EventTimes.scheduled(date));
    });
  }
}
