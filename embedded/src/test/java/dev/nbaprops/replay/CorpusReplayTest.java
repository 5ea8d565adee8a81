package dev.nbaprops.replay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nbaprops.avro.common.DeadLetter;
import dev.nbaprops.embedded.EmbeddedKafka;
import dev.nbaprops.serde.AvroCodec;
import dev.nbaprops.source.CsvSource;
import dev.nbaprops.source.DataLayout;
import dev.nbaprops.source.SourceKind;
import dev.nbaprops.testing.TestData;
import dev.nbaprops.testing.TopicReader;
import dev.nbaprops.topics.TopicAdmin;
import dev.nbaprops.topics.Topics;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The poison-input corpus ({@code streams/src/test/resources/bad}, built from the real slice by its
 * {@code make-corpus.py}; MANIFEST.json lists every bad item with its file, line and the reason the replay must
 * give) replayed for real: every bad row and file reaches {@code nba.dlq} with file, line, reason and a bounded raw
 * copy, the good rows around them are produced, the summary adds up, and {@code --resume} continues past them.
 */
class CorpusReplayTest {
  static final Path CORPUS = TestData.projectRoot().resolve("streams/src/test/resources/bad");
  static final Path DATA = CORPUS.resolve("nba");
  /**
   * Prop lines accepted from the two good JSON captures (the fixtures of resources/fixtures/props, matched against
   * the corpus's box scores): 23 (player, bookmaker, market) lines of the Odds API event and the BettingPros
   * response's 5 props. The manifest counts CSV rows only.
   */
  static final long JSON_PROPS_ACCEPTED = 23 + 5;

  record Expected(String source, String file, String line, String reason) {
    boolean matches(DeadLetter l) {
      return l.getSource().equals(source) && l.getSourceFile().equals(DATA.resolve(file).toString())
          && (line.equals("*") || String.valueOf(l.getLineNumber()).equals(line)) && l.getReason().contains(reason);
    }
  }

  static List<Expected> expectedDeadLetters() throws Exception {
    JsonNode m = new ObjectMapper().readTree(CORPUS.resolve("MANIFEST.json").toFile());
    List<Expected> out = new ArrayList<>();
    for (JsonNode d : m.get("dead_letters")) {
      out.add(new Expected(d.get("source").asText(), d.get("file").asText(), d.get("line").asText(),
          d.get("reason").asText()));
    }
    return out;
  }

