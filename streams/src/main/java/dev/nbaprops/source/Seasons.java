package dev.nbaprops.source;

/** Season facts derived from NBA game ids ({@code 00S YY NNNNN}: season type digit, season start year). */
public final class Seasons {
  private Seasons() {}

  /** {@code 0022300061} -> {@code 2023-24}. */
  public static String seasonOfGameId(String gameId) {
    int yy = Integer.parseInt(gameId.substring(3, 5));
    int start = 2000 + yy;
    return start + "-" + String.format("%02d", (start + 1) % 100);
  }
}
