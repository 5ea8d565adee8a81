package dev.nbaprops.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nbaprops.avro.precompute.PlayerDailyCache;
import dev.nbaprops.avro.raw.PlayerBoxScore;
import dev.nbaprops.source.Parsed;
import dev.nbaprops.testing.Parity;
import dev.nbaprops.testing.ReferenceSql;
import dev.nbaprops.testing.TestData;
import dev.nbaprops.testing.TopologyHarness;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * player_daily_cache from the real topology equals an independent DuckDB SQL computation over the same real
 * box scores: every row, every pinned metric (exact for counts and flags, 1e-9 for means), equal row counts.
 */
class PlayerDailyCacheParityTest {

  private static List<Path> sliceFiles() {
    Path s = TestData.slice();
    return List.of(s.resolve("box_scores/player_box_2022-23.csv.gz"), s.resolve("box_scores/player_box_2023-24.csv.gz"));
  }

  private static List<Parsed.Ok<PlayerBoxScore>> read(List<Path> files) {
    List<Parsed.Ok<PlayerBoxScore>> rows = new ArrayList<>();
    files.forEach(f -> rows.addAll(TestData.boxScores(f)));
    return rows;
  }

  static void assertParity(Map<String, PlayerDailyCache> stream, Map<String, Map<String, Object>> reference) {
    assertThat(stream.keySet()).as("row keys").isEqualTo(reference.keySet());
    List<String> mismatches = new ArrayList<>();
    stream.forEach((k, row) -> mismatches.addAll(Parity.compare(k, row, reference.get(k), TopologyHarness.PINNED)));
    assertThat(mismatches).as("pinned metric mismatches").isEmpty();
  }

  @Test
  void bundledSliceOfTwoSeasonsMatchesBatchSql() throws Exception {
    List<Path> files = sliceFiles();
    try (TopologyHarness h = TopologyHarness.create()) {
      h.pipe(read(files));
      Map<String, Map<String, Object>> ref = ReferenceSql.playerDailyCache(files);
      assertThat(ref).hasSizeGreaterThan(8000); // 4,439 + 4,367 real player-games
      assertParity(h.dailyCache(), ref);
      // Spot checks a reader can verify by hand from the CSV: Nikola Jokic (203999), 2023-24.
      PlayerDailyCache opener = h.dailyCache().get("203999|2023-10-24");
      assertThat(opener.getGamesPlayedSeason()).isZero();
      assertThat(opener.getPtsAvgSeason()).isNull();
      assertThat(opener.getDaysRest()).as("first game of the season: no rest value, never last season's").isNull();
      assertThat(opener.getIsBootstrap()).isTrue();
      assertThat(opener.getQualityScore()).isZero();
      assertThat(h.dailyCache().values().stream().map(PlayerDailyCache::getSeason).distinct()).hasSize(2);
    }
  }

  @Test
  void sameTablesWhenBoxScoresArriveShuffledWithinAWeek() throws Exception {
    List<Parsed.Ok<PlayerBoxScore>> rows = read(sliceFiles());
    Map<String, PlayerDailyCache> ordered;
    try (TopologyHarness h = TopologyHarness.create()) {
      ordered = Map.copyOf(h.pipe(rows).dailyCache());
    }
    // Shuffle within each 7-day block of game dates: late and out-of-order arrivals.
    List<Parsed.Ok<PlayerBoxScore>> shuffled =
        TestData.shuffledWithinWeeks(rows, r -> r.value().getGameDate().toEpochDay(), 42);
    assertThat(shuffled).isNotEqualTo(rows).hasSameSizeAs(rows);
    try (TopologyHarness h = TopologyHarness.create()) {
      assertThat(h.pipe(shuffled).dailyCache()).isEqualTo(ordered);
    }
  }

  @Test
  void replayingTheSameDataTwiceEmitsNothingNew() {
    List<Parsed.Ok<PlayerBoxScore>> rows = read(sliceFiles());
    try (TopologyHarness h = TopologyHarness.create()) {
      h.pipe(rows);
      long emits = h.dailyCacheEmits();
      Map<String, PlayerDailyCache> before = Map.copyOf(h.dailyCache());
      h.pipe(rows);
      assertThat(h.dailyCacheEmits()).isEqualTo(emits);
      assertThat(h.dailyCache()).isEqualTo(before);
    }
  }

}
