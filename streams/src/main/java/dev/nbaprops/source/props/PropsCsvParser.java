package dev.nbaprops.source.props;

import dev.nbaprops.avro.raw.PropLine;
import dev.nbaprops.source.Parsed;
import dev.nbaprops.source.SourceRow;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;

/**
 * Parses one row of the props CSV extract ({@code props/pra_lines_<season>.csv.gz}: snapshot_ts, event_id,
 * event_date, home_team, away_team, nba_game_id, player_name, nba_player_id, market, bookmaker, line, over_price,
 * under_price). The lines are The Odds API snapshots, so {@code source} is {@code ODDS_API}. Game and player are
 * resolved by {@link PropMatcher}; the file's own {@code nba_game_id} and {@code nba_player_id} columns are
 * ground truth for tests and are ignored here. Key = resolved player_id, event time = snapshot_ts.
 *
 * <p>Rejected, with the reason: an unparseable line, a missing field, a bad timestamp or date, a line or price
 * that is not a number, an unknown team, and a game or player that cannot be matched.
 */
public final class PropsCsvParser {
  public static final String SOURCE = "ODDS_API";

  private final PropMatcher matcher;

  public PropsCsvParser(PropMatcher matcher) {
    this.matcher = matcher;
  }

  public Parsed<PropLine> parse(SourceRow row) {
    String unparseable = row.unparseableReason();
    if (unparseable != null) {
      return Parsed.rejected(unparseable);
    }
    try {
      Instant snapshot = instant(row, "snapshot_ts");
      String eventId = required(row, "event_id");
      String eventDateText = required(row, "event_date");
      LocalDate eventDate;
      try {
        eventDate = dev.nbaprops.source.FastText.isoDate(eventDateText);
      } catch (DateTimeParseException e) {
        throw new Odds.BadInput("event_date is not a YYYY-MM-DD date: '" + eventDateText + "'");
      }
      String home = required(row, "home_team");
      String away = required(row, "away_team");
      String player = required(row, "player_name");
      String market = required(row, "market");
      String bookmaker = required(row, "bookmaker");
      double line = Odds.parseLine(row.get("line"), "line");
      Integer over = Odds.parseAmerican(row.get("over_price"), "over_price");
      Integer under = Odds.parseAmerican(row.get("under_price"), "under_price");

      PropMatcher.Match m = matcher.match(home, away, eventDate, snapshot, player);
      if (!m.matched()) {
        return Parsed.rejected(m.reason());
      }
      PropLine.Builder b = PropLine.newBuilder()
          .setSource(SOURCE).setSnapshotTs(snapshot).setEventId(eventId).setEventDate(eventDateText)
          .setHomeTeam(home).setAwayTeam(away).setPlayerName(player).setBookmaker(bookmaker).setMarket(market)
          .setLine(line).setOverPrice(over).setUnderPrice(under);
      PropLine p = PropMatcher.resolved(b, m.game(), m.playerId(), m.rule(), null).build();
      return Parsed.ok(Long.toString(m.playerId()), p, snapshot.toEpochMilli());
    } catch (Odds.BadInput e) {
      return Parsed.rejected(e.getMessage());
    }
  }

  private static String required(SourceRow row, String col) {
    String v = row.get(col);
    Odds.check(v != null && !v.isBlank(), "missing " + col);
    return v.trim();
  }

  private static Instant instant(SourceRow row, String col) {
    String v = required(row, col);
    try {
      return dev.nbaprops.source.FastText.isoInstant(v);
    } catch (DateTimeParseException e) {
      throw new Odds.BadInput(col + " is not an ISO-8601 UTC timestamp: '" + v + "'");
    }
  }
}
