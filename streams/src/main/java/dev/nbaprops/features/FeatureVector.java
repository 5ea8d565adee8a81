package dev.nbaprops.features;

import dev.nbaprops.avro.precompute.MlFeatureStore;
import dev.nbaprops.avro.precompute.PlayerCompositeFactors;
import dev.nbaprops.avro.precompute.PlayerDailyCache;
import dev.nbaprops.avro.precompute.PlayerShotZoneAnalysis;
import dev.nbaprops.avro.state.TeamGameContext;

/**
 * The ML feature vector of (player, D) and the composite factors, in one place (docs/features.md lists every
 * feature with its formula and window). Assembled in two steps: {@link #playerSide} from what the player's own
 * task knows (its daily cache, shot-zone profile and pre-game prop line, all from before D), then
 * {@link #withOpponent} adds the opponent's team context for D (itself computed from games before D) and the
 * composites. Both steps are pure functions, so a row is exactly as point-in-time correct as its inputs.
 */
public final class FeatureVector {
  /** Bump when a feature's definition changes; rows carry it in {@code feature_version}. */
  public static final String VERSION = "v1";
  static final double FATIGUE_GAMES_CAP = 4;
  static final double FATIGUE_MINUTES_CAP = 144;

  private FeatureVector() {}

  /** The player-side fields; the team-side fields and composites stay null until {@link #withOpponent}. */
  public static MlFeatureStore playerSide(PlayerDailyCache c, PlayerShotZoneAnalysis z, PropConsensus.Lines line) {
    Double propLine = line == null ? null : line.consensusLine();
    return MlFeatureStore.newBuilder()
        .setPlayerId(c.getPlayerId()).setGameDate(c.getCacheDate()).setSeason(c.getSeason()).setGameId(c.getGameId())
        .setFeatureVersion(VERSION)
        .setGamesPlayedSeason(c.getGamesPlayedSeason())
        .setPtsAvgLast5(c.getPtsAvgLast5()).setPtsAvgLast10(c.getPtsAvgLast10()).setPtsAvgSeason(c.getPtsAvgSeason())
        .setPtsStdLast10(c.getPtsStdLast10()).setMinAvgLast10(c.getMinAvgLast10())
        .setRebAvgLast10(c.getRebAvgLast10()).setAstAvgLast10(c.getAstAvgLast10())
        .setPraAvgLast10(c.getPraAvgLast10()).setDaysRest(c.getDaysRest()).setBackToBack(c.getBackToBack())
        .setGamesInWindowLast5(c.getGamesInWindowLast5()).setGamesInWindowLast10(c.getGamesInWindowLast10())
        .setIsBootstrap(c.getIsBootstrap()).setQualityScore(c.getQualityScore())
        .setTeamAbbr(c.getTeamAbbr()).setOppAbbr(c.getOppAbbr()).setHome(c.getHome())
        .setGamesLast7Days(c.getGamesLast7Days()).setMinutesLast7Days(c.getMinutesLast7Days())
        .setMinAvgLast5(c.getMinAvgLast5()).setPtsTrend(c.getPtsTrend())
        .setUsagePer36Last5(c.getUsagePer36Last5()).setUsagePer36Season(c.getUsagePer36Season())
        .setTsPctLast10(c.getTsPctLast10())
        .setPaintRateLast10(z.getPaintRateLast10()).setMidRangeRateLast10(z.getMidRangeRateLast10())
        .setThreeRateLast10(z.getThreeRateLast10()).setPaintFgPctLast10(z.getPaintFgPctLast10())
        .setThreeFgPctLast10(z.getThreeFgPctLast10())
        .setPropLine(propLine)
        .setPropOpeningLine(line == null ? null : line.openingLine())
        .setPropLineMovement(line == null ? null : line.lineMovement())
        .setPropBookmakerCount(line == null ? null : line.bookmakerCount())
        .setLineSource(line == null ? null : line.lineSource())
        .setPraAvgLast10MinusLine(ShotZones.diff(c.getPraAvgLast10(), propLine))
        .setHasShotProfile(z.getShotGamesInWindow() != null && z.getShotGamesInWindow() > 0)
        .setHasPropLine(line != null)
        .setHasOppContext(false)
        .build();
  }

