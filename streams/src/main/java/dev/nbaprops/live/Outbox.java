package dev.nbaprops.live;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Changed records between the poll that fetched them and Kafka's acknowledgement. A poll adds what changed
 * ({@link #offer}); {@link #flush} sends the queue in order, in batches, and removes a batch only once the sink
 * has committed it. A failed send leaves the batch queued and is retried (with backoff by the runner), so a
 * record once fetched is never lost while the process lives, whatever the network or the broker do.
 */
public final class Outbox {
  static final int MAX_BATCH = 5_000;

  private final LiveSink sink;
  private final ChangeDetector changes;
  private final PollerHealth health;
  private final Deque<Pending> queue = new ArrayDeque<>();
  private final Object flushLock = new Object();

  private record Pending(LiveRecord record, Instant queuedAt) {}

  public Outbox(LiveSink sink, ChangeDetector changes, Duration flushInterval) {
    this.sink = sink;
    this.changes = changes;
    this.health = new PollerHealth("producer", flushInterval);
  }

  public ChangeDetector changes() {
    return changes;
  }

  public PollerHealth health() {
    return health;
  }

  /** Queues the records that changed since the last accepted one of their key; returns how many were queued. */
  public int offer(List<LiveRecord> records, Instant now) {
    int n = 0;
    synchronized (queue) {
      for (LiveRecord r : records) {
        if (changes.offer(r.changeKey(), r.digest())) {
          queue.add(new Pending(r, now));
          n++;
        }
      }
    }
    return n;
  }

  public int pending() {
    synchronized (queue) {
      return queue.size();
    }
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
        } catch (Exception e) {
          String msg = "sending " + records.size() + " records failed (kept queued, " + pending() + " pending): " + e;
          health.failure(now, FeedException.Kind.PRODUCE, msg);
          throw new FeedException(FeedException.Kind.PRODUCE, msg, null, e);
        }
        synchronized (queue) {
          for (int i = 0; i < batch.size(); i++) {
            queue.pollFirst();
          }
        }
        changes.committed(records);
        sent += records.size();
      }
    }
  }
}
