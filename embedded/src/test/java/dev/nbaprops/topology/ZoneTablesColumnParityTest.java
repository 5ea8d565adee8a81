package dev.nbaprops.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nbaprops.testing.EmbeddedRun;
import dev.nbaprops.testing.Parity;
import dev.nbaprops.testing.TestData;
import dev.nbaprops.testing.reference.ZoneTablesReference;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/**
 * Every column of nba_precompute.player_shot_zone_analysis and nba_precompute.team_defense_zone_analysis from the
 * real app against {@link ZoneTablesReference} (DuckDB SQL over the raw CSVs, no production code): every row
 * (missing and extra rows fail) and every schema field but the named exceptions.
 */
class ZoneTablesColumnParityTest {
  static final String PLAYER_TABLE = "nba_precompute.player_shot_zone_analysis";
  static final String TEAM_TABLE = "nba_precompute.team_defense_zone_analysis";

  /** Columns that cannot be computed independently, with the reason: none; every field is compared. */
  static final Map<String, String> PLAYER_EXCEPTIONS = Map.of();
  static final Map<String, String> TEAM_EXCEPTIONS = Map.of();

  /** Asserts every-column parity of both zone tables of a replay of every source of {@code seasons} of {@code data}. */
  public static void check(Map<String, Map<String, SpecificRecord>> tables, Path data, List<String> seasons)
      throws Exception {
    List<String> failures = new ArrayList<>();
    failures.addAll(compare(PLAYER_TABLE, tables.get(PLAYER_TABLE),
        ZoneTablesReference.playerShotZones(data, seasons), PLAYER_EXCEPTIONS));
    failures.addAll(compare(TEAM_TABLE, tables.get(TEAM_TABLE),
        ZoneTablesReference.teamDefenseZones(data, seasons), TEAM_EXCEPTIONS));
    assertThat(failures).as("zone tables against the independent reference").isEmpty();
  }

  /** Missing rows, extra rows and field mismatches of one table (empty when equal), summarised by column. */
  static List<String> compare(String table, Map<String, SpecificRecord> stream,
                              Map<String, Map<String, Object>> reference, Map<String, String> exceptions) {
    assertThat(stream).as(table + " rows of the stream").isNotNull().isNotEmpty();
    assertThat(reference).as(table + " rows of the reference").isNotEmpty();
    List<String> out = new ArrayList<>();
    Set<String> missing = new TreeSet<>(reference.keySet());
    missing.removeAll(stream.keySet());
    Set<String> extra = new TreeSet<>(stream.keySet());
    extra.removeAll(reference.keySet());
    if (!missing.isEmpty()) {
      out.add(table + ": " + missing.size() + " of " + reference.size() + " reference rows missing from the stream, e.g. "
          + missing.stream().limit(10).toList());
    }
    if (!extra.isEmpty()) {
      out.add(table + ": " + extra.size() + " stream rows the reference lacks, e.g. "
          + extra.stream().limit(10).toList());
    }
    Map<String, List<String>> byColumn = new TreeMap<>();
    for (Map.Entry<String, SpecificRecord> e : stream.entrySet()) {
      Map<String, Object> ref = reference.get(e.getKey());
      if (ref == null) {
        continue;
      }
      for (String m : Parity.compareAll(e.getKey(), e.getValue(), ref, exceptions)) {
        String col = m.substring(e.getKey().length() + 1, m.indexOf(':', e.getKey().length() + 1));
        byColumn.computeIfAbsent(col, c -> new ArrayList<>()).add(m);
      }
    }
    byColumn.forEach((col, ms) -> out.add(table + "." + col + ": " + ms.size() + " of " + stream.size()
        + " rows differ, e.g. " + ms.stream().sorted().limit(5).toList()));
    return out;
  }

  @Test
  void bundledSliceEveryColumn() throws Exception {
    List<String> seasons = List.of("2022-23", "2023-24");
    Map<String, Map<String, SpecificRecord>> tables = EmbeddedRun.replayOf(TestData.slice(), seasons);
    // The key format of the topics: "player_id|analysis_date" and "team_abbr|analysis_date".
    assertThat(tables.get(PLAYER_TABLE).keySet()).allMatch(k -> k.matches("\\d+\\|\\d{4}-\\d\\d-\\d\\d"));
    assertThat(tables.get(TEAM_TABLE).keySet()).allMatch(k -> k.matches("[A-Z]{3}\\|\\d{4}-\\d\\d-\\d\\d"));
    assertThat(tables.get(PLAYER_TABLE)).hasSizeGreaterThan(8000);
    check(tables, TestData.slice(), seasons);
  }
}
