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
 * Answers "has consumer group G processed everything in topics T?" from Kafka's own offsets. A partition is done
 * when no committed data record lies between the group's committed offset and the read_committed end: with
 * transactional (exactly-once) writers the log ends in a commit marker that a consumer's committed offset may or
 * may not pass, so comparing offsets alone would be wrong either way; the few records of a short gap are read.
 */
public final class DrainWatcher implements AutoCloseable {
  private static final int TAIL = 64;
  private final Admin admin;
  private final KafkaConsumer<byte[], byte[]> tail;
  private Map<String, Long> lastByTopic = Map.of();

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

  /**
   * Records the group has still to process, over all partitions of the topics (0 when drained). A partition whose
   * committed offset is at its read_committed end has nothing left; a short gap (often only a transaction's commit
   * marker) is read to count the data records in it; a long one counts whole when its last records hold data, and
   * is read whole when they do not (an aborted transaction at the end). All reads: all partitions in one consumer.
   */
  public long remaining(String group, Collection<String> topics) {
    try {
      List<TopicPartition> parts = partitions(topics);
      Map<TopicPartition, Long> ends = offsets(parts, OffsetSpec.latest(), IsolationLevel.READ_COMMITTED);
      Map<TopicPartition, Long> starts = offsets(parts, OffsetSpec.earliest(), IsolationLevel.READ_UNCOMMITTED);
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
      Map<String, Long> byTopic = new HashMap<>();
      Map<TopicPartition, Long> gaps = new HashMap<>();
      Map<TopicPartition, Long> longGaps = new HashMap<>();
      for (TopicPartition tp : parts) {
        OffsetAndMetadata c = committed.get(tp);
        long at = Math.max(c == null ? 0 : c.offset(), starts.get(tp));
        long end = ends.get(tp);
        if (at >= end) {
          continue;
        }
        if (end - at > TAIL) {
          longGaps.put(tp, at);
          gaps.put(tp, end - TAIL); // its last records first: data there is the common case
        } else {
          gaps.put(tp, at);
        }
      }
      Map<TopicPartition, Long> found = dataRecords(gaps, ends, false);
      Map<TopicPartition, Long> rest = new HashMap<>();
      Map<TopicPartition, Long> restEnds = new HashMap<>();
      for (TopicPartition tp : gaps.keySet()) {
        long n = found.getOrDefault(tp, 0L);
        Long at = longGaps.get(tp);
        if (at == null) {
          byTopic.merge(tp.topic(), n, Long::sum);
        } else if (n > 0) {
          byTopic.merge(tp.topic(), ends.get(tp) - at, Long::sum); // far behind: the gap counts (markers included), it is not read
        } else {
          rest.put(tp, at); // a long gap that ends without data (an aborted transaction): read the rest of it
          restEnds.put(tp, ends.get(tp) - TAIL);
        }
      }
      // Read only up to a data record: a far-behind group's whole backlog could be millions of records.
      for (TopicPartition tp : dataRecords(rest, restEnds, true).keySet()) {
        byTopic.merge(tp.topic(), ends.get(tp) - rest.get(tp), Long::sum);
      }
      byTopic.values().removeIf(n -> n == 0);
      lastByTopic = Map.copyOf(byTopic);
      long remaining = byTopic.values().stream().mapToLong(Long::longValue).sum();
      // A transaction still open or being completed (its markers not yet written) hides records from the
      // read_committed end: not drained until the committed end has caught up with the log end.
      // The read_committed ends read above serve: a transaction that committed since then only reads as still open,
      // and the next check sees it closed.
      return remaining + inFlightTransactions(parts, ends);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot read offsets of group " + group + ": " + e.getCause().getMessage(), e);
    }
  }

  /**
   * The records of the last {@link #remaining} call, by topic (topics with none absent), the largest first; what a
   * progress line names so that a slow end of a run shows which stage it waits for.
   */
  public String lastRemainingByTopic(int top) {
    return lastByTopic.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
        .limit(top)
        .map(e -> String.format("%s %,d", e.getKey(), e.getValue()))
        .collect(java.util.stream.Collectors.joining(", "));
  }

