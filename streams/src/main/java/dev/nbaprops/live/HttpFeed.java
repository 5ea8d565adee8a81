package dev.nbaprops.live;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * GET of one feed URL with a per-request timeout. 2xx returns the body; every other outcome is a
 * {@link FeedException} of the right kind: timeouts, connection errors, 5xx, 429 (with its Retry-After, in
 * seconds or as an HTTP date), other 4xx. Whether the body is valid JSON is the caller's check ({@code MALFORMED}).
 */
public final class HttpFeed {
  /** A 2xx response: body and headers. */
  public record Response(String body, HttpHeaders headers) {}

  private final HttpClient client;
  private final Duration timeout;
  private final Map<String, String> headers;
  private final Clock clock;

  public HttpFeed(Duration timeout, Map<String, String> headers, Clock clock) {
    this.client = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NORMAL).build();
    this.timeout = timeout;
    this.headers = Map.copyOf(headers);
    this.clock = clock;
  }

  /** A request on its way ({@link #start}); {@link #await} gives its response. */
  public static final class Pending {
    private final String url;
    private final CompletableFuture<HttpResponse<String>> exchange;
    private final long startedNanos;

    private Pending(String url, CompletableFuture<HttpResponse<String>> exchange) {
      this.url = url;
      this.exchange = exchange;
      this.startedNanos = System.nanoTime();
    }

    public String url() {
      return url;
    }

    /** Abandons the request (its poll ended before awaiting it). */
    public void cancel() {
      exchange.cancel(true);
    }
  }

  public Response get(String url) throws FeedException {
    return await(start(url));
  }

  /**
   * Sends the GET of {@code url} without waiting for it: a poller with several URLs due (a night's box scores)
   * starts them all and then awaits each, so a round takes about the slowest request instead of their sum.
   */
  public Pending start(String url) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(timeout).GET()
        .header("Accept", "application/json").header("User-Agent", "nba-props-streams-live/0.1");
    headers.forEach(b::header);
    return new Pending(url, client.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString()));
  }

  /**
   * The response of a started request: its body on 2xx, else a {@link FeedException}. The timeout counts from the
   * request's start and covers headers and body.
   */
  public Response await(Pending p) throws FeedException {
    String url = p.url;
    HttpResponse<String> r;
    // The request's own timeout ends at the response headers; the deadline here covers the body too, so a feed
    // that sends its headers and then drips (or never ends) its body cannot hold the poller.
    CompletableFuture<HttpResponse<String>> exchange = p.exchange;
    long leftNanos = Math.max(0, timeout.toNanos() - (System.nanoTime() - p.startedNanos));
    try {
      r = exchange.get(leftNanos, TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      exchange.cancel(true);
      throw new FeedException(FeedException.Kind.TIMEOUT, "timeout after " + timeout + " (headers and body): "
          + redact(url), null, e);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof HttpTimeoutException) {
        throw new FeedException(FeedException.Kind.TIMEOUT, "timeout after " + timeout + ": " + redact(url), null, c);
      }
      throw new FeedException(FeedException.Kind.NETWORK, c.getClass().getSimpleName() + ": " + c.getMessage()
          + " (" + redact(url) + ")", null, c);
    } catch (InterruptedException e) {
      exchange.cancel(true);
      Thread.currentThread().interrupt();
      throw new FeedException(FeedException.Kind.NETWORK, "interrupted: " + redact(url), null, e);
    }
    int code = r.statusCode();
    if (code >= 200 && code < 300) {
      return new Response(r.body(), r.headers());
    }
    Duration retryAfter = r.headers().firstValue("Retry-After").map(v -> retryAfter(v, clock.instant())).orElse(null);
    String msg = "HTTP " + code + " from " + redact(url) + snippet(r.body());
    if (code == 429) {
      throw new FeedException(FeedException.Kind.HTTP_429, msg, retryAfter, null);
    }
    if (code >= 500) {
      throw new FeedException(FeedException.Kind.HTTP_5XX, msg, retryAfter, null);
    }
    throw new FeedException(FeedException.Kind.HTTP_4XX, msg, retryAfter, null);
  }

  /** Longest Retry-After taken from a header (the runner's {@link Backoff} clamps further). */
  static final Duration MAX_RETRY_AFTER = Duration.ofDays(1);

  /** Retry-After as delta-seconds or an HTTP date (RFC 9110), at most {@link #MAX_RETRY_AFTER}; null when unreadable. */
  static Duration retryAfter(String value, Instant now) {
    String v = value.strip();
    if (v.matches("\\d+")) {
      // Any number of digits: a value beyond a day (or beyond a long) is a day, never an overflow.
      return v.length() > 9 || Long.parseLong(v) > MAX_RETRY_AFTER.toSeconds() ? MAX_RETRY_AFTER
          : Duration.ofSeconds(Long.parseLong(v));
    }
    try {
      Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      Duration d = at.isAfter(now) ? Duration.between(now, at) : Duration.ZERO;
      return d.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : d;
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** The URL without its apiKey value (URLs end up in logs, health and dead letters). */
  public static String redact(String url) {
    return url.replaceAll("(?i)(apiKey=)[^&]*", "$1***");
  }

  private static String snippet(String body) {
    if (body == null || body.isBlank()) {
      return "";
    }
    String s = body.strip().replaceAll("\\s+", " ");
    return ": " + (s.length() > 160 ? s.substring(0, 160) + "..." : s);
  }
}
