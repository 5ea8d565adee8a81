package dev.nbaprops.topology.season;

import dev.nbaprops.avro.analytics.TeamDefenseGameSummary;
import dev.nbaprops.avro.analytics.TeamOffenseGameSummary;
import dev.nbaprops.avro.raw.GameLine;
import dev.nbaprops.avro.raw.ScheduleGame;
import dev.nbaprops.avro.state.PlayerAppearance;
import dev.nbaprops.avro.state.PlayerGameZones;
import java.time.LocalDate;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;

/**
 * The inputs of the season stage (everything that needs all of a season's teams at once) and the season and date
 * each one belongs to: the schedule, game lines, team game rows, who appeared for whom, and each player's shots of
 * a game by zone. The stage's input topic is keyed by {@link #seasonOf}.
 */
public final class SeasonInputs {
  /** The season stage's input types; each has the fields {@code season} and {@code game_date}. */
  private static final Set<Class<? extends SpecificRecord>> TYPES = Set.of(ScheduleGame.class, GameLine.class,
      PlayerAppearance.class, PlayerGameZones.class, TeamOffenseGameSummary.class, TeamDefenseGameSummary.class);

  private SeasonInputs() {}

  /** The season of a season-stage input; null for a record that is not one. */
  public static String seasonOf(SpecificRecord v) {
    Object season = field(v, "season");
    return season == null ? null : season.toString();
  }

  /** The game date of a season-stage input; null for a record that is not one. */
  public static LocalDate dateOf(SpecificRecord v) {
    return (LocalDate) field(v, "game_date");
  }

  private static Object field(SpecificRecord v, String name) {
    return v == null || !TYPES.contains(v.getClass()) ? null : v.get(v.getSchema().getField(name).pos());
  }
}
