package dev.nbaprops.features;

import dev.nbaprops.avro.analytics.UpcomingTeamGameContext;
import dev.nbaprops.avro.precompute.TeamDefenseZoneAnalysis;
import dev.nbaprops.avro.state.TeamGameContext;
import dev.nbaprops.avro.state.TeamGameFacts;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * Team metrics for a team's game on D, in one place (docs/features.md): pure functions of the team's games of
 * the season before D (sorted by (game_date, game_id)), the shots of its opponents in those games, and the
 * league's shots and games of the season before D.
 */
public final class TeamFeatures {
  public static final int LAST_10 = 10;
  public static final int LAST_15 = 15;

  private TeamFeatures() {}

  /** A team's game before D with the zone counts of the opponent's shots in it (null without shot data). */
  public record PriorGame(TeamGameFacts facts, ShotZones.Counts oppShots) {}

  /** What a row for D needs from the league: zone sums of every shot, and pace of every team-game, before D. */
  public record League(ShotZones.Counts shots, double paceSum, int paceGames) {
    public Double pace() {
      return paceGames == 0 ? null : paceSum / paceGames;
    }
  }

  /**
   * team_defense_zone_analysis (team, D): the pinned opponent FG% by zone over the team's last 15 games before
   * D, the league's over every shot of the season before D, their differences, attempts per game allowed by
   * zone and the weakest zone.
   */
  public static TeamDefenseZoneAnalysis defenseZones(String team, LocalDate d, String season, String gameId,
                                                     String opp, List<PriorGame> prior, League league,
                                                     LocalDate seasonFirstGameDate) {
    List<PriorGame> last15 = PlayerFeatures.last(prior, LAST_15);
    ShotZones.Counts allowed = new ShotZones.Counts();
    for (PriorGame g : last15) {
      if (g.oppShots() != null) {
        allowed.add(g.oppShots());
      }
    }
    Double[] vs = new Double[3];
    for (int z = 0; z < 3; z++) {
      vs[z] = ShotZones.diff(allowed.pct(z), league.shots().pct(z));
    }
    return TeamDefenseZoneAnalysis.newBuilder()
        .setTeamAbbr(team).setAnalysisDate(d).setSeason(season).setGamesInWindow(last15.size())
        .setOppPaintFgPctLast15(allowed.pct(0)).setOppMidRangeFgPctLast15(allowed.pct(1))
        .setOppThreeFgPctLast15(allowed.pct(2))
        .setLeaguePaintFgPct(league.shots().pct(0)).setLeagueMidRangeFgPct(league.shots().pct(1))
        .setLeagueThreeFgPct(league.shots().pct(2))
        .setPaintVsLeague(vs[0]).setMidRangeVsLeague(vs[1]).setThreeVsLeague(vs[2])
        .setIsBootstrap(PlayerFeatures.isBootstrap(d, seasonFirstGameDate))
        .setQualityScore(PlayerFeatures.quality(last15.size(), LAST_15))
        .setShotGamesInWindow(allowed.games)
        .setOppPaintFgaPerGame(allowed.perGame(0)).setOppMidRangeFgaPerGame(allowed.perGame(1))
        .setOppThreeFgaPerGame(allowed.perGame(2))
        .setWeakestZone(weakest(vs)).setGameId(gameId).setOppAbbr(opp)
        .build();
  }

  private static String weakest(Double[] vs) {
    int best = -1;
    for (int z = 0; z < 3; z++) {
      if (vs[z] != null && (best < 0 || vs[z] > vs[best])) {
        best = z;
      }
    }
    return best < 0 ? null : ShotZones.ZONES.get(best);
  }

  /** Mean pace over games with a pace; null for none. */
  static Double meanPace(List<PriorGame> games) {
    double s = 0;
    int n = 0;
    for (PriorGame g : games) {
      if (g.facts().getPace() != null) {
        s += g.facts().getPace();
        n++;
      }
    }
    return n == 0 ? null : s / n;
  }

