package dev.nbaprops.live;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.nbaprops.avro.common.DeadLetter;
import dev.nbaprops.avro.raw.PlayerBoxScore;
import dev.nbaprops.embedded.EmbeddedKafka;
import dev.nbaprops.serde.AvroCodec;
import dev.nbaprops.source.Parsed;
import dev.nbaprops.testing.TestData;
import dev.nbaprops.testing.TopicReader;
import dev.nbaprops.topics.TopicAdmin;
import dev.nbaprops.topics.Topics;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live faults that used to stop or lose things: a record that can never be sent (it now goes to the dead-letter
 * topic and the outbox moves on, also against a real broker that refuses it), a crash with records not yet sent
 * (a child JVM killed with SIGKILL: the journal brings them back), a huge Retry-After (clamped, the poller goes
 * on), and a feed answering garbage for an hour of polls (memory stays bounded).
 */
class LiveOutboxFaultsTest {
  static final Instant NOW = Instant.parse("2023-10-25T03:00:00Z");

  /** Real box-score lines of the slice as live records. */
  static List<LiveRecord> boxRecords(int n) {
    List<LiveRecord> out = new ArrayList<>();
    for (Parsed.Ok<PlayerBoxScore> ok : TestData.boxScores(TestData.slice().resolve("box_scores/player_box_2023-24.csv.gz"))) {
      if (out.size() == n) {
        break;
      }
      PlayerBoxScore b = ok.value();
      out.add(new LiveRecord(Topics.PLAYER_BOX_SCORE, ok.key(), b, ok.eventTime(),
          "box|" + b.getGameId() + "|" + b.getPlayerId(), LiveRecord.digestOf(b)));
    }
    return out;
  }

  static LiveRecord withName(LiveRecord r, String name) {
    PlayerBoxScore b = PlayerBoxScore.newBuilder((PlayerBoxScore) r.value()).setPlayerName(name).build();
    return new LiveRecord(r.topic(), r.key(), b, r.timestamp(), r.changeKey(), LiveRecord.digestOf(b));
  }

  @Test
  void aRecordTooLargeToSendIsDeadLetteredAndTheRecordsBehindItAreSent() throws Exception {
    List<LiveRecord> recs = boxRecords(3);
    LiveRecord huge = withName(recs.get(1), "X".repeat(300 * 1024));
    List<LiveRecord> delivered = new ArrayList<>();
    Outbox outbox = new Outbox(delivered::addAll, new ChangeDetector(null), Duration.ofSeconds(1));
    assertThat(outbox.offer(List.of(recs.get(0), huge, recs.get(2)), NOW)).isEqualTo(3);
    assertThat(outbox.flush(NOW)).isEqualTo(3);
    assertThat(delivered).extracting(LiveRecord::topic)
        .containsExactly(Topics.PLAYER_BOX_SCORE, Topics.DEAD_LETTER, Topics.PLAYER_BOX_SCORE);
    DeadLetter l = (DeadLetter) delivered.get(1).value();
    assertThat(l.getReason()).startsWith("record of 307,").endsWith("bytes is larger than the limit of 262,144 bytes");
    assertThat(l.getSource()).isEqualTo("box_scores");
    assertThat(l.getRaw().length()).isLessThan(2_100);
    assertThat(outbox.deadLettered()).isEqualTo(1);
    assertThat(outbox.pending()).isZero();
    // The same poison polled again is not dead-lettered again.
    assertThat(outbox.offer(List.of(huge), NOW)).isZero();
  }

  @Test
  void aRecordTheSinkRefusesIsReplacedByItsDeadLetterAndTheBatchIsSentAgain() throws Exception {
    List<LiveRecord> recs = boxRecords(4);
    List<LiveRecord> delivered = new ArrayList<>();
    LiveSink refusesTheThird = batch -> {
      for (int i = 0; i < batch.size(); i++) {
        if (batch.get(i) == recsAt(recs, 2)) {
          throw new LiveSink.PoisonRecordException(i, "refused (simulated)", null);
        }
      }
      delivered.addAll(batch);
    };
    Outbox outbox = new Outbox(refusesTheThird, new ChangeDetector(null), Duration.ofSeconds(1));
    outbox.offer(recs, NOW);
    assertThat(outbox.flush(NOW)).isEqualTo(4);
    assertThat(delivered).hasSize(4);
    assertThat(delivered.get(2).topic()).isEqualTo(Topics.DEAD_LETTER);
    assertThat(((DeadLetter) delivered.get(2).value()).getReason()).isEqualTo("refused (simulated)");
    assertThat(delivered).contains(recs.get(0), recs.get(1), recs.get(3));
  }

  private static LiveRecord recsAt(List<LiveRecord> recs, int i) {
    return recs.get(i);
  }

