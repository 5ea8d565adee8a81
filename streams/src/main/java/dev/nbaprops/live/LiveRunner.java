package dev.nbaprops.live;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the pollers on their schedules and drains the outbox. Each poller has its own thread: after a successful
 * poll the next one is due after the poller's interval; after a failure (timeout, network error, 5xx, 429,
 * malformed JSON, or a bug in a parser) after the {@link Backoff} delay, at least the server's Retry-After. A
 * failure is reported in the poller's health and logged; it never stops the runner. The outbox is flushed after
 * every poll and on its own schedule, with the same backoff when Kafka is unavailable.
 */
public final class LiveRunner implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LiveRunner.class);

  private final List<Poller> pollers;
  private final Outbox outbox;
  private final Backoff backoff;
  private final Clock clock;
  private ScheduledExecutorService executor;
  /** Set by close(): a poll interrupted by the shutdown is not a feed failure. */
  private volatile boolean closing;

  public LiveRunner(List<Poller> pollers, Outbox outbox, Backoff backoff, Clock clock) {
    this.pollers = List.copyOf(pollers);
    this.outbox = outbox;
    this.backoff = backoff;
    this.clock = clock;
  }

  public List<Poller> pollers() {
    return pollers;
  }

  public Outbox outbox() {
    return outbox;
  }

  /** One guarded poll: health updated, failure reported, never thrown. Returns the delay until the next poll. */
  public Duration pollOnce(Poller p, Instant now) {
    PollerHealth h = p.health();
    h.attempt(now);
    Duration next;
    try {
      int n = p.poll(now);
      h.success(now, n);
      next = h.interval();
    } catch (FeedException e) {
      if (closing) {
        return h.interval();
      }
      h.failure(now, e.kind(), e.getMessage());
      next = backoff.delay(h.consecutiveFailures(), e.retryAfter());
      LOG.warn("live poller {} failed ({} in a row, {}): {}; next attempt in {}", p.name(), h.consecutiveFailures(),
          e.kind(), e.getMessage(), next);
    } catch (RuntimeException e) {
      h.failure(now, FeedException.Kind.MALFORMED, "unexpected " + e);
      next = backoff.delay(h.consecutiveFailures(), null);
      LOG.error("live poller {} failed unexpectedly; next attempt in {}", p.name(), next, e);
    }
    h.nextPoll(now.plus(next));
    return next;
  }

  /** Flushes the outbox; returns the delay until the next flush (backoff after a failure). */
  public Duration flushOnce(Instant now) {
    PollerHealth h = outbox.health();
    try {
      outbox.flush(now);
      h.nextPoll(now.plus(h.interval()));
      return h.interval();
    } catch (FeedException e) {
      Duration next = backoff.delay(h.consecutiveFailures(), null);
      LOG.warn("live producer: {}; next attempt in {}", e.getMessage(), next);
      h.nextPoll(now.plus(next));
      return next;
    } catch (RuntimeException e) {
      h.failure(now, FeedException.Kind.PRODUCE, "unexpected " + e);
      LOG.error("live producer failed unexpectedly", e);
      return backoff.delay(h.consecutiveFailures(), null);
    }
  }

  /** Every poller once, in order, then a flush (tests drive a simulated night with this). */
  public void tick(Instant now) {
    for (Poller p : pollers) {
      pollOnce(p, now);
    }
    flushOnce(now);
  }

  public synchronized void start() {
    if (executor != null) {
      return;
    }
    executor = Executors.newScheduledThreadPool(pollers.size() + 1, r -> {
      Thread t = new Thread(r, "live-poller");
      t.setDaemon(true);
      return t;
    });
    for (Poller p : pollers) {
      executor.execute(() -> loop(p));
    }
    executor.execute(this::flushLoop);
  }

  /** One poll and a flush, then the next one is scheduled whatever happened (a poller never stops silently). */
  private void loop(Poller p) {
    Duration next = null;
    try {
      next = pollOnce(p, clock.instant());
      flushOnce(clock.instant());
    } catch (RuntimeException | Error e) {
      LOG.error("live poller {}: unexpected failure outside the poll; next attempt in {}", p.name(), backoff.max(), e);
    } finally {
      reschedule(() -> loop(p), next != null ? next : backoff.max());
    }
  }

  private void flushLoop() {
    Duration next = null;
    try {
      next = flushOnce(clock.instant());
    } catch (RuntimeException | Error e) {
      LOG.error("live producer: unexpected failure; next attempt in {}", backoff.max(), e);
    } finally {
      reschedule(this::flushLoop, next != null ? next : backoff.max());
    }
  }

  private void reschedule(Runnable r, Duration after) {
    ScheduledExecutorService ex = executor;
    if (ex != null && !ex.isShutdown()) {
      try {
        // A night played faster (ScaledClock, live --speed) waits its intervals in the night's time.
        Duration wait = clock instanceof ScaledClock sc ? sc.wallDuration(after) : after;
        ex.schedule(r, Math.max(1, wait.toMillis()), TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.RejectedExecutionException ignored) {
        // stopping
      }
    }
  }

  /** Stops polling, then tries once more to send what is queued. */
  @Override
  public void close() {
    ScheduledExecutorService ex;
    closing = true;
    synchronized (this) {
      ex = executor;
      executor = null;
    }
    if (ex != null) {
      ex.shutdownNow();
      try {
        ex.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (outbox.pending() > 0) {
      flushOnce(clock.instant());
      if (outbox.pending() > 0) {
        LOG.warn("live: {} fetched records could not be sent before stopping; the next run re-fetches the current"
            + " state of the feeds", outbox.pending());
      }
    }
  }
}
