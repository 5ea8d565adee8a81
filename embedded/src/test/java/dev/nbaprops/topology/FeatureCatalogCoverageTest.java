package dev.nbaprops.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nbaprops.features.FeatureCatalog;
import dev.nbaprops.features.FeatureCatalog.Feature;
import dev.nbaprops.features.FeatureCatalog.Table;
import dev.nbaprops.testing.TestData;
import dev.nbaprops.testing.reference.FeatureTablesReference;
import dev.nbaprops.testing.reference.PlayerTablesReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every catalog feature is compared against the independent batch reference: the every-column parity tests
 * ({@link PlayerTablesColumnParityTest} for player_daily_cache, {@link FeatureTablesColumnParityTest} for
 * ml_feature_store, both run on the slice and on the full seasons by {@code FullSeasonParityTest}) compare every
 * field of their table except their named exceptions, against the columns their hand-written SQL computes. A
 * feature added to the catalog (and to the schema) without its hand-written reference column fails here, on the
 * slice's reference alone, without a replay.
 */
class FeatureCatalogCoverageTest {
  static final List<String> SEASONS = List.of("2022-23", "2023-24");

  @Test
  void everyCatalogFeatureIsAColumnTheParityTestsCompare() throws Exception {
    Set<String> cacheColumns = PlayerTablesReference.playerDailyCache(TestData.slice(), SEASONS).values().iterator()
        .next().keySet();
    Set<String> featureColumns = FeatureTablesReference.compute(TestData.slice(), SEASONS).mlFeatureStore().values()
        .iterator().next().keySet();
    List<String> problems = new ArrayList<>();
    problems.addAll(uncompared(Table.PLAYER_DAILY_CACHE, cacheColumns,
        PlayerTablesColumnParityTest.DAILY_CACHE_EXCEPTIONS, "PlayerTablesReference.playerDailyCache"));
    problems.addAll(uncompared(Table.ML_FEATURE_STORE, featureColumns,
        FeatureTablesColumnParityTest.EXCEPTIONS.get(FeatureTablesColumnParityTest.FEATURES),
        "FeatureTablesReference.compute"));
    assertThat(problems).as("catalog features the parity tests do not compare").isEmpty();
    assertThat(FeatureCatalog.of(Table.PLAYER_DAILY_CACHE)).hasSizeGreaterThan(20);
  }

  static List<String> uncompared(Table t, Set<String> referenceColumns, Map<String, String> exceptions,
                                 String reference) {
    List<String> out = new ArrayList<>();
    for (Feature f : FeatureCatalog.of(t)) {
      if (exceptions.containsKey(f.name())) {
        out.add(t.table + "." + f.name() + ": excepted from the every-column parity test (" + exceptions.get(f.name())
            + ")");
      }
      if (!referenceColumns.contains(f.name())) {
        out.add(t.table + "." + f.name() + ": the batch reference (" + reference + ") computes no such column: add"
            + " it to the hand-written SQL");
      }
    }
    return out;
  }
}
