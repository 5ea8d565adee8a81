package dev.nbaprops.app;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Answers "has consumer group G processed everything in topics T?" from Kafka's own offsets. The target per
 * partition is the offset after the last committed data record: with transactional (exactly-once) writers the
 * log ends in a commit marker that a consumer's committed offset may or may not pass, so comparing with the log
 * end offset would be wrong either way.
 */
public final class DrainWatcher implements AutoCloseable {
  private static final int TAIL = 64;
  private final Admin admin;
  private final KafkaConsumer<byte[], byte[]> tail;

  public DrainWatcher(Admin admin, String bootstrapServers) {
    this.admin = admin;
    Map<String, Object> cfg = new HashMap<>();
    cfg.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    cfg.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString());
    cfg.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    cfg.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, TAIL * 4);
    this.tail = new KafkaConsumer<>(cfg, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  /**
   * The given input topics plus every other topic the group has committed offsets for: for Kafka Streams that
   * adds its repartition topics, so "drained" also covers the sub-topologies downstream of a repartition.
   */
  public java.util.Set<String> consumedTopics(String group, Collection<String> inputs) {
    java.util.Set<String> topics = new java.util.TreeSet<>(inputs);
    try {
      admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().keySet()
          .forEach(tp -> topics.add(tp.topic()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot read offsets of group " + group + ": " + e.getCause().getMessage(), e);
    }
    return topics;
  }

  /** Records the group has still to process, over all partitions of the topics (0 when drained). */
  public long remaining(String group, Collection<String> topics) {
    try {
      Map<TopicPartition, Long> targets = dataEnds(topics);
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
      long remaining = 0;
      for (Map.Entry<TopicPartition, Long> e : targets.entrySet()) {
        OffsetAndMetadata c = committed.get(e.getKey());
        long at = c == null ? 0 : c.offset();
        remaining += Math.max(0, e.getValue() - at);
      }
      // A transaction still open or being completed (its markers not yet written) hides records from the
      // read_committed end: not drained until the committed end has caught up with the log end.
      return remaining + inFlightTransactions(targets.keySet());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot read offsets of group " + group + ": " + e.getCause().getMessage(), e);
    }
  }

  /** The sum of the log-end offsets of every partition of the topics (changes whenever anything is written). */
  public long endOffsets(Collection<String> topics) {
    try {
      Map<String, TopicDescription> described = admin.describeTopics(topics).allTopicNames().get();
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      described.values().forEach(d -> d.partitions().forEach(
          p -> latest.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest())));
      return admin.listOffsets(latest).all().get().values().stream().mapToLong(o -> o.offset()).sum();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot read end offsets: " + e.getCause().getMessage(), e);
    }
  }

  /**
   * Partitions of the topics with a transaction still open on them (records written, commit not yet visible):
   * what a season-stage punctuation wrote is in such a transaction until the task's next commit.
   */
  public long openTransactions(Collection<String> topics) {
    try {
      Map<String, TopicDescription> described = admin.describeTopics(topics).allTopicNames().get();
      java.util.Set<TopicPartition> parts = new java.util.HashSet<>();
      described.values().forEach(d -> d.partitions().forEach(p -> parts.add(new TopicPartition(d.name(), p.partition()))));
      return inFlightTransactions(parts);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot read end offsets: " + e.getCause().getMessage(), e);
    }
  }

  /** Partitions whose read_committed end (last stable offset) is behind their log end. */
  long inFlightTransactions(java.util.Set<TopicPartition> parts) throws InterruptedException, ExecutionException {
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    parts.forEach(tp -> latest.put(tp, OffsetSpec.latest()));
    var stable = admin.listOffsets(latest, new org.apache.kafka.clients.admin.ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
        .all().get();
    var logEnd = admin.listOffsets(latest, new org.apache.kafka.clients.admin.ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED))
        .all().get();
    return parts.stream().filter(tp -> stable.get(tp).offset() < logEnd.get(tp).offset()).count();
  }

  /** For every partition: the offset after its last committed data record (0 for an empty partition). */
  Map<TopicPartition, Long> dataEnds(Collection<String> topics) throws InterruptedException, ExecutionException {
    Map<String, TopicDescription> described = admin.describeTopics(topics).allTopicNames().get();
    List<TopicPartition> parts = new ArrayList<>();
    described.values().forEach(d -> d.partitions().forEach(p -> parts.add(new TopicPartition(d.name(), p.partition()))));
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    parts.forEach(tp -> latest.put(tp, OffsetSpec.latest()));
    var ends = admin.listOffsets(latest, new org.apache.kafka.clients.admin.ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
        .all().get();
    Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
    parts.forEach(tp -> earliest.put(tp, OffsetSpec.earliest()));
    var starts = admin.listOffsets(earliest).all().get();
    Map<TopicPartition, Long> out = new HashMap<>();
    for (TopicPartition tp : parts) {
      long end = ends.get(tp).offset();
      long start = starts.get(tp).offset();
      out.put(tp, end <= start ? 0 : lastDataOffset(tp, start, end) + 1);
    }
    return out;
  }

  private long lastDataOffset(TopicPartition tp, long start, long end) {
    long window = TAIL;
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (true) {
      long from = Math.max(start, end - window);
      tail.assign(Set.of(tp));
      tail.seek(tp, from);
      long last = -1;
      while (tail.position(tp) < end) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("cannot read the tail of " + tp + " (is the broker up?)");
        }
        for (ConsumerRecord<byte[], byte[]> r : tail.poll(Duration.ofMillis(500)).records(tp)) {
          if (r.offset() < end) {
            last = Math.max(last, r.offset());
          }
        }
      }
      if (last >= 0 || from == start) {
        return last;
      }
      window *= 8;
    }
  }

  @Override
  public void close() {
    tail.close();
  }
}
