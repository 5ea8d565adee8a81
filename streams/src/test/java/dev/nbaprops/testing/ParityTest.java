package dev.nbaprops.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nbaprops.avro.analytics.TeamOffenseGameSummary;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/** The comparison itself: what counts as equal, and that nothing passes by being left out. */
class ParityTest {
  @Test
  void nanOnlyEqualsNanIntegersAreExactAndAMissingColumnFails() {
    assertThat(Parity.mismatch(Double.NaN, Double.NaN)).isNull();
    assertThat(Parity.mismatch(Double.NaN, 1.5)).isNotNull();
    assertThat(Parity.mismatch(1.5, Double.NaN)).isNotNull();
    assertThat(Parity.mismatch(1.0, 1.0 + 1e-12)).isNull();
    assertThat(Parity.mismatch(1.0, 1.0 + 1e-6)).isNotNull();
    assertThat(Parity.mismatch(3, 3.0)).isNull();
    assertThat(Parity.mismatch(3, 3.4)).as("a fractional reference is not truncated").isNotNull();
    assertThat(Parity.mismatch(3L, new java.math.BigInteger("3"))).isNull();
    assertThat(Parity.mismatch(true, false)).isNotNull();
    assertThat(Parity.mismatch(null, 0)).isNotNull();
    assertThat(Parity.mismatch("2023-10-24", java.time.LocalDate.of(2023, 10, 24))).isNull();

    SpecificRecord row = TeamOffenseGameSummary.newBuilder().setGameId("0022300061").setTeamAbbr("DEN")
        .setSeason("2023-24").setGameDate(java.time.LocalDate.of(2023, 10, 24)).setOppAbbr("LAL").setHome(true)
        .setPlayers(9).setGameMinutes(48.0).setPts(119).setFgm(48).setFga(91).setFg3m(10).setFg3a(29).setFtm(13)
        .setFta(16).setOreb(8).setDreb(34).setReb(42).setAst(29).setTov(12).setPossessions(102.04).setPace(102.04)
        .setOffRating(116.6).build();
    Map<String, Object> ref = new HashMap<>();
    for (var f : row.getSchema().getFields()) {
      ref.put(f.name(), row.get(f.pos()));
    }
    assertThat(Parity.compareAll("k", row, ref, Map.of())).isEmpty();
    ref.remove("off_rating");
    assertThat(Parity.compareAll("k", row, ref, Map.of())).containsExactly(
        "k off_rating: the reference computes no such column");
    assertThat(Parity.compareAll("k", row, ref, Map.of("off_rating", "test"))).isEmpty();
    assertThatThrownBy(() -> Parity.compareAll("k", row, ref, Map.of("no_such_field", "stale")))
        .hasMessageContaining("no_such_field");
    assertThat(Parity.compare("k", row, null, List.of("pts"))).containsExactly("k: no reference row");
  }
}
