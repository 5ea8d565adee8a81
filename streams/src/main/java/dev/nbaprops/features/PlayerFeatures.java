package dev.nbaprops.features;

import dev.nbaprops.avro.precompute.PlayerDailyCache;
import dev.nbaprops.avro.precompute.PlayerShotZoneAnalysis;
import dev.nbaprops.avro.state.PlayedGame;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The pinned player metrics of docs/contract.md, in one place (documented in docs/features.md). Pure functions of
 * the player's games of the season played strictly before D, so the caller decides what "before" means and
 * these cannot leak. The daily cache's windowed aggregations come from {@link FeatureCatalog}; the custom
 * features of the catalog are written out here.
 */
public final class PlayerFeatures {
  public static final int LAST_5 = 5;
  public static final int LAST_10 = 10;
  /** A row is bootstrap while D is less than this many days after the season's first game date. */
  public static final int BOOTSTRAP_DAYS = 7;
  /** The daily cache's features the catalog computes, and their field positions. */
  private static final List<FeatureCatalog.Feature> COMPUTED =
      FeatureCatalog.of(FeatureCatalog.Table.PLAYER_DAILY_CACHE).stream().filter(FeatureCatalog.Feature::computed)
          .toList();
  private static final int[] COMPUTED_POS = FeatureCatalog.positions(FeatureCatalog.Table.PLAYER_DAILY_CACHE, COMPUTED);

  private PlayerFeatures() {}

  /**
   * The daily-cache row of {@code playerId} for date {@code d}.
   *
   * @param prior the player's games of the same season with game_date before d, sorted by (game_date, game_id)
   * @param seasonFirstGameDate the season's first game date (league-wide)
   */
  public static PlayerDailyCache dailyCache(long playerId, String season, LocalDate d, String gameId, String playerName,
                                            String teamAbbr, List<PlayedGame> prior, LocalDate seasonFirstGameDate) {
    for (PlayedGame g : prior) {
      if (!g.getGameDate().isBefore(d)) {
        throw new IllegalArgumentException("game " + g.getGameId() + " on " + g.getGameDate() + " is not before " + d);
      }
    }
    PlayerDailyCache row = new PlayerDailyCache();
    row.setPlayerId(playerId);
    row.setCacheDate(d);
    row.setSeason(season);
    row.setGameId(gameId);
    row.setPlayerName(playerName);
    row.setTeamAbbr(teamAbbr);
    // The catalog's regular aggregations (count / avg / sum / std over a window of box-score columns).
    for (int i = 0; i < COMPUTED.size(); i++) {
      row.put(COMPUTED_POS[i], COMPUTED.get(i).compute(prior, d));
    }
    // The custom features of the catalog, by hand (home and opp_abbr are of the game on D: the caller's).
    Integer daysRest = prior.isEmpty() ? null
        : (int) ChronoUnit.DAYS.between(prior.get(prior.size() - 1).getGameDate(), d) - 1;
    row.setDaysRest(daysRest);
    row.setBackToBack(daysRest == null ? null : daysRest == 0);
    row.setIsBootstrap(isBootstrap(d, seasonFirstGameDate));
    row.setQualityScore(Math.min(quality(row.getGamesInWindowLast5(), LAST_5),
        quality(row.getGamesInWindowLast10(), LAST_10)));
    row.setPtsTrend(ShotZones.diff(row.getPtsAvgLast5(), row.getPtsAvgSeason()));
    row.setMinTrend(ShotZones.diff(row.getMinAvgLast5(), row.getMinAvgLast10()));
    row.setUsagePer36Last5(usagePer36(last(prior, LAST_5)));
    row.setUsagePer36Season(usagePer36(prior));
    row.setTsPctLast10(tsPct(last(prior, LAST_10)));
    return row;
  }

  /** Usage estimate {@code sum(fga + 0.44 fta + tov) * 36 / sum(min)}; null without minutes. */
  public static Double usagePer36(List<PlayedGame> games) {
    double events = 0;
    double min = 0;
    for (PlayedGame g : games) {
      if (g.getFga() == null) {
        continue; // a history row written before these fields existed
      }
      events += GameSummaries.shootingPossessions(g.getFga(), g.getFta()) + g.getTov();
      min += g.getMin();
    }
    return min == 0 ? null : events * 36 / min;
  }

