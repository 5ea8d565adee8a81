package dev.nbaprops.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class SeasonsTest {
  @Test
  void seasonOfAGameIdAcrossTheCenturies() {
    assertThat(Seasons.seasonOfGameId("0022300061")).isEqualTo("2023-24");
    assertThat(Seasons.seasonOfGameId("0020900001")).isEqualTo("2009-10");
    assertThat(Seasons.seasonOfGameId("0029900001")).isEqualTo("1999-00");
    assertThat(Seasons.seasonOfGameId("0024600001")).isEqualTo("1946-47");
    assertThat(Seasons.seasonOfGameId("0044500001")).isEqualTo("2045-46");
    assertThatThrownBy(() -> Seasons.seasonOfGameId("002x300061")).isInstanceOf(NumberFormatException.class);
  }

  @Test
  void seasonOfADateChangesInAugust() {
    assertThat(Seasons.seasonOfDate(LocalDate.of(2024, 4, 20))).isEqualTo("2023-24");
    assertThat(Seasons.seasonOfDate(LocalDate.of(2024, 7, 31))).isEqualTo("2023-24");
    assertThat(Seasons.seasonOfDate(LocalDate.of(2024, 8, 1))).isEqualTo("2024-25");
    assertThat(Seasons.seasonOfDate(LocalDate.of(2000, 1, 5))).isEqualTo("1999-00");
  }
}
