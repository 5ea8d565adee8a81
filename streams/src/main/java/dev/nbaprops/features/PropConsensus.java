package dev.nbaprops.features;

import dev.nbaprops.avro.state.PlayerGameProps;
import dev.nbaprops.avro.state.PropSnapshot;
import dev.nbaprops.source.EventTimes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The prop-line fields of docs/contract.md for one player, game and market, from the snapshots taken before the
 * game's start (docs/features.md):
 * <ul>
 *   <li>each bookmaker's line = its last snapshot before the start (the median if it has several at that instant);
 *   <li>{@code consensus_line} = median of those lines; {@code bookmaker_count} = how many;
 *   <li>{@code opening_line} = the earliest snapshot's line (median if several at that instant);
 *   <li>{@code line_movement} = consensus − opening;
 *   <li>{@code line_source} = ODDS_API, or BETTINGPROS only when the Odds API has no line before the start.
 * </ul>
 */
public final class PropConsensus {
  public static final String PRA_MARKET = "player_points_rebounds_assists";
  public static final String ODDS_API = "ODDS_API";
  public static final String BETTINGPROS = "BETTINGPROS";

  /** The computed fields. */
  public record Lines(String market, double consensusLine, double openingLine, double lineMovement,
                      int bookmakerCount, String lineSource) {}

  private PropConsensus() {}

  /** The fields for one player and game from its stored lines, before the game's start (19:15 ET when unknown). */
  public static Optional<Lines> of(PlayerGameProps props, String market) {
    if (props == null) {
      return Optional.empty();
    }
    return of(props.getSnapshots(), market, EventTimes.startOr(props.getGameStart(), props.getGameDate()));
  }

  public static Optional<Lines> of(List<PropSnapshot> snapshots, String market, Instant gameStart) {
    List<PropSnapshot> before = snapshots.stream()
        .filter(s -> s.getMarket().equals(market) && s.getSnapshotTs().isBefore(gameStart)).toList();
    for (String source : List.of(ODDS_API, BETTINGPROS)) {
      List<PropSnapshot> own = before.stream().filter(s -> s.getSource().equals(source)).toList();
      if (own.isEmpty()) {
        continue;
      }
      Map<String, List<PropSnapshot>> byBook = own.stream().collect(Collectors.groupingBy(PropSnapshot::getBookmaker,
          TreeMap::new, Collectors.toList()));
      List<Double> bookLines = new ArrayList<>();
      byBook.values().forEach(snaps -> bookLines.add(medianAt(snaps, true)));
      double consensus = median(bookLines);
      double opening = medianAt(own, false);
      return Optional.of(new Lines(market, consensus, opening, consensus - opening, bookLines.size(), source));
    }
    return Optional.empty();
  }

  /** OVER / UNDER / PUSH of an actual value against a line. */
  public static String result(double actual, double line) {
    return actual > line ? "OVER" : actual < line ? "UNDER" : "PUSH";
  }

  /** Median line of the snapshots at the latest ({@code last}) or earliest instant. */
  private static double medianAt(List<PropSnapshot> snaps, boolean last) {
    Instant at = snaps.stream().map(PropSnapshot::getSnapshotTs).reduce((a, b) -> (last ? a.isAfter(b) : a.isBefore(b)) ? a : b)
        .orElseThrow();
    return median(snaps.stream().filter(s -> s.getSnapshotTs().equals(at)).map(PropSnapshot::getLine).toList());
  }

  static double median(List<Double> xs) {
    List<Double> s = xs.stream().sorted().toList();
    int n = s.size();
    return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2.0;
  }
}
