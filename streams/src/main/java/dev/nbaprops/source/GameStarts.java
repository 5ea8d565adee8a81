package dev.nbaprops.source;

import java.time.Instant;
import java.time.LocalDate;

/**
 * Where a game's start comes from when a record is stamped with its event time ({@link EventTimes}): the
 * schedule's listed tip-off in a replay ({@code ScheduleIndex}), the feed's own time in live mode.
 */
@FunctionalInterface
public interface GameStarts {
  /** The game's start (listed tip-off + 15 minutes, a feed's own start, or 19:15 ET on the date). */
  Instant startOf(String gameId, LocalDate gameDate);

  /** No times known: every game starts at 19:15 ET on its date. */
  GameStarts NONE = (gameId, gameDate) -> EventTimes.defaultStart(gameDate);

  /** A game's end: its start + {@link EventTimes#GAME_DURATION}. */
  default long endOf(String gameId, LocalDate gameDate) {
    return EventTimes.gameEnd(startOf(gameId, gameDate));
  }
}
