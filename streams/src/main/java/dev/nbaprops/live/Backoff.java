package dev.nbaprops.live;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Retry delays: {@code initial * 2^(failures-1)}, capped at {@code max}, with +-20% jitter (so pollers that failed
 * together do not retry together); a server's Retry-After is honoured when it is longer.
 */
public record Backoff(Duration initial, Duration max) {
  public Duration delay(int consecutiveFailures, Duration retryAfter) {
    int n = Math.max(1, consecutiveFailures);
    long base = initial.toMillis() << Math.min(n - 1, 20);
    long capped = Math.min(base <= 0 ? Long.MAX_VALUE : base, max.toMillis());
    double jitter = 0.8 + 0.4 * ThreadLocalRandom.current().nextDouble();
    long d = Math.max(1, (long) (capped * jitter));
    if (retryAfter != null && retryAfter.toMillis() > d) {
      d = retryAfter.toMillis();
    }
    return Duration.ofMillis(d);
  }
}
