package dev.nbaprops.features;

import dev.nbaprops.avro.precompute.MlFeatureStore;
import dev.nbaprops.avro.precompute.PlayerCompositeFactors;
import dev.nbaprops.avro.precompute.PlayerDailyCache;
import dev.nbaprops.avro.precompute.PlayerShotZoneAnalysis;
import dev.nbaprops.avro.state.TeamGameContext;
import dev.nbaprops.features.FeatureCatalog.Table;
import java.util.List;
import org.apache.avro.Schema;

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

  /** Catalog features the feature row copies from the daily cache: their positions there and in the row. */
  private static final List<FeatureCatalog.Feature> FROM_CACHE = FeatureCatalog.of(Table.ML_FEATURE_STORE).stream()
      .filter(f -> f.in(Table.PLAYER_DAILY_CACHE)).toList();
  private static final int[] FROM_CACHE_POS = FeatureCatalog.positions(Table.PLAYER_DAILY_CACHE, FROM_CACHE);
  private static final int[] FROM_CACHE_ROW_POS = FeatureCatalog.positions(Table.ML_FEATURE_STORE, FROM_CACHE);
  /** Catalog features the feature row copies from player_shot_zone_analysis (same field names). */
  private static final List<FeatureCatalog.Feature> FROM_ZONES = FeatureCatalog.of(Table.ML_FEATURE_STORE).stream()
      .filter(f -> FeatureCatalog.SHOT_ZONES.equals(f.source().table())).toList();
  private static final int[] FROM_ZONES_POS = FROM_ZONES.stream().mapToInt(f -> {
    Schema.Field field = PlayerShotZoneAnalysis.getClassSchema().getField(f.source().field());
    if (field == null) {
      throw new IllegalStateException(f.name() + ": player_shot_zone_analysis has no field " + f.source().field());
    }
    return field.pos();
  }).toArray();
  private static final int[] FROM_ZONES_ROW_POS = FeatureCatalog.positions(Table.ML_FEATURE_STORE, FROM_ZONES);

  /**
   * The player-side fields; the team-side fields and composites stay null until {@link #withOpponent}. The
   * features the catalog lists in both the daily cache and the feature row are copied by field, as are the
   * features it sources from player_shot_zone_analysis; the rest are written out here.
   */
  public static MlFeatureStore playerSide(PlayerDailyCache c, PlayerShotZoneAnalysis z, PropConsensus.Lines line) {
    Double propLine = line == null ? null : line.consensusLine();
    MlFeatureStore row = new MlFeatureStore();
    row.setPlayerId(c.getPlayerId());
    row.setGameDate(c.getCacheDate());
    row.setSeason(c.getSeason());
    row.setGameId(c.getGameId());
    row.setFeatureVersion(VERSION);
    row.setTeamAbbr(c.getTeamAbbr());
    row.setOppAbbr(c.getOppAbbr());
    for (int i = 0; i < FROM_CACHE_POS.length; i++) {
      row.put(FROM_CACHE_ROW_POS[i], c.get(FROM_CACHE_POS[i]));
    }
    for (int i = 0; i < FROM_ZONES_POS.length; i++) {
      row.put(FROM_ZONES_ROW_POS[i], z.get(FROM_ZONES_POS[i]));
    }
    row.setPropLine(propLine);
    row.setPropOpeningLine(line == null ? null : line.openingLine());
    row.setPropLineMovement(line == null ? null : line.lineMovement());
    row.setPropBookmakerCount(line == null ? null : line.bookmakerCount());
    row.setLineSource(line == null ? null : line.lineSource());
    row.setPraAvgLast10MinusLine(ShotZones.diff(c.getPraAvgLast10(), propLine));
    row.setHasShotProfile(z.getShotGamesInWindow() != null && z.getShotGamesInWindow() > 0);
    row.setHasPropLine(line != null);
    row.setHasOppContext(false);
    return row;
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
