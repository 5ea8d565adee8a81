package dev.nbaprops.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** The clock of a night played faster (live --clock-start --speed, the soak). */
class ScaledClockTest {
  @Test
  void runsFromItsStartAtItsSpeed() {
    Instant origin = Instant.parse("2026-12-02T11:00:00Z");
    Instant night = Instant.parse("2023-10-30T12:00:00Z");
    ScaledClock before = new ScaledClock(night, origin, 60, Clock.fixed(origin, ZoneOffset.UTC));
    assertThat(before.instant()).isEqualTo(night);
    ScaledClock later = new ScaledClock(night, origin, 60,
        Clock.fixed(origin.plus(Duration.ofMinutes(30)), ZoneOffset.UTC));
    assertThat(later.instant()).isEqualTo(Instant.parse("2023-10-31T18:00:00Z")); // 30 min at 60x = 30 h
    assertThat(later.wallDuration(Duration.ofSeconds(20))).isEqualTo(Duration.ofMillis(333).plusNanos(333_333));
    assertThat(later.wallDuration(Duration.ofMinutes(5))).isEqualTo(Duration.ofSeconds(5));
    assertThatThrownBy(() -> new ScaledClock(night, origin, 0, Clock.systemUTC()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