  /** 100 * sum(pts) / sum(possessions) (or the opponent's, for defense); null without possessions. */
  static Double rating(List<PriorGame> games, boolean defense) {
    double pts = 0;
    double poss = 0;
    for (PriorGame g : games) {
      TeamGameFacts f = g.facts();
      Integer p = defense ? f.getOppPts() : f.getPts();
      Double n = defense ? f.getOppPossessions() : f.getPossessions();
      if (p != null && n != null) {
        pts += p;
        poss += n;
      }
    }
    return poss == 0 ? null : 100 * pts / poss;
  }

  /** upcoming_team_game_context (game, team): schedule, rest, game lines and the rolling pace and ratings. */
  public static UpcomingTeamGameContext upcoming(String gameId, String team, String season, LocalDate d, String opp,
                                                 boolean home, List<PriorGame> prior, List<PriorGame> oppPrior,
                                                 Double teamSpread, Double total, League league, int expectedPlayers) {
    List<PriorGame> last10 = PlayerFeatures.last(prior, LAST_10);
    Integer daysRest = prior.isEmpty() ? null
        : (int) ChronoUnit.DAYS.between(prior.get(prior.size() - 1).facts().getGameDate(), d) - 1;
    LocalDate from = d.minusDays(7);
    int last7 = (int) prior.stream().filter(g -> !g.facts().getGameDate().isBefore(from)).count();
    return UpcomingTeamGameContext.newBuilder()
        .setGameId(gameId).setTeamAbbr(team).setSeason(season).setGameDate(d).setOppAbbr(opp).setHome(home)
        .setDaysRest(daysRest).setBackToBack(daysRest == null ? null : daysRest == 0)
        .setGamesLast7Days(last7).setSpread(teamSpread).setTotal(total)
        .setGamesPlayedSeason(prior.size()).setGamesInWindowLast10(last10.size())
        .setPaceLast10(meanPace(last10)).setPaceSeason(meanPace(prior))
        .setOffRatingLast10(rating(last10, false)).setDefRatingLast10(rating(last10, true))
        .setOffRatingSeason(rating(prior, false)).setDefRatingSeason(rating(prior, true))
        .setOppPaceLast10(meanPace(PlayerFeatures.last(oppPrior, LAST_10)))
        .setLeaguePaceSeason(league.pace())
        .setExpectedPlayers(expectedPlayers)
        .build();
  }

  /** The team's context as the feature join reads it (the opponent's row, from the player's side). */
  public static TeamGameContext joinContext(UpcomingTeamGameContext u, TeamDefenseZoneAnalysis z) {
    return TeamGameContext.newBuilder()
        .setSeason(u.getSeason()).setTeamAbbr(u.getTeamAbbr()).setGameDate(u.getGameDate()).setGameId(u.getGameId())
        .setOppAbbr(u.getOppAbbr()).setZoneGamesInWindow(z.getGamesInWindow())
        .setPaintVsLeague(z.getPaintVsLeague()).setMidRangeVsLeague(z.getMidRangeVsLeague())
        .setThreeVsLeague(z.getThreeVsLeague())
        .setGamesInWindowLast10(u.getGamesInWindowLast10()).setPaceLast10(u.getPaceLast10())
        .setDefRatingLast10(u.getDefRatingLast10()).setOppPaceLast10(u.getOppPaceLast10())
        .setLeaguePaceSeason(u.getLeaguePaceSeason())
        .build();
  }

  /** The spread from the team's side: negative when it is favoured (the file gives the favourite's size). */
  public static Double teamSpread(Double favouriteSpread, String whosFavored, boolean home) {
    if (favouriteSpread == null || whosFavored == null) {
      return null;
    }
    boolean favoured = whosFavored.equals("home") == home;
    return favoured ? -favouriteSpread : favouriteSpread;
  }
}
