package dev.nbaprops.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nbaprops.avro.precompute.PlayerDailyCache;
import dev.nbaprops.avro.state.PlayedGame;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pinned formulas on small synthetic game lists whose answers are worked out by hand. */
class PlayerFeaturesTest {
  static final LocalDate OPENER = LocalDate.of(2023, 10, 24);

  static PlayedGame game(LocalDate d, int pts, int reb, int ast, double min) {
    return PlayedGame.newBuilder().setGameId("00223" + d.getDayOfYear()).setGameDate(d).setTeamAbbr("DEN")
        .setMin(min).setPts(pts).setReb(reb).setAst(ast).build();
  }

  @Test
  void firstGameOfSeasonHasNullsAndZeroQuality() {
    PlayerDailyCache r = PlayerFeatures.dailyCache(1, "2023-24", OPENER, "g", "p", "DEN", List.of(), OPENER);
    assertThat(r.getGamesPlayedSeason()).isZero();
    assertThat(r.getPtsAvgLast5()).isNull();
    assertThat(r.getPtsStdLast10()).isNull();
    assertThat(r.getDaysRest()).isNull();
    assertThat(r.getBackToBack()).isNull();
    assertThat(r.getIsBootstrap()).isTrue();
    assertThat(r.getQualityScore()).isZero();
  }

  @Test
  void windowsMeansStdRestAndQuality() {
    List<PlayedGame> prior = new ArrayList<>();
    // 12 games on consecutive days: pts 1..12, reb 2, ast 3, min 30.
    for (int i = 0; i < 12; i++) {
      prior.add(game(OPENER.plusDays(i), i + 1, 2, 3, 30));
    }
    LocalDate d = OPENER.plusDays(12); // the day after the 12th game
    PlayerDailyCache r = PlayerFeatures.dailyCache(1, "2023-24", d, "g", "p", "DEN", prior, OPENER);
    assertThat(r.getGamesPlayedSeason()).isEqualTo(12);
    assertThat(r.getPtsAvgLast5()).isEqualTo(10.0);      // 8..12
    assertThat(r.getPtsAvgLast10()).isEqualTo(7.5);      // 3..12
    assertThat(r.getPtsAvgSeason()).isEqualTo(6.5);      // 1..12
    assertThat(r.getPtsStdLast10()).isCloseTo(Math.sqrt(82.5 / 9), org.assertj.core.data.Offset.offset(1e-12));
    assertThat(r.getPraAvgLast10()).isEqualTo(12.5);
    assertThat(r.getDaysRest()).isZero();
    assertThat(r.getBackToBack()).isTrue();
    assertThat(r.getIsBootstrap()).isFalse();            // 12 days after the opener
    assertThat(r.getQualityScore()).isEqualTo(1.0);
  }

  @Test
  void qualityIsTheSmallestWindowRatioAndBootstrapEndsAfterSevenDays() {
    List<PlayedGame> prior = List.of(game(OPENER, 10, 1, 1, 20), game(OPENER.plusDays(2), 20, 1, 1, 20),
        game(OPENER.plusDays(4), 30, 1, 1, 20));
    PlayerDailyCache r = PlayerFeatures.dailyCache(1, "2023-24", OPENER.plusDays(7), "g", "p", "DEN", prior, OPENER);
    assertThat(r.getQualityScore()).isEqualTo(0.3);      // min(3/5, 3/10)
    assertThat(r.getDaysRest()).isEqualTo(2);
    assertThat(r.getIsBootstrap()).isFalse();            // D = opener + 7 is not "less than 7 days after"
    assertThat(PlayerFeatures.isBootstrap(OPENER.plusDays(6), OPENER)).isTrue();
  }

  @Test
  void refusesGamesThatAreNotBeforeD() {
    assertThatThrownBy(() -> PlayerFeatures.dailyCache(1, "2023-24", OPENER, "g", "p", "DEN",
        List.of(game(OPENER, 1, 1, 1, 1)), OPENER)).isInstanceOf(IllegalArgumentException.class);
  }
}
