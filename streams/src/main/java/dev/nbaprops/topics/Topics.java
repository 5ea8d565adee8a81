package dev.nbaprops.topics;

import dev.nbaprops.avro.common.DeadLetter;
import dev.nbaprops.avro.raw.GameLine;
import dev.nbaprops.avro.raw.PlayerBoxScore;
import dev.nbaprops.avro.raw.PropLine;
import dev.nbaprops.avro.raw.ScheduleGame;
import dev.nbaprops.avro.raw.Shot;
import dev.nbaprops.serde.SchemaCatalog;
import dev.nbaprops.serde.TableSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/**
 * Every topic of the flow: raw inputs (append-only, kept forever: they are the replayable source of truth),
 * derived tables (compacted: one live row per key), and the dead-letter topics. Names come from the schemas'
 * {@code x-topic} property so that producers, topology and sink cannot disagree.
 */
public final class Topics {
  public static final String SCHEDULE = topicOf(ScheduleGame.class);
  public static final String PLAYER_BOX_SCORE = topicOf(PlayerBoxScore.class);
  public static final String SHOT = topicOf(Shot.class);
  public static final String PROP_LINE = topicOf(PropLine.class);
  public static final String GAME_LINE = topicOf(GameLine.class);
  /** Inputs the replay (or a live poller) rejected, as {@link DeadLetter} records with the reason. */
  public static final String DEAD_LETTER = topicOf(DeadLetter.class);
  /** Records the topology could not deserialize or process (Kafka Streams' built-in DLQ, KIP-1034). */
  public static final String STREAMS_DEAD_LETTER = "nba.streams.dlq";
  /** Records the warehouse sink could not write (Connect's errant-record DLQ). */
  public static final String CONNECT_DEAD_LETTER = "nba.connect.dlq";

  /** The replay's committed position per replay identity (compacted), for {@code replay --resume}. */
  public static final String REPLAY_PROGRESS = "nba.replay.progress";

  public static final List<String> RAW = List.of(SCHEDULE, PLAYER_BOX_SCORE, SHOT, PROP_LINE, GAME_LINE);

  private Topics() {}

  public static List<String> derived() {
    return TableSpec.all().stream().map(TableSpec::topic).toList();
  }

  /**
   * How long a compacted topic keeps a tombstone after compaction may remove it ({@code delete.retention.ms}): a
   * sink (the warehouse connector) that is offline for up to this long still reads every delete the topology
   * made while it was away. Kafka's default is 24 h; a sink down longer would keep rows the topology retracted.
   */
  public static final java.time.Duration TOMBSTONE_RETENTION = java.time.Duration.ofDays(7);

  /** Topic name and whether it is compacted (a table) rather than an append-only event log. */
  public record TopicDef(String name, boolean compacted) {
    public Map<String, String> configs() {
      return compacted
          ? Map.of("cleanup.policy", "compact", "min.compaction.lag.ms", "0",
              "delete.retention.ms", Long.toString(TOMBSTONE_RETENTION.toMillis()))
          : Map.of("cleanup.policy", "delete", "retention.ms", "-1", "retention.bytes", "-1");
    }
  }

  /**
   * Sets {@code delete.retention.ms} on compacted topics that already exist (created before it was part of their
   * configuration); a no-op where it is already set.
   */
  public static void ensureTombstoneRetention(org.apache.kafka.clients.admin.Admin admin)
      throws InterruptedException, java.util.concurrent.ExecutionException {
    String value = Long.toString(TOMBSTONE_RETENTION.toMillis());
    List<org.apache.kafka.common.config.ConfigResource> resources = all().stream().filter(TopicDef::compacted)
        .map(t -> new org.apache.kafka.common.config.ConfigResource(
            org.apache.kafka.common.config.ConfigResource.Type.TOPIC, t.name())).toList();
    Map<org.apache.kafka.common.config.ConfigResource, java.util.Collection<org.apache.kafka.clients.admin.AlterConfigOp>>
        changes = new java.util.HashMap<>();
    admin.describeConfigs(resources).all().get().forEach((r, config) -> {
      var current = config.get("delete.retention.ms");
      if (current == null || !value.equals(current.value())) {
        changes.put(r, List.of(new org.apache.kafka.clients.admin.AlterConfigOp(
            new org.apache.kafka.clients.admin.ConfigEntry("delete.retention.ms", value),
            org.apache.kafka.clients.admin.AlterConfigOp.OpType.SET)));
      }
    });
    if (!changes.isEmpty()) {
      admin.incrementalAlterConfigs(changes).all().get();
    }
  }

  public static List<TopicDef> all() {
    List<TopicDef> out = new ArrayList<>();
    RAW.forEach(t -> out.add(new TopicDef(t, false)));
    out.add(new TopicDef(DEAD_LETTER, false));
    out.add(new TopicDef(STREAMS_DEAD_LETTER, false));
    out.add(new TopicDef(CONNECT_DEAD_LETTER, false));
    out.add(new TopicDef(REPLAY_PROGRESS, true));
    derived().forEach(t -> out.add(new TopicDef(t, true)));
    return out;
  }

  private static String topicOf(Class<? extends SpecificRecord> c) {
    return SchemaCatalog.schemaOf(c).getProp("x-topic");
  }
}
