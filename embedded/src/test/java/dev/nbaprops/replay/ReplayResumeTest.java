package dev.nbaprops.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nbaprops.app.NbaPropsApp;
import dev.nbaprops.avro.analytics.PlayerGameSummary;
import dev.nbaprops.avro.analytics.TeamDefenseGameSummary;
import dev.nbaprops.avro.analytics.TeamOffenseGameSummary;
import dev.nbaprops.avro.precompute.PlayerDailyCache;
import dev.nbaprops.config.AppConfig;
import dev.nbaprops.serde.TableSpec;
import dev.nbaprops.source.DataLayout;
import dev.nbaprops.source.SourceKind;
import dev.nbaprops.testing.Parity;
import dev.nbaprops.testing.ReferenceSql;
import dev.nbaprops.testing.TestData;
import dev.nbaprops.testing.TopicReader;
import dev.nbaprops.testing.TopologyHarness;
import dev.nbaprops.topics.Topics;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real replay (the CLI in a child JVM, producing into a real broker) is killed with SIGKILL mid-way and
 * resumed: every raw record is committed exactly once, and the derived table equals the uninterrupted result.
 */
class ReplayResumeTest {
  /** The slice's 2023-24, every source: the uninterrupted run is the one PointInTimeTest and TrainingSetLeakageTest read. */
  static final List<String> SEASONS = List.of("2023-24");

  /**
   * The replay's position once no transaction of it is in flight: a commit's markers reach the partitions after
   * commitTransaction returns, so a read right after it may not see it yet. Fencing the replay's transactional id
   * (what a resume does first) waits for a commit in flight and aborts an open transaction.
   */
  private static ReplayProgress.Position settled(String bs, String identity) {
    try (var fence = ReplayProducer.transactional(bs, "nba-replay-" + identity, Map.of())) {
      return ReplayProgress.read(bs, identity).orElseThrow();
    }
  }

