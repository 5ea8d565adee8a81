package dev.nbaprops.live;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock that plays a past night: it reads {@code start} at the wall instant {@code origin} and runs {@code speed}
 * times as fast as the wall clock. {@code live --clock-start T --speed N} gives it to the pollers (the time they
 * stamp on what they fetch, the games they find due) and {@link LiveRunner} shortens its waits by the same factor,
 * so every {@code live.*} interval and retry delay is in the night's time. Fetch timeouts stay wall time. For a
 * local feed server that serves a recorded night on the same clock (the soak, docs/reliability.md); never for the
 * real feeds.
 */
public final class ScaledClock extends Clock {
  private final Instant start;
  private final Instant origin;
  private final double speed;
  private final Clock wall;

  public ScaledClock(Instant start, Instant origin, double speed, Clock wall) {
    if (!(speed > 0) || Double.isInfinite(speed)) {
      throw new IllegalArgumentException("speed must be a positive number: " + speed);
    }
    this.start = start;
    this.origin = origin;
    this.speed = speed;
    this.wall = wall;
  }

  public double speed() {
    return speed;
  }

  /** The wall-clock time a wait of {@code d} in this clock's time takes. */
  public Duration wallDuration(Duration d) {
    return Duration.ofNanos((long) (d.toNanos() / speed));
  }

  @Override
  public Instant instant() {
    long wallNanos = Duration.between(origin, wall.instant()).toNanos();
    return start.plusNanos((long) (wallNanos * speed));
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}
