package dev.nbaprops.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nbaprops.topics.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * A replay's committed position, kept in Kafka: the compacted topic {@link Topics#REPLAY_PROGRESS}, keyed by
 * the replay's identity (a hash of the selection and of the files' names and sizes). The position is written in
 * the same transaction as the records it covers, so after a crash (even kill -9) the last committed position
 * is exactly what downstream consumers (read_committed) have seen, and {@code --resume} continues after it.
 */
public final class ReplayProgress {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Bumped whenever the timeline's order or content rules change (parsers, matching, ordering), so a resume never
   * continues a position computed by other rules.
   */
  // 2: real game starts and ends, per-file reorder window; 3: file faults, overlong and non-UTF-8 lines as items;
  // 4: shots before box scores at equal event time (SourceKind.tieOrder)
  public static final int TIMELINE_VERSION = 4;

  /**
   * The committed position: items of the timeline sent (records and dead letters), the file and line of the last
   * one (checked on resume), and whether the replay finished.
   */
  public record Position(long committed, String lastItem, boolean done, Instant updatedAt) {}

  private ReplayProgress() {}

  /**
   * The identity of a replay: a hash of the timeline version, the selection, and the content of every file the
   * timeline reads or matches against (so an edited file, even of the same size, is a different replay).
   */
  public static String identity(Selection selection, List<Path> files) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(("v" + TIMELINE_VERSION + ";" + selection.describe()).getBytes(StandardCharsets.UTF_8));
      for (Path f : files) {
        md.update((f.getFileName() + ";").getBytes(StandardCharsets.UTF_8));
        md.update(Files.readAllBytes(f));
      }
      return HexFormat.of().formatHex(md.digest(), 0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ProducerRecord<String, byte[]> record(String identity, String description, long committed, String lastItem,
                                               boolean done) {
    ObjectNode n = JSON.createObjectNode().put("committed", committed).put("last_item", lastItem).put("done", done)
        .put("updated_at", Instant.now().toString()).put("selection", description);
    return new ProducerRecord<>(Topics.REPLAY_PROGRESS, identity, n.toString().getBytes(StandardCharsets.UTF_8));
  }

  /** A position record's value (the progress topic's JSON). */
  public static Position parse(byte[] value) throws IOException {
    JsonNode n = JSON.readTree(value);
    return new Position(n.get("committed").asLong(), n.hasNonNull("last_item") ? n.get("last_item").asText() : null,
        n.get("done").asBoolean(), Instant.parse(n.get("updated_at").asText()));
  }

  /** The last committed position of a replay identity, read with read_committed from the progress topic. */
  public static Optional<Position> read(String bootstrapServers, String identity) {
    try (Reader r = new Reader(bootstrapServers)) {
      if (!r.read(Duration.ofMinutes(5), (id, p) -> { })) {
        throw new IllegalStateException("cannot read " + Topics.REPLAY_PROGRESS + " to its end (is the broker up?)");
      }
      return Optional.ofNullable(r.positions().get(identity));
    }
  }

  /**
   * Every replay's last committed position, read with read_committed from the progress topic and kept up to date
   * by each {@link #read} (the whole topic the first time, then what was committed since). One thread only.
   */
  public static final class Reader implements AutoCloseable {
    private final KafkaConsumer<String, byte[]> consumer;
    private final Map<String, Position> positions = new java.util.HashMap<>();
    private List<TopicPartition> partitions = List.of();

    public Reader(String bootstrapServers) {
      consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
          ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString(),
          ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false, ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
          new StringDeserializer(), new ByteArrayDeserializer());
    }

    /**
     * Reads what was committed since the last call, up to the topic's current end, telling {@code changed} of each
     * position that differs from the one kept; false when the end was not reached within {@code max} (what was read
     * is kept). An unreadable record is an error: only this class writes the topic.
     */
    public boolean read(Duration max, java.util.function.BiConsumer<String, Position> changed) {
      if (partitions.isEmpty()) {
        partitions = consumer.partitionsFor(Topics.REPLAY_PROGRESS).stream()
            .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
      }
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      long deadline = System.nanoTime() + max.toNanos();
      while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        if (System.nanoTime() > deadline) {
          return false;
        }
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
          if (r.value() == null) {
            continue; // never written (positions are kept, not deleted)
          }
          try {
            Position p = parse(r.value());
            if (!p.equals(positions.put(r.key(), p))) {
              changed.accept(r.key(), p);
            }
          } catch (IOException e) {
            throw new UncheckedIOException("unreadable replay progress record: " + e.getMessage(), e);
          }
        }
      }
      return true;
    }

    /** The positions read so far, by replay identity. */
    public Map<String, Position> positions() {
      return java.util.Collections.unmodifiableMap(positions);
    }

    @Override
    public void close() {
      consumer.close();
    }
  }
}
