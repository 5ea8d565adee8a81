package dev.nbaprops.source;

import java.time.LocalDate;

/**
 * The season of a game, from its NBA game id ({@code 00S YY NNNNN}: season type digit, season start year) or from
 * its date (seasons start in October and end by July). The one definition of "season" in the code.
 */
public final class Seasons {
  private Seasons() {}

  /** {@code 0022300061} -> {@code 2023-24}; {@code 0029900001} -> {@code 1999-00}. */
  public static String seasonOfGameId(String gameId) {
    char tens = gameId.length() >= 5 ? gameId.charAt(3) : 'x';
    char ones = gameId.length() >= 5 ? gameId.charAt(4) : 'x';
    if (tens < '0' || tens > '9' || ones < '0' || ones > '9') {
      throw new NumberFormatException("not an NBA game id (00SYYNNNNN): " + gameId);
    }
    int yy = (tens - '0') * 10 + (ones - '0');
    return name(yy >= 46 ? 1900 + yy : 2000 + yy); // the league's first season is 1946-47
  }

  /** {@code 2024-04-20} -> {@code 2023-24}; a date in August or later belongs to the season starting that year. */
  public static String seasonOfDate(LocalDate date) {
    return name(date.getMonthValue() >= 8 ? date.getYear() : date.getYear() - 1);
  }

  /** {@code 2023} -> {@code 2023-24} (without String.format: this runs for every replayed record). */
  private static String name(int startYear) {
    int next = (startYear + 1) % 100;
    return startYear + (next < 10 ? "-0" : "-") + next;
  }
}
