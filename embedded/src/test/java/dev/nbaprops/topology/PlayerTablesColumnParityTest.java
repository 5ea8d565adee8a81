package dev.nbaprops.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nbaprops.testing.EmbeddedRun;
import dev.nbaprops.testing.Parity;
import dev.nbaprops.testing.TestData;
import dev.nbaprops.testing.reference.PlayerTablesReference;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/**
 * Every column of nba_analytics.player_game_summary and nba_precompute.player_daily_cache, every row, against
 * the independent reference {@link PlayerTablesReference} (DuckDB SQL over the raw CSV files; the PRA line from
 * {@link PraLineParityTest#reference(Path, List)}): missing rows, extra rows and any differing field fail.
 */
class PlayerTablesColumnParityTest {
  static final String SUMMARY = "nba_analytics.player_game_summary";
  static final String DAILY_CACHE = "nba_precompute.player_daily_cache";

  /** Columns of player_game_summary that cannot be computed independently: none. */
  static final Map<String, String> SUMMARY_EXCEPTIONS = Map.of();
  /** Columns of player_daily_cache that cannot be computed independently: none. */
  static final Map<String, String> DAILY_CACHE_EXCEPTIONS = Map.of();

  /** Asserts every-column parity of the two player tables of a replay of {@code seasons} of {@code data}. */
  public static void check(Map<String, Map<String, SpecificRecord>> tables, Path data, List<String> seasons)
      throws Exception {
    Map<String, Double> praLines = new HashMap<>();
    PraLineParityTest.reference(data, PrecomputeParityTest.boxFiles(data, seasons)).forEach((k, v) -> {
      if (v[0] != null) {
        praLines.put(k, ((Number) v[0]).doubleValue());
      }
    });
    Map<String, Map<String, Object>> summaryRef = PlayerTablesReference.playerGameSummary(data, seasons, praLines);
    Map<String, Map<String, Object>> cacheRef = PlayerTablesReference.playerDailyCache(data, seasons);
    List<String> failures = new ArrayList<>();
    failures.addAll(compare(SUMMARY, tables.get(SUMMARY), summaryRef, SUMMARY_EXCEPTIONS));
    failures.addAll(compare(DAILY_CACHE, tables.get(DAILY_CACHE), cacheRef, DAILY_CACHE_EXCEPTIONS));
    assertThat(failures).as("every-column parity of the player tables").isEmpty();
  }

  /**
   * Missing rows, extra rows and every differing field of one table (a summary per column, then the first
   * differences), as failure lines; empty when the table equals the reference.
   */
  static List<String> compare(String table, Map<String, SpecificRecord> stream, Map<String, Map<String, Object>> ref,
                              Map<String, String> exceptions) {
    List<String> out = new ArrayList<>();
    assertThat(stream).as(table + " rows").isNotNull().isNotEmpty();
    assertThat(ref).as(table + " reference rows").isNotEmpty();
    List<String> columns = Parity.columns(stream.values().iterator().next().getSchema(), exceptions);
    TreeSet<String> missing = new TreeSet<>(ref.keySet());
    missing.removeAll(stream.keySet());
    TreeSet<String> extra = new TreeSet<>(stream.keySet());
    extra.removeAll(ref.keySet());
    if (!missing.isEmpty()) {
      out.add(table + ": " + missing.size() + " reference rows the stream lacks, e.g. " + missing.stream().limit(5).toList());
    }
    if (!extra.isEmpty()) {
      out.add(table + ": " + extra.size() + " stream rows the reference lacks, e.g. " + extra.stream().limit(5).toList());
    }
    TreeMap<String, Integer> perColumn = new TreeMap<>();
    List<String> examples = new ArrayList<>();
    new TreeMap<>(stream).forEach((k, row) -> {
      if (!ref.containsKey(k)) {
        return;
      }
      for (String m : Parity.compareAll(k, row, ref.get(k), exceptions)) {
        String col = m.substring(k.length() + 1, m.indexOf(':', k.length() + 1));
        perColumn.merge(col, 1, Integer::sum);
        if (examples.size() < 40) {
          examples.add(table + " " + m);
        }
      }
    });
    if (!perColumn.isEmpty()) {
      out.add(table + ": differing fields per column " + perColumn);
      out.addAll(examples);
    }
    System.out.printf("%s: %d rows (reference %d), %d of %d columns compared, exceptions %s, e.g. keys %s%n",
        table, stream.size(), ref.size(), columns.size(), stream.values().iterator().next().getSchema().getFields().size(),
        exceptions.keySet(), stream.keySet().stream().sorted().limit(2).toList());
    return out;
  }

  @Test
  void bundledSliceEveryColumnOfBothPlayerTables() throws Exception {
    List<String> seasons = List.of("2022-23", "2023-24");
    Map<String, Map<String, SpecificRecord>> tables = EmbeddedRun.replayOf(TestData.slice(), seasons);
    check(tables, TestData.slice(), seasons);
    assertThat(tables.get(SUMMARY)).hasSizeGreaterThan(8000);
    assertThat(tables.get(DAILY_CACHE)).hasSizeGreaterThan(8000);
  }
}
