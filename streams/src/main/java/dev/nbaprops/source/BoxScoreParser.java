package dev.nbaprops.source;

import dev.nbaprops.avro.raw.PlayerBoxScore;
import java.time.LocalDate;

/**
 * Parses and validates one row of {@code box_scores/player_box_<season>.csv.gz}. Rejects (with the reason):
 * an unparseable line, a missing or malformed id or date, negative minutes or counts, numbers out of range
 * (minutes over {@value #MAX_MINUTES}, a count or plus-minus beyond {@value #MAX_STAT}), and impossible lines
 * (unknown team, FGM > FGA, 3PM > 3PA, 3PA > FGA, FTM > FTA, REB != OREB + DREB, PTS != 2 FGM + 3PM + FTM).
 * The raw topic is keyed by player_id, so a player's games meet in one partition.
 */
public final class BoxScoreParser {
  /** Plausibility bounds: no player has played 70 minutes or scored over 100 points in a game. */
  static final double MAX_MINUTES = 80;
  static final int MAX_STAT = 150;

  private BoxScoreParser() {}

  /** One row; its event time is the game's end by {@code starts} ({@link EventTimes#gameEnd}). */
  public static Parsed<PlayerBoxScore> parse(SourceRow row, GameStarts starts) {
    return RowReader.parse(row, r -> {
      String gameId = r.gameId("game_id");
      long playerId = r.id("player_id");
      LocalDate date = r.date("game_date");
      String homeAway = r.string("home_away");
      RowReader.check(homeAway.equals("H") || homeAway.equals("A"), "home_away must be H or A, got " + homeAway);
      PlayerBoxScore b = PlayerBoxScore.newBuilder()
          .setSeason(r.string("season")).setSeasonType(r.string("season_type"))
          .setGameId(gameId).setGameDate(date).setTeamId(r.id("team_id"))
          .setTeamAbbr(r.team("team_abbr")).setOppAbbr(r.team("opp_abbr"))
          .setHomeAway(homeAway).setWl(r.optString("wl"))
          .setPlayerId(playerId).setPlayerName(r.string("player_name"))
          .setMin(r.nonNegative("min", MAX_MINUTES))
          .setPts(r.count("pts", MAX_STAT)).setFgm(r.count("fgm", MAX_STAT)).setFga(r.count("fga", MAX_STAT))
          .setFg3m(r.count("fg3m", MAX_STAT)).setFg3a(r.count("fg3a", MAX_STAT)).setFtm(r.count("ftm", MAX_STAT)).setFta(r.count("fta", MAX_STAT))
          .setOreb(r.count("oreb", MAX_STAT)).setDreb(r.count("dreb", MAX_STAT)).setReb(r.count("reb", MAX_STAT)).setAst(r.count("ast", MAX_STAT))
          .setStl(r.count("stl", MAX_STAT)).setBlk(r.count("blk", MAX_STAT)).setTov(r.count("tov", MAX_STAT)).setPf(r.count("pf", MAX_STAT))
          .setPlusMinus(r.optInt("plus_minus", -MAX_STAT, MAX_STAT))
          .build();
      RowReader.check(b.getFgm() <= b.getFga(), "FGM > FGA (" + b.getFgm() + " > " + b.getFga() + ")");
      RowReader.check(b.getFg3m() <= b.getFg3a(), "3PM > 3PA (" + b.getFg3m() + " > " + b.getFg3a() + ")");
      RowReader.check(b.getFg3a() <= b.getFga(), "3PA > FGA (" + b.getFg3a() + " > " + b.getFga() + ")");
      RowReader.check(b.getFtm() <= b.getFta(), "FTM > FTA (" + b.getFtm() + " > " + b.getFta() + ")");
      RowReader.check(b.getReb() == b.getOreb() + b.getDreb(), "REB != OREB + DREB");
      RowReader.check(b.getPts() == 2 * b.getFgm() + b.getFg3m() + b.getFtm(), "PTS != 2*FGM + 3PM + FTM");
      RowReader.check(Seasons.seasonOfGameId(gameId).equals(b.getSeason()),
          "season " + b.getSeason() + " does not match game id " + gameId);
      return Parsed.ok(Long.toString(playerId), b, starts.endOf(gameId, date));
    });
  }
}
