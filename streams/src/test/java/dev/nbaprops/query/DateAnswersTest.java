package dev.nbaprops.query;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Kept date answers are served only under the version and epoch they were made under, within their byte bound. */
class DateAnswersTest {
  @Test
  void servedOnlyWhileVersionAndEpochAreTheSame() {
    DateAnswers a = new DateAnswers(1 << 20);
    a.put("player-daily-cache|2023-11-01|500|", 3, 7, new byte[] {1, 2, 3});
    assertThat(a.get("player-daily-cache|2023-11-01|500|", 3, 7)).containsExactly(1, 2, 3);
    assertThat(a.get("player-daily-cache|2023-11-01|500|", 3, 8)).as("a row of the date changed").isNull();
    assertThat(a.get("player-daily-cache|2023-11-01|500|", 4, 7)).as("a restore or rebalance since").isNull();
    assertThat(a.get("player-daily-cache|2023-11-02|500|", 3, 7)).as("another date").isNull();
    assertThat(a.hits()).isEqualTo(1);
    assertThat(a.misses()).isEqualTo(3);
    a.put("player-daily-cache|2023-11-01|500|", 3, 8, new byte[] {4});
    assertThat(a.get("player-daily-cache|2023-11-01|500|", 3, 8)).containsExactly(4);
    assertThat(a.bytes()).isEqualTo(1);
  }

  @Test
  void leastRecentlyUsedGoFirstPastTheBound() {
    DateAnswers a = new DateAnswers(1_000);
    a.put("d1", 0, 1, new byte[200]);
    a.put("d2", 0, 1, new byte[200]);
    a.put("d3", 0, 1, new byte[200]);
    a.put("d4", 0, 1, new byte[200]);
    assertThat(a.get("d1", 0, 1)).isNotNull(); // d2 is now the least recently used
    a.put("d5", 0, 1, new byte[200]);
    a.put("d6", 0, 1, new byte[200]);
    assertThat(a.bytes()).isLessThanOrEqualTo(1_000);
    assertThat(a.get("d2", 0, 1)).isNull();
    assertThat(a.get("d1", 0, 1)).isNotNull();
    assertThat(a.get("d6", 0, 1)).isNotNull();
    a.put("huge", 0, 1, new byte[600]);
    assertThat(a.get("huge", 0, 1)).as("larger than a quarter of the bound: not kept").isNull();
  }

  @Test
  void offWithZeroBytes() {
    assertThat(new DateAnswers(0).enabled()).isFalse();
  }
}
