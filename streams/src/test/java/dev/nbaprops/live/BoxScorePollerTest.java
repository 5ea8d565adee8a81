package dev.nbaprops.live;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nbaprops.avro.raw.PlayerBoxScore;
import dev.nbaprops.testing.TestData;
import dev.nbaprops.topics.Topics;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The box-score poller requests the games due together ({@link BoxScorePoller#MAX_IN_FLIGHT} at a time, never
 * more) and processes them in order: a night whose games end together costs about one request's time, and a game
 * that fails does not keep the others' lines back.
 */
class BoxScorePollerTest {
  private static final String BOX_PATH = "/static/json/liveData/boxscore/boxscore_";
  private static final LocalDate NIGHT = LocalDate.of(2023, 10, 30);

  @Test
  void theGamesDueAreRequestedTogetherAtMostMaxInFlightAtOnce() throws Exception {
    NightFeed feed = new NightFeed(TestData.slice(), NIGHT);
    assertThat(feed.games).hasSizeGreaterThan(BoxScorePoller.MAX_IN_FLIGHT);
    // A server that answers more requests at once than the poller may send, each box score after 1 s.
    try (FixtureServer server = new FixtureServer(feed, feed.finalAt.plus(Duration.ofMinutes(5)), 16)) {
      for (String game : feed.games.keySet()) {
        server.fail(BOX_PATH + game, FixtureServer.Fault.delay(1_000));
      }
      List<LiveRecord> sent = new ArrayList<>();
      try (LiveMode live = live(server, sent, "PT5S")) {
        live.runner().pollOnce(live.runner().pollers().get(0), server.now.get()); // the scoreboard: the games
        int before = server.mostAnsweredAtOnce.getAndSet(0);
        assertThat(before).isPositive();
        live.runner().pollOnce(live.runner().pollers().get(1), server.now.get());
        live.runner().flushOnce(server.now.get());

        // One after another, one request would be answered at a time.
        assertThat(server.mostAnsweredAtOnce.get()).isEqualTo(BoxScorePoller.MAX_IN_FLIGHT);
        assertThat(server.timedRequests.stream().filter(e -> e.getValue().startsWith(BOX_PATH))).hasSize(feed.games.size());
        assertThat(live.runner().pollers().get(1).health().consecutiveFailures()).isZero();
        // Every game's lines.
        assertThat(gamesSent(sent)).isEqualTo(feed.games.keySet());
      }
    }
  }

  @Test
  void aGameThatTimesOutDoesNotHoldTheOthersBack() throws Exception {
    NightFeed feed = new NightFeed(TestData.slice(), NIGHT);
    try (FixtureServer server = new FixtureServer(feed, feed.finalAt.plus(Duration.ofMinutes(5)))) {
      String slow = feed.games.keySet().iterator().next();
      server.fail(BOX_PATH + slow, FixtureServer.Fault.delay(5_000)); // beyond the 2 s timeout
      List<LiveRecord> sent = new ArrayList<>();
      try (LiveMode live = live(server, sent, "PT2S")) {
        live.runner().pollOnce(live.runner().pollers().get(0), server.now.get());
        PollerHealth box = live.runner().pollers().get(1).health();
        live.runner().pollOnce(live.runner().pollers().get(1), server.now.get());
        live.runner().flushOnce(server.now.get());

        assertThat(box.consecutiveFailures()).isEqualTo(1);
        assertThat(box.lastErrorMessage()).contains("timeout").contains(slow);
        assertThat(gamesSent(sent)).doesNotContain(slow).hasSize(feed.games.size() - 1);

        // The next poll fetches the game that failed (the fault was served once).
        live.runner().pollOnce(live.runner().pollers().get(1), server.now.get());
        live.runner().flushOnce(server.now.get());
        assertThat(box.consecutiveFailures()).isZero();
        assertThat(gamesSent(sent)).isEqualTo(feed.games.keySet());
      }
    }
  }

  /** The games whose box-score lines were sent. */
  private static Set<String> gamesSent(List<LiveRecord> sent) {
    return sent.stream().filter(r -> r.topic().equals(Topics.PLAYER_BOX_SCORE))
        .map(r -> ((PlayerBoxScore) r.value()).getGameId()).collect(Collectors.toSet());
  }

  private static LiveMode live(FixtureServer server, List<LiveRecord> sent, String timeout) {
    LiveConfig cfg = LiveTesting.config(server, Map.of(LiveConfig.HTTP_TIMEOUT, timeout));
    return new LiveMode(cfg, sent::addAll, null, TestData.slice(),
        Clock.fixed(server.now.get(), ZoneOffset.UTC));
  }
}
