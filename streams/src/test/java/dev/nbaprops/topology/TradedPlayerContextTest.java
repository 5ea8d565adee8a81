package dev.nbaprops.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nbaprops.avro.analytics.UpcomingPlayerGameContext;
import dev.nbaprops.avro.raw.PlayerBoxScore;
import dev.nbaprops.avro.state.ExpectedPlayer;
import dev.nbaprops.serde.AvroSerde;
import dev.nbaprops.replay.Timeline;
import dev.nbaprops.source.SourceKind;
import dev.nbaprops.testing.ReferenceSql;
import dev.nbaprops.testing.TestData;
import dev.nbaprops.testing.TopologyHarness;
import dev.nbaprops.topology.player.PlayerGameStage;
import dev.nbaprops.topology.player.UpcomingPlayerContextStage;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/**
 * A traded player whose new team's next game is against his old team: the expectation for that game moves from
 * the old team's side to the new team's side of the same game. Real data from ../shared (skipped without it):
 * DeAndre Jordan (201599), LAL until 2022-02-27, PHI from 2022-03-07, PHI at LAL on 2022-03-23 (0022101093).
 * LAL's and PHI's 2021-22 schedule and game lines are piped first (as if published before the season), then
 * the box scores of their games in three batches with a recompute after each, so that one recompute both expects
 * him for PHI in 0022101093 and withdraws his expectation for LAL in the same game (the order in which a busy
 * backfill, with box scores lagging the schedule, lost his row now and then). His rows must equal the reference.
 */
class TradedPlayerContextTest {
  static final long JORDAN = 201599L;
  static final String PHI_AT_LAL = "0022101093";

  @Test
  void anExpectationThatMovesToTheOtherSideOfTheSameGameKeepsTheRow() throws Exception {
    Path data = TestData.shared().orElse(null);
    assumeTrue(data != null, "../shared/data/nba is not beside the project");
    List<Timeline.Data> season = TestData.timeline(data, List.of(SourceKind.SCHEDULE, SourceKind.GAME_LINES,
        SourceKind.BOX_SCORES), List.of("2021-22"));
    Set<String> games = season.stream().filter(d -> d.value() instanceof PlayerBoxScore b
        && Set.of("LAL", "PHI").contains(b.getTeamAbbr())).map(Timeline.Data::gameId).collect(Collectors.toSet());
    List<Timeline.Data> records = season.stream().filter(d -> games.contains(d.gameId())).toList();
    LocalDate lastForLal = LocalDate.of(2022, 2, 27);
    LocalDate dayBefore = LocalDate.of(2022, 3, 22);

    try (TopologyHarness h = TopologyHarness.create()) {
      h.pipeTimeline(records.stream().filter(d -> !(d.value() instanceof PlayerBoxScore)).toList());
      h.pipeTimeline(between(records, d -> !d.isAfter(lastForLal)));
      Map<String, UpcomingPlayerGameContext> rows = h.table("nba_analytics.upcoming_player_game_context");
      // Only LAL's games are known to have him so far: he is expected for LAL, on LAL's side of 0022101093.
      assertThat(rows.get(PHI_AT_LAL + "|" + JORDAN)).isNotNull()
          .extracting(UpcomingPlayerGameContext::getTeamAbbr).isEqualTo("LAL");

      h.pipeTimeline(between(records, d -> d.isAfter(lastForLal) && !d.isAfter(dayBefore)));
      assertThat(rows.get(PHI_AT_LAL + "|" + JORDAN)).as("his row for PHI at LAL after his first PHI games")
          .isNotNull().extracting(UpcomingPlayerGameContext::getTeamAbbr).isEqualTo("PHI");

      h.pipeTimeline(between(records, d -> d.isAfter(dayBefore)));
      Map<String, Map<String, Object>> reference = ReferenceSql.expectedPlayers(
          List.of(data.resolve("box_scores/player_box_2021-22.csv.gz")),
          data.resolve("schedule/games_2021-22_to_2023-24.csv.gz"));
      Map<String, Map<String, Object>> want = new TreeMap<>(reference);
      want.keySet().removeIf(k -> !k.endsWith("|" + JORDAN));
      Map<String, UpcomingPlayerGameContext> got = new TreeMap<>(rows);
      got.keySet().removeIf(k -> !k.endsWith("|" + JORDAN));
      assertThat(want).hasSizeGreaterThan(50);
      assertThat(got.keySet()).isEqualTo(want.keySet());
      got.forEach((k, row) -> {
        assertThat(row.getTeamAbbr()).as(k).isEqualTo(want.get(k).get("team_abbr"));
        assertThat(row.getDaysRest()).as(k).isEqualTo(want.get(k).get("days_rest"));
        assertThat(row.getGamesLast7Days()).as(k).isEqualTo(want.get(k).get("games_last_7_days"));
      });
      assertThat(got.get(PHI_AT_LAL + "|" + JORDAN).getTeamAbbr()).isEqualTo("PHI");
    }
  }

