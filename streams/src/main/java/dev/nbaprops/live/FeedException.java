package dev.nbaprops.live;

import java.time.Duration;

/**
 * A failed fetch: what kind of fault it was (for the health report and the retry decision) and, for HTTP 429 or
 * 503 with a {@code Retry-After} header, how long the server asked us to wait.
 */
public final class FeedException extends Exception {
  /** The fault classes the pollers report. */
  public enum Kind { TIMEOUT, NETWORK, HTTP_5XX, HTTP_429, HTTP_4XX, MALFORMED, PRODUCE }

  private final Kind kind;
  private final Duration retryAfter;

  public FeedException(Kind kind, String message, Duration retryAfter, Throwable cause) {
    super(message, cause);
    this.kind = kind;
    this.retryAfter = retryAfter;
  }

  public FeedException(Kind kind, String message) {
    this(kind, message, null, null);
  }

  public Kind kind() {
    return kind;
  }

  /** The server's Retry-After, or null. */
  public Duration retryAfter() {
    return retryAfter;
  }
}
