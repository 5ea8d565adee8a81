package dev.nbaprops.topology;

import java.time.LocalDate;

/**
 * State-store and topic keys. Player-scoped keys start with the player id and a {@code |}, so one player's
 * rows are a contiguous prefix range (history queries are prefix scans) and {@link ByPlayerPartitioner} can
 * find the owning partition from the key alone. Dates are ISO, so they sort in time order.
 */
public final class StoreKeys {
  public static final char SEP = '|';

  private StoreKeys() {}

  public static String player(long playerId) {
    return Long.toString(playerId);
  }

  public static String playerPrefix(long playerId) {
    return playerId + "" + SEP;
  }

  public static String playerSeason(long playerId, String season) {
    return playerId + "" + SEP + season;
  }

  public static String playerDate(long playerId, LocalDate date) {
    return playerId + "" + SEP + date;
  }

  public static String playerGame(long playerId, LocalDate date, String gameId) {
    return playerId + "" + SEP + date + SEP + gameId;
  }

  public static String gamePlayer(String gameId, long playerId) {
    return gameId + SEP + playerId;
  }

  /** The player id at the start of a player-scoped key. */
  public static long playerIdOf(String key) {
    int i = key.indexOf(SEP);
    return Long.parseLong(i < 0 ? key : key.substring(0, i));
  }
}
