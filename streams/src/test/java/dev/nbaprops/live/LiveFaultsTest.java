package dev.nbaprops.live;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nbaprops.avro.raw.PlayerBoxScore;
import dev.nbaprops.replay.Timeline;
import dev.nbaprops.source.SourceKind;
import dev.nbaprops.testing.TestData;
import dev.nbaprops.topics.Topics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The pollers on their real schedules (short intervals) against a local server that injects the faults of a real
 * network: 503, 429 with Retry-After, a response slower than the timeout, malformed JSON, and a Kafka sink that
 * is down for the first sends. Every fault is reported in the health, retried with backoff, and at the end every
 * record of the (real) night arrived exactly once.
 */
class LiveFaultsTest {
  @Test
  void faultsAreRetriedReportedAndLoseNothing() throws Exception {
    LocalDate night = LocalDate.of(2023, 10, 30);
    NightFeed feed = new NightFeed(TestData.slice(), night);
    List<Timeline.Item> replay = LiveTesting.timeline(TestData.slice(), night, night);
    Set<Object> expectedBox = replay.stream().filter(i -> i.source() == SourceKind.BOX_SCORES)
        .map(i -> (Object) ((Timeline.Data) i).value()).collect(Collectors.toSet());
    long expectedProps = replay.stream().filter(i -> i.source() == SourceKind.PROPS).count();
    String oneGame = feed.games.keySet().iterator().next();
    String oneEvent = feed.props.keySet().iterator().next();

    List<LiveRecord> delivered = new ArrayList<>();
    AtomicInteger sendAttempts = new AtomicInteger();
    LiveSink flakyKafka = batch -> {
      if (sendAttempts.incrementAndGet() <= 2) {
        throw new org.apache.kafka.common.errors.TimeoutException("broker not available (simulated)");
      }
      synchronized (delivered) {
        delivered.addAll(batch);
      }
    };
    try (FixtureServer server = new FixtureServer(feed, feed.finalAt.plus(Duration.ofMinutes(5)))) {
      server.fail(FixtureServer.SCOREBOARD, FixtureServer.Fault.status(503, Map.of()));
      server.fail(FixtureServer.SCOREBOARD, FixtureServer.Fault.status(429, Map.of("Retry-After", "1")));
      server.fail(FixtureServer.SCOREBOARD, FixtureServer.Fault.malformed());
      server.fail("/static/json/liveData/boxscore/boxscore_" + oneGame, FixtureServer.Fault.delay(1_500));
      server.fail("/static/json/liveData/boxscore/boxscore_" + oneGame, FixtureServer.Fault.malformed());
      server.fail("/v4/sports/basketball_nba/events/" + oneEvent, FixtureServer.Fault.status(500, Map.of()));
      server.fail("/v4/sports/basketball_nba/events/" + oneEvent, FixtureServer.Fault.malformed());
      LiveConfig cfg = LiveTesting.config(server, Map.of(LiveConfig.SCOREBOARD_INTERVAL, "PT0.2S",
          LiveConfig.BOXSCORE_INTERVAL, "PT0.2S", LiveConfig.BOXSCORE_FINAL_RECHECK, "PT0.3S",
          LiveConfig.ODDS_INTERVAL, "PT0.3S", LiveConfig.HTTP_TIMEOUT, "PT0.5S", LiveConfig.FLUSH_INTERVAL, "PT0.1S",
          LiveConfig.ODDS_STOP_AFTER_START, "PT12H")); // the night ends hours after its first game starts
      // Real time, set back to the night (just after its games ended).
      Clock clock = Clock.offset(Clock.systemUTC(), Duration.between(Instant.now(), server.now.get()));
      LiveMode live = new LiveMode(cfg, flakyKafka, null, TestData.slice(), clock);
      PollerHealth scoreboard = live.runner().pollers().get(0).health();
      PollerHealth box = live.runner().pollers().get(1).health();
      PollerHealth odds = live.runner().pollers().get(2).health();
      try {
        live.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
          synchronized (delivered) {
            if (server.faultsLeft() == 0 && count(delivered, Topics.PLAYER_BOX_SCORE) >= expectedBox.size()
                && count(delivered, Topics.PROP_LINE) >= expectedProps && live.outbox().pending() == 0
                && scoreboard.consecutiveFailures() == 0 && box.consecutiveFailures() == 0
                && odds.consecutiveFailures() == 0) {
              break;
            }
          }
          Thread.sleep(100);
        }
        Thread.sleep(1_000); // more polls of the unchanged night: nothing new may arrive
      } finally {
        live.close();
      }
      assertThat(server.faultsLeft()).as("every injected fault was served").isZero();

      // Reported: each poller saw its faults, then recovered.
      assertThat(scoreboard.failures()).isGreaterThanOrEqualTo(3);
      assertThat(box.failures()).isGreaterThanOrEqualTo(2);
      assertThat(odds.failures()).isGreaterThanOrEqualTo(2);
      for (PollerHealth h : List.of(scoreboard, box, odds, live.outbox().health())) {
        assertThat(h.consecutiveFailures()).as(h.name()).isZero();
        assertThat(h.lastError()).as(h.name()).isNotNull();
        assertThat(h.lastSuccess()).as(h.name()).isAfter(h.lastError());
      }
      assertThat(live.outbox().health().failures()).isEqualTo(2);
      assertThat(live.metrics().json(clock.instant()).get("status")).isEqualTo("ok");

      // Retry-After: 1 was honoured: the scoreboard request after the 429 came at least ~1 s later.
      List<Long> sb = server.timedRequests.stream().filter(e -> e.getValue().equals(FixtureServer.SCOREBOARD))
          .map(Map.Entry::getKey).toList();
      assertThat(sb.size()).isGreaterThan(3);
      assertThat(Duration.ofNanos(sb.get(2) - sb.get(1))).isGreaterThanOrEqualTo(Duration.ofMillis(950));

      // Nothing lost, nothing twice.
      Set<Object> box2 = new HashSet<>();
      delivered.stream().filter(r -> r.topic().equals(Topics.PLAYER_BOX_SCORE))
          .forEach(r -> assertThat(box2.add(r.value())).as("sent once: " + r.changeKey()).isTrue());
      assertThat(box2).isEqualTo(expectedBox);
      assertThat(delivered.stream().filter(r -> r.topic().equals(Topics.PROP_LINE)).map(LiveRecord::changeKey)
          .distinct().count()).isEqualTo(count(delivered, Topics.PROP_LINE)).isEqualTo(expectedProps);
      assertThat(count(delivered, Topics.SCHEDULE)).isEqualTo(feed.games.size()); // final entries only (all final)
      assertThat(count(delivered, Topics.DEAD_LETTER)).isZero();
      assertThat(delivered).allMatch(r -> !(r.value() instanceof PlayerBoxScore b) || b.getWl() != null);
    }
  }

  private static long count(List<LiveRecord> records, String topic) {
    return records.stream().filter(r -> r.topic().equals(topic)).count();
  }
}
