package dev.nbaprops.topology.analytics;

import dev.nbaprops.avro.analytics.PlayerGameSummary;
import dev.nbaprops.avro.raw.PlayerBoxScore;
import dev.nbaprops.topology.StoreKeys;
import dev.nbaprops.avro.state.PlayerGameProps;
import dev.nbaprops.avro.state.PlayerGameZones;
import dev.nbaprops.features.PropConsensus;
import java.time.LocalDate;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * nba_analytics.player_game_summary: one row per (game, player) from the player's final box score.
 * Input and output are keyed by player id. The row is kept in {@link #STORE} (key player|date|game, for
 * history queries) and the game's date in {@link #GAME_DATE_STORE} (key game|player), so a correction that moves
 * a game to another date replaces the row instead of leaving the old one behind. A box score re-sent with the
 * same values emits nothing (replays are no-ops); one with changed values (a stat correction) replaces the row
 * and flows downstream. Any season is accepted: the row does not depend on the season's first game date, which
 * the precompute stages learn from the data ({@code SeasonStartProcessor}).
 */
public final class PlayerGameSummaryProcessor implements Processor<String, PlayerBoxScore, String, PlayerGameSummary> {
  public static final String STORE = "player-game-summary";
  public static final String GAME_DATE_STORE = "player-game-date";

  private ProcessorContext<String, PlayerGameSummary> context;
  private KeyValueStore<String, PlayerGameSummary> store;
  private KeyValueStore<String, String> gameDates;
  private KeyValueStore<String, PlayerGameProps> props;
  private KeyValueStore<String, PlayerGameZones> zones;

  @Override
  public void init(ProcessorContext<String, PlayerGameSummary> context) {
    this.context = context;
    this.store = context.getStateStore(STORE);
    this.gameDates = context.getStateStore(GAME_DATE_STORE);
    this.props = context.getStateStore(PropLineProcessor.STORE);
    this.zones = context.getStateStore(ShotZonesProcessor.ZONES_STORE);
  }

  @Override
  public void process(Record<String, PlayerBoxScore> record) {
    PlayerBoxScore b = record.value();
    if (b == null) {
      return;
    }
    String gp = StoreKeys.gamePlayer(b.getGameId(), b.getPlayerId());
    PlayerGameSummary row = withZones(withPraLine(summarize(b), props.get(gp)), zones.get(gp));
    String key = StoreKeys.playerGame(b.getPlayerId(), b.getGameDate(), b.getGameId());
    if (row.equals(store.get(key))) {
      return;
    }
    String gameKey = StoreKeys.gamePlayer(b.getGameId(), b.getPlayerId());
    String oldDate = gameDates.get(gameKey);
    if (oldDate != null && !oldDate.equals(b.getGameDate().toString())) {
      store.delete(StoreKeys.playerGame(b.getPlayerId(), LocalDate.parse(oldDate), b.getGameId()));
    }
    gameDates.put(gameKey, b.getGameDate().toString());
    store.put(key, row);
    context.forward(record.withKey(StoreKeys.player(b.getPlayerId())).withValue(row));
  }

  /**
   * The row with its PRA line: the consensus of the snapshots before the game's start, and the
   * result of {@code pra} against it; both null without a line.
   */
  public static PlayerGameSummary withPraLine(PlayerGameSummary row, PlayerGameProps props) {
    Double line = PropConsensus.of(props, PropConsensus.PRA_MARKET).map(PropConsensus.Lines::consensusLine)
        .orElse(null);
    return PlayerGameSummary.newBuilder(row).setPraLine(line)
        .setPraResult(line == null ? null : PropConsensus.result(row.getPra(), line)).build();
  }

  /** The row with the per-zone attempts and makes of the game's shots; all null when the game has no shots. */
  public static PlayerGameSummary withZones(PlayerGameSummary row, PlayerGameZones z) {
    PlayerGameSummary.Builder b = PlayerGameSummary.newBuilder(row);
    if (z == null) {
      return b.setShotAttempts(null).setPaintFga(null).setPaintFgm(null).setMidRangeFga(null).setMidRangeFgm(null)
          .setThreeFga(null).setThreeFgm(null).build();
    }
    return b.setShotAttempts(z.getShotAttempts()).setPaintFga(z.getPaintFga()).setPaintFgm(z.getPaintFgm())
        .setMidRangeFga(z.getMidRangeFga()).setMidRangeFgm(z.getMidRangeFgm())
        .setThreeFga(z.getThreeFga()).setThreeFgm(z.getThreeFgm()).build();
  }

  /** The row for one box score, without its PRA line (see {@link #withPraLine}). */
  public static PlayerGameSummary summarize(PlayerBoxScore b) {
    int shootingAttempts = b.getFga() + b.getFta();
    return PlayerGameSummary.newBuilder()
        .setGameId(b.getGameId()).setPlayerId(b.getPlayerId()).setPlayerName(b.getPlayerName())
        .setSeason(b.getSeason()).setSeasonType(b.getSeasonType()).setGameDate(b.getGameDate())
        .setTeamAbbr(b.getTeamAbbr()).setOppAbbr(b.getOppAbbr()).setHome("H".equals(b.getHomeAway()))
        .setMin(b.getMin()).setPts(b.getPts()).setFgm(b.getFgm()).setFga(b.getFga())
        .setFg3m(b.getFg3m()).setFg3a(b.getFg3a()).setFtm(b.getFtm()).setFta(b.getFta())
        .setOreb(b.getOreb()).setDreb(b.getDreb()).setReb(b.getReb()).setAst(b.getAst())
        .setStl(b.getStl()).setBlk(b.getBlk()).setTov(b.getTov()).setPf(b.getPf())
        .setPlusMinus(b.getPlusMinus())
        .setTsPct(shootingAttempts == 0 ? null : b.getPts() / (2.0 * (b.getFga() + 0.44 * b.getFta())))
        .setPra(b.getPts() + b.getReb() + b.getAst())
        .setPraLine(null).setPraResult(null)
        .setUsagePer36(b.getMin() == 0 ? null : (b.getFga() + 0.44 * b.getFta() + b.getTov()) * 36 / b.getMin())
        .build();
  }
}
