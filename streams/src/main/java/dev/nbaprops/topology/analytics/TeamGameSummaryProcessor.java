package dev.nbaprops.topology.analytics;

import dev.nbaprops.avro.analytics.TeamDefenseGameSummary;
import dev.nbaprops.avro.analytics.TeamOffenseGameSummary;
import dev.nbaprops.avro.state.GameTotals;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Turns a game's changed {@link GameTotals} into its team offense and defense rows ({@link TeamGameSummaries}),
 * keyed game|team. The rows are kept in {@link #OFFENSE_STORE} and {@link #DEFENSE_STORE}; a row equal to the
 * stored one is not emitted again, so replaying unchanged box scores emits nothing.
 */
public final class TeamGameSummaryProcessor implements Processor<String, GameTotals, String, SpecificRecord> {
  public static final String OFFENSE_STORE = "team-offense-game-summary";
  public static final String DEFENSE_STORE = "team-defense-game-summary";

  private ProcessorContext<String, SpecificRecord> context;
  private KeyValueStore<String, TeamOffenseGameSummary> offense;
  private KeyValueStore<String, TeamDefenseGameSummary> defense;

  @Override
  public void init(ProcessorContext<String, SpecificRecord> context) {
    this.context = context;
    this.offense = context.getStateStore(OFFENSE_STORE);
    this.defense = context.getStateStore(DEFENSE_STORE);
  }

  @Override
  public void process(Record<String, GameTotals> record) {
    for (TeamOffenseGameSummary row : TeamGameSummaries.offense(record.value())) {
      String key = row.getGameId() + "|" + row.getTeamAbbr();
      if (!row.equals(offense.get(key))) {
        offense.put(key, row);
        context.forward(record.withKey(key).withValue((SpecificRecord) row));
      }
    }
    for (TeamDefenseGameSummary row : TeamGameSummaries.defense(record.value())) {
      String key = row.getGameId() + "|" + row.getTeamAbbr();
      if (!row.equals(defense.get(key))) {
        defense.put(key, row);
        context.forward(record.withKey(key).withValue((SpecificRecord) row));
      }
    }
  }
}
