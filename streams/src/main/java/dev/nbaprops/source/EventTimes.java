package dev.nbaprops.source;

import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;

/**
 * The event times the replay stamps on records. The data has game dates, not tip-off times, so the project
 * fixes nominal times in US Eastern time (see docs/features.md, "Time"): a game tips off at 19:00 ET on its
 * game date and is final at 23:59 ET. Box scores and shots are events of the game's end. A game's schedule entry
 * and its game lines are known at 12:00 ET the day before (before any prop snapshot of the game: the earliest
 * real snapshots are on the game's own date). Prop lines carry their own snapshot time.
 */
public final class EventTimes {
  public static final ZoneId LEAGUE_ZONE = ZoneId.of("America/New_York");
  public static final LocalTime NOMINAL_TIP_OFF = LocalTime.of(19, 0);
  public static final LocalTime NOMINAL_FINAL = LocalTime.of(23, 59);

  private EventTimes() {}

  public static final LocalTime NOMINAL_SCHEDULED = LocalTime.NOON;

  /** When a game's schedule entry (and its game lines, 1 ms later) enter the timeline: noon ET the day before. */
  public static long scheduled(LocalDate gameDate) {
    return gameDate.minusDays(1).atTime(NOMINAL_SCHEDULED).atZone(LEAGUE_ZONE).toInstant().toEpochMilli();
  }

  public static long tipOff(LocalDate gameDate) {
    return gameDate.atTime(NOMINAL_TIP_OFF).atZone(LEAGUE_ZONE).toInstant().toEpochMilli();
  }

  /** When a game's box scores and shots become known. */
  public static long gameFinal(LocalDate gameDate) {
    return gameDate.atTime(NOMINAL_FINAL).atZone(LEAGUE_ZONE).toInstant().toEpochMilli();
  }
}
