package dev.nbaprops.live;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nbaprops.avro.precompute.PlayerDailyCache;
import dev.nbaprops.avro.state.SeasonStart;
import dev.nbaprops.replay.Timeline;
import dev.nbaprops.source.SourceKind;
import dev.nbaprops.testing.SyntheticSeason;
import dev.nbaprops.testing.TestData;
import dev.nbaprops.testing.TopologyHarness;
import dev.nbaprops.topics.Topics;
import dev.nbaprops.topology.season.SeasonStartStage;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The opening nights of a season that no setting names, played live: the <b>synthetic</b> season 2031-32
 * ({@link SyntheticSeason}: the slice's real first nights of 2023-24 under game ids 00231… and dates 8 years later)
 * served night by night by the local feed server (scoreboard and box scores; no odds) to the live pollers, into
 * the real topology with no season setting. From its opening night on, every table equals a replay of the same
 * nights into a topology where the setting names the season: nothing is dropped, is_bootstrap is the same.
 */
class LiveUnknownSeasonTest {
  @Test
  void openingNightsOfAnUnconfiguredSeasonPlayedLiveEqualAConfiguredReplay(@TempDir Path tmp) throws Exception {
    Path data = SyntheticSeason.write(TestData.slice(), tmp.resolve("synthetic"), false);
    List<LocalDate> nights = List.of(SyntheticSeason.OPENER, SyntheticSeason.OPENER.plusDays(1));
    try (TopologyHarness replay = TopologyHarness.create(SyntheticSeason.setting());
         TopologyHarness liveHarness = TopologyHarness.create()) {
      LiveTesting.Feeder replayFeed = new LiveTesting.Feeder(replay);
      LiveTesting.HarnessSink sink = new LiveTesting.HarnessSink(liveHarness);
      int boxScores = 0;
      for (LocalDate night : nights) {
        List<Timeline.Item> replayed = LiveTesting.timeline(data, SyntheticSeason.SEASON, night, night);
        boxScores += (int) replayed.stream()
            .filter(i -> i instanceof Timeline.Data d && d.source() == SourceKind.BOX_SCORES).count();
        replayFeed.pipe(replayed);

        NightFeed feed = new NightFeed(data, night);
        assertThat(feed.games).isNotEmpty().allSatisfy((id, row) -> assertThat(id).startsWith("00231"));
        List<Instant> times = feed.pollTimes();
        try (FixtureServer server = new FixtureServer(feed, times.get(0));
             LiveMode live = new LiveMode(LiveTesting.config(server, Map.of(LiveConfig.ODDS_ENABLED, "false")), sink,
                 tmp.resolve("live/sent-" + night + ".tsv"), data, new SimClock(server.now))) {
          for (Instant t : times) {
            server.now.set(t);
            live.runner().tick(t);
          }
          for (Poller p : live.runner().pollers()) {
            assertThat(p.health().failures()).as(p.name() + ": " + p.health().lastErrorMessage()).isZero();
          }
        }
      }
      assertThat(sink.sent(Topics.PLAYER_BOX_SCORE)).hasSize(boxScores);
      assertThat(sink.sent(Topics.DEAD_LETTER)).isEmpty();
      assertThat(liveHarness.summaries()).hasSize(boxScores);
      SeasonStart start = (SeasonStart) liveHarness.driver().getKeyValueStore(SeasonStartStage.STORE)
          .get(SyntheticSeason.SEASON);
      assertThat(start.getFirstGameDate()).isEqualTo(SyntheticSeason.OPENER);
      assertThat(start.getSource()).isEqualTo(SeasonStartStage.SCHEDULE);
      assertThat(liveHarness.dailyCache()).hasSize(boxScores).allSatisfy((k, r) -> assertThat(r.getIsBootstrap()).isTrue());

      Map<String, Map<?, ?>> expected = LiveTesting.tables(replay);
      Map<String, Map<?, ?>> actual = LiveTesting.tables(liveHarness);
      assertThat(actual.keySet()).isEqualTo(expected.keySet()).contains("summaries", "dailyCache");
      for (String table : expected.keySet()) {
        assertThat(actual.get(table)).as(table).isEqualTo(expected.get(table));
      }
      assertThat(liveHarness.dailyCache().values()).extracting(PlayerDailyCache::getSeason)
          .containsOnly(SyntheticSeason.SEASON);
    }
  }
}
