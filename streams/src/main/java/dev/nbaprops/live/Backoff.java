package dev.nbaprops.live;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Retry delays: {@code initial * 2^(failures-1)}, capped at {@code max}, with +-20% jitter (so pollers that failed
 * together do not retry together); a server's Retry-After is honoured when it is longer, up to
 * {@code maxRetryAfter} (a server asking for days, or a value that would overflow, cannot stop a poller).
 */
public record Backoff(Duration initial, Duration max, Duration maxRetryAfter) {
  /** The default ceiling on a server's Retry-After. */
  public static final Duration DEFAULT_MAX_RETRY_AFTER = Duration.ofMinutes(30);

  public Backoff(Duration initial, Duration max) {
    this(initial, max, DEFAULT_MAX_RETRY_AFTER);
  }

  public Duration delay(int consecutiveFailures, Duration retryAfter) {
    int n = Math.max(1, consecutiveFailures);
    long base = initial.toMillis() << Math.min(n - 1, 20);
    long capped = Math.min(base <= 0 ? Long.MAX_VALUE : base, max.toMillis());
    double jitter = 0.8 + 0.4 * ThreadLocalRandom.current().nextDouble();
    long d = Math.max(1, (long) (capped * jitter));
    if (retryAfter != null) {
      Duration ra = retryAfter.isNegative() ? Duration.ZERO
          : retryAfter.compareTo(maxRetryAfter) > 0 ? maxRetryAfter : retryAfter;
      d = Math.max(d, ra.toMillis());
    }
    return Duration.ofMillis(d);
  }
}
