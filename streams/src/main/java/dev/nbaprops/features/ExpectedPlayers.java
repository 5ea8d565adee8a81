package dev.nbaprops.features;

import dev.nbaprops.avro.raw.ScheduleGame;
import dev.nbaprops.avro.state.ExpectedPlayer;
import dev.nbaprops.avro.state.PlayerAppearance;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.LongFunction;

/**
 * Who is expected to play a scheduled game (the rows of upcoming_player_game_context come from these): a player
 * is expected for a team on D when he appeared for it in one of its last {@value #RECENT_GAMES} games of the season
 * before D and his latest appearance before D was for it (a traded player moves with his last team). A team's first
 * game of a season has no expected players. A pure function of the season's appearances before D.
 */
public final class ExpectedPlayers {
  /** A player is expected for a team when he appeared for it in one of its last this-many games. */
  public static final int RECENT_GAMES = 3;
  /** Appearances by date, then game. */
  public static final Comparator<PlayerAppearance> ORDER =
      Comparator.comparing(PlayerAppearance::getGameDate).thenComparing(PlayerAppearance::getGameId);

  private ExpectedPlayers() {}

  /**
   * The players expected for {@code team} in game {@code g}.
   *
   * @param prior the team's games before D, by date then game
   * @param appearancesOf (game id, team) to the players who appeared for the team in that game
   * @param historyOf a player id to all his appearances of the season, sorted by {@link #ORDER}
   */
  public static List<ExpectedPlayer> of(ScheduleGame g, String team, String opp, boolean home,
                                        List<TeamFeatures.PriorGame> prior,
                                        BiFunction<String, String, List<PlayerAppearance>> appearancesOf,
                                        LongFunction<List<PlayerAppearance>> historyOf) {
    LocalDate d = g.getGameDate();
    Map<Long, ExpectedPlayer> out = new LinkedHashMap<>();
    for (TeamFeatures.PriorGame pg : PlayerFeatures.last(prior, RECENT_GAMES)) {
      for (PlayerAppearance a : appearancesOf.apply(pg.facts().getGameId(), team)) {
        if (out.containsKey(a.getPlayerId())) {
          continue;
        }
        List<PlayerAppearance> all = historyOf.apply(a.getPlayerId());
        int end = firstOnOrAfter(all, d); // his appearances before D are all[0, end), end >= 1 (a is one)
        PlayerAppearance last = all.get(end - 1);
        if (!last.getTeamAbbr().equals(team)) {
          continue;
        }
        int last7 = end - firstOnOrAfter(all, d.minusDays(7));
        out.put(a.getPlayerId(), ExpectedPlayer.newBuilder().setSeason(g.getSeason()).setGameId(g.getGameId())
            .setGameDate(d).setPlayerId(a.getPlayerId()).setPlayerName(last.getPlayerName()).setTeamAbbr(team)
            .setOppAbbr(opp).setHome(home)
            .setDaysRest((int) ChronoUnit.DAYS.between(last.getGameDate(), d) - 1)
            .setLastGameDate(last.getGameDate()).setGamesLast7Days(last7).setExpected(true).build());
      }
    }
    return new ArrayList<>(out.values());
  }

  /** The index of the first appearance dated on or after {@code d} in a list sorted by date. */
  static int firstOnOrAfter(List<PlayerAppearance> byDate, LocalDate d) {
    int lo = 0;
    int hi = byDate.size();
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (byDate.get(mid).getGameDate().isBefore(d)) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}
