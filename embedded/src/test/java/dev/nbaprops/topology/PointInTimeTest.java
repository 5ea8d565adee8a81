package dev.nbaprops.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nbaprops.avro.raw.PlayerBoxScore;
import dev.nbaprops.avro.raw.PropLine;
import dev.nbaprops.avro.raw.Shot;
import dev.nbaprops.replay.Timeline;
import dev.nbaprops.source.EventTimes;
import dev.nbaprops.source.SourceKind;
import dev.nbaprops.testing.TestData;
import dev.nbaprops.testing.EmbeddedRun;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Point-in-time correctness of the precompute tables (and the pre-game contexts) on the real slice of 2023-24,
 * every source, each variant run on the real app (embedded broker, exactly-once). Leakage: changing, adding or deleting anything dated D or later (box scores, shots, prop lines;
 * the synthetic edits are made here and named as such) leaves every row dated D or earlier unchanged, while
 * later rows do change. Order: the same season replayed with its records shuffled within each week gives the
 * same tables as the ordered replay.
 */
class PointInTimeTest {
  static final LocalDate D = LocalDate.of(2023, 11, 10);
  /** Tables whose rows are "for date D" and must be computed from what was known before D's games. */
  static final Map<String, String> DATED = Map.of(
      "nba_precompute.player_daily_cache", "cache_date",
      "nba_precompute.player_shot_zone_analysis", "analysis_date",
      "nba_precompute.team_defense_zone_analysis", "analysis_date",
      "nba_precompute.player_composite_factors", "game_date",
      "nba_precompute.ml_feature_store", "game_date",
      "nba_analytics.upcoming_player_game_context", "game_date",
      "nba_analytics.upcoming_team_game_context", "game_date");

  static List<Timeline.Data> real;
  static Map<String, Map<String, SpecificRecord>> ordered;

  @BeforeAll
  static void replayInOrder() {
    real = TestData.timeline(TestData.slice(), List.of(SourceKind.values()), List.of("2023-24"));
    // the same records as `real`, replayed once per test JVM and shared with TrainingSetLeakageTest (read only)
    ordered = EmbeddedRun.replayOf(TestData.slice(), List.of("2023-24"));
    assertThat(ordered.get("nba_precompute.ml_feature_store")).hasSizeGreaterThan(3000);
    assertThat(ordered.get("nba_analytics.upcoming_player_game_context")).hasSizeGreaterThan(3000);
  }

  static Map<String, Map<String, SpecificRecord>> copy(Map<String, Map<String, SpecificRecord>> t) {
    Map<String, Map<String, SpecificRecord>> out = new TreeMap<>();
    t.forEach((k, v) -> out.put(k, new HashMap<>(v)));
    return out;
  }

  static LocalDate dateOf(SpecificRecord r, String field) {
    Schema.Field f = r.getSchema().getField(field);
    return (LocalDate) r.get(f.pos());
  }

  static LocalDate gameDate(SpecificRecord v) {
    if (v instanceof PlayerBoxScore b) {
      return b.getGameDate();
    } else if (v instanceof Shot s) {
      return s.getGameDate();
    } else if (v instanceof PropLine p) {
      return p.getGameDate();
    }
    return null;
  }

  /** SYNTHETIC edits of everything dated D or later: changed stats, flipped shots, extra shots, late lines. */
  static List<Timeline.Data> editedFromD() {
    List<Timeline.Data> out = new ArrayList<>();
    int n = 0;
    for (Timeline.Data d : real) {
      LocalDate date = gameDate(d.value());
      if (date == null || date.isBefore(D)) {
        out.add(d);
        continue;
      }
      boolean after = date.isAfter(D);
      SpecificRecord v = d.value();
      if (after && (n++ % 3 == 0)) {
        continue; // deleted
      }
      if (v instanceof PlayerBoxScore b) {
        v = PlayerBoxScore.newBuilder(b).setPts(b.getPts() + 7).setAst(b.getAst() + 2).setMin(b.getMin() + 5).build();
      } else if (v instanceof Shot s) {
        out.add(new Timeline.Data(d.source(), d.key(), Shot.newBuilder(s).setSeq(s.getSeq() + 10_000)
            .setZoneBasic("Mid-Range").setShotMade(true).build(), d.eventTime(), d.season(), d.date(), d.gameId(), d.file(), d.line()));
        v = Shot.newBuilder(s).setShotMade(!s.getShotMade()).build();
      } else if (v instanceof PropLine p) {
        if (after) {
          v = PropLine.newBuilder(p).setLine(p.getLine() + 3).build();
        } else {
          // On D itself: a snapshot after tip-off must never count.
          long late = EventTimes.startOr(p.getGameStart(), p.getGameDate()).toEpochMilli() + 60_000;
          out.add(new Timeline.Data(d.source(), d.key(), PropLine.newBuilder(p).setSnapshotTs(java.time.Instant.ofEpochMilli(late)).setLine(99.5)
              .setBookmaker("LateBook").build(), late, d.season(), d.date(), d.gameId(), d.file(), d.line()));
        }
      }
      out.add(new Timeline.Data(d.source(), d.key(), v, d.eventTime(), d.season(), d.date(), d.gameId(), d.file(), d.line()));
    }
    return out;
  }

