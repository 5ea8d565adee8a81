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
