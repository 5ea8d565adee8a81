package dev.nbaprops.topology.player;

import dev.nbaprops.avro.analytics.UpcomingPlayerGameContext;
import dev.nbaprops.avro.state.ExpectedPlayer;
import dev.nbaprops.avro.state.PlayerGameProps;
import dev.nbaprops.features.PropConsensus;
import dev.nbaprops.topology.StoreCatalog;
import dev.nbaprops.topology.StoreKeys;
import dev.nbaprops.topology.TableStore;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * nba_analytics.upcoming_player_game_context, in the player's task: for every scheduled game the player is
 * expected to play ({@link ExpectedPlayer}, from the season stage), the schedule and rest fields with the prop-line
 * fields of docs/contract.md from the snapshots before the game's tip-off. Inputs: expectations (and their
 * retractions) and the prop snapshots of a game when they change ({@link PlayerGameStage}); a new line for an
 * expected game updates the row (a late line too). The store key
 * is player|game_date; the topic key is the table key game_id|player_id.
 */
public final class UpcomingPlayerContextStage
    implements Processor<String, SpecificRecord, String, UpcomingPlayerGameContext> {
  public static final String STORE = "upcoming-player-game-context";
  public static final String EXPECTED_STORE = "player-expected-games";

  private ProcessorContext<String, UpcomingPlayerGameContext> context;
  private TableStore<UpcomingPlayerGameContext> rows;
  private KeyValueStore<String, ExpectedPlayer> expected;
  private KeyValueStore<String, PlayerGameProps> props;

  @Override
  public void init(ProcessorContext<String, UpcomingPlayerGameContext> context) {
    this.context = context;
    this.rows = TableStore.open(context, StoreCatalog.UPCOMING_PLAYER_GAME_CONTEXT);
    this.expected = context.getStateStore(EXPECTED_STORE);
    this.props = context.getStateStore(PlayerGameStage.PROPS_STORE);
  }

  @Override
  public void process(Record<String, SpecificRecord> record) {
    if (record.value() instanceof ExpectedPlayer e) {
      String key = StoreKeys.playerDate(e.getPlayerId(), e.getGameDate());
      if (!e.getExpected()) {
        // Only the withdrawal of the expectation the row stands on removes it. A traded player can move from his
        // old team's side of a game to his new team's side of the same game: the withdrawal of the old side then
        // arrives after (or before) the new side, and must not remove the new side's row.
        ExpectedPlayer current = expected.get(key);
        if (current != null && sameExpectation(current, e)) {
          expected.delete(key);
          rows.delete(key);
          context.forward(record.withKey(StoreKeys.gamePlayer(e.getGameId(), e.getPlayerId()))
              .withValue((UpcomingPlayerGameContext) null));
        }
        return;
      }
      ExpectedPlayer current = expected.get(key);
      if (current != null && !current.getGameId().equals(e.getGameId())) {
        // Now expected for another game that day (a correction moved him): the old game's row goes.
        rows.delete(key);
        context.forward(record.withKey(StoreKeys.gamePlayer(current.getGameId(), e.getPlayerId()))
            .withValue((UpcomingPlayerGameContext) null));
      }
      expected.put(key, e);
      emit(e, record);
    } else if (record.value() instanceof PlayerGameProps p) {
      ExpectedPlayer e = expected.get(StoreKeys.playerDate(p.getPlayerId(), p.getGameDate()));
      if (e != null && e.getGameId().equals(p.getGameId())) {
        emit(e, record);
      }
    }
  }

  /** The same game and the same side of it (the rest of the expectation, e.g. rest days, may differ). */
  static boolean sameExpectation(ExpectedPlayer a, ExpectedPlayer b) {
    return a.getGameId().equals(b.getGameId()) && a.getTeamAbbr().equals(b.getTeamAbbr());
  }

  private void emit(ExpectedPlayer e, Record<String, SpecificRecord> cause) {
    PlayerGameProps snaps = props.get(StoreKeys.gamePlayer(e.getGameId(), e.getPlayerId()));
    PropConsensus.Lines line = PropConsensus.of(snaps, PropConsensus.PRA_MARKET).orElse(null);
    UpcomingPlayerGameContext row = UpcomingPlayerGameContext.newBuilder()
        .setGameId(e.getGameId()).setPlayerId(e.getPlayerId()).setSeason(e.getSeason()).setGameDate(e.getGameDate())
        .setTeamAbbr(e.getTeamAbbr()).setOppAbbr(e.getOppAbbr()).setHome(e.getHome())
        .setDaysRest(e.getDaysRest()).setBackToBack(e.getDaysRest() == null ? null : e.getDaysRest() == 0)
        .setMarket(line == null ? null : line.market())
        .setConsensusLine(line == null ? null : line.consensusLine())
        .setOpeningLine(line == null ? null : line.openingLine())
        .setLineMovement(line == null ? null : line.lineMovement())
        .setBookmakerCount(line == null ? null : line.bookmakerCount())
        .setLineSource(line == null ? null : line.lineSource())
        .setPlayerName(e.getPlayerName()).setGamesLast7Days(e.getGamesLast7Days())
        .setLastGameDate(e.getLastGameDate())
        .build();
    String key = StoreKeys.playerDate(e.getPlayerId(), e.getGameDate());
    rows.emitIfChanged(key, row, rows.get(key), StoreKeys.gamePlayer(e.getGameId(), e.getPlayerId()), null,
        cause.timestamp());
  }
}
