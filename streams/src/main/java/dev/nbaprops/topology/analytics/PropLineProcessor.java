package dev.nbaprops.topology.analytics;

import dev.nbaprops.avro.analytics.PlayerGameSummary;
import dev.nbaprops.avro.raw.PropLine;
import dev.nbaprops.avro.state.PlayerGameProps;
import dev.nbaprops.avro.state.PropSnapshot;
import dev.nbaprops.source.EventTimes;
import dev.nbaprops.topology.StoreKeys;
import org.apache.avro.specific.SpecificRecord;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps every prop-line snapshot of a player for a game in {@link #STORE} (key player|game; the prop topic is
 * keyed by player id like the box scores, so both meet in one task). When a line arrives for a game whose
 * box score is already in, the game's summary is recomputed with the new pre-game consensus and forwarded if
 * its {@code pra_line}/{@code pra_result} changed (a late line, or a correction of one). Every change of a game's
 * snapshots is also forwarded as the {@link PlayerGameProps} itself, for the precompute stage.
 */
public final class PropLineProcessor implements Processor<String, PropLine, String, SpecificRecord> {
  public static final String STORE = "player-game-props";

  private ProcessorContext<String, SpecificRecord> context;
  private KeyValueStore<String, PlayerGameProps> props;
  private KeyValueStore<String, PlayerGameSummary> summaries;

  @Override
  public void init(ProcessorContext<String, SpecificRecord> context) {
    this.context = context;
    this.props = context.getStateStore(STORE);
    this.summaries = context.getStateStore(PlayerGameSummaryProcessor.STORE);
  }

  /**
   * The game's start on the stored lines, by the strongest source seen: a feed's own start (The Odds API
   * {@code commence_time}, or when the league's feeds first showed the game in progress) over the schedule's
   * (listed tip-off + 15 minutes) over the default (19:15 ET). Of two feed starts the earlier is kept (a line never
   * counts after any feed said the game had started); of two schedule starts the later line's (a corrected
   * tip-off time). A line without a start (written before the field existed) keeps what is stored; with none at
   * all, 19:15 ET applies ({@link dev.nbaprops.features.PropConsensus#of(PlayerGameProps, String)}).
   */
  static PlayerGameProps.Builder withStart(PlayerGameProps.Builder b, PlayerGameProps current, PropLine p) {
    int incoming = p.getGameStart() == null ? NO_START : rank(p.getGameStartSource());
    int stored = current == null || current.getGameStart() == null ? NO_START
        : current.getGameStartFromFeed() ? FEED : rank(current.getGameStartSource());
    boolean take = incoming < stored
        || (incoming == stored && incoming != NO_START && (incoming != FEED
            || p.getGameStart().isBefore(current.getGameStart())));
    if (!take) {
      return current == null ? b : b.setGameStart(current.getGameStart())
          .setGameStartFromFeed(current.getGameStartFromFeed()).setGameStartSource(current.getGameStartSource());
    }
    return b.setGameStart(p.getGameStart()).setGameStartFromFeed(incoming == FEED)
        .setGameStartSource(EventTimes.StartSource.values()[incoming].name());
  }

  private static final int FEED = EventTimes.StartSource.FEED.ordinal();
  private static final int NO_START = EventTimes.StartSource.values().length;

  /** FEED 0, SCHEDULE 1, DEFAULT 2; a start with no (or an unknown) source ranks as the schedule's. */
  private static int rank(String source) {
    for (EventTimes.StartSource s : EventTimes.StartSource.values()) {
      if (s.name().equals(source)) {
        return s.ordinal();
      }
    }
    return EventTimes.StartSource.SCHEDULE.ordinal();
  }

  @Override
  public void process(Record<String, PropLine> record) {
    PropLine p = record.value();
    if (p == null || p.getGameId() == null || p.getPlayerId() == null || p.getGameDate() == null) {
      return; // unmatched lines never reach the topic (the replay dead-letters them)
    }
    String key = StoreKeys.gamePlayer(p.getGameId(), p.getPlayerId());
    PlayerGameProps current = props.get(key);
    List<PropSnapshot> snaps = current == null ? new ArrayList<>() : new ArrayList<>(current.getSnapshots());
    PropSnapshot snap = PropSnapshot.newBuilder().setSource(p.getSource()).setBookmaker(p.getBookmaker())
        .setMarket(p.getMarket()).setSnapshotTs(p.getSnapshotTs()).setLine(p.getLine()).build();
    if (!snaps.contains(snap)) {
      snaps.add(snap);
    }
    PlayerGameProps updated = withStart(PlayerGameProps.newBuilder().setPlayerId(p.getPlayerId())
        .setGameId(p.getGameId()).setGameDate(p.getGameDate()).setSnapshots(snaps), current, p).build();
    if (updated.equals(current)) {
      return; // a re-sent snapshot changes nothing
    }
    props.put(key, updated);
    // The precompute stage re-reads the lines of this game (bookmakers, opening line) for its own date's row.
    context.forward(record.withKey(StoreKeys.player(p.getPlayerId())).withValue((SpecificRecord) updated));
    String summaryKey = StoreKeys.playerGame(p.getPlayerId(), p.getGameDate(), p.getGameId());
    PlayerGameSummary summary = summaries.get(summaryKey);
    if (summary != null) {
      PlayerGameSummary withLine = PlayerGameSummaryProcessor.withPraLine(summary, updated);
      if (!withLine.equals(summary)) {
        summaries.put(summaryKey, withLine);
        context.forward(record.withKey(StoreKeys.player(p.getPlayerId())).withValue((SpecificRecord) withLine));
      }
    }
  }
}
