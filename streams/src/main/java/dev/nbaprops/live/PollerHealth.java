package dev.nbaprops.live;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one poller (or the producer that drains the outbox) has been doing: last attempt, last success, last error
 * with its kind and message, consecutive failures, totals, and the lag (time since the last success). Thread-safe.
 */
public final class PollerHealth {
  private final String name;
  private final Duration interval;
  private Instant lastAttempt;
  private Instant lastSuccess;
  private Instant lastError;
  private String lastErrorKind;
  private String lastErrorMessage;
  private Instant nextPoll;
  private int consecutiveFailures;
  private long successes;
  private long failures;
  private long records;
  private final Map<String, Double> gauges = new TreeMap<>();

  public PollerHealth(String name, Duration interval) {
    this.name = name;
    this.interval = interval;
  }

  public String name() {
    return name;
  }

  public Duration interval() {
    return interval;
  }

  public synchronized void attempt(Instant now) {
    lastAttempt = now;
  }

  /** A completed poll that queued {@code newRecords} changed records. */
  public synchronized void success(Instant now, long newRecords) {
    lastSuccess = now;
    consecutiveFailures = 0;
    successes++;
    records += newRecords;
  }

  public synchronized void failure(Instant now, FeedException.Kind kind, String message) {
    lastError = now;
    lastErrorKind = kind.name();
    lastErrorMessage = message;
    consecutiveFailures++;
    failures++;
  }

  /** Records queued although the poll as a whole failed (e.g. one game of several could not be fetched). */
  public synchronized void addRecords(long n) {
    records += n;
  }

  public synchronized void nextPoll(Instant at) {
    nextPoll = at;
  }

  /** A poller-specific gauge, e.g. the Odds API's remaining request quota. */
  public synchronized void gauge(String key, double value) {
    gauges.put(key, value);
  }

  public synchronized int consecutiveFailures() {
    return consecutiveFailures;
  }

  public synchronized Instant lastSuccess() {
    return lastSuccess;
  }

  public synchronized Instant lastError() {
    return lastError;
  }

  public synchronized String lastErrorMessage() {
    return lastErrorMessage;
  }

  public synchronized long successes() {
    return successes;
  }

  public synchronized long failures() {
    return failures;
  }

  public synchronized long records() {
    return records;
  }

  public synchronized Map<String, Double> gauges() {
    return Map.copyOf(gauges);
  }

  /** Time since the last successful poll; null before the first. */
  public synchronized Duration lag(Instant now) {
    return lastSuccess == null ? null : Duration.between(lastSuccess, now);
  }

  /** Stale: no success yet after an attempt, or the last success is older than three intervals (and 60 s). */
  public synchronized boolean stale(Instant now) {
    if (lastSuccess == null) {
      return lastAttempt != null;
    }
    Duration limit = interval.multipliedBy(3);
    if (limit.compareTo(Duration.ofSeconds(60)) < 0) {
      limit = Duration.ofSeconds(60);
    }
    return Duration.between(lastSuccess, now).compareTo(limit) > 0;
  }

  public synchronized Map<String, Object> toJson(Instant now) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", name);
    m.put("interval_seconds", interval.toMillis() / 1000.0);
    m.put("last_attempt", str(lastAttempt));
    m.put("last_success", str(lastSuccess));
    Duration lag = lag(now);
    m.put("lag_seconds", lag == null ? null : lag.toMillis() / 1000.0);
    m.put("stale", stale(now));
    m.put("consecutive_failures", consecutiveFailures);
    m.put("last_error", str(lastError));
    m.put("last_error_kind", lastErrorKind);
    m.put("last_error_message", lastErrorMessage);
    m.put("next_poll", str(nextPoll));
    m.put("successes", successes);
    m.put("failures", failures);
    m.put("records", records);
    if (!gauges.isEmpty()) {
      m.put("gauges", new TreeMap<>(gauges));
    }
    return m;
  }

  private static String str(Instant i) {
    return i == null ? null : i.toString();
  }
}
