package dev.nbaprops.live;

import dev.nbaprops.source.SourceKind;
import dev.nbaprops.topics.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Changed records between the poll that fetched them and Kafka's acknowledgement. A poll adds what changed
 * ({@link #offer}); {@link #flush} sends the queue in order, in batches, and removes a batch only once the sink
 * has committed it. A failed send leaves the batch queued and is retried (with backoff by the runner).
 *
 * <p>A record that can never be sent does not block the ones behind it: a record that fails to encode or is
 * larger than {@link #MAX_RECORD_BYTES} is replaced, when offered, by a dead letter for {@link Topics#DEAD_LETTER}
 * with the reason; one the sink refuses as such ({@link LiveSink.PoisonRecordException}) is replaced the same way
 * and the batch sent again at once.
 *
 * <p>With a journal ({@link OutboxJournal}) every accepted record is on disk before {@link #offer} returns, and the
 * records not yet committed when the process died are queued again on start: nothing fetched is lost to a crash.
 */
public final class Outbox {
  private static final Logger LOG = LoggerFactory.getLogger(Outbox.class);
  static final int MAX_BATCH = 5_000;
  /** Largest record sent: well under Kafka's default {@code max.request.size} (1 MB). */
  static final int MAX_RECORD_BYTES = 256 * 1024;

  private final LiveSink sink;
  private final ChangeDetector changes;
  private final PollerHealth health;
  private final OutboxJournal journal;
  private final Deque<Pending> queue = new ArrayDeque<>();
  private final Object flushLock = new Object();
  private final java.util.concurrent.atomic.AtomicLong deadLettered = new java.util.concurrent.atomic.AtomicLong();
  private final java.util.concurrent.atomic.AtomicLong dropped = new java.util.concurrent.atomic.AtomicLong();
  private long recovered;

  /** A queued record; {@code original} is the poison record a dead letter stands for (else null). */
  private record Pending(long seq, LiveRecord record, Instant queuedAt, LiveRecord original) {}

  public Outbox(LiveSink sink, ChangeDetector changes, Duration flushInterval) {
    this(sink, changes, flushInterval, null);
  }

  /** @param journalFile the write-ahead log (null: the queue is in memory only and lost on a crash) */
  public Outbox(LiveSink sink, ChangeDetector changes, Duration flushInterval, Path journalFile) {
    this.sink = sink;
    this.changes = changes;
    this.health = new PollerHealth("producer", flushInterval);
    this.journal = journalFile == null ? null : new OutboxJournal(journalFile);
    if (journal != null) {
      Instant now = Instant.now();
      for (OutboxJournal.Entry e : journal.recovered()) {
        changes.accept(e.record().changeKey(), e.record().digest());
        queue.add(checked(e.seq(), e.record(), now));
      }
      recovered = queue.size();
      if (recovered > 0) {
        LOG.info("live outbox: {} records fetched before the last stop and not yet sent are queued again", recovered);
      }
    }
  }

  public ChangeDetector changes() {
    return changes;
  }

  public PollerHealth health() {
    return health;
  }

  /**
   * Queues the records that changed since the last accepted one of their key; returns how many were queued. With a
   * journal they are on disk when this returns; when the journal cannot be written nothing is queued or remembered
   * (the next poll fetches them again) and this throws.
   */
  public int offer(List<LiveRecord> records, Instant now) {
    synchronized (queue) {
      List<LiveRecord> changed = new ArrayList<>();
      Map<String, ByteBuffer> inThisOffer = new HashMap<>();
      for (LiveRecord r : records) {
        ByteBuffer before = inThisOffer.get(r.changeKey());
        if (before != null ? !before.equals(r.digest()) : changes.changed(r.changeKey(), r.digest())) {
          changed.add(r);
          inThisOffer.put(r.changeKey(), r.digest());
        }
      }
      long[] seqs = new long[changed.size()];
      if (journal != null) {
        try {
          seqs = journal.append(changed);
        } catch (IOException e) {
          throw new UncheckedIOException("cannot write the live outbox journal (" + e.getMessage() + "): "
              + changed.size() + " changed records not queued; the next poll fetches them again", e);
        }
      }
      for (int i = 0; i < changed.size(); i++) {
        LiveRecord r = changed.get(i);
        changes.accept(r.changeKey(), r.digest());
        queue.add(checked(seqs[i], r, now));
      }
      return changed.size();
    }
  }

  /** The record as queued: itself, or a dead letter when it cannot be encoded or is too large to send. */
  private Pending checked(long seq, LiveRecord r, Instant now) {
    String problem;
    try {
      int size = r.encode().length;
      problem = size > MAX_RECORD_BYTES ? String.format("record of %,d bytes is larger than the limit of %,d bytes",
          size, MAX_RECORD_BYTES) : null;
    } catch (RuntimeException e) {
      problem = "record cannot be encoded: " + e;
    }
    return problem == null ? new Pending(seq, r, now, null) : new Pending(seq, deadLetterOf(r, problem, now), now, r);
  }

  private LiveRecord deadLetterOf(LiveRecord r, String reason, Instant now) {
    deadLettered.incrementAndGet();
    LOG.warn("live outbox: dead-lettering a record for {} (key {}): {}", r.topic(), r.key(), reason);
    String source = SourceKind.all().stream().filter(s -> s.topic().equals(r.topic())).map(SourceKind::cliName)
        .findFirst().orElse(r.topic());
    String raw;
    try {
      raw = String.valueOf(r.value());
    } catch (RuntimeException e) {
      raw = null;
    }
    return DeadLetters.of(source, "live " + r.topic() + " key " + r.key(), (Long) null, reason, raw, now);
  }

  public int pending() {
    synchronized (queue) {
      return queue.size();
    }
  }

  /** Records replaced by a dead letter because they could never be sent. */
  public long deadLettered() {
    return deadLettered.get();
  }

  /** Dead letters that could not be sent either (dropped with an error log; never expected). */
  public long dropped() {
    return dropped.get();
  }

  /** Records queued again from the journal at start. */
  public long recovered() {
    return recovered;
  }

  /** Age of the oldest queued record; zero when the queue is empty. */
  public Duration oldestPendingAge(Instant now) {
    synchronized (queue) {
      Pending p = queue.peekFirst();
      return p == null ? Duration.ZERO : Duration.between(p.queuedAt(), now);
    }
  }

  /** Sends everything queued; returns records committed. Throws (after recording it) when the sink fails. */
  public int flush(Instant now) throws FeedException {
    synchronized (flushLock) {
      int sent = 0;
      health.attempt(now);
      while (true) {
        List<Pending> batch = new ArrayList<>();
        synchronized (queue) {
          for (Pending p : queue) {
            if (batch.size() >= MAX_BATCH) {
              break;
            }
            batch.add(p);
          }
        }
        if (batch.isEmpty()) {
          health.success(now, sent);
          return sent;
        }
        List<LiveRecord> records = batch.stream().map(Pending::record).toList();
        try {
          sink.send(records);
        } catch (LiveSink.PoisonRecordException e) {
          replacePoison(batch.get(e.index()), e.getMessage(), now);
          continue; // nothing of the batch was sent: send it again without the poison
        } catch (Exception e) {
          String msg = "sending " + records.size() + " records failed (kept queued, " + pending() + " pending): " + e;
          health.failure(now, FeedException.Kind.PRODUCE, msg);
          throw new FeedException(FeedException.Kind.PRODUCE, msg, null, e);
        }
        boolean empty;
        synchronized (queue) {
          for (int i = 0; i < batch.size(); i++) {
            queue.pollFirst();
          }
          empty = queue.isEmpty();
        }
        List<LiveRecord> done = new ArrayList<>(records);
        batch.stream().filter(p -> p.original() != null).forEach(p -> done.add(p.original()));
        changes.committed(done);
        if (journal != null) {
          try {
            journal.committed(batch.get(batch.size() - 1).seq(), empty);
          } catch (IOException e) {
            // Kafka has them: after a crash they would be sent once more, which changes no derived row.
            LOG.warn("live outbox: cannot mark {} records committed in the journal: {}", batch.size(), e.toString());
          }
        }
        sent += records.size();
      }
    }
  }

  private void replacePoison(Pending poison, String reason, Instant now) {
    synchronized (queue) {
      List<Pending> all = new ArrayList<>(queue);
      int i = all.indexOf(poison);
      if (i < 0) {
        return;
      }
      if (poison.record().topic().equals(Topics.DEAD_LETTER)) {
        dropped.incrementAndGet();
        LOG.error("live outbox: a dead letter cannot be sent either ({}); dropped: {}", reason, poison.record().value());
        all.remove(i);
        if (all.isEmpty() && journal != null) {
          try {
            journal.committed(poison.seq(), true);
          } catch (IOException e) {
            LOG.warn("live outbox: cannot empty the journal: {}", e.toString());
          }
        }
      } else {
        all.set(i, new Pending(poison.seq(), deadLetterOf(poison.record(), reason, now), poison.queuedAt(),
            poison.record()));
      }
      queue.clear();
      queue.addAll(all);
    }
  }

  /** Closes the journal. */
  public void close() {
    if (journal != null) {
      journal.close();
    }
  }
}
