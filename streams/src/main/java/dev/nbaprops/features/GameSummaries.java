package dev.nbaprops.features;

import dev.nbaprops.avro.analytics.PlayerGameSummary;
import dev.nbaprops.avro.raw.PlayerBoxScore;
import dev.nbaprops.avro.state.PlayerGameProps;
import dev.nbaprops.avro.state.PlayerGameZones;

/**
 * The row of nba_analytics.player_game_summary, as functions of its inputs (the box score, the game's prop
 * snapshots, its shots by zone); the player-game stage only stores and forwards what these return.
 */
public final class GameSummaries {
  /** The share of free-throw attempts that end a possession, in every possession and shooting estimate. */
  public static final double FTA_POSSESSION_SHARE = 0.44;

  private GameSummaries() {}

  /** Shooting possessions: {@code fga + 0.44 fta}. */
  public static double shootingPossessions(double fga, double fta) {
    return fga + FTA_POSSESSION_SHARE * fta;
  }

  /** The row for one box score, without its PRA line ({@link #withPraLine}) and zones ({@link #withZones}). */
  public static PlayerGameSummary summarize(PlayerBoxScore b) {
    int shootingAttempts = b.getFga() + b.getFta();
    return PlayerGameSummary.newBuilder()
        .setGameId(b.getGameId()).setPlayerId(b.getPlayerId()).setPlayerName(b.getPlayerName())
        .setSeason(b.getSeason()).setSeasonType(b.getSeasonType()).setGameDate(b.getGameDate())
        .setTeamAbbr(b.getTeamAbbr()).setOppAbbr(b.getOppAbbr()).setHome("H".equals(b.getHomeAway()))
        .setMin(b.getMin()).setPts(b.getPts()).setFgm(b.getFgm()).setFga(b.getFga())
        .setFg3m(b.getFg3m()).setFg3a(b.getFg3a()).setFtm(b.getFtm()).setFta(b.getFta())
        .setOreb(b.getOreb()).setDreb(b.getDreb()).setReb(b.getReb()).setAst(b.getAst())
        .setStl(b.getStl()).setBlk(b.getBlk()).setTov(b.getTov()).setPf(b.getPf())
        .setPlusMinus(b.getPlusMinus())
        .setTsPct(shootingAttempts == 0 ? null : b.getPts() / (2.0 * shootingPossessions(b.getFga(), b.getFta())))
        .setPra(b.getPts() + b.getReb() + b.getAst())
        .setPraLine(null).setPraResult(null)
        .setUsagePer36(b.getMin() == 0 ? null
            : (shootingPossessions(b.getFga(), b.getFta()) + b.getTov()) * 36 / b.getMin())
        .build();
  }

  /**
   * The row with its PRA line: the consensus of the snapshots before the game's start, and the
   * result of {@code pra} against it; both null without a line.
   */
  public static PlayerGameSummary withPraLine(PlayerGameSummary row, PlayerGameProps props) {
    Double line = PropConsensus.of(props, PropConsensus.PRA_MARKET).map(PropConsensus.Lines::consensusLine)
        .orElse(null);
    return PlayerGameSummary.newBuilder(row).setPraLine(line)
        .setPraResult(line == null ? null : PropConsensus.result(row.getPra(), line)).build();
  }

  /** The row with the per-zone attempts and makes of the game's shots; all null when the game has no shots. */
  public static PlayerGameSummary withZones(PlayerGameSummary row, PlayerGameZones z) {
    PlayerGameSummary.Builder b = PlayerGameSummary.newBuilder(row);
    if (z == null) {
      return b.setShotAttempts(null).setPaintFga(null).setPaintFgm(null).setMidRangeFga(null).setMidRangeFgm(null)
          .setThreeFga(null).setThreeFgm(null).build();
    }
    return b.setShotAttempts(z.getShotAttempts()).setPaintFga(z.getPaintFga()).setPaintFgm(z.getPaintFgm())
        .setMidRangeFga(z.getMidRangeFga()).setMidRangeFgm(z.getMidRangeFgm())
        .setThreeFga(z.getThreeFga()).setThreeFgm(z.getThreeFgm()).build();
  }
}
