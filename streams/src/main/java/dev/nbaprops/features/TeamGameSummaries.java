package dev.nbaprops.features;

import dev.nbaprops.avro.analytics.TeamDefenseGameSummary;
import dev.nbaprops.avro.analytics.TeamOffenseGameSummary;
import dev.nbaprops.avro.raw.PlayerBoxScore;
import dev.nbaprops.avro.state.GameTotals;
import dev.nbaprops.avro.state.TeamTotals;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * nba_analytics.team_offense_game_summary and team_defense_game_summary, from the sums of a game's player box
 * scores per team ({@link GameTotals}, kept by an aggregation with an adder and a subtractor, so a corrected
 * player line replaces its old contribution). Formulas (docs/features.md):
 * <pre>
 *   possessions  = fga - oreb + tov + 0.44 * fta
 *   game_minutes = sum of the team's player minutes / 5
 *   pace         = 48 * possessions / game_minutes
 *   off_rating   = 100 * pts / possessions;   def_rating = 100 * opp_pts / opp_possessions
 * </pre>
 * The defense row of a team is its opponent's offense. Rows are emitted only once both teams have player rows.
 */
public final class TeamGameSummaries {
  private TeamGameSummaries() {}

  /**
   * The game minutes (player minutes / 5) from which a team's result counts as complete: teams play 48 game minutes
   * and more with overtime; box scores round each player's minutes, so a full game measures 46.7-49.3 (47.4 the least
   * in the bundled seasons). A game's lines reach the game stage from every player task, at times that differ by
   * more than the settle time during a backfill: rows built on part of them are sent again (the churn report).
   */
  public static final double FULL_GAME_MINUTES = 46.0;

  /** Whether both teams of the game have their lines in: two teams, each with a full game of minutes. */
  public static boolean complete(GameTotals g) {
    return g != null && g.getTeams().size() == 2
        && g.getTeams().stream().allMatch(t -> t.getMin() / 5.0 >= FULL_GAME_MINUTES);
  }

  public static GameTotals empty() {
    return GameTotals.newBuilder().setGameId("").setSeason("").setGameDate(java.time.LocalDate.EPOCH)
        .setTeams(new ArrayList<>()).build();
  }

  /** Adds (sign +1) or removes (sign -1) one player's line. */
  public static GameTotals apply(PlayerBoxScore b, GameTotals totals, int sign) {
    List<TeamTotals> teams = new ArrayList<>(totals.getTeams());
    TeamTotals t = teams.stream().filter(x -> x.getTeamAbbr().equals(b.getTeamAbbr())).findFirst().orElse(null);
    if (t == null) {
      t = TeamTotals.newBuilder().setTeamAbbr(b.getTeamAbbr()).setOppAbbr(b.getOppAbbr())
          .setHome("H".equals(b.getHomeAway())).setPlayers(0).setMin(0).setPts(0).setFgm(0).setFga(0).setFg3m(0)
          .setFg3a(0).setFtm(0).setFta(0).setOreb(0).setDreb(0).setReb(0).setAst(0).setTov(0).build();
    } else {
      teams.remove(t);
    }
    TeamTotals u = TeamTotals.newBuilder(t).setPlayers(t.getPlayers() + sign).setMin(t.getMin() + sign * b.getMin())
        .setPts(t.getPts() + sign * b.getPts()).setFgm(t.getFgm() + sign * b.getFgm())
        .setFga(t.getFga() + sign * b.getFga()).setFg3m(t.getFg3m() + sign * b.getFg3m())
        .setFg3a(t.getFg3a() + sign * b.getFg3a()).setFtm(t.getFtm() + sign * b.getFtm())
        .setFta(t.getFta() + sign * b.getFta()).setOreb(t.getOreb() + sign * b.getOreb())
        .setDreb(t.getDreb() + sign * b.getDreb()).setReb(t.getReb() + sign * b.getReb())
        .setAst(t.getAst() + sign * b.getAst()).setTov(t.getTov() + sign * b.getTov()).build();
    if (u.getPlayers() > 0) {
      teams.add(u);
    }
    teams.sort(Comparator.comparing(TeamTotals::getTeamAbbr));
    return GameTotals.newBuilder().setGameId(b.getGameId()).setSeason(b.getSeason()).setGameDate(b.getGameDate())
        .setTeams(teams).build();
  }

  /** The offense rows of a game (one per team), once both teams are present. */
  public static List<TeamOffenseGameSummary> offense(GameTotals g) {
    List<TeamOffenseGameSummary> out = new ArrayList<>();
    if (g == null || g.getTeams().size() != 2) {
      return out;
    }
    for (TeamTotals t : g.getTeams()) {
      double poss = possessions(t);
      double minutes = t.getMin() / 5.0;
      out.add(TeamOffenseGameSummary.newBuilder().setGameId(g.getGameId()).setTeamAbbr(t.getTeamAbbr())
          .setSeason(g.getSeason()).setGameDate(g.getGameDate()).setOppAbbr(t.getOppAbbr()).setHome(t.getHome())
          .setPts(t.getPts()).setFgm(t.getFgm()).setFga(t.getFga()).setFg3m(t.getFg3m()).setFg3a(t.getFg3a())
          .setFtm(t.getFtm()).setFta(t.getFta()).setOreb(t.getOreb()).setDreb(t.getDreb()).setReb(t.getReb())
          .setAst(t.getAst()).setTov(t.getTov()).setPossessions(poss)
          .setPace(minutes > 0 ? 48.0 * poss / minutes : null)
          .setOffRating(poss > 0 ? 100.0 * t.getPts() / poss : null)
          .setPlayers(t.getPlayers()).setGameMinutes(minutes).build());
    }
    return out;
  }

  /** The defense rows of a game: for each team, what its opponent did. */
  public static List<TeamDefenseGameSummary> defense(GameTotals g) {
    List<TeamDefenseGameSummary> out = new ArrayList<>();
    if (g == null || g.getTeams().size() != 2) {
      return out;
    }
    for (int i = 0; i < 2; i++) {
      TeamTotals t = g.getTeams().get(i);
      TeamTotals o = g.getTeams().get(1 - i);
      double poss = possessions(o);
      double minutes = o.getMin() / 5.0;
      out.add(TeamDefenseGameSummary.newBuilder().setGameId(g.getGameId()).setTeamAbbr(t.getTeamAbbr())
          .setSeason(g.getSeason()).setGameDate(g.getGameDate()).setOppAbbr(o.getTeamAbbr()).setHome(t.getHome())
          .setOppPts(o.getPts()).setOppFgm(o.getFgm()).setOppFga(o.getFga()).setOppFg3m(o.getFg3m())
          .setOppFg3a(o.getFg3a()).setOppFtm(o.getFtm()).setOppFta(o.getFta()).setOppOreb(o.getOreb())
          .setOppDreb(o.getDreb()).setOppReb(o.getReb()).setOppAst(o.getAst()).setOppTov(o.getTov())
          .setOppPossessions(poss).setDefRating(poss > 0 ? 100.0 * o.getPts() / poss : null)
          .setOppGameMinutes(minutes).setOppPace(minutes > 0 ? 48.0 * poss / minutes : null).build());
    }
    return out;
  }

  public static double possessions(TeamTotals t) {
    return t.getFga() - t.getOreb() + t.getTov() + GameSummaries.FTA_POSSESSION_SHARE * t.getFta();
  }
}
