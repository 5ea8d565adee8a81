package dev.nbaprops.topology.analytics;

import dev.nbaprops.avro.analytics.PlayerGameSummary;
import dev.nbaprops.avro.raw.Shot;
import dev.nbaprops.avro.state.PlayerGameZones;
import dev.nbaprops.avro.state.ShotFact;
import dev.nbaprops.features.ShotZones;
import dev.nbaprops.topology.StoreKeys;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * A player's shots per game by zone (paint, mid_range, three), in the player's task. Each shot is kept by its
 * identity (game and position in the game, {@code seq}) in {@link #SHOT_STORE}, so a re-sent shot changes nothing
 * and a corrected one (another zone, made/missed) replaces its old contribution in {@link #ZONES_STORE} (key
 * game|player). When the game's player_game_summary row exists, its zone fields are updated and the row is
 * forwarded (it then flows into the precompute stage like a corrected box score); a box score arriving after its
 * shots reads the zones when its row is built.
 */
public final class ShotZonesProcessor implements Processor<String, Shot, String, PlayerGameSummary> {
  public static final String SHOT_STORE = "player-shot-by-id";
  public static final String ZONES_STORE = "player-game-zones";

  private ProcessorContext<String, PlayerGameSummary> context;
  private KeyValueStore<String, ShotFact> shots;
  private KeyValueStore<String, PlayerGameZones> zones;
  private KeyValueStore<String, PlayerGameSummary> summaries;

  @Override
  public void init(ProcessorContext<String, PlayerGameSummary> context) {
    this.context = context;
    this.shots = context.getStateStore(SHOT_STORE);
    this.zones = context.getStateStore(ZONES_STORE);
    this.summaries = context.getStateStore(PlayerGameSummaryProcessor.STORE);
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
    PlayerGameSummary summary = findSummary(s);
    if (summary != null) {
      PlayerGameSummary updated = PlayerGameSummaryProcessor.withZones(summary, z);
      if (!updated.equals(summary)) {
        summaries.put(StoreKeys.playerGame(s.getPlayerId(), summary.getGameDate(), s.getGameId()), updated);
        context.forward(record.withKey(StoreKeys.player(s.getPlayerId())).withValue(updated));
      }
    }
  }

  private PlayerGameSummary findSummary(Shot s) {
    return summaries.get(StoreKeys.playerGame(s.getPlayerId(), s.getGameDate(), s.getGameId()));
  }
}