  @Test
  void killMinus9ThenResume(@TempDir Path tmp) throws Exception {
    AppConfig cfg = AppConfig.defaults().with(Map.of(AppConfig.STATE_DIR, tmp.resolve("state").toString(),
        AppConfig.EMBEDDED_KAFKA_PORT, "0", AppConfig.EMBEDDED_CONTROLLER_PORT, "0", AppConfig.QUERY_PORT, "0",
        AppConfig.EMBEDDED_CONNECT, "false", AppConfig.PARTITIONS, "2", AppConfig.STREAM_THREADS, "1",
        AppConfig.COMMIT_INTERVAL_MS, "200", AppConfig.EMBEDDED_KAFKA_HEAP, "512m"));
    Path data = TestData.slice();
    Selection selection = Selection.of(List.of(), SEASONS, null, null, List.of());
    DataLayout layout = new DataLayout(data);
    String identity;
    try (Timeline t = new Timeline(layout, selection, SourceParsers.forLayout(layout), new ReplaySummary())) {
      identity = ReplayProgress.identity(selection, t.inputFiles());
    }
    try (NbaPropsApp app = NbaPropsApp.start(cfg)) {
      app.awaitRunning(Duration.ofMinutes(2));
      String bs = app.bootstrapServers();
      // 1. The CLI replays in a child JVM, paced so that it takes several seconds; kill -9 after a commit.
      Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-cp", System.getProperty("java.class.path"), "dev.nbaprops.cli.Main", "replay", "--produce-only",
          "--bootstrap-servers", bs, "--data", data.toString(), "--state-dir", tmp.resolve("child").toString(),
          "--seasons", String.join(",", SEASONS), "--set", AppConfig.PARTITIONS + "=2",
          "--speed", "3000000")
          .redirectErrorStream(true).redirectOutput(tmp.resolve("child.log").toFile()).start();
      Optional<ReplayProgress.Position> pos = Optional.empty();
      long deadline = System.currentTimeMillis() + 120_000;
      while (System.currentTimeMillis() < deadline && child.isAlive()) {
        pos = ReplayProgress.read(bs, identity);
        if (pos.isPresent() && pos.get().committed() > 20_000) {
          break;
        }
        Thread.sleep(100);
      }
      assertThat(pos).as("a mid-way commit of the child replay").isPresent();
      assertThat(pos.get().done()).as("killed before the end").isFalse();
      child.destroyForcibly().waitFor();
      long committedAtKill = settled(bs, identity).committed();

      // 2. Resume in this JVM: the committed prefix is not sent again.
      PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
      List<String> notes = new ArrayList<>();
      ReplaySummary s = new Replayer(bs, Map.of()).replay(new Replayer.Options(data, selection, null, true),
          SourceParsers.forLayout(layout), (l, n) -> new ProgressBar(quiet, l, n, false, Duration.ofHours(1)),
          notes::add);
      assertThat(notes).anyMatch(n -> n.startsWith("resuming replay " + identity));
      assertThat(s.alreadyCommitted()).isEqualTo(committedAtKill).isPositive();
      // What the replay must have sent, by topic: the slice's 2023-24 (`replay --dry-run --seasons 2023-24`: one
      // prop row is dead-lettered), pinned, and the same as the timeline the parity tests read.
      Map<String, Long> expected = Map.of(Topics.SCHEDULE, 201L, Topics.GAME_LINE, 201L, Topics.PROP_LINE, 7108L,
          Topics.PLAYER_BOX_SCORE, 4367L, Topics.SHOT, 35793L);
      assertThat(TestData.timeline(data, List.of(SourceKind.values()), SEASONS).stream()
          .collect(java.util.stream.Collectors.groupingBy(d -> d.source().topic(), java.util.stream.Collectors.counting())))
          .isEqualTo(expected);
      assertThat(expected).containsOnlyKeys(Topics.RAW);
      long all = expected.values().stream().mapToLong(Long::longValue).sum();
      assertThat(s.produced() + s.alreadyCommitted()).isEqualTo(s.accepted()).isEqualTo(all);
      assertThat(settled(bs, identity).done()).isTrue();

      // 3. Exactly once in the raw topics (read_committed), whatever the kill interrupted.
      for (var e : expected.entrySet()) {
        assertThat(committedCount(bs, e.getKey())).as(e.getKey()).isEqualTo(e.getValue()).isPositive();
      }

      // 4. Every derived table equals an uninterrupted run of the same app over the same inputs (a fresh
      //    embedded broker, fed in order), and the daily cache equals the batch SQL the parity tests pin.
      app.awaitDrained(Duration.ofMinutes(5), m -> { });
      List<Path> boxFiles = List.of(data.resolve("box_scores/player_box_2023-24.csv.gz"));
      Map<String, Map<String, org.apache.avro.specific.SpecificRecord>> uninterrupted =
          dev.nbaprops.testing.EmbeddedRun.replayOf(data, SEASONS);
      Map<String, Map<String, org.apache.avro.specific.SpecificRecord>> resumed = dev.nbaprops.testing.EmbeddedRun
          .tables(bs);
      assertThat(resumed.get("nba_precompute.ml_feature_store")).hasSizeGreaterThan(4000);
      for (String t : uninterrupted.keySet()) {
        assertThat(resumed.get(t)).as(t).isEqualTo(uninterrupted.get(t));
      }
      Map<String, PlayerDailyCache> table = latest(bs);
      Map<String, Map<String, Object>> ref = ReferenceSql.playerDailyCache(boxFiles);
      assertThat(table.keySet()).isEqualTo(ref.keySet());
      List<String> mismatches = new ArrayList<>();
      table.forEach((k, v) -> mismatches.addAll(Parity.compare(k, v, ref.get(k), TopologyHarness.PINNED)));
      assertThat(mismatches).isEmpty();

      // 5. Resuming a finished replay sends nothing.
      notes.clear();
      ReplaySummary again = new Replayer(bs, Map.of()).replay(new Replayer.Options(data, selection, null, true),
          SourceParsers.forLayout(layout), (l, n) -> new ProgressBar(quiet, l, n, false, Duration.ofHours(1)),
          notes::add);
      assertThat(again.produced()).isZero();
      assertThat(notes).anyMatch(n -> n.contains("nothing to resume"));
    }
  }

  private static long committedCount(String bs, String topic) {
    return TopicReader.count(bs, List.of(topic));
  }

  private static Map<String, PlayerDailyCache> latest(String bs) {
    return TopicReader.latest(bs, TableSpec.from(PlayerDailyCache.class).orElseThrow().topic(), PlayerDailyCache.class);
  }
}