  /**
   * A real broker whose producer limit ({@code max.request.size} 64 KB) is below the outbox's own: Kafka refuses the
   * 100 KB record, the sink says which one, and the others are committed.
   */
  @Test
  void kafkaRefusingARecordDoesNotBlockTheOthers(@TempDir Path tmp) throws Exception {
    try (EmbeddedKafka kafka = new EmbeddedKafka(tmp, 0, 0, "384m", Map.of()).start(Duration.ofMinutes(5))) {
      String bs = kafka.bootstrapServers();
      try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bs))) {
        TopicAdmin.ensureTopics(admin, 2, (short) 1);
      }
      List<LiveRecord> recs = boxRecords(5);
      List<LiveRecord> offered = new ArrayList<>(recs);
      offered.set(2, withName(recs.get(2), "Y".repeat(100 * 1024)));
      try (KafkaLiveSink sink = new KafkaLiveSink(bs, "test-live", Map.of(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 64 * 1024))) {
        Outbox outbox = new Outbox(sink, new ChangeDetector(null), Duration.ofSeconds(1));
        outbox.offer(offered, NOW);
        assertThat(outbox.flush(NOW)).isEqualTo(5);
        assertThat(outbox.deadLettered()).isEqualTo(1);
      }
      assertThat(TopicReader.committedCount(bs, List.of(Topics.PLAYER_BOX_SCORE), 4)).isEqualTo(4);
      List<DeadLetter> letters = new ArrayList<>();
      TopicReader.readAll(bs, List.of(Topics.DEAD_LETTER), r -> letters.add(AvroCodec.of(DeadLetter.class).decode(r.value())));
      assertThat(letters).singleElement().satisfies(l -> assertThat(l.getReason()).contains("RecordTooLargeException"));
    }
  }

  /** The child: offers records to an outbox whose Kafka is away, says so, and waits to be killed. */
  public static void main(String[] args) throws Exception {
    Path state = Path.of(args[0]);
    int n = Integer.parseInt(args[1]);
    LiveSink down = batch -> {
      throw new org.apache.kafka.common.errors.TimeoutException("broker not available (simulated)");
    };
    Outbox outbox = new Outbox(down, new ChangeDetector(state.resolve("sent.tsv")), Duration.ofSeconds(1),
        state.resolve(LiveMode.JOURNAL_FILE));
    List<LiveRecord> recs = boxRecords(n);
    outbox.offer(recs.subList(0, n / 2), NOW);
    outbox.offer(recs.subList(n / 2, n), NOW);
    try {
      outbox.flush(NOW);
    } catch (FeedException expected) {
      // Kafka is away: they stay queued
    }
    System.out.println("OFFERED " + outbox.pending());
    System.out.flush();
    Thread.sleep(600_000);
  }

  @Test
  void recordsNotYetSentSurviveAKillMinus9OfTheLiveProcess(@TempDir Path tmp) throws Exception {
    int n = 40;
    Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), LiveOutboxFaultsTest.class.getName(), tmp.toString(),
        Integer.toString(n)).redirectErrorStream(true).start();
    String line;
    try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      do {
        line = out.readLine();
      } while (line != null && !line.startsWith("OFFERED"));
      assertThat(line).isEqualTo("OFFERED " + n);
      child.destroyForcibly(); // SIGKILL: no shutdown hook, no flush
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(Files.size(tmp.resolve(LiveMode.JOURNAL_FILE))).isPositive();

    // The restarted process: the journal queues them again; they are sent once Kafka is back, exactly these.
    List<LiveRecord> delivered = new ArrayList<>();
    Outbox restarted = new Outbox(delivered::addAll, new ChangeDetector(tmp.resolve("sent.tsv")), Duration.ofSeconds(1),
        tmp.resolve(LiveMode.JOURNAL_FILE));
    assertThat(restarted.recovered()).isEqualTo(n);
    assertThat(restarted.flush(NOW)).isEqualTo(n);
    assertThat(delivered).isEqualTo(boxRecords(n));
    // Once committed they are neither queued again by the journal nor re-sent when polled again.
    assertThat(restarted.offer(boxRecords(n), NOW)).isZero();
    restarted.close();
    assertThat(Files.size(tmp.resolve(LiveMode.JOURNAL_FILE))).isZero();
    Outbox third = new Outbox(delivered::addAll, new ChangeDetector(tmp.resolve("sent.tsv")), Duration.ofSeconds(1),
        tmp.resolve(LiveMode.JOURNAL_FILE));
    assertThat(third.pending()).isZero();
    assertThat(third.offer(boxRecords(n), NOW)).isZero();
    third.close();
  }

  @Test
  void aTornLastJournalEntryIsCutOffAndTheEntriesBeforeItKept(@TempDir Path tmp) throws Exception {
    Path j = tmp.resolve(LiveMode.JOURNAL_FILE);
    Outbox first = new Outbox(batch -> {
      throw new IllegalStateException("down");
    }, new ChangeDetector(null), Duration.ofSeconds(1), j);
    first.offer(boxRecords(3), NOW);
    first.close();
    byte[] bytes = Files.readAllBytes(j);
    Files.write(j, java.util.Arrays.copyOf(bytes, bytes.length - 5)); // a crash in the middle of the last entry
    Outbox second = new Outbox(batch -> { }, new ChangeDetector(null), Duration.ofSeconds(1), j);
    assertThat(second.recovered()).isEqualTo(2);
    second.close();
  }

  @Test
  void aHugeRetryAfterIsClampedAndNeverOverflows() {
    assertThat(HttpFeed.retryAfter("99999999999999999999999999", NOW)).isEqualTo(Duration.ofDays(1));
    assertThat(HttpFeed.retryAfter("120", NOW)).isEqualTo(Duration.ofSeconds(120));
    assertThat(HttpFeed.retryAfter("Fri, 31 Dec 9999 23:59:59 GMT", NOW)).isEqualTo(Duration.ofDays(1));
    Backoff b = new Backoff(Duration.ofSeconds(2), Duration.ofMinutes(5), Duration.ofMinutes(30));
    assertThat(b.delay(1, Duration.ofSeconds(Long.MAX_VALUE))).isEqualTo(Duration.ofMinutes(30));
    assertThat(b.delay(1, Duration.ofSeconds(90))).isEqualTo(Duration.ofSeconds(90));
    assertThat(b.delay(Integer.MAX_VALUE, null)).isLessThanOrEqualTo(Duration.ofMinutes(6));
  }

  /**
   * 300 polls (100 minutes of 20-second polls) of a scoreboard answering garbage: non-JSON, JSON of the wrong shape,
   * and scoreboards of 120 games, all different and all invalid (about 12,000 dead letters, more than the change
   * detector's dead-letter window). Each invalid game is dead-lettered once, nothing
   * is followed, and what the live process keeps stays bounded: the change detector holds at most its dead-letter
   * window, the outbox is drained, the state file holds no dead letters.
   */
  @Test
  void aFeedAnsweringGarbageForHoursDoesNotGrowWhatIsKept(@TempDir Path tmp) throws Exception {
    Random random = new Random(19);
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/scoreboard", ex -> {
      int kind = random.nextInt(3);
      StringBuilder body = new StringBuilder();
      if (kind == 0) {
        byte[] junk = new byte[200];
        random.nextBytes(junk);
        body.append(new String(junk, StandardCharsets.ISO_8859_1));
      } else if (kind == 1) {
        body.append("{\"scoreboard\": {\"games\": ").append(random.nextInt()).append("}}");
      } else {
        body.append("{\"scoreboard\": {\"games\": [");
        for (int g = 0; g < 120; g++) {
          body.append(g == 0 ? "" : ",").append("{\"gameId\": \"00223").append(String.format("%05d", random.nextInt(100_000)))
              .append("\", \"gameStatus\": ").append(random.nextInt(4)).append(", \"gameEt\": \"2023-10-2")
              .append(random.nextInt(10)).append("T19:00:00Z\", \"homeTeam\": {\"teamId\": ").append(random.nextInt())
              .append(", \"teamTricode\": \"Q").append(random.nextInt(100)).append("\"}, \"awayTeam\": {\"teamId\": 1,"
              + " \"teamTricode\": \"ZZZ\"}}");
        }
        body.append("]}}");
      }
      byte[] b = body.toString().getBytes(StandardCharsets.ISO_8859_1);
      ex.sendResponseHeaders(200, b.length);
      ex.getResponseBody().write(b);
      ex.close();
    });
    server.start();
    try {
      long[] sent = {0};
      Outbox outbox = new Outbox(batch -> sent[0] += batch.size(), new ChangeDetector(tmp.resolve("sent.tsv")),
          Duration.ofSeconds(1), tmp.resolve(LiveMode.JOURNAL_FILE));
      LiveGames games = new LiveGames();
      ScoreboardPoller poller = new ScoreboardPoller("http://127.0.0.1:" + server.getAddress().getPort() + "/scoreboard",
          Duration.ofSeconds(20), new HttpFeed(Duration.ofSeconds(5), Map.of(), Clock.systemUTC()), games, outbox);
      LiveRunner runner = new LiveRunner(List.of(poller), outbox, new Backoff(Duration.ofMillis(1), Duration.ofMillis(2)),
          Clock.systemUTC());
      Instant t = NOW;
      for (int i = 0; i < 300; i++) {
        t = t.plusSeconds(20);
        runner.pollOnce(poller, t);
        runner.flushOnce(t);
      }
      assertThat(poller.health().failures()).isGreaterThan(150); // the non-JSON and wrong-shape answers
      assertThat(sent[0]).isGreaterThan(ChangeDetector.MAX_DEAD_LETTER_KEYS); // each invalid game, dead-lettered once
      assertThat(games.counts().values().stream().mapToLong(Number::longValue).sum()).isZero();
      assertThat(outbox.changes().size()).isLessThanOrEqualTo(ChangeDetector.MAX_DEAD_LETTER_KEYS);
      assertThat(outbox.pending()).isZero();
      assertThat(Files.exists(tmp.resolve("sent.tsv")) ? Files.size(tmp.resolve("sent.tsv")) : 0L).isZero();
      assertThat(Files.size(tmp.resolve(LiveMode.JOURNAL_FILE))).isZero();
      outbox.close();
    } finally {
      server.stop(0);
    }
  }
}