  /** The sum of the log-end offsets of every partition of the topics (changes whenever anything is written). */
  public long endOffsets(Collection<String> topics) {
    try {
      return offsets(partitions(topics), OffsetSpec.latest(), IsolationLevel.READ_UNCOMMITTED).values().stream()
          .mapToLong(Long::longValue).sum();
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
      return inFlightTransactions(new java.util.HashSet<>(partitions(topics)));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot read end offsets: " + e.getCause().getMessage(), e);
    }
  }

  /** Partitions whose read_committed end (last stable offset) is behind their log end. */
  long inFlightTransactions(java.util.Set<TopicPartition> parts) throws InterruptedException, ExecutionException {
    List<TopicPartition> list = List.copyOf(parts);
    return inFlightTransactions(list, offsets(list, OffsetSpec.latest(), IsolationLevel.READ_COMMITTED));
  }

  /** As above, with the read_committed ends already read (they must be read before the log ends). */
  private long inFlightTransactions(List<TopicPartition> parts, Map<TopicPartition, Long> stable)
      throws InterruptedException, ExecutionException {
    Map<TopicPartition, Long> logEnd = offsets(parts, OffsetSpec.latest(), IsolationLevel.READ_UNCOMMITTED);
    return parts.stream().filter(tp -> stable.get(tp) < logEnd.get(tp)).count();
  }

  private List<TopicPartition> partitions(Collection<String> topics) throws InterruptedException, ExecutionException {
    Map<String, TopicDescription> described = admin.describeTopics(topics).allTopicNames().get();
    List<TopicPartition> parts = new ArrayList<>();
    described.values().forEach(d -> d.partitions().forEach(p -> parts.add(new TopicPartition(d.name(), p.partition()))));
    return parts;
  }

  private Map<TopicPartition, Long> offsets(List<TopicPartition> parts, OffsetSpec spec, IsolationLevel isolation)
      throws InterruptedException, ExecutionException {
    Map<TopicPartition, OffsetSpec> query = new HashMap<>();
    parts.forEach(tp -> query.put(tp, spec));
    Map<TopicPartition, Long> out = new HashMap<>();
    admin.listOffsets(query, new org.apache.kafka.clients.admin.ListOffsetsOptions(isolation)).all().get()
        .forEach((tp, info) -> out.put(tp, info.offset()));
    return out;
  }

  /**
   * The committed data records in [from, end) of each partition (partitions without any are absent; with
   * {@code firstOnly}, 1 for a partition with any, reading it no further) (read_committed: commit markers and aborted
   * records are not data). One consumer reads every gap at once, with short polls: a poll that finds only markers
   * returns nothing but moves the position past them.
   */
  Map<TopicPartition, Long> dataRecords(Map<TopicPartition, Long> from, Map<TopicPartition, Long> ends,
                                        boolean firstOnly) {
    Map<TopicPartition, Long> count = new HashMap<>();
    if (from.isEmpty()) {
      return count;
    }
    tail.assign(from.keySet());
    tail.resume(tail.paused()); // an earlier call may have paused some (an assignment that did not change keeps it)
    from.forEach(tail::seek);
    long deadline = System.nanoTime() + 60_000_000_000L;
    Set<TopicPartition> open = new java.util.HashSet<>(from.keySet());
    while (true) {
      open.removeIf(tp -> tail.position(tp) >= ends.get(tp));
      if (open.isEmpty()) {
        return count;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("cannot read the tail of " + open + " (is the broker up?)");
      }
      for (ConsumerRecord<byte[], byte[]> r : tail.poll(Duration.ofMillis(20))) {
        TopicPartition tp = new TopicPartition(r.topic(), r.partition());
        if (r.offset() < ends.get(tp) && open.contains(tp)) {
          count.merge(tp, 1L, Long::sum);
          if (firstOnly) {
            open.remove(tp); // one is enough: the caller counts the gap
            tail.pause(List.of(tp));
          }
        }
      }
    }
  }

  @Override
  public void close() {
    tail.close();
  }
}