  /**
   * The same protocol on SYNTHETIC expectations (no ../shared needed): the processor alone, fed the old side's
   * withdrawal after the new side, and before it; and a withdrawal of the side the row stands on still removes it.
   */
  @Test
  void onlyTheWithdrawalOfTheRowsOwnSideRemovesIt() {
    ExpectedPlayer lal = ExpectedPlayer.newBuilder().setSeason("2021-22").setGameId(PHI_AT_LAL)
        .setGameDate(LocalDate.of(2022, 3, 23)).setPlayerId(JORDAN).setPlayerName("DeAndre Jordan")
        .setTeamAbbr("LAL").setOppAbbr("PHI").setHome(true).setDaysRest(23).setGamesLast7Days(0).setExpected(true)
        .build();
    ExpectedPlayer phi = ExpectedPlayer.newBuilder(lal).setTeamAbbr("PHI").setOppAbbr("LAL").setHome(false)
        .setDaysRest(1).setGamesLast7Days(4).build();
    ExpectedPlayer lalWithdrawn = ExpectedPlayer.newBuilder(lal).setExpected(false).build();
    ExpectedPlayer phiWithdrawn = ExpectedPlayer.newBuilder(phi).setExpected(false).build();
    String key = PHI_AT_LAL + "|" + JORDAN;

    Map<String, UpcomingPlayerGameContext> newSideFirst = contextsAfter(lal, phi, lalWithdrawn);
    assertThat(newSideFirst).containsOnlyKeys(key);
    assertThat(newSideFirst.get(key).getTeamAbbr()).isEqualTo("PHI");
    assertThat(newSideFirst.get(key).getDaysRest()).isEqualTo(1);

    Map<String, UpcomingPlayerGameContext> oldSideWithdrawnFirst = contextsAfter(lal, lalWithdrawn, phi);
    assertThat(oldSideWithdrawnFirst).containsOnlyKeys(key);
    assertThat(oldSideWithdrawnFirst.get(key).getTeamAbbr()).isEqualTo("PHI");

    assertThat(contextsAfter(lal, phi, phiWithdrawn)).isEmpty();
    assertThat(contextsAfter(lal, phi, lalWithdrawn, phiWithdrawn)).isEmpty();
  }

  /** The table (latest row per topic key) the processor writes for a sequence of expectations of one player. */
  private static Map<String, UpcomingPlayerGameContext> contextsAfter(ExpectedPlayer... inputs) {
    Topology t = new Topology();
    t.addSource("in", Serdes.String().deserializer(), AvroSerde.any().deserializer(), "expected");
    t.addProcessor("context", UpcomingPlayerContextStage::new, "in");
    for (String store : List.of(UpcomingPlayerContextStage.STORE, UpcomingPlayerContextStage.EXPECTED_STORE,
        PlayerGameStage.PROPS_STORE)) {
      t.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(store), Serdes.String(),
          AvroSerde.any()).withLoggingDisabled(), "context");
    }
    t.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(
        StoreCatalog.UPCOMING_PLAYER_GAME_CONTEXT.indexStore()), Serdes.String(), Serdes.String())
        .withLoggingDisabled(), "context");
    t.addSink("out", "contexts", Serdes.String().serializer(), AvroSerde.of(UpcomingPlayerGameContext.class)
        .serializer(), "context");
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "traded-player-test");
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    try (TopologyTestDriver driver = new TopologyTestDriver(t, p)) {
      TestInputTopic<String, SpecificRecord> in = driver.createInputTopic("expected", Serdes.String().serializer(),
          AvroSerde.any().serializer());
      for (ExpectedPlayer e : inputs) {
        in.pipeInput(Long.toString(e.getPlayerId()), e);
      }
      Map<String, UpcomingPlayerGameContext> table = new TreeMap<>();
      driver.createOutputTopic("contexts", Serdes.String().deserializer(),
          AvroSerde.of(UpcomingPlayerGameContext.class).deserializer()).readKeyValuesToList().forEach(kv -> {
            if (kv.value == null) {
              table.remove(kv.key);
            } else {
              table.put(kv.key, kv.value);
            }
          });
      return table;
    }
  }

  private static List<Timeline.Data> between(List<Timeline.Data> records, Predicate<LocalDate> dates) {
    return records.stream().filter(d -> d.value() instanceof PlayerBoxScore && dates.test(d.date())).toList();
  }
}
