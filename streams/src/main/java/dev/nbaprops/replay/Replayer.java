package dev.nbaprops.replay;

import dev.nbaprops.avro.common.DeadLetter;
import dev.nbaprops.serde.AvroCodec;
import dev.nbaprops.source.DataLayout;
import dev.nbaprops.topics.Topics;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Replays the selected source files into the raw topics in event-time order ({@link Timeline}), each record
 * stamped with its event time; rejected rows go to {@link Topics#DEAD_LETTER} with file, line and reason.
 *
 * <p>Records are sent in Kafka transactions together with the replay's position ({@link ReplayProgress}), so a
 * replay killed at any moment can continue with {@code resume} without sending anything twice; a replay run
 * again from the start re-sends records that the topology recognises as unchanged. {@code speed} replays in
 * N times real time (event-time gaps divided by N) to simulate a live night; null is as fast as possible.
 */
public final class Replayer {
  private static final int MAX_ITEMS_PER_TRANSACTION = 10_000;
  private static final long MAX_MILLIS_PER_TRANSACTION = 2_000;

  private final String bootstrapServers;
  private final Map<String, Object> producerOverrides;
  private Producer<String, byte[]> producer;

  /** @param producerOverrides {@code producer.*} settings */
  public Replayer(String bootstrapServers, Map<String, Object> producerOverrides) {
    this.bootstrapServers = bootstrapServers;
    this.producerOverrides = producerOverrides;
  }

  /** What to replay and how. */
  public record Options(Path dataDir, Selection selection, Double speed, boolean resume) {
    public Options(Path dataDir, Selection selection) {
      this(dataDir, selection, null, false);
    }
  }

  public ReplaySummary replay(Options options, Timeline.ParserFactory parsers, ProgressBarFactory progress,
                              Consumer<String> notes) {
    long start = System.currentTimeMillis();
    ReplaySummary summary = new ReplaySummary();
    DataLayout layout = new DataLayout(options.dataDir());
    try (Timeline timeline = new Timeline(layout, options.selection(), parsers, summary)) {
      if (timeline.files().isEmpty()) {
        throw new IllegalArgumentException("nothing to replay: no files of " + options.selection().describe()
            + " in " + options.dataDir());
      }
      String identity = ReplayProgress.identity(options.selection(), timeline.inputFiles());
      // Fence an earlier run of this replay first (initTransactions completes or aborts its last transaction),
      // then read its position: a position read before fencing could miss a commit in flight.
      Producer<String, byte[]> p = ReplayProducer.transactional(bootstrapServers, "nba-replay-" + identity,
          producerOverrides);
      try {
      Optional<ReplayProgress.Position> previous = ReplayProgress.read(bootstrapServers, identity);
      long skip = 0;
      String expectedLastItem = null;
      if (options.resume()) {
        if (previous.isEmpty()) {
          notes.accept("no earlier run of this replay (" + identity + ") was found: starting from the beginning");
        } else if (previous.get().done()) {
          notes.accept("this replay (" + identity + ") already completed at " + previous.get().updatedAt()
              + ": nothing to resume");
          skip = Long.MAX_VALUE;
        } else {
          skip = previous.get().committed();
          expectedLastItem = previous.get().lastItem();
          notes.accept(String.format("resuming replay %s after %,d committed records (last commit %s)", identity,
              skip, previous.get().updatedAt()));
        }
      } else if (previous.isPresent() && !previous.get().done()) {
        notes.accept("an interrupted run of this replay exists (" + identity + "); starting over (use --resume to"
            + " continue it instead)");
      }
      ProgressBar bar = progress.create("replay", timeline.totalRows());
      this.producer = p;
      send(timeline, summary, bar, identity, options, skip, expectedLastItem);
      bar.finish();
      } finally {
        this.producer = null;
        p.close();
      }
    }
    summary.wallMillis(System.currentTimeMillis() - start);
    return summary;
  }

  private void send(Timeline timeline, ReplaySummary summary, ProgressBar bar, String identity, Options options,
                    long skip, String expectedLastItem) {
    AvroCodec<DeadLetter> dlq = AvroCodec.of(DeadLetter.class);
    String description = options.selection().describe() + " data=" + options.dataDir();
    long seq = 0;
    long inTransaction = 0;
    long transactionStart = System.currentTimeMillis();
    Pacer pacer = options.speed() == null ? null : new Pacer(options.speed());
    String lastItem = null;
    producer.beginTransaction();
    try {
      while (timeline.hasNext()) {
        Timeline.Item item = timeline.next();
        bar.step(1);
        ReplaySummary.Counts counts = summary.of(item.source().cliName());
        String position = position(item);
        if (seq++ < skip) {
          if (item instanceof Timeline.Data) {
            counts.alreadyCommitted++;
          }
          if (seq == skip && expectedLastItem != null && !expectedLastItem.equals(position)) {
            throw new IllegalStateException("cannot resume: the last committed record was " + expectedLastItem
                + " but this timeline has " + position + " at that position; replay without --resume");
          }
          continue;
        }
        if (item instanceof Timeline.Data d) {
          if (pacer != null && pacer.waitMillis(d.eventTime()) > Pacer.MIN_SLEEP_MILLIS) {
            commit(identity, description, seq - 1, lastItem, false);
            inTransaction = 0;
            pacer.sleepUntil(d.eventTime());
            producer.beginTransaction();
            transactionStart = System.currentTimeMillis();
          }
          producer.send(new ProducerRecord<>(d.source().topic(), null, d.eventTime(), d.key(), encode(d.value())));
          counts.produced++;
        } else {
          Timeline.Dead dead = (Timeline.Dead) item;
          DeadLetter l = dead.letter();
          producer.send(new ProducerRecord<>(Topics.DEAD_LETTER, l.getSourceFile() + ":" + l.getLineNumber(),
              dlq.encode(l)));
        }
        lastItem = position;
        if (++inTransaction >= MAX_ITEMS_PER_TRANSACTION
            || System.currentTimeMillis() - transactionStart >= MAX_MILLIS_PER_TRANSACTION) {
          commit(identity, description, seq, lastItem, false);
          producer.beginTransaction();
          inTransaction = 0;
          transactionStart = System.currentTimeMillis();
        }
      }
      commit(identity, description, seq, lastItem, true);
    } catch (RuntimeException e) {
      try {
        producer.abortTransaction();
      } catch (RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw new IllegalStateException("replay failed after " + seq + " records (committed work is kept; rerun with"
          + " --resume): " + e.getMessage(), e);
    }
  }

  private void commit(String identity, String description, long committed, String lastItem, boolean done) {
    producer.send(ReplayProgress.record(identity, description, committed, lastItem, done));
    producer.commitTransaction();
  }

  /** Where an item comes from: file and line (what a resume checks). */
  static String position(Timeline.Item item) {
    if (item instanceof Timeline.Data d) {
      return d.file() + ":" + d.line();
    }
    var l = ((Timeline.Dead) item).letter();
    return l.getSourceFile() + ":" + l.getLineNumber();
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static byte[] encode(SpecificRecord value) {
    return ((AvroCodec) AvroCodec.of(value.getClass())).encode(value);
  }

  /** Maps event time to wall time at {@code speed} times real time, from the first record paced. */
  static final class Pacer {
    /** Shorter waits are not worth a commit and a sleep: the record is sent at once. */
    static final long MIN_SLEEP_MILLIS = 50;
    private final double speed;
    private long firstEvent = Long.MIN_VALUE;
    private long wallStart;

    Pacer(double speed) {
      if (!(speed > 0)) {
        throw new IllegalArgumentException("--speed must be positive, got " + speed);
      }
      this.speed = speed;
    }

    long waitMillis(long eventTime) {
      if (firstEvent == Long.MIN_VALUE) {
        firstEvent = eventTime;
        wallStart = System.currentTimeMillis();
        return 0;
      }
      long due = wallStart + (long) ((eventTime - firstEvent) / speed);
      return Math.max(0, due - System.currentTimeMillis());
    }

    void sleepUntil(long eventTime) {
      long w = waitMillis(eventTime);
      if (w > 0) {
        try {
          Thread.sleep(w);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while pacing the replay", e);
        }
      }
    }
  }

  /** Creates the progress display (a console bar in the CLI, a silent one in tests). */
  @FunctionalInterface
  public interface ProgressBarFactory {
    ProgressBar create(String label, long total);
  }
}
