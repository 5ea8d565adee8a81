package dev.nbaprops.topology.game;

import dev.nbaprops.avro.analytics.TeamDefenseGameSummary;
import dev.nbaprops.avro.analytics.TeamOffenseGameSummary;
import dev.nbaprops.avro.raw.PlayerBoxScore;
import dev.nbaprops.avro.state.GameTotals;
import dev.nbaprops.features.TeamGameSummaries;
import dev.nbaprops.topology.Deferred;
import dev.nbaprops.topology.PendingWork;
import dev.nbaprops.topology.StoreCatalog;
import dev.nbaprops.topology.StoreKeys;
import dev.nbaprops.topology.TableStore;
import java.time.Duration;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The game stage, one task per game (box scores repartitioned by game id): nba_analytics.team_offense_game_summary
 * and team_defense_game_summary from the sums of the game's player lines per team ({@link TeamGameSummaries}).
 * Each player's line is kept ({@link #LINES_STORE}, key game|player: a corrected line replaces the old one, a
 * re-sent line changes nothing). A game's ~25 lines arrive together, so each only marks the game
 * ({@link #MARKS_STORE}); a wall-clock punctuation ({@link Deferred}), once the game's lines have stopped arriving
 * for {@code precompute.settle.ms} and both teams have a full game of minutes ({@link TeamGameSummaries#complete};
 * the lines come from every player partition, whose progress differs by more than the settle time during a
 * backfill; a game that never gets there is built after 5 x settle), then sums the game's lines in key order
 * ({@link #TOTALS_STORE}, key game: the same bits whatever order the lines arrived in) and builds its rows once. Rows equal
 * to the stored ones ({@link #OFFENSE_STORE}, {@link #DEFENSE_STORE}, key game|team) are not emitted again.
 * Outputs (named children): {@link #OFFENSE}, {@link #DEFENSE}, keyed game|team.
 */
public final class TeamGameStage implements Processor<String, PlayerBoxScore, String, SpecificRecord> {
  /** The name of this stage's deferred work (drain reports, dead letters). */
  public static final String WORK = "games";
  /** Dead letters of failed deferred work ({@link Deferred}), to nba.dlq. */
  public static final String FAILED = Deferred.failedOutput(WORK);
  public static final String LINES_STORE = "box-score-by-game-player";
  public static final String TOTALS_STORE = "game-totals";
  public static final String OFFENSE_STORE = "team-offense-game-summary";
  public static final String DEFENSE_STORE = "team-defense-game-summary";
  /** Games whose sums changed since the last punctuation (value: the latest line's timestamp). */
  public static final String MARKS_STORE = "game-totals-changed";
  public static final List<String> STORES = List.of(LINES_STORE, TOTALS_STORE, OFFENSE_STORE, DEFENSE_STORE,
      MARKS_STORE);

  public static final String OFFENSE = "team-offense-rows";
  public static final String DEFENSE = "team-defense-rows";

  private static final StringSerializer KEYS = new StringSerializer();
  private ProcessorContext<String, SpecificRecord> context;
  private KeyValueStore<String, PlayerBoxScore> lines;
  private KeyValueStore<String, GameTotals> totals;
  private TableStore<TeamOffenseGameSummary> offense;
  private TableStore<TeamDefenseGameSummary> defense;
  private final Duration interval;
  private final PendingWork pending;
  private Deferred changedGames;

  private final Duration settle;

  /** {@code settle}: a game's rows are built once its lines have stopped arriving for that long ({@link Deferred}). */
  public TeamGameStage(Duration interval, Duration settle, PendingWork pending) {
    this.interval = interval;
    this.settle = settle;
    this.pending = pending;
  }

  @Override
  public void init(ProcessorContext<String, SpecificRecord> context) {
    this.context = context;
    lines = context.getStateStore(LINES_STORE);
    totals = context.getStateStore(TOTALS_STORE);
    offense = TableStore.open(context, StoreCatalog.TEAM_OFFENSE_GAME_SUMMARY);
    defense = TableStore.open(context, StoreCatalog.TEAM_DEFENSE_GAME_SUMMARY);
    changedGames = Deferred.schedule(context, context.getStateStore(MARKS_STORE), interval, settle,
        game -> !TeamGameSummaries.complete(sum(game)), pending, WORK, this::emitRows);
  }

  @Override
  public void close() {
    if (changedGames != null) {
      changedGames.close();
    }
  }

  @Override
  public void process(Record<String, PlayerBoxScore> record) {
    PlayerBoxScore b = record.value();
    if (b == null) {
      return;
    }
    String lineKey = StoreKeys.gamePlayer(b.getGameId(), b.getPlayerId());
    PlayerBoxScore old = lines.get(lineKey);
    if (b.equals(old)) {
      return;
    }
    lines.put(lineKey, b);
    changedGames.mark(b.getGameId(), Long.toString(record.timestamp()), Deferred::later);
  }

  /**
   * The sums of every line of the game in key order (player id): the same bits whatever order the lines arrived in
   * (floating-point sums depend on their order, and lines reach this task in varying order).
   */
  private GameTotals sum(String game) {
    GameTotals t = TeamGameSummaries.empty();
    try (KeyValueIterator<String, PlayerBoxScore> it = lines.prefixScan(game + StoreKeys.SEP, KEYS)) {
      while (it.hasNext()) {
        t = TeamGameSummaries.apply(it.next().value, t, +1);
      }
    }
    return t;
  }

  /** The punctuation: the rows of each marked game, emitted where they changed. */
  private void emitRows(String key, String value) {
    GameTotals t = sum(key);
    if (t.getTeams().isEmpty()) {
      return;
    }
    totals.put(key, t);
    long ts = Long.parseLong(value);
    for (TeamOffenseGameSummary row : TeamGameSummaries.offense(t)) {
      offense.emitIfChanged(row.getGameId() + StoreKeys.SEP + row.getTeamAbbr(), row, OFFENSE, ts);
    }
    for (TeamDefenseGameSummary row : TeamGameSummaries.defense(t)) {
      defense.emitIfChanged(row.getGameId() + StoreKeys.SEP + row.getTeamAbbr(), row, DEFENSE, ts);
    }
  }
}