  /** Keys whose rows differ (or exist on one side only), with both rows, at most 5 per table. */
  static List<String> diff(String table, Map<String, SpecificRecord> a, Map<String, SpecificRecord> b) {
    java.util.Set<String> keys = new java.util.TreeSet<>(a.keySet());
    keys.addAll(b.keySet());
    List<String> differing = keys.stream().filter(k -> !same(a.get(k), b.get(k))).toList();
    return differing.stream().limit(5)
        .map(k -> table + " (" + differing.size() + " rows) " + k + ": " + fieldDiff(a.get(k), b.get(k))).toList();
  }

  /**
   * Rows equal field by field; doubles within 1e-12 relative (a sum over the same values in another order,
   * e.g. the league's pace, may differ in the last bit).
   */
  static boolean same(SpecificRecord x, SpecificRecord y) {
    if (x == null || y == null) {
      return x == y;
    }
    return x.getSchema().getFields().stream().allMatch(f -> sameValue(x.get(f.pos()), y.get(f.pos())));
  }

  static boolean sameValue(Object a, Object b) {
    if (a instanceof Double x && b instanceof Double y) {
      return Math.abs(x - y) <= 1e-12 * Math.max(1, Math.abs(x));
    }
    return java.util.Objects.equals(a, b);
  }

  static String fieldDiff(SpecificRecord x, SpecificRecord y) {
    if (x == null || y == null) {
      return "expected " + x + " actual " + y;
    }
    StringBuilder b = new StringBuilder();
    for (Schema.Field f : x.getSchema().getFields()) {
      if (!sameValue(x.get(f.pos()), y.get(f.pos()))) {
        b.append(f.name()).append(" expected ").append(x.get(f.pos())).append(" actual ").append(y.get(f.pos()))
            .append("; ");
      }
    }
    return b.toString();
  }

  @Test
  void nothingDatedDOrLaterReachesARowForDOrEarlier() {
    Map<String, Map<String, SpecificRecord>> edited;
    edited = EmbeddedRun.run(editedFromD());
    int checked = 0;
    int laterChanged = 0;
    for (var table : DATED.entrySet()) {
      Map<String, SpecificRecord> a = ordered.get(table.getKey());
      Map<String, SpecificRecord> b = edited.get(table.getKey());
      Map<String, SpecificRecord> upToDA = new HashMap<>();
      Map<String, SpecificRecord> upToDB = new HashMap<>();
      a.forEach((k, v) -> {
        if (!dateOf(v, table.getValue()).isAfter(D)) {
          upToDA.put(k, v);
        }
      });
      b.forEach((k, v) -> {
        if (!dateOf(v, table.getValue()).isAfter(D)) {
          upToDB.put(k, v);
        }
      });
      assertThat(diff(table.getKey(), upToDA, upToDB)).as("rows dated D or earlier that changed").isEmpty();
      for (var row : a.entrySet()) {
        LocalDate date = dateOf(row.getValue(), table.getValue());
        if (!date.isAfter(D)) {
          checked++;
        } else if (!same(row.getValue(), b.get(row.getKey()))) {
          laterChanged++;
        }
      }
      long rowsUpToD = b.values().stream().filter(r -> !dateOf(r, table.getValue()).isAfter(D)).count();
      long expected = a.values().stream().filter(r -> !dateOf(r, table.getValue()).isAfter(D)).count();
      assertThat(rowsUpToD).as(table.getKey() + ": no row for D or earlier added or lost").isEqualTo(expected);
    }
    assertThat(checked).isGreaterThan(10_000);
    assertThat(laterChanged).as("the edits do reach later rows (the test can fail)").isGreaterThan(1000);
    // The post-game tables of D do see the edits.
    assertThat(edited.get("nba_analytics.player_game_summary")).isNotEqualTo(ordered.get("nba_analytics.player_game_summary"));
  }

  @Test
  void recordsShuffledWithinAWeekGiveTheSameTables() {
    List<Timeline.Data> shuffled = TestData.shuffledWithinWeeks(real,
        d -> Math.floorDiv(d.eventTime(), 24L * 3600 * 1000), 7);
    assertThat(shuffled).hasSameSizeAs(real).isNotEqualTo(real);
    Map<String, Map<String, SpecificRecord>> out = EmbeddedRun.run(shuffled);
    List<String> diffs = new ArrayList<>();
    for (String table : ordered.keySet()) {
      diffs.addAll(diff(table, ordered.get(table), out.get(table)));
    }
    assertThat(diffs).as("rows that differ between the ordered and the shuffled replay").isEmpty();
  }
}
