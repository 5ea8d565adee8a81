package dev.nbaprops.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nbaprops.config.AppConfig;
import dev.nbaprops.embedded.EmbeddedKafka;
import dev.nbaprops.replay.ProgressBar;
import dev.nbaprops.replay.Replayer;
import dev.nbaprops.replay.Selection;
import dev.nbaprops.replay.SourceParsers;
import dev.nbaprops.source.DataLayout;
import dev.nbaprops.testing.TestData;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An instance that does not replay itself ({@code run}: its inputs come from a {@code replay --produce-only}
 * elsewhere) ends its deferred stages' holds once the replay has finished and every input is processed, as the replay
 * command's instance does at the end of its own replay (NbaPropsApp.endHoldsAfterReplays), without anyone calling
 * awaitDrained. With a settle time of a minute, everything it held is sent well before any hold could have run out.
 * When a replay counts as finished: ReplayEndsRuleTest.
 */
class RunInstanceReplayEndTest {
  static final long SETTLE_MS = 60_000;

  @Test
  void holdsEndOnceTheReplayHasFinishedAndEveryInputIsProcessed(@TempDir Path tmp) throws Exception {
    try (EmbeddedKafka kafka = new EmbeddedKafka(tmp.resolve("broker"), 0, 0, "256m", Map.of())
        .start(Duration.ofSeconds(90));
         NbaPropsApp app = NbaPropsApp.start(AppConfig.defaults().with(Map.of(
             AppConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers(), AppConfig.STATE_DIR, tmp.resolve("app").toString(),
             AppConfig.QUERY_PORT, "0", AppConfig.PARTITIONS, "2", AppConfig.STREAM_THREADS, "1",
             AppConfig.PRECOMPUTE_SETTLE_MS, Long.toString(SETTLE_MS))))) {
      app.endHoldsAfterReplays();
      app.awaitRunning(Duration.ofMinutes(2));
      Thread.sleep(1_500); // a check or two with nothing replayed yet
      assertThat(app.inputsDrainedAtMs()).as("no replay has finished").isEqualTo(Long.MIN_VALUE);

      Path data = TestData.slice();
      long replayStart = System.currentTimeMillis();
      replayAndAwaitItsEnd(app, kafka.bootstrapServers(), data, LocalDate.parse("2023-10-24"),
          LocalDate.parse("2023-10-25"));
      assertThat(app.inputsDrainedAtMs()).as("the holds end once the replay has finished").isGreaterThan(replayStart);

      // Once its end is worked off, what comes next is held as usual: a second replay (other dates) into the same
      // instance is held again, and its end ends the holds again.
      long deadline = System.currentTimeMillis() + 30_000;
      while (app.holdsEnded() && System.currentTimeMillis() < deadline) {
        Thread.sleep(100);
      }
      assertThat(app.holdsEnded()).as("the first replay's end is worked off").isFalse();
      replayAndAwaitItsEnd(app, kafka.bootstrapServers(), data, LocalDate.parse("2023-10-26"),
          LocalDate.parse("2023-10-27"));
    }
  }

  /** Replays the dates, checks that work was held after the replay, then that all of it is sent within SETTLE / 2. */
  private static void replayAndAwaitItsEnd(NbaPropsApp app, String bootstrap, Path data, LocalDate from, LocalDate to)
      throws InterruptedException {
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
    var summary = new Replayer(bootstrap, Map.of()).replay(new Replayer.Options(data,
            Selection.of(List.of(), List.of("2023-24"), from, to, List.of())),
        SourceParsers.forLayout(new DataLayout(data)),
        (label, total) -> new ProgressBar(quiet, label, total, false, Duration.ofHours(1)), note -> { });
    long replayEnd = System.currentTimeMillis();
    assertThat(summary.produced()).isPositive();
    boolean held = false;
    boolean ended = false;
    while ((!ended || app.deferredWorkOwed() > 0) && System.currentTimeMillis() < replayEnd + SETTLE_MS / 2) {
      held |= app.deferredWorkOwed() > 0;
      ended |= app.holdsEnded();
      Thread.sleep(100);
    }
    assertThat(held).as("the replay of " + from + ".." + to + " left work held (or this test shows nothing)").isTrue();
    assertThat(ended).as("the holds ended after the replay of " + from + ".." + to).isTrue();
    assertThat(app.deferredWorkOwed()).as("what was held is sent within half the settle time of the replay's end")
        .isZero();
  }
}
