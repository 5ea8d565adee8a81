package dev.nbaprops.topology.player;

import dev.nbaprops.avro.analytics.PlayerGameSummary;
import dev.nbaprops.avro.raw.PlayerBoxScore;
import dev.nbaprops.avro.raw.PropLine;
import dev.nbaprops.avro.raw.Shot;
import dev.nbaprops.avro.state.GameShot;
import dev.nbaprops.avro.state.PlayerGameProps;
import dev.nbaprops.avro.state.PlayerGameShots;
import dev.nbaprops.avro.state.PlayerGameZones;
import dev.nbaprops.avro.state.PropSnapshot;
import dev.nbaprops.features.GameSummaries;
import dev.nbaprops.features.ShotZones;
import dev.nbaprops.source.EventTimes;
import dev.nbaprops.topology.Deferred;
import dev.nbaprops.topology.PendingWork;
import dev.nbaprops.topology.StoreCatalog;
import dev.nbaprops.topology.StoreKeys;
import dev.nbaprops.topology.TableStore;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The player-game stage, in the player's task (box scores, prop lines and shots are all keyed by player id):
 * nba_analytics.player_game_summary, one row per (game, player), from the final box score, with the PRA line of
 * the snapshots before the game's start and the game's shots by zone. It is the only writer of its stores:
 * <ul>
 *   <li>{@link #SUMMARY_STORE} the rows (key player|date|game, for history queries) and {@link #GAME_DATE_STORE}
 *       the game's date (key game|player), so a correction that moves a game replaces the row;</li>
 *   <li>{@link #PROPS_STORE} every prop-line snapshot of the player for a game (key game|player);</li>
 *   <li>{@link #SHOTS_STORE} the game's shots by identity (key game|player, each shot by its seq: a re-sent shot
 *       changes nothing, a corrected one replaces its contribution); the game's zone counts are computed from them
 *       when they are needed ({@link #zonesOf}), once per game, not kept per shot.</li>
 * </ul>
 * Shots are many (~15 per player and game) and come at the same event time as the game's box score: a box score
 * and each shot only update the stores and mark the game ({@link #ZONE_MARKS_STORE}); a wall-clock punctuation
 * ({@link Deferred}) then sends the summary row with its zone fields and the zone counts to the season stage, once
 * per game and player.
 *
 * <p>Outputs (named children): {@link #SUMMARIES} the changed rows (key player id); {@link #PROPS} a game's
 * snapshots when they changed (for the upcoming context, which serves games before they are played);
 * {@link #PLAYED_PROPS} the same, only for games whose box score is in (the daily cache's row of that date reads
 * the line); {@link #ZONES} a game's zone counts (for the season stage's team and league totals).
 */
public final class PlayerGameStage implements Processor<String, SpecificRecord, String, SpecificRecord> {
  /** The name of this stage's deferred work (drain reports, dead letters). */
  public static final String WORK = "player-games";
  /** Dead letters of failed deferred work ({@link Deferred}), to nba.dlq. */
  public static final String FAILED = Deferred.failedOutput(WORK);
  public static final String SUMMARY_STORE = "player-game-summary";
  public static final String GAME_DATE_STORE = "player-game-date";
  public static final String PROPS_STORE = "player-game-props";
  /**
   * A game's shots in one value (key game|player), not one entry per shot: a game's shots arrive within seconds,
   * so the record cache absorbs their writes and the store and its changelog get about one write per game instead
   * of one per shot (218k shots a season; bench/RESULTS.md).
   */
  public static final String SHOTS_STORE = "player-game-shots";
  /** Games (key player|date|game) whose row or zone counts changed since the last punctuation ({@link Mark}). */
  public static final String ZONE_MARKS_STORE = "player-zone-updates";
  public static final List<String> STORES =
      List.of(SUMMARY_STORE, GAME_DATE_STORE, PROPS_STORE, SHOTS_STORE, ZONE_MARKS_STORE);

  public static final String SUMMARIES = "player-game-summaries";
  public static final String PROPS = "player-game-props-changes";
  public static final String PLAYED_PROPS = "played-game-props-changes";
  public static final String ZONES = "player-game-zones-changes";

  private final Duration interval;
  private final PendingWork pending;
  private ProcessorContext<String, SpecificRecord> context;
  private TableStore<PlayerGameSummary> summaries;
  private KeyValueStore<String, String> gameDates;
  private KeyValueStore<String, PlayerGameProps> props;
  private KeyValueStore<String, PlayerGameShots> shots;
  private Deferred pendingRows;

  private final Duration settle;

  /** {@code settle}: a game's row is sent once its shots and line have stopped arriving for that long. */
  public PlayerGameStage(Duration interval, Duration settle, PendingWork pending) {
    this.interval = interval;
    this.settle = settle;
    this.pending = pending;
  }

  @Override
  public void init(ProcessorContext<String, SpecificRecord> context) {
    this.context = context;
    summaries = TableStore.open(context, StoreCatalog.PLAYER_GAME_SUMMARY);
    gameDates = context.getStateStore(GAME_DATE_STORE);
    props = context.getStateStore(PROPS_STORE);
    shots = context.getStateStore(SHOTS_STORE);
    pendingRows = Deferred.schedule(context, context.getStateStore(ZONE_MARKS_STORE), interval, settle,
        this::shotsOnTheirWay, pending, WORK, this::sendMarked);
  }

  /**
   * Whether a marked game's summary still waits for shots (with a settle time, at most 5 x it: {@link Deferred}):
   * its box score is here and fewer of its shots than its field-goal attempts. The shots of a game come on their
   * own topic and can be processed seconds after its box-score line during a backfill; a summary sent without them
   * is sent again, and every later row of the player with it (bench/RESULTS.md, the churn report). The shot chart
   * has exactly fga shots for 99.3% of the 2023-24 player-games; for the others, and games without a shot chart
   * (playoffs, a replay without shots), the wait ends after 5 x settle.
   */
  private boolean shotsOnTheirWay(String key) {
    PlayerGameSummary summary = summaries.get(key);
    if (summary == null) {
      return false;
    }
    String[] parts = key.split("\\" + StoreKeys.SEP);
    PlayerGameShots game = shots.get(StoreKeys.gamePlayer(parts[2], Long.parseLong(parts[0])));
    int seen = game == null ? 0 : game.getShots().size();
    return seen < summary.getFga();
  }

  @Override
  public void close() {
    if (pendingRows != null) {
      pendingRows.close();
    }
  }

  @Override
  public void process(Record<String, SpecificRecord> record) {
    SpecificRecord v = record.value();
    if (v instanceof PlayerBoxScore b) {
      boxScore(b, record);
    } else if (v instanceof PropLine p) {
      propLine(p, record);
    } else if (v instanceof Shot s) {
      shot(s, record);
    }
  }

  private void boxScore(PlayerBoxScore b, Record<String, SpecificRecord> record) {
    String gp = StoreKeys.gamePlayer(b.getGameId(), b.getPlayerId());
    PlayerGameSummary row = GameSummaries.withZones(GameSummaries.withPraLine(GameSummaries.summarize(b), props.get(gp)),
        zonesOf(b.getGameId(), b.getPlayerId(), shots.get(gp)));
    String key = StoreKeys.playerGame(b.getPlayerId(), b.getGameDate(), b.getGameId());
    if (row.equals(summaries.get(key))) {
      return; // a re-sent box score
    }
    String oldDate = gameDates.get(gp);
    if (oldDate != null && !oldDate.equals(b.getGameDate().toString())) {
      summaries.delete(StoreKeys.playerGame(b.getPlayerId(), LocalDate.parse(oldDate), b.getGameId()));
    }
    gameDates.put(gp, b.getGameDate().toString());
    summaries.put(key, row);
    // Sent on the next punctuation, with the game's shots that arrive meanwhile (they come at the same event time
    // as the box score): the feature stage computes the game's rows once, not once without zones and once with.
    pendingRows.mark(key, Mark.ROW.at(record.timestamp()), Mark::merge);
  }

  /**
   * What a punctuation owes a marked game (key player|date|game): its row to send (a new or corrected box score),
   * its zone counts to send (its shots changed), or both; with the latest cause's timestamp. Stored as
   * {@code "<flags>|<timestamp>"}.
   */
  enum Mark {
    ROW("R"), ZONES("Z");

    private final String flag;

    Mark(String flag) {
      this.flag = flag;
    }

    String at(long timestamp) {
      return flag + StoreKeys.SEP + timestamp;
    }

    boolean in(String mark) {
      return mark.substring(0, mark.indexOf(StoreKeys.SEP)).contains(flag);
    }

    static long timestamp(String mark) {
      return Long.parseLong(mark.substring(mark.indexOf(StoreKeys.SEP) + 1));
    }

    static String merge(String a, String b) {
      StringBuilder flags = new StringBuilder();
      for (Mark m : values()) {
        if (m.in(a) || m.in(b)) {
          flags.append(m.flag);
        }
      }
      return flags.toString() + StoreKeys.SEP + Math.max(timestamp(a), timestamp(b));
    }
  }

  /**
   * The game's start on the stored lines, by the strongest source seen: a feed's own start (The Odds API
   * {@code commence_time}, or when the league's feeds first showed the game in progress) over the schedule's
   * (listed tip-off + 15 minutes) over the default (19:15 ET). Of two feed starts the earlier is kept (a line never
   * counts after any feed said the game had started); of two schedule starts the later line's (a corrected
   * tip-off time). A line without a start (written before the field existed) keeps what is stored; with none at
   * all, 19:15 ET applies ({@link dev.nbaprops.features.PropConsensus#of(PlayerGameProps, String)}).
   */
  public static PlayerGameProps.Builder withStart(PlayerGameProps.Builder b, PlayerGameProps current, PropLine p) {
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

  /**
   * A prop-line snapshot: kept with the game's other snapshots; when the game's box score is in, its row gets the
   * new pre-game consensus (a late line, or a correction of one).
   */
  private void propLine(PropLine p, Record<String, SpecificRecord> record) {
    if (p.getGameId() == null || p.getPlayerId() == null || p.getGameDate() == null) {
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
    Record<String, SpecificRecord> out = record.withKey(StoreKeys.player(p.getPlayerId())).withValue(updated);
    context.forward(out, PROPS);
    String summaryKey = StoreKeys.playerGame(p.getPlayerId(), p.getGameDate(), p.getGameId());
    PlayerGameSummary summary = summaries.get(summaryKey);
    if (summary != null) {
      context.forward(out, PLAYED_PROPS);
      PlayerGameSummary withLine = GameSummaries.withPraLine(summary, updated);
      if (!withLine.equals(summary)) {
        summaries.put(summaryKey, withLine);
        context.forward(record.withKey(StoreKeys.player(p.getPlayerId())).withValue(withLine), SUMMARIES);
      }
    }
  }

  private void shot(Shot s, Record<String, SpecificRecord> record) {
    String key = StoreKeys.gamePlayer(s.getGameId(), s.getPlayerId());
    GameShot fact = GameShot.newBuilder().setSeq(s.getSeq()).setTeamId(s.getTeamId())
        .setZone(ShotZones.zoneOf(s.getZoneBasic())).setMade(s.getShotMade()).setGameDate(s.getGameDate()).build();
    PlayerGameShots game = shots.get(key);
    List<GameShot> list = game == null ? new ArrayList<>() : game.getShots();
    GameShot old = null;
    int at = -1;
    for (int i = 0; i < list.size(); i++) {
      if (list.get(i).getSeq() == s.getSeq()) {
        old = list.get(i);
        at = i;
        break;
      }
    }
    if (fact.equals(old)) {
      return; // a re-sent shot
    }
    if (at >= 0) {
      list.set(at, fact);
    } else {
      list.add(fact);
    }
    if (game == null) {
      game = PlayerGameShots.newBuilder().setSeason(s.getSeason()).setTeamId(s.getTeamId())
          .setGameDate(s.getGameDate()).setShots(list).build();
    }
    game.setTeamId(s.getTeamId());
    game.setGameDate(s.getGameDate());
    shots.put(key, game);
    pendingRows.mark(StoreKeys.playerGame(s.getPlayerId(), s.getGameDate(), s.getGameId()),
        Mark.ZONES.at(record.timestamp()), Mark::merge);
  }

  /**
   * The game's zone counts from its shots (null without any): what the season stage and the summary's zone fields
   * read, computed once per game sent instead of kept up to date per shot.
   */
  static PlayerGameZones zonesOf(String gameId, long playerId, PlayerGameShots game) {
    if (game == null) {
      return null;
    }
    PlayerGameZones z = ShotZones.empty(gameId, playerId, game.getTeamId(), game.getGameDate(), game.getSeason());
    for (GameShot shot : game.getShots()) {
      ShotZones.apply(z, shot.getZone(), shot.getMade(), +1);
    }
    return z;
  }

  /**
   * The punctuation: each marked game's zone counts to the season stage (when its shots changed), and its summary
   * row, with the zone fields rebuilt, to the feature stage (when its box score or its zone fields changed).
   */
  private void sendMarked(String key, String value) {
    long ts = Mark.timestamp(value);
    String[] parts = key.split("\\" + StoreKeys.SEP);
    long playerId = Long.parseLong(parts[0]);
    String gameId = parts[2];
    PlayerGameZones z = zonesOf(gameId, playerId, shots.get(StoreKeys.gamePlayer(gameId, playerId)));
    if (z != null && Mark.ZONES.in(value)) {
      context.forward(new Record<String, SpecificRecord>(StoreKeys.player(playerId), z, ts), ZONES);
    }
    PlayerGameSummary summary = summaries.get(key);
    if (summary == null) {
      return; // no box score yet (it builds its row with the counts when it comes), or the game moved
    }
    PlayerGameSummary updated = GameSummaries.withZones(summary, z);
    boolean changed = !updated.equals(summary);
    if (changed) {
      summaries.put(key, updated);
    }
    if (changed || Mark.ROW.in(value)) {
      context.forward(new Record<String, SpecificRecord>(StoreKeys.player(playerId), updated, ts), SUMMARIES);
    }
  }
}
