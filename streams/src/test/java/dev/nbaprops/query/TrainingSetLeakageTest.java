package dev.nbaprops.query;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nbaprops.avro.analytics.PlayerGameSummary;
import dev.nbaprops.avro.precompute.MlFeatureStore;
import dev.nbaprops.avro.raw.PlayerBoxScore;
import dev.nbaprops.avro.raw.Shot;
import dev.nbaprops.query.TrainingSet.Pair;
import dev.nbaprops.replay.Timeline;
import dev.nbaprops.source.SourceKind;
import dev.nbaprops.testing.EmbeddedRun;
import dev.nbaprops.testing.TestData;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/**
 * No leakage into a training row: the feature columns of (player, D) are the same whether or not the input holds
 * the game they are labelled with and every later game. Two real-app runs of the slice's 2023-24 (every source):
 * all of it, and the same without the box scores and shots of D and later and without anything dated after D (the
 * schedule and the pre-game prop lines of D stay: they are known before tip-off). Rows are built by the code the
 * API answers with ({@link TrainingSet#row}); the label is there only in the full run.
 */
class TrainingSetLeakageTest {
  static final LocalDate D = LocalDate.of(2023, 11, 10);

  @Test
  void featuresOfAPairDoNotChangeWhenItsGameAndLaterGamesAreRemoved() {
    List<Timeline.Data> real = TestData.timeline(TestData.slice(), List.of(SourceKind.values()), List.of("2023-24"));
    List<Timeline.Data> beforeTheGame = real.stream().filter(d -> {
      LocalDate date = d.date();
      if (date == null) {
        return true;
      }
      boolean game = d.value() instanceof PlayerBoxScore || d.value() instanceof Shot;
      return game ? date.isBefore(D) : !date.isAfter(D);
    }).toList();
    assertThat(beforeTheGame.size()).isLessThan(real.size());
    Map<String, Map<String, SpecificRecord>> full = EmbeddedRun.run(real);
    Map<String, Map<String, SpecificRecord>> cut = EmbeddedRun.run(beforeTheGame);

    Map<Pair, MlFeatureStore> fullFeatures = onD(full.get("nba_precompute.ml_feature_store"));
    Map<Pair, MlFeatureStore> cutFeatures = onD(cut.get("nba_precompute.ml_feature_store"));
    Map<Pair, PlayerGameSummary> labels = new HashMap<>();
    full.get("nba_analytics.player_game_summary").values().forEach(v -> {
      PlayerGameSummary s = (PlayerGameSummary) v;
      if (s.getGameDate().equals(D)) {
        labels.put(new Pair(s.getPlayerId(), D), s);
      }
    });
    assertThat(labels).as("players with a game on D").hasSizeGreaterThan(100);
    int compared = 0;
    for (Map.Entry<Pair, PlayerGameSummary> e : labels.entrySet()) {
      Pair p = e.getKey();
      MlFeatureStore withGame = fullFeatures.get(p);
      MlFeatureStore withoutGame = cutFeatures.get(p);
      assertThat(withGame).as("feature row of " + p + " in the full run").isNotNull();
      if (withoutGame == null) {
        continue; // a player nobody expected before his game (e.g. his first of the season): no pre-game row
      }
      Map<String, Object> a = TrainingSet.rowOf(p, withGame, e.getValue());
      Map<String, Object> b = TrainingSet.rowOf(p, withoutGame, null);
      for (String c : TrainingSet.featureColumns()) {
        assertThat(b.get(c)).as(p + " " + c + " without its game and later ones").isEqualTo(a.get(c));
      }
      assertThat(a.get("pra")).as("the label, from the game itself").isNotEqualTo("");
      assertThat(b.get("pra")).isEqualTo("");
      compared++;
    }
    assertThat(compared).as("pairs compared (players expected before their game)").isGreaterThan(labels.size() * 8 / 10);
  }

  private static Map<Pair, MlFeatureStore> onD(Map<String, SpecificRecord> table) {
    Map<Pair, MlFeatureStore> out = new HashMap<>();
    table.values().forEach(v -> {
      MlFeatureStore f = (MlFeatureStore) v;
      if (f.getGameDate().equals(D)) {
        out.put(new Pair(f.getPlayerId(), D), f);
      }
    });
    return out;
  }
}
