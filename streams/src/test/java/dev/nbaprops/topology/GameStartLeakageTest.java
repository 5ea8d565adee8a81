package dev.nbaprops.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nbaprops.avro.raw.PropLine;
import dev.nbaprops.replay.Timeline;
import dev.nbaprops.source.SourceKind;
import dev.nbaprops.testing.TestData;
import dev.nbaprops.testing.TopologyHarness;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/**
 * No leakage through prop lines: a snapshot taken at or after a game's start (listed tip-off + 15 minutes, from
 * the real schedule) changes no row of any table, whenever it arrives (before the box score, after it, after the
 * next day's precompute rows); one taken a millisecond before the start does (so the check can fail).
 *
 * <p>Real records of the slice's first three 2023-24 dates (schedule, game lines, props, box scores); the late
 * snapshots are SYNTHETIC (a bookmaker "LeakBook" with absurd lines), one per (game, player) that has a real line.
 */
class GameStartLeakageTest {
  static final Set<LocalDate> DATES = Set.of(LocalDate.of(2023, 10, 24), LocalDate.of(2023, 10, 25),
      LocalDate.of(2023, 10, 26));

  static List<Timeline.Data> firstDates() {
    return TestData.timeline(TestData.slice(), List.of(SourceKind.SCHEDULE, SourceKind.GAME_LINES, SourceKind.PROPS,
        SourceKind.BOX_SCORES), List.of("2023-24")).stream().filter(d -> d.date() != null && DATES.contains(d.date()))
        .toList();
  }

  /** One synthetic snapshot per (game, player) with a real line, {@code offsetMs} from the game's start. */
  static List<PropLine> leaks(List<Timeline.Data> items, long offsetMs) {
    Map<String, PropLine> byPair = new LinkedHashMap<>();
    for (Timeline.Data d : items) {
      if (d.value() instanceof PropLine p) {
        byPair.putIfAbsent(p.getGameId() + "|" + p.getPlayerId(), p);
      }
    }
    List<PropLine> out = new ArrayList<>();
    for (PropLine p : byPair.values()) {
      Instant start = p.getGameStart();
      assertThat(start).as("the line carries its game's start").isNotNull();
      assertThat(p.getGameStartSource()).isEqualTo("SCHEDULE");
      assertThat(start).isEqualTo(TestData.sliceSchedule().game(p.getGameId()).orElseThrow().listedTipoff()
          .plusSeconds(15 * 60));
      out.add(PropLine.newBuilder(p).setBookmaker("LeakBook").setLine(99.5)
          .setSnapshotTs(start.plusMillis(offsetMs)).build());
    }
    return out;
  }

  static Map<String, Map<String, SpecificRecord>> copy(Map<String, Map<String, SpecificRecord>> tables) {
    Map<String, Map<String, SpecificRecord>> out = new LinkedHashMap<>();
    tables.forEach((t, rows) -> out.put(t, new LinkedHashMap<>(rows)));
    return out;
  }

  @Test
  void snapshotsAtOrAfterTheStartChangeNothingWhenEverTheyArrive() {
    List<Timeline.Data> items = firstDates();
    List<PropLine> atStart = leaks(items, 0);
    List<PropLine> inGame = leaks(items, 60 * 60 * 1000L);
    assertThat(atStart).hasSizeGreaterThan(50);
    Map<String, Map<String, SpecificRecord>> before;
    try (TopologyHarness clean = TopologyHarness.create()) {
      clean.pipeTimeline(items);
      before = copy(clean.tables());
      assertThat(clean.summaries().values().stream().filter(s -> s.getPraLine() != null).count()).isGreaterThan(50);
    }
    try (TopologyHarness h = TopologyHarness.create()) {
      // Half of the in-game snapshots arrive before anything else of their game, as a live feed may send them.
      for (int i = 0; i < inGame.size(); i += 2) {
        h.pipe(inGame.get(i), inGame.get(i).getSnapshotTs().toEpochMilli());
      }
      h.pipeTimeline(items);
      assertThat(h.tables()).as("early in-game snapshots changed nothing").isEqualTo(before);
      for (PropLine p : atStart) {
        h.pipe(p, p.getSnapshotTs().toEpochMilli());
      }
      for (int i = 1; i < inGame.size(); i += 2) {
        h.pipe(inGame.get(i), inGame.get(i).getSnapshotTs().toEpochMilli());
      }
      assertThat(h.tables()).isEqualTo(before);

      // Control: a millisecond before the start the same snapshot is pre-game: one more bookmaker on the rows.
      PropLine justBefore = leaks(items, -1).stream()
          .filter(p -> h.summaries().containsKey(p.getGameId() + "|" + p.getPlayerId())).findFirst().orElseThrow();
      h.pipe(justBefore, justBefore.getSnapshotTs().toEpochMilli());
      assertThat(h.tables()).isNotEqualTo(before);
    }
  }
}
