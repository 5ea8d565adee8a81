package dev.nbaprops.features;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nbaprops.avro.raw.ScheduleGame;
import dev.nbaprops.avro.state.ExpectedPlayer;
import dev.nbaprops.avro.state.PlayerAppearance;
import dev.nbaprops.avro.state.TeamGameFacts;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The expected-players rule on its own (SYNTHETIC games and players): who appeared for the team in one of its last
 * three games before D and last played for it; rest days and games in the last 7 days from his appearances before D.
 */
class ExpectedPlayersTest {
  static final String SEASON = "2023-24";
  static final LocalDate D = LocalDate.of(2023, 11, 20);

  final List<PlayerAppearance> all = new ArrayList<>();
  final List<TeamFeatures.PriorGame> lalPrior = new ArrayList<>();

  private void game(String gameId, LocalDate date, String team, long... players) {
    if (team.equals("LAL")) {
      lalPrior.add(new TeamFeatures.PriorGame(TeamGameFacts.newBuilder().setSeason(SEASON).setGameId(gameId)
          .setGameDate(date).setTeamAbbr("LAL").setOppAbbr("XXX").setHome(true).build(), null));
    }
    for (long p : players) {
      all.add(PlayerAppearance.newBuilder().setSeason(SEASON).setGameId(gameId).setGameDate(date).setPlayerId(p)
          .setPlayerName("Player " + p).setTeamAbbr(team).setMin(20.0).build());
    }
  }

  private List<ExpectedPlayer> expectedForLal() {
    ScheduleGame g = ScheduleGame.newBuilder().setSeason(SEASON).setSeasonType("Regular Season").setGameId("G9")
        .setGameDate(D).setHomeTeamId(1).setHomeTeamAbbr("LAL").setAwayTeamId(2).setAwayTeamAbbr("BOS")
        .setPlayerBoxAvailable(true).build();
    Map<Long, List<PlayerAppearance>> byPlayer = new HashMap<>();
    all.stream().sorted(ExpectedPlayers.ORDER)
        .forEach(a -> byPlayer.computeIfAbsent(a.getPlayerId(), p -> new ArrayList<>()).add(a));
    List<TeamFeatures.PriorGame> prior = lalPrior.stream()
        .filter(p -> p.facts().getGameDate().isBefore(D)).toList();
    return ExpectedPlayers.of(g, "LAL", "BOS", true, prior,
        (gameId, team) -> all.stream().filter(a -> a.getGameId().equals(gameId) && a.getTeamAbbr().equals(team))
            .toList(),
        byPlayer::get);
  }

  @Test
  void playersOfTheTeamsLastThreeGamesWhoLastPlayedForIt() {
    game("G1", D.minusDays(10), "LAL", 1, 2);      // 4th-last game: player 2 only played here
    game("G2", D.minusDays(6), "LAL", 1, 3);
    game("G3", D.minusDays(4), "LAL", 1, 4);
    game("G4", D.minusDays(2), "LAL", 1, 5);
    game("G5", D.minusDays(1), "MIA", 4);          // player 4 was traded: his last game before D is for MIA
    game("G6", D, "LAL", 6);                       // on D itself: not before D, never counts

    List<ExpectedPlayer> expected = expectedForLal();

    assertThat(expected).extracting(ExpectedPlayer::getPlayerId).containsExactlyInAnyOrder(1L, 3L, 5L);
    ExpectedPlayer p1 = expected.stream().filter(e -> e.getPlayerId() == 1L).findFirst().orElseThrow();
    assertThat(p1.getLastGameDate()).isEqualTo(D.minusDays(2));
    assertThat(p1.getDaysRest()).isEqualTo(1);                  // played D-2: one day off in between
    assertThat(p1.getGamesLast7Days()).isEqualTo(3);            // D-6, D-4, D-2 (D-10 is outside [D-7, D-1])
    assertThat(p1.getTeamAbbr()).isEqualTo("LAL");
    assertThat(p1.getOppAbbr()).isEqualTo("BOS");
    assertThat(p1.getHome()).isTrue();
    assertThat(p1.getExpected()).isTrue();
  }

  @Test
  void aTeamsFirstGameOfTheSeasonHasNoExpectedPlayers() {
    game("G6", D, "LAL", 6);
    assertThat(expectedForLal()).isEmpty();
  }
}
