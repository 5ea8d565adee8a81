package dev.nbaprops.app;

import dev.nbaprops.replay.ReplayProgress;
import dev.nbaprops.topics.Topics;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
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
  private List<TopicPartition> partitions = List.of();

  ReplayEnds(String bootstrapServers) {
    consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString(),
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(), new ByteArrayDeserializer());
  }

  /** Reads the positions committed since the last call (the whole topic on the first). */
  void read() {
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
          positions.put(r.key(), ReplayProgress.parse(r.value()));
        } catch (IOException | RuntimeException e) {
          LOG.warn("replay progress of {} unreadable, ignored: {}", r.key(), e.toString());
        }
      }
    }
  }

  /** Whether the replays seen have finished as of {@code now} ({@link #finished(Collection, Instant)}). */
  boolean finished(Instant now) {
    return finished(positions.values(), now);
  }

  /**
   * Whether the inputs the replays produce are complete: the replay that moved last has finished, and no other one
   * is still running (not finished and moved within {@link #ABANDONED_AFTER}). False when there has been no replay
   * (a live feed, or nothing yet).
   */
  static boolean finished(Collection<ReplayProgress.Position> replays, Instant now) {
    Optional<ReplayProgress.Position> last = replays.stream()
        .max(Comparator.comparing(ReplayProgress.Position::updatedAt));
    if (last.isEmpty() || !last.get().done()) {
      return false;
    }
    Instant running = now.minus(ABANDONED_AFTER);
    return replays.stream().noneMatch(p -> !p.done() && p.updatedAt().isAfter(running));
  }

  @Override
  public void close() {
    consumer.close();
  }
}
