package dev.nbaprops.source;

import dev.nbaprops.avro.raw.Shot;
import java.time.LocalDate;
import java.util.Set;

/**
 * One row of {@code shots/shots_<season>_regular.csv.gz}: a field-goal attempt, keyed by shooter id (like the box
 * scores), event time = the game's end. {@code seq} is the row's position within its game in the file (shots have
 * no event id), so a re-sent game's shots are identifiable.
 */
public final class ShotParser {
  public static final Set<String> ZONES = Set.of("Restricted Area", "In The Paint (Non-RA)", "Mid-Range",
      "Left Corner 3", "Right Corner 3", "Above the Break 3", "Backcourt");

  private final GameStarts starts;
  private String lastGame;
  private int seq;

  /** A parser for one file (it numbers the shots of each game); event times are game ends by {@code starts}. */
  public ShotParser(GameStarts starts) {
    this.starts = starts;
  }

  public Parsed<Shot> parse(SourceRow row) {
    return RowReader.parse(row, r -> {
      String gameId = r.gameId("game_id");
      LocalDate date = r.date("game_date");
      String zone = r.string("zone_basic");
      RowReader.check(ZONES.contains(zone), "unknown zone_basic '" + zone + "'");
      String made = r.string("shot_made");
      RowReader.check(made.equals("1") || made.equals("0"), "shot_made must be 1 or 0, got " + made);
      String type = r.string("shot_type");
      RowReader.check(type.equals("2PT") || type.equals("3PT"), "shot_type must be 2PT or 3PT, got " + type);
      int period = r.count("period", 20);
      RowReader.check(period >= 1, "period must be at least 1");
      if (!gameId.equals(lastGame)) {
        lastGame = gameId;
        seq = 0;
      }
      Double locX = r.optDouble("loc_x", -100, 100);
      Double locY = r.optDouble("loc_y", -100, 100);
      Shot s = Shot.newBuilder().setSeason(r.string("season")).setGameId(gameId).setGameDate(date)
          .setHomeTeam(r.team("home_team")).setAwayTeam(r.team("away_team"))
          .setTeamId(r.id("team_id")).setPlayerId(r.id("player_id"))
          .setPeriod(period).setMinsLeft(r.count("mins_left", 12)).setSecsLeft(r.count("secs_left", 59))
          .setShotMade(made.equals("1")).setShotType(type).setActionType(r.string("action_type"))
          .setZoneBasic(zone).setZoneArea(r.string("zone_area")).setZoneAbb(r.string("zone_abb"))
          .setZoneRange(r.string("zone_range")).setShotDistance(r.count("shot_distance", 100))
          .setLocX(locX == null ? 0 : locX).setLocY(locY == null ? 0 : locY)
          .setSeq(seq++).build();
      RowReader.check(Seasons.seasonOfGameId(gameId).equals(s.getSeason()),
          "season " + s.getSeason() + " does not match game id " + gameId);
      return Parsed.ok(Long.toString(s.getPlayerId()), s, starts.endOf(gameId, date));
    });
  }
}
