package dev.nbaprops.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nbaprops.avro.precompute.PlayerDailyCache;
import dev.nbaprops.avro.raw.PlayerBoxScore;
import dev.nbaprops.source.GameStarts;
import dev.nbaprops.source.Parsed;
import dev.nbaprops.testing.TestData;
import dev.nbaprops.testing.TopologyHarness;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** A corrected box score updates exactly the rows that depend on it: the player's later rows of that season. */
class PlayerDailyCacheCorrectionTest {
  /**
   * A (synthetic) correction that moves one real game of Jokic to another date, later or earlier: the tables
   * after the correction equal the tables computed from scratch over the corrected data, with no stale row.
   */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"2023-11-09", "2023-10-25"})
  void aCorrectionThatMovesAGameToAnotherDateLeavesNoStaleRow(String newDate) {
    List<Parsed.Ok<PlayerBoxScore>> rows = TestData.boxScores(TestData.slice().resolve("box_scores/player_box_2023-24.csv.gz"));
    Parsed.Ok<PlayerBoxScore> moved = rows.stream()
        .filter(r -> r.value().getPlayerId() == 203999L && r.value().getGameDate().equals(LocalDate.of(2023, 11, 6)))
        .findFirst().orElseThrow();
    PlayerBoxScore corrected = PlayerBoxScore.newBuilder(moved.value()).setGameDate(LocalDate.parse(newDate)).build();
    List<Parsed.Ok<PlayerBoxScore>> fixedRows = rows.stream()
        .map(r -> r == moved ? Parsed.ok(r.key(), corrected, r.eventTime()) : r)
        .map(r -> (Parsed.Ok<PlayerBoxScore>) r).toList();
    try (TopologyHarness incremental = TopologyHarness.create(); TopologyHarness scratch = TopologyHarness.create()) {
      incremental.pipe(rows);
      assertThat(incremental.dailyCache()).containsKey("203999|2023-11-06");
      incremental.pipe(corrected, GameStarts.NONE.endOf(null, LocalDate.of(2023, 11, 21)));
      scratch.pipe(fixedRows);
      assertThat(incremental.dailyCache()).doesNotContainKey("203999|2023-11-06").containsKey("203999|" + newDate);
      assertThat(incremental.dailyCache()).isEqualTo(scratch.dailyCache());
      assertThat(incremental.summaries()).isEqualTo(scratch.summaries());
      // The summary store (what /players/{id}/games lists) holds the game once, under its new date.
      var store = incremental.driver().<String, Object>getKeyValueStore("player-game-summary");
      try (var it = store.prefixScan("203999|", new org.apache.kafka.common.serialization.StringSerializer())) {
        long n = 0;
        while (it.hasNext()) {
          if (it.next().key.endsWith("|" + moved.value().getGameId())) {
            n++;
          }
        }
        assertThat(n).isEqualTo(1);
      }
    }
  }

  @Test
  void aStatCorrectionUpdatesOnlyLaterRowsOfThatPlayerAndSeason() {
    List<Parsed.Ok<PlayerBoxScore>> rows = TestData.boxScores(TestData.slice().resolve("box_scores/player_box_2023-24.csv.gz"));
    try (TopologyHarness h = TopologyHarness.create()) {
      h.pipe(rows);
      Map<String, PlayerDailyCache> before = Map.copyOf(h.dailyCache());
      long emitsBefore = h.dailyCacheEmits();

      // Jokic's (203999) real 2023-10-24 line had 29 points; a (synthetic) correction makes it 31.
      PlayerBoxScore original = rows.stream().map(Parsed.Ok::value)
          .filter(b -> b.getPlayerId() == 203999L && b.getGameDate().equals(LocalDate.of(2023, 10, 24)))
          .findFirst().orElseThrow();
      assertThat(original.getPts()).isEqualTo(29);
      PlayerBoxScore corrected = PlayerBoxScore.newBuilder(original).setPts(31).setFgm(original.getFgm() + 1).build();
      h.pipe(corrected, GameStarts.NONE.endOf(null, LocalDate.of(2023, 11, 21)));

      Map<String, PlayerDailyCache> after = h.dailyCache();
      List<String> changed = after.keySet().stream().filter(k -> !after.get(k).equals(before.get(k))).sorted().toList();
      List<String> laterJokicRows = before.keySet().stream()
          .filter(k -> k.startsWith("203999|") && k.compareTo("203999|2023-10-24") > 0).sorted().toList();
      assertThat(changed).isEqualTo(laterJokicRows).isNotEmpty();
      assertThat(h.dailyCacheEmits() - emitsBefore).isEqualTo(laterJokicRows.size());
      PlayerDailyCache next = after.get("203999|2023-10-27");
      assertThat(before.get("203999|2023-10-27").getPtsAvgSeason()).isEqualTo(29.0);
      assertThat(next.getPtsAvgSeason()).isEqualTo(31.0);
      assertThat(after.get("203999|2023-10-24")).isEqualTo(before.get("203999|2023-10-24"));
      // The game summary row itself was replaced, not duplicated.
      assertThat(h.summaries().get("0022300061|203999").getPts()).isEqualTo(31);
      assertThat(h.summaries().keySet().stream().filter(k -> k.endsWith("|203999")).collect(Collectors.toSet()))
          .hasSize((int) rows.stream().filter(r -> r.value().getPlayerId() == 203999L).count());
    }
  }
}