  /**
   * The full row: the opponent's context on D (null when it is not known) and the composites. The quality score
   * is the smallest games_in_window / N of every window the row uses: the player's last 5 and last 10, the
   * opponent's last 15 (zones) and both teams' last 10 (pace).
   */
  public static MlFeatureStore withOpponent(MlFeatureStore p, TeamGameContext opp) {
    MlFeatureStore.Builder b = MlFeatureStore.newBuilder(p).setHasOppContext(opp != null);
    if (opp != null) {
      b.setOppPaintVsLeague(opp.getPaintVsLeague()).setOppMidRangeVsLeague(opp.getMidRangeVsLeague())
          .setOppThreeVsLeague(opp.getThreeVsLeague())
          .setOppPaceLast10(opp.getPaceLast10()).setOppDefRatingLast10(opp.getDefRatingLast10())
          .setTeamPaceLast10(opp.getOppPaceLast10()).setLeaguePaceSeason(opp.getLeaguePaceSeason())
          .setOppGamesInWindow(opp.getZoneGamesInWindow()).setTeamGamesInWindow(opp.getGamesInWindowLast10());
    } else {
      b.setOppPaintVsLeague(null).setOppMidRangeVsLeague(null).setOppThreeVsLeague(null).setOppPaceLast10(null)
          .setOppDefRatingLast10(null).setTeamPaceLast10(null).setLeaguePaceSeason(null)
          .setOppGamesInWindow(null).setTeamGamesInWindow(null);
    }
    MlFeatureStore row = b.build();
    row.setFatigueScore(fatigue(row.getBackToBack(), row.getGamesLast7Days(), row.getMinutesLast7Days()));
    row.setShotZoneMismatchScore(zoneMismatch(row));
    row.setPaceScore(pace(row.getTeamPaceLast10(), row.getOppPaceLast10(), row.getLeaguePaceSeason()));
    row.setUsageSpikeScore(ShotZones.diff(row.getUsagePer36Last5(), row.getUsagePer36Season()));
    double q = p.getQualityScore();
    int oppGames = opp == null ? 0 : opp.getZoneGamesInWindow();
    int teamGames = opp == null ? 0 : opp.getGamesInWindowLast10();
    q = Math.min(q, PlayerFeatures.quality(oppGames, TeamFeatures.LAST_15));
    q = Math.min(q, PlayerFeatures.quality(teamGames, TeamFeatures.LAST_10));
    row.setQualityScore(q);
    return row;
  }

  /**
   * Fatigue in [0, 1]: {@code 0.4 * back_to_back + 0.3 * min(games_last_7_days, 4) / 4
   * + 0.3 * min(minutes_last_7_days, 144) / 144}; no previous game counts as not back-to-back.
   */
  public static Double fatigue(Boolean backToBack, Integer gamesLast7, Double minutesLast7) {
    double g = gamesLast7 == null ? 0 : Math.min(gamesLast7, FATIGUE_GAMES_CAP) / FATIGUE_GAMES_CAP;
    double m = minutesLast7 == null ? 0 : Math.min(minutesLast7, FATIGUE_MINUTES_CAP) / FATIGUE_MINUTES_CAP;
    return 0.4 * (Boolean.TRUE.equals(backToBack) ? 1 : 0) + 0.3 * g + 0.3 * m;
  }

  /**
   * Shot-zone mismatch: the player's zone mix weighted by how much better than the league the opponent lets
   * teams shoot there, {@code sum over zones of rate_last_10 * opp_vs_league}; null when any input is null.
   */
  public static Double zoneMismatch(MlFeatureStore r) {
    Double[] rates = {r.getPaintRateLast10(), r.getMidRangeRateLast10(), r.getThreeRateLast10()};
    Double[] vs = {r.getOppPaintVsLeague(), r.getOppMidRangeVsLeague(), r.getOppThreeVsLeague()};
    double s = 0;
    for (int i = 0; i < 3; i++) {
      if (rates[i] == null || vs[i] == null) {
        return null;
      }
      s += rates[i] * vs[i];
    }
    return s;
  }

  /** Pace: {@code (team_pace_last_10 + opp_pace_last_10) / 2 - league_pace_season}; null when any is null. */
  public static Double pace(Double team, Double opp, Double league) {
    return team == null || opp == null || league == null ? null : (team + opp) / 2 - league;
  }

  /** The composite factors table row (the scores with their inputs beside them). */
  public static PlayerCompositeFactors composites(MlFeatureStore r) {
    return PlayerCompositeFactors.newBuilder()
        .setPlayerId(r.getPlayerId()).setGameDate(r.getGameDate()).setSeason(r.getSeason())
        .setFatigueScore(r.getFatigueScore()).setShotZoneMismatchScore(r.getShotZoneMismatchScore())
        .setPaceScore(r.getPaceScore()).setUsageSpikeScore(r.getUsageSpikeScore())
        .setIsBootstrap(r.getIsBootstrap()).setQualityScore(r.getQualityScore())
        .setGameId(r.getGameId()).setOppAbbr(r.getOppAbbr()).setDaysRest(r.getDaysRest())
        .setBackToBack(r.getBackToBack()).setGamesLast7Days(r.getGamesLast7Days())
        .setMinutesLast7Days(r.getMinutesLast7Days()).setPaintRateLast10(r.getPaintRateLast10())
        .setMidRangeRateLast10(r.getMidRangeRateLast10()).setThreeRateLast10(r.getThreeRateLast10())
        .setOppPaintVsLeague(r.getOppPaintVsLeague()).setOppMidRangeVsLeague(r.getOppMidRangeVsLeague())
        .setOppThreeVsLeague(r.getOppThreeVsLeague()).setTeamPaceLast10(r.getTeamPaceLast10())
        .setOppPaceLast10(r.getOppPaceLast10()).setLeaguePaceSeason(r.getLeaguePaceSeason())
        .setUsagePer36Last5(r.getUsagePer36Last5()).setUsagePer36Season(r.getUsagePer36Season())
        .setFeatureVersion(VERSION)
        .build();
  }
}
