package dev.nbaprops.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nbaprops.avro.raw.PlayerBoxScore;
import dev.nbaprops.replay.Timeline;
import dev.nbaprops.source.GameStarts;
import dev.nbaprops.source.SourceKind;
import dev.nbaprops.testing.TestData;
import dev.nbaprops.testing.TopologyHarness;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

/**
 * Every queryable table's date index ({@link TableStore}) lists exactly the table's rows, each under its own date,
 * on the real slice with every source, and still after corrections that move a game to another date (a player's
 * rows and the game's team rows move; the old date's entries must go). The query API's "every row of a date"
 * reads only the index, so a missing entry hides a row and a stale one points at a row of another date.
 */
@org.junit.jupiter.api.parallel.Isolated("reads TableVersions, one per JVM: another class's topology would move them")
class DateIndexTest {
  @Test
  void theIndexOfEveryTableListsExactlyItsRowsByDate() {
    List<Timeline.Data> items = TestData.timeline(TestData.slice(), List.of(SourceKind.values()), List.of("2023-24"));
    try (TopologyHarness h = TopologyHarness.create()) {
      h.pipeTimeline(items);
      for (StoreCatalog.Entry e : StoreCatalog.ALL) {
        Set<String> expected = expectedIndex(h, e);
        assertThat(expected).as(e.table() + " has rows in the slice").isNotEmpty();
        assertThat(index(h, e)).as(e.indexStore()).isEqualTo(expected);
      }

      // Synthetic corrections of real rows: one of Jokic's games (2023-11-06) moves to 2023-11-09, and back again
      // to another date, as a feed that re-dates a postponed game would send it.
      PlayerBoxScore game = items.stream().map(Timeline.Data::value)
          .filter(v -> v instanceof PlayerBoxScore b && b.getPlayerId() == 203999L
              && b.getGameDate().equals(LocalDate.of(2023, 11, 6)))
          .map(v -> (PlayerBoxScore) v).findFirst().orElseThrow();
      long late = GameStarts.NONE.endOf(null, LocalDate.of(2023, 11, 21));
      String pgs = StoreCatalog.PLAYER_GAME_SUMMARY.store();
      String from = "2023-11-06";
      for (String date : List.of("2023-11-09", "2023-11-08")) {
        long fromVersion = TableVersions.version(pgs, from);
        long toVersion = TableVersions.version(pgs, date);
        long otherVersion = TableVersions.version(pgs, "2023-10-25");
        h.pipe(PlayerBoxScore.newBuilder(game).setGameDate(LocalDate.parse(date)).build(), late);
        for (StoreCatalog.Entry e : StoreCatalog.ALL) {
          assertThat(index(h, e)).as(e.indexStore() + " after moving the game to " + date)
              .isEqualTo(expectedIndex(h, e));
        }
        // The query API's kept answers of both dates are void (query/DateAnswers); another date's are not.
        assertThat(TableVersions.version(pgs, from)).as("version of the date the row left").isGreaterThan(fromVersion);
        assertThat(TableVersions.version(pgs, date)).as("version of the date the row joined").isGreaterThan(toVersion);
        assertThat(TableVersions.version(pgs, "2023-10-25")).as("an untouched date").isEqualTo(otherVersion);
        from = date;
      }
      assertThat(index(h, StoreCatalog.PLAYER_GAME_SUMMARY))
          .contains("2023-11-08|203999|2023-11-08|" + game.getGameId())
          .noneMatch(k -> k.startsWith("2023-11-06|203999|") || k.startsWith("2023-11-09|203999|"));
      assertThat(index(h, StoreCatalog.TEAM_OFFENSE_GAME_SUMMARY)).anyMatch(k -> k.contains(game.getGameId()));
    }
  }

  /** date|key of every row of the table, the date from the row's key or, failing that, its game_date. */
  private static Set<String> expectedIndex(TopologyHarness h, StoreCatalog.Entry e) {
    Set<String> out = new TreeSet<>();
    KeyValueStore<String, Object> rows = h.driver().getKeyValueStore(e.store());
    try (KeyValueIterator<String, Object> it = rows.all()) {
      it.forEachRemaining(kv -> out.add(StoreCatalog.Entry.indexKey(e.dateOf(kv.key, kv.value), kv.key)));
    }
    return out;
  }

  private static Set<String> index(TopologyHarness h, StoreCatalog.Entry e) {
    Set<String> out = new TreeSet<>();
    KeyValueStore<String, Object> index = h.driver().getKeyValueStore(e.indexStore());
    try (KeyValueIterator<String, Object> it = index.all()) {
      it.forEachRemaining(kv -> out.add(kv.key));
    }
    return out;
  }
}
