package dev.nbaprops.features;

import dev.nbaprops.avro.precompute.PlayerDailyCache;
import dev.nbaprops.avro.state.PlayedGame;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The pinned player metrics of CONTRACT.md, in one place (documented in docs/features.md). Pure functions of
 * the player's games of the season played strictly before D, so the caller decides what "before" means and
 * these cannot leak.
 */
public final class PlayerFeatures {
  public static final int LAST_5 = 5;
  public static final int LAST_10 = 10;
  /** A row is bootstrap while D is less than this many days after the season's first game date. */
  public static final int BOOTSTRAP_DAYS = 7;

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
    List<PlayedGame> last5 = last(prior, LAST_5);
    List<PlayedGame> last10 = last(prior, LAST_10);
    Integer daysRest = prior.isEmpty() ? null
        : (int) ChronoUnit.DAYS.between(prior.get(prior.size() - 1).getGameDate(), d) - 1;
    return PlayerDailyCache.newBuilder()
        .setPlayerId(playerId).setCacheDate(d).setSeason(season).setGameId(gameId)
        .setPlayerName(playerName).setTeamAbbr(teamAbbr)
        .setGamesPlayedSeason(prior.size())
        .setPtsAvgLast5(mean(last5, PlayedGame::getPts))
        .setPtsAvgLast10(mean(last10, PlayedGame::getPts))
        .setPtsAvgSeason(mean(prior, PlayedGame::getPts))
        .setPtsStdLast10(sampleStd(last10, PlayedGame::getPts))
        .setMinAvgLast10(mean(last10, PlayedGame::getMin))
        .setRebAvgLast10(mean(last10, PlayedGame::getReb))
        .setAstAvgLast10(mean(last10, PlayedGame::getAst))
        .setPraAvgLast10(mean(last10, g -> g.getPts() + g.getReb() + g.getAst()))
        .setDaysRest(daysRest)
        .setBackToBack(daysRest == null ? null : daysRest == 0)
        .setGamesInWindowLast5(last5.size())
        .setGamesInWindowLast10(last10.size())
        .setIsBootstrap(isBootstrap(d, seasonFirstGameDate))
        .setQualityScore(Math.min(quality(last5.size(), LAST_5), quality(last10.size(), LAST_10)))
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
