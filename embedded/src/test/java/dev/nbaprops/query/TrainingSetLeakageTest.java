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
 * No leakage into a training row: the feature columns of (player, D) are the same whether the game they are
 * labelled with, and every later game, have their real box-score values or other ones. Two real-app runs of the
 * slice's 2023-24 (every source): as it is, and with every box score dated D or later changed (SYNTHETIC: 10 more
 * points and 3 more assists) and nothing dated after D. A feature row for D exists once D's box score is in (it is
 * a training row of a played game), so the game must be there in both runs; only its values differ. Rows are built by
 * the code the API answers with ({@link TrainingSet#row}).
 */
class TrainingSetLeakageTest {
  static final LocalDate D = LocalDate.of(2023, 11, 10);

  @Test
  void featuresOfAPairDoNotChangeWhenItsGameAndLaterGamesAreRemoved() {
    List<Timeline.Data> real = TestData.timeline(TestData.slice(), List.of(SourceKind.values()), List.of("2023-24"));
    List<Timeline.Data> beforeTheGame = real.stream()
        .filter(d -> d.date() == null || !d.date().isAfter(D))
        .map(d -> d.value() instanceof PlayerBoxScore b && !d.date().isBefore(D)
            ? new Timeline.Data(d.source(), d.key(), PlayerBoxScore.newBuilder(b).setPts(b.getPts() + 10)
                .setAst(b.getAst() + 3).build(), d.eventTime(), d.season(), d.date(), d.gameId(), d.file(), d.line())
            : d)
        .toList();
    assertThat(beforeTheGame.size()).isLessThan(real.size());
    // `real` replayed: the run PointInTimeTest compares with, once per test JVM (read only)
    Map<String, Map<String, SpecificRecord>> full = EmbeddedRun.replayOf(TestData.slice(), List.of("2023-24"));
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
      assertThat(withoutGame).as("feature row of " + p + " in the changed run").isNotNull();
      PlayerGameSummary changedLabel = (PlayerGameSummary) cut.get("nba_analytics.player_game_summary").values()
          .stream().filter(v -> ((PlayerGameSummary) v).getPlayerId() == p.playerId()
              && ((PlayerGameSummary) v).getGameDate().equals(D)).findFirst().orElseThrow();
      Map<String, Object> a = TrainingSet.rowOf(p, withGame, e.getValue());
      Map<String, Object> b = TrainingSet.rowOf(p, withoutGame, changedLabel);
      for (String c : TrainingSet.featureColumns()) {
        assertThat(b.get(c)).as(p + " " + c + " with its game's and later games' values changed").isEqualTo(a.get(c));
      }
      assertThat(b.get("pra")).as("the label follows the game itself").isNotEqualTo(a.get("pra"));
      compared++;
    }
    assertThat(compared).as("pairs compared").isEqualTo(labels.size());
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
