package dev.nbaprops.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import org.junit.jupiter.api.Test;

/** Date parameters are parsed by hand (a key lookup's hot path): the same dates accepted and refused as ISO. */
class RouteDateTest {
  @Test
  void acceptsExistingIsoDates() {
    assertThat(Route.date("2023-10-27", "date")).isEqualTo(LocalDate.of(2023, 10, 27));
    assertThat(Route.date("2024-02-29", "date")).isEqualTo(LocalDate.of(2024, 2, 29));
    assertThat(Route.date("0001-01-01", "date")).isEqualTo(LocalDate.of(1, 1, 1));
  }

  @Test
  void refusesWhatIsNotAnExistingIsoDate() {
    for (String bad : new String[] {"2023-02-30", "2023-02-29", "2023-13-01", "2023-00-10", "2023-10-00",
        "2023-10-32", "2023/10/27", "2023-1-027", "20231027xx", "+2023-10-2", "2023-10-2a", "٢٠٢٣-10-27", "",
        "2023-10-27 ", "abcd-ef-gh"}) {
      assertThatThrownBy(() -> Route.date(bad, "from")).as(bad).isInstanceOfSatisfying(ApiError.class, e -> {
        assertThat(e.status).isEqualTo(400);
        assertThat(e.getMessage()).isEqualTo("from must be YYYY-MM-DD, got '" + bad + "'");
      });
    }
  }
}
