package dev.nbaprops.app;

import dev.nbaprops.replay.ReplayProgress;
import dev.nbaprops.topics.Topics;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the replays feeding a cluster have done, from their positions in the progress topic
 * ({@link Topics#REPLAY_PROGRESS}, read_committed): an instance that does not replay itself ({@code run}, fed by a
 * {@code replay --produce-only} elsewhere) learns from it that its inputs are complete, as the replay command's
 * instance knows it from its own replay ({@link NbaPropsApp#endHoldsAfterReplays}). One thread only (a consumer).
 */
final class ReplayEnds implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ReplayEnds.class);
  /**
   * A replay not finished whose position has not moved for this long counts as abandoned (killed and never
   * resumed): it no longer keeps the others' end from counting. A running replay commits its position with every
   * transaction, well within this.
   */
  static final Duration ABANDONED_AFTER = Duration.ofSeconds(30);

  private final KafkaConsumer<String, byte[]> consumer;
  private final Map<String, ReplayProgress.Position> positions = new HashMap<>();
  /** When this reader saw each position change (local clock: the replaying host's clock may differ). */
  private final Map<String, Instant> seenChanging = new HashMap<>();
  private List<TopicPartition> partitions = List.of();

  ReplayEnds(String bootstrapServers) {
    consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString(),
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false, ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
        new StringDeserializer(), new ByteArrayDeserializer());
  }

  /**
   * Reads the positions committed since the last call (the whole topic on the first); false when it could not reach
   * the topic's end within 5 s (what it has read may then miss a newer replay: not a basis for a decision).
   */
  boolean read(Instant now) {
    if (partitions.isEmpty()) {
      partitions = consumer.partitionsFor(Topics.REPLAY_PROGRESS).stream()
          .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
    }
    Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
      for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
        if (r.value() == null) {
          positions.remove(r.key());
          continue;
        }
        try {
          ReplayProgress.Position p = ReplayProgress.parse(r.value());
          if (!p.equals(positions.put(r.key(), p))) {
            seenChanging.put(r.key(), now);
          }
        } catch (IOException | RuntimeException e) {
          LOG.warn("replay progress of {} unreadable, ignored: {}", r.key(), e.toString());
        }
      }
    }
    return partitions.stream().allMatch(tp -> consumer.position(tp) >= end.get(tp));
  }

  /** When the most recently finished replay finished (its own clock), or null when none has. */
  Instant lastFinished() {
    return positions.values().stream().filter(ReplayProgress.Position::done).map(ReplayProgress.Position::updatedAt)
        .max(Comparator.naturalOrder()).orElse(null);
  }

  /** Whether the replays seen have finished as of {@code now} (local clock; {@link #finished(Map, Map, Instant)}). */
  boolean finished(Instant now) {
    return finished(positions, seenChanging, now);
  }

  /**
   * Whether the inputs the replays produce are complete: the replay that moved last (by its own clock) has finished,
   * and no other one is still running: not finished and seen moving here within {@link #ABANDONED_AFTER} (this
   * reader's clock, so a replaying host's clock that is off does not matter). False when there has been no replay
   * (a live feed, or nothing yet). A paced replay ({@code --speed N}) that sleeps longer than that between commits
   * counts as abandoned meanwhile: with another replay finished, the holds may end early (extra row versions).
   */
  static boolean finished(Map<String, ReplayProgress.Position> replays, Map<String, Instant> seenChanging,
                          Instant now) {
    Optional<ReplayProgress.Position> last = replays.values().stream()
        .max(Comparator.comparing(ReplayProgress.Position::updatedAt));
    if (last.isEmpty() || !last.get().done()) {
      return false;
    }
    Instant running = now.minus(ABANDONED_AFTER);
    return replays.entrySet().stream().noneMatch(e -> !e.getValue().done()
        && seenChanging.getOrDefault(e.getKey(), Instant.MIN).isAfter(running));
  }

  @Override
  public void close() {
    consumer.close();
  }
}
