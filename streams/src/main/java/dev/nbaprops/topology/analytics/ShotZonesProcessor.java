package dev.nbaprops.topology.analytics;

import dev.nbaprops.avro.analytics.PlayerGameSummary;
import dev.nbaprops.avro.raw.Shot;
import dev.nbaprops.avro.state.PlayerGameZones;
import dev.nbaprops.avro.state.ShotFact;
import dev.nbaprops.features.ShotZones;
import dev.nbaprops.topology.PendingWork;
import dev.nbaprops.topology.StoreKeys;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * A player's shots per game by zone (paint, mid_range, three), in the player's task. Each shot is kept by its
 * identity (game and position in the game, {@code seq}) in {@link #SHOT_STORE}, so a re-sent shot changes nothing
 * and a corrected one (another zone, made/missed) replaces its old contribution in {@link #ZONES_STORE} (key
 * game|player). A box score arriving after its shots reads the zones when its row is built. When the game's
 * player_game_summary row already exists, the row is marked in {@link #UPDATES_STORE} and a wall-clock
 * punctuation rebuilds its zone fields and forwards it once (it then flows into the precompute stage like a
 * corrected box score): a game's ~15 shots per player cost one summary update downstream, not fifteen.
 */
public final class ShotZonesProcessor implements Processor<String, Shot, String, PlayerGameSummary> {
  public static final String SHOT_STORE = "player-shot-by-id";
  public static final String ZONES_STORE = "player-game-zones";
  /** Summary rows (key player|date|game) whose zone fields are to be rebuilt, with the latest shot's timestamp. */
  public static final String UPDATES_STORE = "player-zone-updates";

  private final java.time.Duration interval;
  private final PendingWork pending;

  private ProcessorContext<String, PlayerGameSummary> context;
  private KeyValueStore<String, ShotFact> shots;
  private KeyValueStore<String, PlayerGameZones> zones;
  private KeyValueStore<String, PlayerGameSummary> summaries;
  private KeyValueStore<String, String> updates;

  public ShotZonesProcessor(java.time.Duration interval, PendingWork pending) {
    this.interval = interval;
    this.pending = pending;
  }

  @Override
  public void init(ProcessorContext<String, PlayerGameSummary> context) {
    this.context = context;
    this.shots = context.getStateStore(SHOT_STORE);
    this.zones = context.getStateStore(ZONES_STORE);
    this.summaries = context.getStateStore(PlayerGameSummaryProcessor.STORE);
    this.updates = context.getStateStore(UPDATES_STORE);
    context.schedule(interval, PunctuationType.WALL_CLOCK_TIME, now -> flush());
    try (KeyValueIterator<String, String> it = updates.all()) {
      if (it.hasNext()) {
        pending.dirty(pendingId()); // restored state still owes updates
      }
    }
  }

  @Override
  public void close() {
    pending.done(pendingId()); // the task moves: its next owner does it (the marks are in the changelog)
  }

  private String pendingId() {
    return context.taskId() + "/shot-zones";
  }

  @Override
  public void process(Record<String, Shot> record) {
    Shot s = record.value();
    if (s == null) {
      return;
    }
    ShotFact fact = ShotFact.newBuilder().setTeamId(s.getTeamId()).setZone(ShotZones.zoneOf(s.getZoneBasic()))
        .setMade(s.getShotMade()).setGameDate(s.getGameDate()).build();
    String shotKey = s.getPlayerId() + "" + StoreKeys.SEP + s.getGameId() + StoreKeys.SEP + s.getSeq();
    ShotFact old = shots.get(shotKey);
    if (fact.equals(old)) {
      return; // a re-sent shot
    }
    shots.put(shotKey, fact);
    String key = StoreKeys.gamePlayer(s.getGameId(), s.getPlayerId());
    PlayerGameZones z = zones.get(key);
    if (z == null) {
      z = ShotZones.empty(s.getGameId(), s.getPlayerId(), s.getTeamId(), s.getGameDate(), s.getSeason());
    }
    if (old != null) {
      ShotZones.apply(z, old.getZone(), old.getMade(), -1);
    }
    ShotZones.apply(z, fact.getZone(), fact.getMade(), +1);
    z.setGameDate(s.getGameDate());
    zones.put(key, z);
    String summaryKey = StoreKeys.playerGame(s.getPlayerId(), s.getGameDate(), s.getGameId());
    if (summaries.get(summaryKey) != null) {
      updates.put(summaryKey, Long.toString(record.timestamp()));
      pending.dirty(pendingId());
    }
  }

  /** Rebuilds the zone fields of every marked summary row and forwards the rows that changed. */
  public void flush() {
    List<KeyValue<String, String>> todo = new ArrayList<>();
    try (KeyValueIterator<String, String> it = updates.all()) {
      it.forEachRemaining(todo::add);
    }
    if (todo.isEmpty()) {
      return; // nothing owed (done() would also restart the drain check's settle time)
    }
    try {
      forwardMarked(todo);
    } finally {
      try (KeyValueIterator<String, String> it = updates.all()) {
        if (!it.hasNext()) {
          pending.done(pendingId()); // even if a row failed (and was logged and skipped): nothing is owed
        }
      }
    }
  }

  private void forwardMarked(List<KeyValue<String, String>> todo) {
    for (KeyValue<String, String> kv : todo) {
      updates.delete(kv.key);
      PlayerGameSummary summary = summaries.get(kv.key);
      if (summary == null) {
        continue;
      }
      PlayerGameSummary updated = PlayerGameSummaryProcessor.withZones(summary,
          zones.get(StoreKeys.gamePlayer(summary.getGameId(), summary.getPlayerId())));
      if (!updated.equals(summary)) {
        summaries.put(kv.key, updated);
        context.forward(new Record<>(StoreKeys.player(summary.getPlayerId()), updated, Long.parseLong(kv.value)));
      }
    }
  }
}
