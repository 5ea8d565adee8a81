package dev.nbaprops.source;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;

/**
 * A game's start and end, and the event times the replay stamps on records (docs/contract.md and
 * docs/features.md, "Time"):
 * <ul>
 *   <li><b>start</b>: the feed's own start where a feed gives one (The Odds API {@code commence_time}; live, the
 *   first time the league's feeds showed the game in progress); else the listed tip-off (the schedule's
 *   {@code tipoff_utc} or the live scoreboard's {@code gameTimeUTC}, when broadcasts begin) plus
 *   {@link #START_AFTER_LISTED} (15 minutes); else {@link #DEFAULT_START} (19:15 ET) on the game date.
 *   A prop snapshot is pre-game when taken strictly before the start.</li>
 *   <li><b>end</b>: start + {@link #GAME_DURATION} (3 hours: a regulation game takes about 2 h 15 min, overtime
 *   and delays the rest). Box scores and shots are events of the game's end, so a 22:30 ET game ends after
 *   midnight.</li>
 *   <li><b>scheduled</b>: a game's schedule entry (and its game lines, 1 ms later) enter the timeline at 12:00 ET
 *   the day before the game date, before any prop snapshot of the game (the earliest real snapshots are about
 *   4.5 hours before the listed tip-off).</li>
 * </ul>
 */
public final class EventTimes {
  public static final ZoneId LEAGUE_ZONE = ZoneId.of("America/New_York");
  /** The ball goes up about ten minutes after the listed (broadcast) time; the contract adds 15. */
  public static final Duration START_AFTER_LISTED = Duration.ofMinutes(15);
  /** The start of a game without a time: 19:15 ET (a 19:00 ET listing, plus 15 minutes). */
  public static final LocalTime DEFAULT_START = LocalTime.of(19, 15);
  public static final Duration GAME_DURATION = Duration.ofHours(3);
  public static final LocalTime NOMINAL_SCHEDULED = LocalTime.NOON;

  /** Where a game's start comes from, strongest first. */
  public enum StartSource { FEED, SCHEDULE, DEFAULT }

  private EventTimes() {}

  /** When a game's schedule entry (and its game lines, 1 ms later) enter the timeline: noon ET the day before. */
  public static long scheduled(LocalDate gameDate) {
    return gameDate.minusDays(1).atTime(NOMINAL_SCHEDULED).atZone(LEAGUE_ZONE).toInstant().toEpochMilli();
  }

  /** The start of a game with no time given: 19:15 ET on its date. */
  public static Instant defaultStart(LocalDate gameDate) {
    return gameDate.atTime(DEFAULT_START).atZone(LEAGUE_ZONE).toInstant();
  }

  /** The start from the schedule: listed tip-off + 15 minutes, or 19:15 ET when the listing has no time. */
  public static Instant start(LocalDate gameDate, Instant listedTipoff) {
    return listedTipoff != null ? listedTipoff.plus(START_AFTER_LISTED) : defaultStart(gameDate);
  }

  /** The start a stored value says, or 19:15 ET on the date when it says none. */
  public static Instant startOr(Instant start, LocalDate gameDate) {
    return start != null ? start : defaultStart(gameDate);
  }

  /** When a game's box scores and shots become known: its start + 3 hours. */
  public static long gameEnd(Instant start) {
    return start.plus(GAME_DURATION).toEpochMilli();
  }
}
