package dev.nbaprops.live;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.nbaprops.avro.analytics.PlayerGameSummary;
import dev.nbaprops.avro.raw.PlayerBoxScore;
import dev.nbaprops.avro.raw.PropLine;
import dev.nbaprops.avro.raw.ScheduleGame;
import dev.nbaprops.replay.Timeline;
import dev.nbaprops.source.SourceKind;
import dev.nbaprops.testing.TestData;
import dev.nbaprops.testing.TopologyHarness;
import dev.nbaprops.topics.Topics;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real night of 2023-24 (2023-10-30, 11 games, the bundled slice) played through the live pollers as a
 * sequence of scoreboard, in-progress and final box-score, and Odds API payloads served by a local HTTP server,
 * into the real topology (TopologyTestDriver). At the end every table the harness collects equals the tables of a
 * replay of the same night; both start from the same replayed first week of the season, so the rolling statistics
 * are exercised. Then a stat correction of one final flows through as a correction, and a restarted live run
 * sends nothing again.
 */
class LiveNightParityTest {
  static final LocalDate NIGHT = LocalDate.of(2023, 10, 30);

  @Test
  void liveNightEqualsReplayOfTheSameNight(@TempDir Path tmp) throws Exception {
    Path data = TestData.slice();
    // The season's first six nights, replayed into both (prop lines left out there: they only touch those nights'
    // own rows and would double the test's time).
    List<Timeline.Item> prefix = LiveTesting.timeline(data, LocalDate.of(2023, 10, 24), NIGHT.minusDays(1)).stream()
        .filter(i -> i.source() != SourceKind.PROPS).toList();
    List<Timeline.Item> night = LiveTesting.timeline(data, NIGHT, NIGHT);
    NightFeed feed = new NightFeed(data, NIGHT);
    assertThat(feed.games).hasSize(11);
    List<Instant> times = feed.pollTimes();
    try (TopologyHarness replay = TopologyHarness.create(); TopologyHarness liveHarness = TopologyHarness.create();
         FixtureServer server = new FixtureServer(feed, times.get(0))) {
      LiveTesting.Feeder replayFeed = new LiveTesting.Feeder(replay);
      replayFeed.pipe(prefix);
      replayFeed.pipe(night);

      LiveTesting.HarnessSink sink = new LiveTesting.HarnessSink(liveHarness);
      sink.feeder.pipe(prefix);
      int summariesBefore = liveHarness.summaries().size();
      SimClock clock = new SimClock(server.now);
      Path state = tmp.resolve("live/sent.tsv");
      LiveMode live = new LiveMode(LiveTesting.config(server, Map.of()), sink, state, data, clock);
      HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
      http.createContext(LiveHttpHandler.PATH, live.handler());
      http.start();
      String api = "http://127.0.0.1:" + http.getAddress().getPort();
      String someGame = feed.games.keySet().iterator().next();
      boolean sawInProgress = false;
      try {
        for (Instant t : times) {
          server.now.set(t);
          live.runner().tick(t);
          if (t.isBefore(feed.finalAt)) {
            assertThat(sink.sent(Topics.PLAYER_BOX_SCORE)).as("no box score before the final (at %s)", t).isEmpty();
            assertThat(liveHarness.summaries()).as("in-game lines move no table").hasSize(summariesBefore);
          }
          if (t.isAfter(feed.tipOff) && t.isBefore(feed.finalAt)) {
            HttpResponse<String> g = get(api + "/live/games/" + someGame);
            assertThat(g.statusCode()).isEqualTo(200);
            Map<?, ?> game = NightFeed.JSON.readValue(g.body(), Map.class);
            assertThat(game.get("state")).isEqualTo("in_progress");
            assertThat((List<?>) game.get("players")).isNotEmpty();
            sawInProgress = true;
          }
        }
        assertThat(sawInProgress).isTrue();
        for (Poller p : live.runner().pollers()) {
          assertThat(p.health().failures()).as(p.name() + " failures: " + p.health().lastErrorMessage()).isZero();
          assertThat(p.health().lastSuccess()).isEqualTo(times.get(times.size() - 1));
        }
        assertThat(live.runner().pollers()).extracting(Poller::name).containsExactly("scoreboard", "boxscore", "odds");

        // The raw records: the live path produced what the replay produced (schedule: latest per game).
        assertThat(values(sink.sent(Topics.PLAYER_BOX_SCORE))).isEqualTo(values(night, SourceKind.BOX_SCORES));
        // Live lines carry the feed's own start (commence_time: FEED), replayed ones the schedule's (listed tip-off
        // + 15 minutes: SCHEDULE); the fixture's commence_time is that same instant, so only the source differs.
        assertThat(sink.sent(Topics.PROP_LINE)).isNotEmpty().allSatisfy(r ->
            assertThat(((PropLine) r.value()).getGameStartSource()).isEqualTo("FEED"));
        assertThat(withoutStartSource(values(sink.sent(Topics.PROP_LINE))))
            .isEqualTo(withoutStartSource(values(night, SourceKind.PROPS)));
        Map<String, Object> latestSchedule = new HashMap<>();
        sink.sent(Topics.SCHEDULE).forEach(r -> latestSchedule.put(r.key(), r.value()));
        assertThat(new HashSet<>(latestSchedule.values())).isEqualTo(values(night, SourceKind.SCHEDULE));
        assertThat(sink.sent(Topics.DEAD_LETTER)).isEmpty();
        // Repeated polls of unchanged finals sent nothing twice.
        Set<String> changeKeys = new HashSet<>();
        sink.sent.forEach(r -> assertThat(changeKeys.add(r.changeKey() + "@" + java.util.HexFormat.of().formatHex(
            bytes(r.digest())))).as(r.changeKey()).isTrue());

        // The derived tables: equal to the replay's, table by table.
        Map<String, Map<?, ?>> expected = LiveTesting.tables(replay);
        Map<String, Map<?, ?>> actual = LiveTesting.tables(liveHarness);
        assertThat(actual.keySet()).isEqualTo(expected.keySet()).contains("summaries", "dailyCache");
        for (String table : expected.keySet()) {
          assertThat(actual.get(table)).as(table).isEqualTo(expected.get(table));
        }
        assertThat(liveHarness.summaries().values().stream().filter(s -> s.getGameDate().equals(NIGHT)))
            .hasSize(values(night, SourceKind.BOX_SCORES).size())
            .anyMatch(s -> s.getPraLine() != null);

        // Health over HTTP: JSON and Prometheus text.
        HttpResponse<String> h = get(api + "/live/health");
        assertThat(h.statusCode()).isEqualTo(200);
        com.fasterxml.jackson.databind.JsonNode boxscore = null;
        for (com.fasterxml.jackson.databind.JsonNode p : dev.nbaprops.query.Json.MAPPER.readTree(h.body()).get("pollers")) {
          if (p.path("name").asText().equals("boxscore")) {
            boxscore = p;
          }
        }
        assertThat(boxscore).as("the boxscore poller in " + h.body()).isNotNull();
        assertThat(boxscore.get("consecutive_failures").asInt(-1)).isZero();
        assertThat(boxscore.has("lag_seconds")).isTrue();
        String metrics = get(api + "/live/metrics").body();
        assertThat(metrics).contains("nba_live_poller_lag_seconds{poller=\"boxscore\"} 0",
            "nba_live_poller_consecutive_failures{poller=\"odds\"} 0", "nba_live_outbox_pending_records 0",
            "nba_live_games{state=\"final\"} 11", "nba_live_feed_gauge{poller=\"odds\",name=\"x_requests_remaining\"} 480");
        assertThat(metrics).isEqualTo(live.metrics().prometheus(clock.instant()));

        // 3. A stat correction of a final (synthetic: +2 assists for one real player) flows through as a correction.
        PlayerBoxScore original = (PlayerBoxScore) sink.sent(Topics.PLAYER_BOX_SCORE).get(0).value();
        feed.correct(original.getGameId(), original.getPlayerId(), Map.of("ast", Integer.toString(original.getAst() + 2)));
        int sentBefore = sink.sent.size();
        Instant later = feed.finalAt.plus(java.time.Duration.ofMinutes(45));
        server.now.set(later);
        live.runner().tick(later);
        List<LiveRecord> fix = sink.sent.subList(sentBefore, sink.sent.size());
        assertThat(fix).hasSize(1);
        PlayerBoxScore corrected = PlayerBoxScore.newBuilder(original).setAst(original.getAst() + 2).build();
        assertThat(fix.get(0).value()).isEqualTo(corrected);
        String key = original.getGameId() + "|" + original.getPlayerId();
        assertThat(liveHarness.summaries().get(key).getAst()).isEqualTo(original.getAst() + 2);
        replayFeed.pipe(Topics.PLAYER_BOX_SCORE, Long.toString(corrected.getPlayerId()), corrected,
            fix.get(0).timestamp());
        replayFeed.drain();
        Map<String, Map<?, ?>> expected2 = LiveTesting.tables(replay);
        Map<String, Map<?, ?>> actual2 = LiveTesting.tables(liveHarness);
        for (String table : expected2.keySet()) {
          assertThat(actual2.get(table)).as(table + " after the correction").isEqualTo(expected2.get(table));
        }
      } finally {
        http.stop(0);
        live.close();
      }

      // 4. A restarted live run on the same state sends nothing that was already sent.
      LiveTesting.HarnessSink sink2 = new LiveTesting.HarnessSink(liveHarness);
      try (LiveMode again = new LiveMode(LiveTesting.config(server, Map.of()), sink2, state, data, clock)) {
        Instant t = server.now.get().plusSeconds(60);
        server.now.set(t);
        again.runner().tick(t);
        again.runner().tick(t.plusSeconds(1));
        assertThat(sink2.sent).isEmpty();
        assertThat(again.games().counts()).containsEntry("final", 11);
      }
    }
  }

  private static Set<Object> withoutStartSource(Set<Object> lines) {
    return lines.stream().map(v -> (Object) PropLine.newBuilder((PropLine) v).setGameStartSource(null).build())
        .collect(Collectors.toSet());
  }

  private static Set<Object> values(List<LiveRecord> records) {
    return records.stream().map(LiveRecord::value).collect(Collectors.toSet());
  }

  private static Set<Object> values(List<Timeline.Item> items, SourceKind source) {
    return items.stream().filter(i -> i instanceof Timeline.Data d && d.source() == source)
        .map(i -> (Object) ((Timeline.Data) i).value()).collect(Collectors.toSet());
  }

  static byte[] bytes(java.nio.ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
  }

  static HttpResponse<String> get(String url) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @SuppressWarnings("unused")
  private static final Class<?>[] USED = {PlayerGameSummary.class, PropLine.class, ScheduleGame.class};
}
