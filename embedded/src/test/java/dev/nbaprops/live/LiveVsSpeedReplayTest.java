package dev.nbaprops.live;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nbaprops.app.NbaPropsApp;
import dev.nbaprops.config.AppConfig;
import dev.nbaprops.replay.ProgressBar;
import dev.nbaprops.replay.ReplaySummary;
import dev.nbaprops.replay.Replayer;
import dev.nbaprops.replay.Selection;
import dev.nbaprops.replay.SourceParsers;
import dev.nbaprops.serde.AvroCodec;
import dev.nbaprops.serde.TableSpec;
import dev.nbaprops.source.DataLayout;
import dev.nbaprops.testing.TestData;
import dev.nbaprops.testing.TopicReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On a real broker and the real running app: a {@code --speed} replay of one real night (2023-10-30, the slice)
 * and the live pollers playing the same night (fixture server, Kafka transactions of {@link KafkaLiveSink}) give
 * the same derived tables, every table of every derived topic.
 */
class LiveVsSpeedReplayTest {
  static final LocalDate NIGHT = LocalDate.of(2023, 10, 30);

  @Test
  void speedReplayAndLiveAgree(@TempDir Path tmp) throws Exception {
    Path data = TestData.slice();
    Map<String, Map<String, Object>> replayed;
    try (NbaPropsApp app = NbaPropsApp.start(cfg(tmp.resolve("replay")))) {
      app.awaitRunning(Duration.ofMinutes(2));
      PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
      // 36 h of event time (the schedule entries at noon the day before to the finals) in about 2 s.
      ReplaySummary s = new Replayer(app.bootstrapServers(), Map.of()).replay(new Replayer.Options(data,
              Selection.of(LiveTesting.LIVE_SOURCES, List.of(), NIGHT, NIGHT, List.of()), 60_000.0, false),
          SourceParsers.forLayout(new DataLayout(data)), (l, n) -> new ProgressBar(quiet, l, n, false,
              Duration.ofHours(1)), m -> { });
      assertThat(s.produced()).isPositive();
      app.awaitDrained(Duration.ofMinutes(3), m -> { });
      replayed = stableTables(app.bootstrapServers());
    }
    Map<String, Map<String, Object>> live;
    NightFeed feed = new NightFeed(data, NIGHT);
    try (NbaPropsApp app = NbaPropsApp.start(cfg(tmp.resolve("live")));
         FixtureServer server = new FixtureServer(feed, feed.pollTimes().get(0))) {
      app.awaitRunning(Duration.ofMinutes(2));
      try (LiveMode mode = new LiveMode(LiveTesting.config(server, Map.of()),
          new KafkaLiveSink(app.bootstrapServers(), "nba-live-test", Map.of()), tmp.resolve("live/sent.tsv"), data,
          new SimClock(server.now))) {
        for (Instant t : feed.pollTimes()) {
          server.now.set(t);
          mode.runner().tick(t);
        }
        assertThat(mode.outbox().pending()).isZero();
        assertThat(mode.outbox().health().failures()).isZero();
      }
      app.awaitDrained(Duration.ofMinutes(3), m -> { });
      live = stableTables(app.bootstrapServers());
    }
    assertThat(replayed.get("nba_analytics.player_game_summary")).isNotEmpty();
    assertThat(live.keySet()).isEqualTo(replayed.keySet());
    for (String table : replayed.keySet()) {
      assertThat(live.get(table)).as(table).isEqualTo(replayed.get(table));
    }
  }

  /**
   * The tables once two reads 2 s apart agree (at most 60 s): on a loaded machine the drain check can pass while
   * the last team rows (which go through a repartition topic) are still being committed.
   */
  private static Map<String, Map<String, Object>> stableTables(String bootstrap) throws InterruptedException {
    Map<String, Map<String, Object>> last = tables(bootstrap);
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      Thread.sleep(2_000);
      Map<String, Map<String, Object>> now = tables(bootstrap);
      if (now.equals(last)) {
        return now;
      }
      last = now;
    }
    return last;
  }

  private static AppConfig cfg(Path state) {
    return AppConfig.defaults().with(Map.of(AppConfig.STATE_DIR, state.toString(),
        AppConfig.EMBEDDED_KAFKA_PORT, "0", AppConfig.EMBEDDED_CONTROLLER_PORT, "0", AppConfig.QUERY_PORT, "0",
        AppConfig.EMBEDDED_CONNECT, "false", AppConfig.PARTITIONS, "2", AppConfig.STREAM_THREADS, "1",
        AppConfig.COMMIT_INTERVAL_MS, "200", AppConfig.EMBEDDED_KAFKA_HEAP, "512m"));
  }

  /** Latest row per key of every derived topic (what the compacted topics and the warehouse end up with). */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Map<String, Map<String, Object>> tables(String bootstrap) {
    Map<String, Map<String, Object>> out = new TreeMap<>();
    for (TableSpec spec : TableSpec.all()) {
      Class<? extends SpecificRecord> type;
      try {
        type = (Class<? extends SpecificRecord>) Class.forName(spec.schema().getFullName());
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException(e);
      }
      Map<String, Object> rows = new HashMap<>();
      TopicReader.readAll(bootstrap, List.of(spec.topic()), r -> {
        if (r.value() == null) {
          rows.remove(r.key());
        } else {
          rows.put(r.key(), ((AvroCodec) AvroCodec.of(type)).decode(r.value()));
        }
      });
      out.put(spec.table(), rows);
    }
    return out;
  }
}
