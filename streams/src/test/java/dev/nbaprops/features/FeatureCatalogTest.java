package dev.nbaprops.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nbaprops.avro.precompute.MlFeatureStore;
import dev.nbaprops.avro.precompute.PlayerDailyCache;
import dev.nbaprops.avro.precompute.PlayerShotZoneAnalysis;
import dev.nbaprops.avro.state.PlayedGame;
import dev.nbaprops.features.FeatureCatalog.Feature;
import dev.nbaprops.features.FeatureCatalog.Op;
import dev.nbaprops.features.FeatureCatalog.Table;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/**
 * The catalog against what it drives: the Avro fields and their docs, docs/features.md's tables, and the computed
 * values. After a catalog change, {@code mvn -pl streams test -Dtest=FeatureCatalogTest -Ddocs.update=true}
 * rewrites the tables in docs/features.md, and the diff shows what changed.
 */
class FeatureCatalogTest {
  static final Path DOC = Path.of("..", "docs", "features.md");

  static String begin(Table t) {
    return "<!-- feature catalog: " + t.table + " begin -->";
  }

  static String end(Table t) {
    return "<!-- feature catalog: " + t.table + " end -->";
  }

  @Test
  void everyFeatureIsAFieldOfItsTablesWithTheCatalogsDocAndAFittingType() {
    List<String> problems = new ArrayList<>();
    for (Feature f : FeatureCatalog.ALL) {
      for (Table t : f.tables()) {
        Schema.Field field = t.schema.getField(f.name());
        if (field == null) {
          problems.add(f.name() + ": no field in " + t.table + " (" + t.schema.getName() + ".avsc)");
          continue;
        }
        if (!f.doc().equals(field.doc())) {
          problems.add(f.name() + ": doc in " + t.schema.getName() + ".avsc is \"" + field.doc()
              + "\", the catalog's is \"" + f.doc() + "\"");
        }
        if (f.op().regular()) {
          Schema s = field.schema();
          boolean nullable = s.isNullable();
          Schema value = s.isUnion() ? s.getTypes().stream().filter(x -> x.getType() != Schema.Type.NULL).findFirst()
              .orElseThrow() : s;
          if (value.getType() != f.op().type()) {
            problems.add(f.name() + ": " + t.table + " has type " + value.getType() + ", a " + f.op().label
                + " gives " + f.op().type());
          }
          if (f.op().canBeNull() && !nullable) {
            problems.add(f.name() + ": a " + f.op().label + " can be null, the field of " + t.table + " is not");
          }
        }
      }
    }
    assertThat(problems).as("catalog vs Avro schemas").isEmpty();
  }

  @Test
  void everyFieldOfTheTablesIsCataloguedOrAnIdentityField() {
    List<String> problems = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (Feature f : FeatureCatalog.ALL) {
      if (!names.add(f.name())) {
        problems.add(f.name() + ": catalogued twice");
      }
    }
    for (Table t : Table.values()) {
      for (Schema.Field field : t.schema.getFields()) {
        boolean catalogued = FeatureCatalog.of(t).stream().anyMatch(f -> f.name().equals(field.name()));
        boolean identity = FeatureCatalog.IDENTITY.get(t).contains(field.name());
        if (catalogued == identity) {
          problems.add(t.table + "." + field.name() + (catalogued ? ": both a feature and an identity field"
              : ": neither a catalog feature nor an identity field"));
        }
      }
      for (String id : FeatureCatalog.IDENTITY.get(t)) {
        if (t.schema.getField(id) == null) {
          problems.add(t.table + ": identity field " + id + " does not exist");
        }
      }
    }
    assertThat(problems).isEmpty();
  }

  @Test
  void docsTablesAreTheCatalogs() throws Exception {
    String text = Files.readString(DOC);
    if (Boolean.getBoolean("docs.update")) {
      for (Table t : Table.values()) {
        int b = text.indexOf(begin(t));
        int e = text.indexOf(end(t));
        assertThat(b).as("docs/features.md has " + begin(t)).isGreaterThanOrEqualTo(0);
        assertThat(e).as("docs/features.md has " + end(t)).isGreaterThan(b);
        text = text.substring(0, b + begin(t).length()) + "\n" + FeatureCatalog.markdown(t) + text.substring(e);
      }
      Files.writeString(DOC, text);
    }
    for (Table t : Table.values()) {
      int b = text.indexOf(begin(t));
      int e = text.indexOf(end(t));
      assertThat(b).as("docs/features.md has " + begin(t)).isGreaterThanOrEqualTo(0);
      assertThat(e).as("docs/features.md has " + end(t)).isGreaterThan(b);
      assertThat(text.substring(b + begin(t).length(), e))
          .as("docs/features.md's %s table differs from the catalog: rerun with -Ddocs.update=true and commit the"
              + " diff", t.table)
          .isEqualTo("\n" + FeatureCatalog.markdown(t));
    }
  }

  static PlayedGame game(LocalDate d, int pts, int reb, int ast, double min, Integer fga) {
    return PlayedGame.newBuilder().setGameId("00223" + d.getDayOfYear()).setGameDate(d).setTeamAbbr("DEN")
        .setMin(min).setPts(pts).setReb(reb).setAst(ast).setFga(fga).setFta(fga == null ? null : 0)
        .setTov(fga == null ? null : 0).setFg3m(fga).build();
  }

