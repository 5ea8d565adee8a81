package dev.nbaprops.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nbaprops.avro.common.DeadLetter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.errors.TaskMigratedException;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.MockProcessorContext.CapturedForward;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Isolation of deferred work (issue 19, item 5): the work of one mark that throws is dead-lettered with its reason,
 * the other marks' work runs, and the failed mark is not retried at every punctuation; Kafka's own exceptions are
 * not swallowed.
 */
class DeferredTest {
  private MockProcessorContext<String, SpecificRecord> context;
  private KeyValueStore<String, String> marks;
  private PendingWork pending;
  private final List<String> ran = new ArrayList<>();

  @BeforeEach
  void setUp() {
    context = new MockProcessorContext<>();
    context.setCurrentSystemTimeMs(1_700_000_000_000L);
    marks = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("marks"), Serdes.String(), Serdes.String())
        .withLoggingDisabled().build();
    marks.init(context.getStateStoreContext(), marks);
    pending = new PendingWork();
  }

  private Deferred deferred(Deferred.Work work) {
    return Deferred.schedule(context, marks, Duration.ofSeconds(1), pending, "season", work);
  }

  @Test
  void aFailingKeyIsDeadLetteredAndTheOthersGoOn() {
    Deferred d = deferred((key, value) -> {
      if (key.equals("2022-23")) {
        throw new IllegalStateException("no team for game 0022200001");
      }
      ran.add(key + "@" + value);
    });
    d.mark("2021-22", "2021-10-19", Deferred::earlier);
    d.mark("2022-23", "2022-11-01", Deferred::earlier);
    d.mark("2022-23", "2022-10-18", Deferred::earlier);
    d.mark("2023-24", "2023-10-24", Deferred::earlier);

    d.run();

    assertThat(ran).containsExactly("2021-22@2021-10-19", "2023-24@2023-10-24");
    assertThat(d.failures()).isEqualTo(1);
    List<CapturedForward<? extends String, ? extends SpecificRecord>> forwarded = context.forwarded();
    assertThat(forwarded).hasSize(1);
    CapturedForward<? extends String, ? extends SpecificRecord> f = forwarded.get(0);
    assertThat(f.childName()).hasValue(Deferred.failedOutput("season")).hasValue("season-failed");
    assertThat(f.record().key()).isEqualTo("season:2022-23");
    DeadLetter letter = (DeadLetter) f.record().value();
    assertThat(letter.getSource()).isEqualTo("topology/season");
    assertThat(letter.getReason())
        .contains("season 2022-23 (from 2022-10-18) failed")
        .contains("IllegalStateException: no team for game 0022200001");
    assertThat(letter.getRaw()).isEqualTo("2022-23=2022-10-18");
    assertThat(pending.pending()).isZero();
    try (KeyValueIterator<String, String> it = marks.all()) {
      assertThat(it.hasNext()).as("every mark cleared, the failed one too").isFalse();
    }

    // Not retried at the next punctuation: only new marks are worked on.
    ran.clear();
    context.resetForwards();
    d.run();
    assertThat(ran).isEmpty();
    assertThat(context.forwarded()).isEmpty();
    assertThat(d.failures()).isEqualTo(1);
  }

  @Test
  void aHugeReasonIsCut() {
    Deferred d = deferred((key, value) -> {
      throw new IllegalArgumentException("x".repeat(100_000));
    });
    d.mark("2023-24", "2023-10-24", Deferred::earlier);
    d.run();
    DeadLetter letter = (DeadLetter) context.forwarded().get(0).record().value();
    assertThat(letter.getReason().length()).isLessThan(1_100);
  }

  @Test
  void kafkaExceptionsAreNotSwallowed() {
    Deferred d = deferred((key, value) -> {
      throw new TaskMigratedException("moved");
    });
    d.mark("2023-24", "2023-10-24", Deferred::earlier);
    assertThatThrownBy(d::run).isInstanceOf(TaskMigratedException.class);
    assertThat(context.forwarded()).isEmpty();
    assertThat(pending.pending()).as("the drain check is told the work ended").isZero();
  }

  /**
   * The punctuation looks every 200 ms but runs the work every interval, until the inputs are seen drained (the end
   * of a replay): then at every look, so each stage of the last cascade does not wait for its next interval.
   */
  @Test
  void theWorkRunsEveryIntervalAndAtEveryLookOnceDrained() {
    long t0 = context.currentSystemTimeMs();
    Deferred d = Deferred.schedule(context, marks, Duration.ofSeconds(1), pending, "season",
        (key, value) -> ran.add(key + "@" + value));
    MockProcessorContext.CapturedPunctuator look = context.scheduledPunctuators().get(0);
    assertThat(look.getInterval()).isEqualTo(Duration.ofMillis(200));
    d.mark("a", "1", Deferred::later);
    look.getPunctuator().punctuate(t0 + 200);
    assertThat(ran).containsExactly("a@1");
    d.mark("b", "1", Deferred::later);
    look.getPunctuator().punctuate(t0 + 400);
    assertThat(ran).as("less than an interval since the last run").containsExactly("a@1");
    look.getPunctuator().punctuate(t0 + 1200);
    assertThat(ran).containsExactly("a@1", "b@1");

    pending.inputsDrainedAt(t0 + 1300);
    d.mark("c", "1", Deferred::later);
    look.getPunctuator().punctuate(t0 + 1400);
    assertThat(ran).as("drained: at every look").containsExactly("a@1", "b@1", "c@1");

    Deferred live = Deferred.schedule(context, marks, Duration.ofMillis(100), pending, "live", (k, v) -> { });
    assertThat(context.scheduledPunctuators().get(1).getInterval()).as("a shorter interval is its own look")
        .isEqualTo(Duration.ofMillis(100));
    live.close();
  }

  /**
   * Kafka Streams passes a wall-clock punctuation the time it actually fired, which lags its fixed schedule by up to
   * a poll: with an interval no longer than a look (live, 200 ms), a look that fires a little less than an interval
   * after the last run still runs the work (it ran every other look before this was handled).
   */
  @Test
  void aLookFiringALittleOffItsScheduleStillRunsTheWork() {
    long t0 = context.currentSystemTimeMs();
    Deferred live = Deferred.schedule(context, marks, Duration.ofMillis(200), pending, "live",
        (key, value) -> ran.add(key + "@" + value));
    MockProcessorContext.CapturedPunctuator look = context.scheduledPunctuators().get(0);
    live.mark("a", "1", Deferred::later);
    look.getPunctuator().punctuate(t0 + 205);
    live.mark("b", "1", Deferred::later);
    look.getPunctuator().punctuate(t0 + 401); // 196 ms after the last run
    assertThat(ran).containsExactly("a@1", "b@1");
    live.close();
  }

  /** Settling (precompute.settle.ms): a mark is worked once not renewed for the settle time, or after 5 x settle. */
  @Test
  void aMarkIsWorkedOnceItHasSettled() {
    long t0 = context.currentSystemTimeMs();
    java.util.Set<String> missing = new java.util.HashSet<>(List.of("needs"));
    Deferred d = Deferred.schedule(context, marks, Duration.ofSeconds(1), Duration.ofSeconds(3), missing::contains,
        pending, "features", (key, value) -> ran.add(key + "@" + value));
    org.apache.kafka.streams.processor.Punctuator punctuate = context.scheduledPunctuators().get(0).getPunctuator();

    d.mark("quiet", "1", Deferred::later);
    d.mark("busy", "1", Deferred::later);
    d.mark("needs", "1", Deferred::later);
    for (int s = 1; s <= 16; s++) {
      context.setCurrentSystemTimeMs(t0 + s * 1000L);
      if (s < 15) {
        d.mark("busy", Integer.toString(s), Deferred::later); // renewed every second, never settles by itself
      }
      if (s == 2) {
        d.mark("quiet", "2", Deferred::later); // renewed once: settles 3 s later
      }
      punctuate.punctuate(context.currentSystemTimeMs());
      if (s == 4) {
        assertThat(ran).as("nothing settled yet").isEmpty();
        assertThat(pending.pending()).as("held work keeps the drain check waiting").isPositive();
      }
      if (s == 5) {
        assertThat(ran).containsExactly("quiet@2");
      }
      if (s == 6) {
        missing.clear(); // what 'needs' waited for has arrived, and it was not renewed for 5 s
      }
    }
    // 'needs' when its input arrived; 'busy' once it had waited 5 x settle (15 s), with its latest value.
    assertThat(ran).containsExactly("quiet@2", "needs@1", "busy@14");
    assertThat(pending.pending()).isZero();
  }

  /**
   * The end of a replay: once the topology was seen drained with the inputs complete, marks made before then are
   * worked on the next punctuation, settled or not, waiting or not; a mark made after it is held as before.
   */
  @Test
  void marksMadeBeforeTheInputsWereSeenDrainedAreNotHeld() {
    long t0 = context.currentSystemTimeMs();
    Deferred d = Deferred.schedule(context, marks, Duration.ofSeconds(1), Duration.ofSeconds(3), key -> true,
        pending, "player-games", (key, value) -> ran.add(key + "@" + value));
    org.apache.kafka.streams.processor.Punctuator punctuate = context.scheduledPunctuators().get(0).getPunctuator();
    d.mark("early", "1", Deferred::later);
    context.setCurrentSystemTimeMs(t0 + 500);
    punctuate.punctuate(context.currentSystemTimeMs());
    assertThat(ran).as("held: not settled, and what it waits for is not here").isEmpty();
    d.run();
    assertThat(context.committed()).as("before the inputs are seen drained: the commit interval decides").isFalse();
    ran.clear();
    d.mark("early", "1", Deferred::later);

    pending.inputsDrainedAt(t0 + 600);
    context.setCurrentSystemTimeMs(t0 + 700);
    d.mark("late", "1", Deferred::later); // an input after the drained check (what the released work sends on)
    context.setCurrentSystemTimeMs(t0 + 1000);
    punctuate.punctuate(context.currentSystemTimeMs());
    assertThat(ran).containsExactly("early@1");
    assertThat(pending.pending()).as("'late' is still owed").isPositive();
    assertThat(context.committed()).as("what the released work sent is committed at once, not at the next interval")
        .isTrue();

    pending.inputsDrainedAt(t0 + 400); // an older observation does not move the time back
    assertThat(pending.drainedAtMs()).isEqualTo(t0 + 600);
    pending.inputsDrainedAt(t0 + 1100);
    context.setCurrentSystemTimeMs(t0 + 2000);
    punctuate.punctuate(context.currentSystemTimeMs());
    assertThat(ran).containsExactly("early@1", "late@1");
    assertThat(pending.pending()).isZero();
  }

  /**
   * At the end of a replay a mark still waiting for what an upstream stage's held work makes is not worked at once:
   * that work is released at the same moment, and what it sends comes a hop later. It waits for a drain check made
   * after the upstream work last ran with none of it owed; a mark that is not waiting is worked at once.
   */
  @Test
  void aWaitingMarkOutlastsTheDrainUntilTheWorkItWaitsForHasSettled() {
    long t0 = context.currentSystemTimeMs();
    java.util.Set<String> missing = new java.util.HashSet<>(List.of("waits"));
    Deferred d = Deferred.schedule(context, marks, Duration.ofSeconds(1), Duration.ofSeconds(3), missing::contains,
        20, List.of("season"), pending, "team-contexts", (key, value) -> ran.add(key));
    org.apache.kafka.streams.processor.Punctuator punctuate = context.scheduledPunctuators().get(0).getPunctuator();
    d.mark("waits", "1", Deferred::later);
    d.mark("ready", "1", Deferred::later);
    pending.dirty("1_0/season"); // the season stage holds dates

    pending.inputsDrainedAt(t0 + 100);
    context.setCurrentSystemTimeMs(t0 + 200);
    punctuate.punctuate(context.currentSystemTimeMs());
    assertThat(ran).as("at the drain: the mark that waits for nothing").containsExactly("ready");

    pending.done("1_0/season", t0 + 300); // the season stage sends its dates ...
    context.setCurrentSystemTimeMs(t0 + 400);
    punctuate.punctuate(context.currentSystemTimeMs());
    assertThat(ran).as("... which the last drain check (t0 + 100) did not see processed").containsExactly("ready");
    assertThat(pending.pending()).isPositive();

    pending.inputsDrainedAt(t0 + 1200); // within the send margin of its run: what it sent may still be on its way
    context.setCurrentSystemTimeMs(t0 + 1250);
    punctuate.punctuate(context.currentSystemTimeMs());
    assertThat(ran).containsExactly("ready");

    pending.inputsDrainedAt(t0 + 1400); // a drain check more than the send margin after the season stage last ran
    context.setCurrentSystemTimeMs(t0 + 1500);
    punctuate.punctuate(context.currentSystemTimeMs());
    assertThat(ran).as("worked even though what it waits for never came").containsExactly("ready", "waits");
    assertThat(pending.pending()).isZero();
  }

  @Test
  void pendingWorkIsSettledByADrainCheckAfterItLastRanWithNoneOwed() {
    PendingWork p = new PendingWork();
    List<String> upstream = List.of("player-games", "games");
    assertThat(p.settledBy(upstream, 1_000)).as("never ran, nothing owed").isTrue();
    p.dirty("0_1/player-games");
    p.dirty("1_0/season");
    assertThat(p.owes(upstream)).isTrue();
    assertThat(p.owes(List.of("team-contexts"))).isFalse();
    assertThat(p.settledBy(upstream, 1_000)).isFalse();
    p.done("0_1/player-games", 1_200);
    assertThat(p.lastRunMs(upstream)).isEqualTo(1_200);
    assertThat(p.settledBy(upstream, 1_000)).as("ran after the check").isFalse();
    assertThat(p.settledBy(upstream, 1_200 + PendingWork.SEND_MARGIN_MS)).as("its rows may be on their way").isFalse();
    assertThat(p.settledBy(upstream, 1_201 + PendingWork.SEND_MARGIN_MS)).as("the season stage is not upstream here")
        .isTrue();
    p.done("0_0/games"); // a task closing: not a run
    assertThat(p.settledBy(upstream, 1_201 + PendingWork.SEND_MARGIN_MS)).isTrue();
  }

  @Test
  void withoutASettleTimeEveryMarkIsWorkedOnTheNextPunctuation() {
    Deferred d = Deferred.schedule(context, marks, Duration.ofSeconds(1), Duration.ZERO, key -> true, pending,
        "features", (key, value) -> ran.add(key + "@" + value));
    d.mark("a", "1", Deferred::later);
    context.scheduledPunctuators().get(0).getPunctuator().punctuate(context.currentSystemTimeMs());
    assertThat(ran).containsExactly("a@1");
    assertThat(pending.pending()).isZero();
  }
}
