package dev.nbaprops.replay;

import dev.nbaprops.avro.common.DeadLetter;
import dev.nbaprops.avro.raw.PlayerBoxScore;
import dev.nbaprops.serde.AvroCodec;
import dev.nbaprops.source.BoxScoreParser;
import dev.nbaprops.source.CsvSource;
import dev.nbaprops.source.DataLayout;
import dev.nbaprops.source.Parsed;
import dev.nbaprops.source.SourceRow;
import dev.nbaprops.topics.Topics;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Replays source files into the raw topics in event-time order, with each record's timestamp set to its event
 * time ({@link dev.nbaprops.source.EventTimes}). Files are read lazily and merged by (event time, file order,
 * line), so memory stays flat for any number of seasons. Every row is either produced to its raw topic or
 * dead-lettered to {@link Topics#DEAD_LETTER} with the file, line and reason; a bad row never stops the replay.
 */
public final class Replayer {
  private final Producer<String, byte[]> producer;

  public Replayer(Producer<String, byte[]> producer) {
    this.producer = producer;
  }

  /** What to replay: the data directory and the seasons (empty = every season the directory has). */
  public record Options(Path dataDir, List<String> seasons) {}

  public ReplaySummary replay(Options options, ProgressBarFactory progress) {
    long start = System.currentTimeMillis();
    DataLayout layout = new DataLayout(options.dataDir());
    List<String> seasons = options.seasons().isEmpty() ? layout.seasons() : options.seasons();
    if (seasons.isEmpty()) {
      throw new IllegalArgumentException("no seasons to replay in " + options.dataDir());
    }
    List<Path> files = new ArrayList<>();
    for (String season : seasons) {
      files.add(layout.boxScores(season));
    }
    long total = files.stream().mapToLong(CsvSource::countRows).sum();
    ProgressBar bar = progress.create("replay", total);
    ReplaySummary summary = new ReplaySummary();
    AtomicReference<Exception> sendError = new AtomicReference<>();
    Callback onSend = (md, e) -> {
      if (e != null) {
        sendError.compareAndSet(null, e);
      }
    };
    AvroCodec<PlayerBoxScore> boxCodec = AvroCodec.of(PlayerBoxScore.class);
    AvroCodec<DeadLetter> dlqCodec = AvroCodec.of(DeadLetter.class);

    List<CsvSource> sources = new ArrayList<>();
    PriorityQueue<Pending> queue = new PriorityQueue<>(Comparator.comparingLong(Pending::eventTime)
        .thenComparingInt(Pending::fileIndex).thenComparingLong(p -> p.row().lineNumber()));
    try {
      for (int i = 0; i < files.size(); i++) {
        CsvSource s = new CsvSource(files.get(i));
        sources.add(s);
        advance(s, i, queue, summary, dlqCodec, onSend, bar);
      }
      while (!queue.isEmpty()) {
        Pending p = queue.poll();
        if (sendError.get() != null) {
          throw new IllegalStateException("producing to Kafka failed: " + sendError.get().getMessage(), sendError.get());
        }
        Parsed.Ok<PlayerBoxScore> ok = p.parsed();
        producer.send(new ProducerRecord<>(Topics.PLAYER_BOX_SCORE, null, ok.eventTime(), ok.key(),
            boxCodec.encode(ok.value())), onSend);
        summary.of("box_scores").produced++;
        bar.step(1);
        advance(sources.get(p.fileIndex()), p.fileIndex(), queue, summary, dlqCodec, onSend, bar);
      }
      producer.flush();
      if (sendError.get() != null) {
        throw new IllegalStateException("producing to Kafka failed: " + sendError.get().getMessage(), sendError.get());
      }
    } finally {
      sources.forEach(CsvSource::close);
    }
    bar.finish();
    summary.wallMillis(System.currentTimeMillis() - start);
    return summary;
  }

  /** Reads the next good row of a file into the queue, dead-lettering bad rows on the way. */
  private void advance(CsvSource source, int fileIndex, PriorityQueue<Pending> queue, ReplaySummary summary,
                       AvroCodec<DeadLetter> dlqCodec, Callback onSend, ProgressBar bar) {
    while (source.hasNext()) {
      SourceRow row = source.next();
      summary.of("box_scores").read++;
      Parsed<PlayerBoxScore> parsed = BoxScoreParser.parse(row);
      if (parsed instanceof Parsed.Ok<PlayerBoxScore> ok) {
        queue.add(new Pending(ok.eventTime(), fileIndex, row, ok));
        return;
      }
      String reason = ((Parsed.Rejected<PlayerBoxScore>) parsed).reason();
      DeadLetter dl = DeadLetter.newBuilder().setSource("box_scores").setSourceFile(row.file())
          .setLineNumber(row.lineNumber()).setReason(reason).setRaw(row.line()).setRejectedAt(Instant.now()).build();
      producer.send(new ProducerRecord<>(Topics.DEAD_LETTER, row.file() + ":" + row.lineNumber(),
          dlqCodec.encode(dl)), onSend);
      summary.of("box_scores").deadLettered++;
      bar.step(1);
    }
  }

  private record Pending(long eventTime, int fileIndex, SourceRow row, Parsed.Ok<PlayerBoxScore> parsed) {}

  /** Creates the progress display (a console bar in the CLI, a silent one in tests). */
  @FunctionalInterface
  public interface ProgressBarFactory {
    ProgressBar create(String label, long total);
  }
}