  static Map<String, Long> expectedAccepted() throws Exception {
    JsonNode m = new ObjectMapper().readTree(CORPUS.resolve("MANIFEST.json").toFile());
    Map<String, Long> out = new TreeMap<>();
    m.get("accepted").fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asLong()));
    out.merge("props", JSON_PROPS_ACCEPTED, Long::sum);
    return out;
  }

  /** Every dead letter is expected and every expected one is there; what is left is the good rows. */
  static void assertDeadLetters(List<DeadLetter> letters, List<Expected> expected) {
    List<String> unexpected = new ArrayList<>();
    for (DeadLetter l : letters) {
      if (expected.stream().noneMatch(e -> e.matches(l))) {
        unexpected.add(l.getSource() + " " + DATA.relativize(Path.of(l.getSourceFile())) + ":" + l.getLineNumber()
            + " " + l.getReason());
      }
    }
    assertThat(unexpected).as("dead letters the manifest does not list").isEmpty();
    List<Expected> missing = expected.stream().filter(e -> letters.stream().noneMatch(e::matches)).toList();
    assertThat(missing).as("bad items that did not reach the dead-letter topic").isEmpty();
    for (DeadLetter l : letters) {
      assertThat(l.getSourceFile()).isNotNull();
      assertThat(l.getLineNumber()).isNotNull().isPositive();
      assertThat(l.getReason().length()).isLessThan(1_100);
      if (l.getRaw() != null) {
        assertThat(l.getRaw().length()).as("raw copy of " + l.getSourceFile() + ":" + l.getLineNumber())
            .isLessThan(2_100);
      }
      assertThat(AvroCodec.of(DeadLetter.class).encode(l).length).isLessThan(8 * 1024);
    }
  }

  @Test
  void timelineDeadLettersEveryBadItemWithFileLineAndReasonAndAcceptsTheRest() throws Exception {
    ReplaySummary summary = new ReplaySummary();
    List<Timeline.Item> items = TimelineTest.all(DATA, Selection.all(), summary);
    List<DeadLetter> letters = items.stream().filter(i -> i instanceof Timeline.Dead)
        .map(i -> ((Timeline.Dead) i).letter()).toList();
    assertDeadLetters(letters, expectedDeadLetters());
    Map<String, Long> accepted = new TreeMap<>();
    summary.bySource().forEach((s, c) -> {
      assertThat(c.read).as(s + ": read = accepted + dead-lettered").isEqualTo(c.accepted + c.deadLettered);
      accepted.put(s, c.accepted);
    });
    assertThat(accepted).isEqualTo(expectedAccepted());
    assertThat(summary.deadLettered()).isEqualTo(letters.size());
    // The row put first although it is of the last date is not lost: it comes out in event-time order.
    assertThat(items.stream().filter(i -> i instanceof Timeline.Data).count()).isEqualTo(summary.accepted());
  }

  @Test
  void aCaptureOverTheSizeLimitIsDeadLetteredWithoutBeingRead(@TempDir Path tmp) throws Exception {
    Path f = tmp.resolve("odds_api_huge.json");
    try (var raf = new java.io.RandomAccessFile(f.toFile(), "rw")) {
      raf.setLength(SourceParsers.MAX_CAPTURE_BYTES + 1); // sparse: no disk used
    }
    List<Timeline.ParsedRow> rows = SourceParsers.propFeed(f, null);
    assertThat(rows).singleElement().satisfies(r -> assertThat(((dev.nbaprops.source.Parsed.Rejected<?>) r.parsed())
        .reason()).isEqualTo("file odds_api_huge.json: capture of 33,554,433 bytes is larger than the limit of "
            + "33,554,432 bytes (not read)"));
  }

  @Test
  void countingRowsNeverThrowsWhateverTheFile() {
    for (SourceKind s : SourceKind.values()) {
      for (Path f : new DataLayout(DATA).files(s)) {
        if (!f.toString().endsWith(".json")) {
          assertThat(CsvSource.countRows(f)).as(f.toString()).isGreaterThanOrEqualTo(0);
        }
      }
    }
  }

  @Test
  void aRealReplayDeadLettersTheCorpusAndResumesPastItsBadItems(@TempDir Path tmp) throws Exception {
    try (EmbeddedKafka kafka = new EmbeddedKafka(tmp, 0, 0, "384m", Map.of()).start(Duration.ofMinutes(5))) {
      String bs = kafka.bootstrapServers();
      try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bs))) {
        TopicAdmin.ensureTopics(admin, 2, (short) 1);
      }
      PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
      Replayer.ProgressBarFactory bars = (l, n) -> new ProgressBar(quiet, l, n, false, Duration.ofHours(1));
      DataLayout layout = new DataLayout(DATA);
      List<String> notes = new ArrayList<>();
      ReplaySummary s = new Replayer(bs, Map.of()).replay(new Replayer.Options(DATA, Selection.all()),
          SourceParsers.forLayout(layout), bars, notes::add);

      // 1. The replay ran to its end; the summary adds up; every accepted row is on its raw topic.
      Map<String, Long> expected = expectedAccepted();
      for (SourceKind k : SourceKind.values()) {
        ReplaySummary.Counts c = s.of(k.cliName());
        assertThat(c.read).as(k + ": read = accepted + dead-lettered").isEqualTo(c.accepted + c.deadLettered);
        assertThat(c.accepted).as(k + " accepted").isEqualTo(expected.get(k.cliName()));
        assertThat(c.produced).as(k + " produced").isEqualTo(c.accepted);
        assertThat(TopicReader.committedCount(bs, List.of(k.topic()), c.accepted)).as(k.topic()).isEqualTo(c.accepted);
      }

      // 2. Every bad item is in nba.dlq (read_committed) with file, line, reason and a bounded raw copy.
      TopicReader.committedCount(bs, List.of(Topics.DEAD_LETTER), s.deadLettered());
      List<DeadLetter> letters = new ArrayList<>();
      TopicReader.readAll(bs, List.of(Topics.DEAD_LETTER),
          r -> letters.add(AvroCodec.of(DeadLetter.class).decode(r.value())));
      assertThat(TopicReader.committedCount(bs, List.of(Topics.DEAD_LETTER), s.deadLettered())).isEqualTo(s.deadLettered());
      assertThat(letters).hasSize((int) s.deadLettered());
      assertDeadLetters(letters, expectedDeadLetters());

      // 3. --resume of an interrupted run whose last commit ended on a bad item (here: the 10 MB line) continues
      //    after it, once, to the end (another selection, so another replay identity).
      Selection sel = Selection.of(List.of(), List.of("2023-24"), null, null, List.of());
      List<Timeline.Item> items = TimelineTest.all(DATA, sel, new ReplaySummary());
      int at = 0;
      while (!(items.get(at) instanceof Timeline.Dead d && d.letter().getReason().contains("10,485,760 bytes"))) {
        at++;
      }
      final int k = at;
      String identity;
      try (Timeline t = new Timeline(layout, sel, SourceParsers.forLayout(layout), new ReplaySummary())) {
        identity = ReplayProgress.identity(sel, t.inputFiles());
      }
      try (var p = ReplayProducer.create(bs, Map.of())) {
        p.send(ReplayProgress.record(identity, sel.describe(), k + 1, Replayer.position(items.get(k)), false)).get();
      }
      notes.clear();
      ReplaySummary resumed = new Replayer(bs, Map.of()).replay(new Replayer.Options(DATA, sel, null, true),
          SourceParsers.forLayout(layout), bars, notes::add);
      assertThat(notes).anyMatch(n -> n.startsWith("resuming replay " + identity + " after " + (k + 1)));
      long dataBefore = items.subList(0, k + 1).stream().filter(i -> i instanceof Timeline.Data).count();
      assertThat(resumed.alreadyCommitted()).isEqualTo(dataBefore);
      assertThat(resumed.produced()).isEqualTo(resumed.accepted() - dataBefore);
      // The last progress record was committed, but a read_committed reader may see it a moment later.
      boolean done = false;
      for (int i = 0; i < 50 && !done; i++) {
        done = ReplayProgress.read(bs, identity).map(ReplayProgress.Position::done).orElse(false);
        if (!done) {
          Thread.sleep(200);
        }
      }
      assertThat(done).as("the resumed replay's last progress record says done").isTrue();
      notes.clear();
      ReplaySummary again = new Replayer(bs, Map.of()).replay(new Replayer.Options(DATA, sel, null, true),
          SourceParsers.forLayout(layout), bars, notes::add);
      assertThat(again.produced()).isZero();
      assertThat(notes).anyMatch(n -> n.contains("nothing to resume"));
    }
  }
}