  @Test
  void aggregationsWindowsAndNullRulesOnAHandWorkedList() {
    LocalDate d0 = LocalDate.of(2023, 10, 24);
    // Games on d0, d0+2, d0+4, d0+9: pts 10, 20, 30, 40; min 30, 20, 10, 40.
    List<PlayedGame> prior = List.of(game(d0, 10, 1, 1, 30, null), game(d0.plusDays(2), 20, 1, 1, 20, null),
        game(d0.plusDays(4), 30, 1, 1, 10, null), game(d0.plusDays(9), 40, 1, 1, 40, null));
    LocalDate d = d0.plusDays(10);
    Feature avg2 = new Feature("x", FeatureCatalog.Source.box("pts"), Op.AVG, FeatureCatalog.Window.lastGames(2),
        FeatureCatalog.Scope.PLAYER, Op.AVG.nullRule, "x", Set.of(Table.PLAYER_DAILY_CACHE));
    assertThat(avg2.compute(prior, d)).isEqualTo(35.0);
    assertThat(avg2.compute(List.of(), d)).isNull();
    // [D-7, D-1] = [d0+3, d0+9]: the games of d0+4 and d0+9.
    assertThat(FeatureCatalog.named("games_last_7_days").compute(prior, d)).isEqualTo(2);
    assertThat(FeatureCatalog.named("minutes_last_7_days").compute(prior, d)).isEqualTo(50.0);
    assertThat(FeatureCatalog.named("minutes_last_7_days").compute(List.of(), d)).isEqualTo(0.0);
    assertThat(FeatureCatalog.named("pts_std_last_10").compute(prior.subList(0, 1), d)).isNull();
    assertThat((Double) FeatureCatalog.named("pts_std_last_10").compute(prior, d))
        .isCloseTo(Math.sqrt(500.0 / 3), org.assertj.core.data.Offset.offset(1e-12));
    assertThat(FeatureCatalog.named("pra_avg_last_10").compute(prior, d)).isEqualTo(27.0);
    assertThat(FeatureCatalog.named("games_played_season").compute(prior, d)).isEqualTo(4);
  }

  @Test
  void aGameWithoutTheColumnIsLeftOutNotCountedAsZero() {
    LocalDate d0 = LocalDate.of(2023, 10, 24);
    // A history row written before fga existed (null) beside two with it.
    List<PlayedGame> prior = List.of(game(d0, 10, 1, 1, 30, null), game(d0.plusDays(1), 10, 1, 1, 30, 2),
        game(d0.plusDays(2), 10, 1, 1, 30, 5));
    Feature fga = new Feature("x", FeatureCatalog.Source.box("fga"), Op.AVG, FeatureCatalog.Window.lastGames(5),
        FeatureCatalog.Scope.PLAYER, Op.AVG.nullRule, "x", Set.of(Table.PLAYER_DAILY_CACHE));
    assertThat(fga.compute(prior, d0.plusDays(3))).isEqualTo(3.5);
    assertThat(fga.compute(prior.subList(0, 1), d0.plusDays(3))).isNull();
  }

  @Test
  void aColumnThatIsNotABoxScoreColumnIsRefusedWithItsName() {
    assertThatThrownBy(() -> FeatureCatalog.Source.box("blocks"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'blocks'");
    assertThatThrownBy(() -> new Feature("x", FeatureCatalog.Source.of("words"), Op.AVG,
        FeatureCatalog.Window.season(), FeatureCatalog.Scope.PLAYER, "", "x", Set.of(Table.ML_FEATURE_STORE)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("x:");
  }

  @Test
  void theDailyCacheAndTheFeatureRowCarryEveryComputedFeature() {
    LocalDate d0 = LocalDate.of(2023, 10, 24);
    List<PlayedGame> prior = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      prior.add(game(d0.plusDays(2L * i), i + 1, 2, 3, 30, i % 4));
    }
    LocalDate d = d0.plusDays(24); // the day after the 12th game (every other day from d0)
    PlayerDailyCache c = PlayerFeatures.dailyCache(1, "2023-24", d, "g", "p", "DEN", prior, d0);
    PlayerShotZoneAnalysis z = PlayerFeatures.shotZoneAnalysis(1, "2023-24", d, prior, d0);
    MlFeatureStore row = FeatureVector.playerSide(c, z, null);
    for (Feature f : FeatureCatalog.of(Table.PLAYER_DAILY_CACHE)) {
      if (f.computed()) {
        assertThat(c.get(f.name())).as(f.name()).isEqualTo(f.compute(prior, d)).isNotNull();
      }
      if (f.in(Table.ML_FEATURE_STORE)) {
        assertThat(row.get(f.name())).as(f.name() + " in the feature row").isEqualTo(c.get(f.name()));
      }
    }
    assertThat(c.getPtsAvgLast5()).isEqualTo(10.0); // 8..12
    assertThat(c.getGamesLast7Days()).isEqualTo(3);  // [d0+17, d0+23]: the games of d0+18, d0+20, d0+22
  }
}
