package dev.nbaprops.topology.season;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nbaprops.avro.state.TeamGameFacts;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

/**
 * When the season stage counts a team's result as all in (what a backfill's date waits for before its rows are
 * sent): offense and defense rows here, and the players' minutes adding up to a full game.
 */
class TeamResultCompleteTest {
  /** A team's facts whose pace and possessions give {@code gameMinutes} (pace = 48 * possessions / minutes). */
  private static TeamGameFacts facts(double gameMinutes, Integer oppPts) {
    double possessions = 100.0;
    return TeamGameFacts.newBuilder().setSeason("2023-24").setGameId("0022300061").setGameDate(LocalDate.of(2023, 10, 24))
        .setTeamAbbr("DEN").setOppAbbr("LAL").setHome(true).setPts(119).setPossessions(possessions)
        .setPace(48.0 * possessions / gameMinutes).setOppPts(oppPts).setOppPossessions(oppPts == null ? null : 99.0)
        .build();
  }

  @Test
  void aFullGameIsCompleteWithRoundedMinutesAndOvertime() {
    assertThat(TeamSeasonStage.complete(facts(48.0, 107))).isTrue();
    assertThat(TeamSeasonStage.complete(facts(47.4, 107))).as("the least of the bundled seasons").isTrue();
    assertThat(TeamSeasonStage.complete(facts(53.0, 107))).as("one overtime").isTrue();
  }

  /** A team's sums with players' minutes adding up to {@code gameMinutes} game minutes. */
  private static dev.nbaprops.avro.state.TeamTotals team(String abbr, double gameMinutes) {
    return dev.nbaprops.avro.state.TeamTotals.newBuilder().setTeamAbbr(abbr).setOppAbbr("X").setHome(true)
        .setPlayers(10).setMin(5 * gameMinutes).setPts(100).setFgm(40).setFga(85).setFg3m(12).setFg3a(35).setFtm(8)
        .setFta(10).setOreb(10).setDreb(33).setReb(43).setAst(25).setTov(13).build();
  }

  private static dev.nbaprops.avro.state.GameTotals game(dev.nbaprops.avro.state.TeamTotals... teams) {
    return dev.nbaprops.avro.state.GameTotals.newBuilder(dev.nbaprops.features.TeamGameSummaries.empty())
        .setTeams(java.util.List.of(teams)).build();
  }

  /** The game stage's rule (what it holds a game's rows for): both teams, each with a full game of minutes. */
  @Test
  void aGameIsCompleteWithBothTeamsFull() {
    assertThat(dev.nbaprops.features.TeamGameSummaries.complete(game(team("DEN", 48.0), team("LAL", 47.4)))).isTrue();
    assertThat(dev.nbaprops.features.TeamGameSummaries.complete(game(team("DEN", 53.0), team("LAL", 53.0))))
        .as("overtime").isTrue();
    assertThat(dev.nbaprops.features.TeamGameSummaries.complete(game(team("DEN", 48.0), team("LAL", 40.0))))
        .as("a starter's line still on its way").isFalse();
    assertThat(dev.nbaprops.features.TeamGameSummaries.complete(game(team("DEN", 48.0))))
        .as("the other team's lines not here yet").isFalse();
    assertThat(dev.nbaprops.features.TeamGameSummaries.complete(null)).isFalse();
  }

  @Test
  void partOfTheLinesOrOneSideIsNot() {
    assertThat(TeamSeasonStage.complete(facts(40.0, 107))).as("a starter's line still on its way").isFalse();
    assertThat(TeamSeasonStage.complete(facts(48.0, null))).as("the defense row not here yet").isFalse();
    assertThat(TeamSeasonStage.complete(null)).isFalse();
    TeamGameFacts noPace = facts(48.0, 107);
    noPace.setPace(null);
    assertThat(TeamSeasonStage.complete(noPace)).as("no minutes at all").isFalse();
  }
}