  /** True shooting over a window, {@code sum(pts) / (2 (sum(fga) + 0.44 sum(fta)))}; null without attempts. */
  public static Double tsPct(List<PlayedGame> games) {
    double pts = 0;
    double att = 0;
    for (PlayedGame g : games) {
      if (g.getFga() == null) {
        continue;
      }
      pts += g.getPts();
      att += GameSummaries.shootingPossessions(g.getFga(), g.getFta());
    }
    return att == 0 ? null : pts / (2 * att);
  }

  /** Zone sums of the games that have shot data. */
  public static ShotZones.Counts zoneCounts(List<PlayedGame> games) {
    ShotZones.Counts c = new ShotZones.Counts();
    for (PlayedGame g : games) {
      if (g.getShotAttempts() == null) {
        continue; // no shot data for this game (2021-22, playoffs): contributes nothing
      }
      c.fga[0] += g.getPaintFga();
      c.fgm[0] += g.getPaintFgm();
      c.fga[1] += g.getMidRangeFga();
      c.fgm[1] += g.getMidRangeFgm();
      c.fga[2] += g.getThreeFga();
      c.fgm[2] += g.getThreeFgm();
      c.shots += g.getShotAttempts();
      c.games++;
    }
    return c;
  }

  /**
   * player_shot_zone_analysis for (player, d): the pinned zone rates and FG% over the player's last 10 games of
   * the season before d (docs/contract.md), plus attempts per game by zone and the primary scoring zone.
   */
  public static PlayerShotZoneAnalysis shotZoneAnalysis(long playerId, String season, LocalDate d,
                                                        List<PlayedGame> prior, LocalDate seasonFirstGameDate) {
    List<PlayedGame> last10 = last(prior, LAST_10);
    ShotZones.Counts c = zoneCounts(last10);
    return PlayerShotZoneAnalysis.newBuilder()
        .setPlayerId(playerId).setAnalysisDate(d).setSeason(season).setGamesInWindow(last10.size())
        .setPaintRateLast10(c.rate(0)).setMidRangeRateLast10(c.rate(1)).setThreeRateLast10(c.rate(2))
        .setPaintFgPctLast10(c.pct(0)).setMidRangeFgPctLast10(c.pct(1)).setThreeFgPctLast10(c.pct(2))
        .setIsBootstrap(isBootstrap(d, seasonFirstGameDate))
        .setQualityScore(quality(last10.size(), LAST_10))
        .setShotGamesInWindow(c.games).setFgaLast10(c.shots)
        .setPaintFgaPerGame(c.perGame(0)).setMidRangeFgaPerGame(c.perGame(1)).setThreeFgaPerGame(c.perGame(2))
        .setPrimaryScoringZone(c.primaryScoringZone())
        .build();
  }

  public static boolean isBootstrap(LocalDate d, LocalDate seasonFirstGameDate) {
    return d.isBefore(seasonFirstGameDate.plusDays(BOOTSTRAP_DAYS));
  }

  /** games_in_window / N, in [0, 1]. */
  public static double quality(int gamesInWindow, int n) {
    return Math.min(1.0, (double) gamesInWindow / n);
  }

  /** The last n elements (all of them when there are fewer). */
  public static <T> List<T> last(List<T> sorted, int n) {
    return sorted.subList(Math.max(0, sorted.size() - n), sorted.size());
  }

  /** Arithmetic mean; null for no values. */
  public static <T> Double mean(List<T> xs, ToDoubleFunction<T> f) {
    if (xs.isEmpty()) {
      return null;
    }
    double sum = 0;
    for (T x : xs) {
      sum += f.applyAsDouble(x);
    }
    return sum / xs.size();
  }

  /** Sample standard deviation (n - 1); null for fewer than 2 values. */
  public static <T> Double sampleStd(List<T> xs, ToDoubleFunction<T> f) {
    if (xs.size() < 2) {
      return null;
    }
    double m = mean(xs, f);
    double ss = 0;
    for (T x : xs) {
      double dev = f.applyAsDouble(x) - m;
      ss += dev * dev;
    }
    return Math.sqrt(ss / (xs.size() - 1));
  }
}
