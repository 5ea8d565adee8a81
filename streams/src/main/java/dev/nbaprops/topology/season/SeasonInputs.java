package dev.nbaprops.topology.season;

import dev.nbaprops.avro.analytics.TeamDefenseGameSummary;
import dev.nbaprops.avro.analytics.TeamOffenseGameSummary;
import dev.nbaprops.avro.raw.GameLine;
import dev.nbaprops.avro.raw.ScheduleGame;
import dev.nbaprops.avro.state.PlayerAppearance;
import dev.nbaprops.avro.state.PlayerGameZones;
import java.time.LocalDate;
import org.apache.avro.specific.SpecificRecord;

/**
 * The inputs of the season stage (everything that needs all of a season's teams at once) and the season and date
 * each one belongs to: the schedule, game lines, team game rows, who appeared for whom, and each player's shots of
 * a game by zone. The stage's input topic is keyed by {@link #seasonOf}.
 */
public final class SeasonInputs {
  private SeasonInputs() {}

  /** The season of a season-stage input; null for a record that is not one. */
  public static String seasonOf(SpecificRecord v) {
    if (v instanceof ScheduleGame g) {
      return g.getSeason();
    } else if (v instanceof GameLine l) {
      return l.getSeason();
    } else if (v instanceof PlayerAppearance a) {
      return a.getSeason();
    } else if (v instanceof PlayerGameZones z) {
      return z.getSeason();
    } else if (v instanceof TeamOffenseGameSummary o) {
      return o.getSeason();
    } else if (v instanceof TeamDefenseGameSummary d) {
      return d.getSeason();
    }
    return null;
  }

  /** The game date of a season-stage input; null for a record that is not one. */
  public static LocalDate dateOf(SpecificRecord v) {
    if (v instanceof ScheduleGame g) {
      return g.getGameDate();
    } else if (v instanceof GameLine l) {
      return l.getGameDate();
    } else if (v instanceof PlayerAppearance a) {
      return a.getGameDate();
    } else if (v instanceof PlayerGameZones z) {
      return z.getGameDate();
    } else if (v instanceof TeamOffenseGameSummary o) {
      return o.getGameDate();
    } else if (v instanceof TeamDefenseGameSummary d) {
      return d.getGameDate();
    }
    return null;
  }
}
