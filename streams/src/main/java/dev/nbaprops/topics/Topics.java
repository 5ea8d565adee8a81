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

  /** Topic name and whether it is compacted (a table) rather than an append-only event log. */
  public record TopicDef(String name, boolean compacted) {
    public Map<String, String> configs() {
      return compacted
          ? Map.of("cleanup.policy", "compact", "min.compaction.lag.ms", "0")
          : Map.of("cleanup.policy", "delete", "retention.ms", "-1", "retention.bytes", "-1");
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
