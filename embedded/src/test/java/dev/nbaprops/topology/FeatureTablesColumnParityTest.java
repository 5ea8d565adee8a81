package dev.nbaprops.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nbaprops.testing.EmbeddedRun;
import dev.nbaprops.testing.Parity;
import dev.nbaprops.testing.TestData;
import dev.nbaprops.testing.reference.FeatureTablesReference;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/**
 * Every column of nba_precompute.ml_feature_store and nba_precompute.player_composite_factors from the real
 * topology (every source of two real seasons, replay order) against {@link FeatureTablesReference}, an independent
 * DuckDB computation of docs/features.md over the raw CSV files: every row (missing and extra rows fail) and every
 * schema field except those named in {@link #EXCEPTIONS}.
 */
class FeatureTablesColumnParityTest {
  static final String FEATURES = "nba_precompute.ml_feature_store";
  static final String COMPOSITES = "nba_precompute.player_composite_factors";

  /**
   * Columns that cannot be computed independently, per table, with the reason. Empty: every column is computed
   * (feature_version is "v1" as docs/features.md states it in the ml_feature_store heading).
   */
  static final Map<String, Map<String, String>> EXCEPTIONS = Map.of(FEATURES, Map.of(), COMPOSITES, Map.of());

  /** Asserts every-column parity of both tables of a replay of {@code seasons} of {@code data}. */
  public static void check(Map<String, Map<String, SpecificRecord>> tables, Path data, List<String> seasons)
      throws Exception {
    FeatureTablesReference.Tables ref = FeatureTablesReference.compute(data, seasons);
    List<String> failures = new ArrayList<>();
    failures.addAll(compare(FEATURES, tables.get(FEATURES), ref.mlFeatureStore()));
    failures.addAll(compare(COMPOSITES, tables.get(COMPOSITES), ref.playerCompositeFactors()));
    // Per column, a count and the first few rows, so one wrong column cannot hide another.
    Map<String, List<String>> byColumn = new java.util.TreeMap<>();
    for (String f : failures) {
      String[] w = f.split(" ");
      String col = w.length > 2 && w[2].endsWith(":") ? w[0] + "." + w[2].substring(0, w[2].length() - 1) : w[0] + " rows";
      byColumn.computeIfAbsent(col, c -> new ArrayList<>()).add(f);
    }
    List<String> report = new ArrayList<>();
    byColumn.forEach((col, fs) -> {
      report.add(col + ": " + fs.size() + " mismatches");
      fs.stream().limit(3).forEach(f -> report.add("  " + f));
    });
    assertThat(report).as("%d mismatches", failures.size()).isEmpty();
    assertThat(ref.mlFeatureStore()).isNotEmpty();
  }

  static List<String> compare(String table, Map<String, SpecificRecord> stream,
                              Map<String, Map<String, Object>> reference) {
    List<String> out = new ArrayList<>();
    if (stream == null) {
      out.add(table + ": no such table in the replay");
      return out;
    }
    Set<String> missing = new TreeSet<>(reference.keySet());
    missing.removeAll(stream.keySet());
    Set<String> extra = new TreeSet<>(stream.keySet());
    extra.removeAll(reference.keySet());
    missing.forEach(k -> out.add(table + " " + k + ": reference row the stream lacks"));
    extra.forEach(k -> out.add(table + " " + k + ": stream row the reference lacks"));
    Map<String, String> exceptions = EXCEPTIONS.get(table);
    new TreeSet<>(stream.keySet()).forEach(k -> {
      if (reference.containsKey(k)) {
        out.addAll(Parity.compareAll(table + " " + k, stream.get(k), reference.get(k), exceptions)
            .stream().toList());
      }
    });
    System.out.printf("%s: %d stream rows, %d reference rows, %d columns compared of %d, %d mismatches%n", table,
        stream.size(), reference.size(),
        stream.isEmpty() ? 0 : Parity.columns(stream.values().iterator().next().getSchema(), exceptions).size(),
        stream.isEmpty() ? 0 : stream.values().iterator().next().getSchema().getFields().size(), out.size());
    return out;
  }

  /** Per column, how many reference rows have a value (not null, not false): agreement on nulls alone proves little. */
  static Map<String, Integer> setCounts(Map<String, Map<String, Object>> reference) {
    Map<String, Integer> out = new java.util.TreeMap<>();
    for (Map<String, Object> row : reference.values()) {
      row.forEach((col, v) -> out.merge(col, v == null || Boolean.FALSE.equals(v) ? 0 : 1, Integer::sum));
    }
    return out;
  }

  @Test
  void sliceEveryColumnMatchesTheReference() throws Exception {
    List<String> seasons = List.of("2022-23", "2023-24");
    check(EmbeddedRun.replayOf(TestData.slice(), seasons), TestData.slice(), seasons);
    // On the slice every column is set (or true) on some rows, so no column passes by being null on both sides;
    // and the flags are false on some rows too.
    FeatureTablesReference.Tables ref = FeatureTablesReference.compute(TestData.slice(), seasons);
    for (Map<String, Map<String, Object>> table : List.of(ref.mlFeatureStore(), ref.playerCompositeFactors())) {
      Map<String, Integer> set = setCounts(table);
      System.out.println("reference rows with a value, per column: " + set);
      assertThat(set).allSatisfy((col, n) -> assertThat(n).as(col).isPositive());
    }
    assertThat(ref.mlFeatureStore().values()).anySatisfy(r -> assertThat(r.get("has_prop_line")).isEqualTo(false))
        .anySatisfy(r -> assertThat(r.get("has_shot_profile")).isEqualTo(false))
        .anySatisfy(r -> assertThat(r.get("is_bootstrap")).isEqualTo(false))
        .anySatisfy(r -> assertThat(r.get("back_to_back")).isEqualTo(true));
  }
}
