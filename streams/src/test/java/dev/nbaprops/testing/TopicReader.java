package dev.nbaprops.testing;

import dev.nbaprops.serde.AvroCodec;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads whole topics from a real broker as a read_committed consumer would (what downstream sees). */
public final class TopicReader {
  private TopicReader() {}

  /**
   * Every committed record of the topics, from the beginning to the current end: all their partitions in one
   * consumer at once, in order within each partition. The broker answers a fetch at once (fetch.max.wait.ms 10):
   * at the client's 500 ms, each fetch that found some partitions already at their end waited that long.
   */
  public static void readAll(String bootstrap, List<String> topics, Consumer<ConsumerRecord<String, byte[]>> each) {
    try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
        ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10, ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000),
        new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> parts = new java.util.ArrayList<>();
      for (String topic : topics) {
        c.partitionsFor(topic).forEach(p -> parts.add(new TopicPartition(topic, p.partition())));
      }
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = c.endOffsets(parts);
      java.util.Set<TopicPartition> open = new java.util.HashSet<>(parts);
      while (true) {
        open.removeIf(tp -> c.position(tp) >= end.get(tp));
        if (open.isEmpty()) {
          return;
        }
        c.poll(Duration.ofMillis(300)).forEach(each);
      }
    }
  }

  /**
   * Records a read_committed consumer sees, waiting up to 30 s for {@code expected}: commitTransaction returns
   * before the broker has written every partition's commit marker, so the last transaction shows up a moment later.
   */
  public static long committedCount(String bootstrap, List<String> topics, long expected) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 30_000;
    long n = count(bootstrap, topics);
    while (n < expected && System.currentTimeMillis() < deadline) {
      Thread.sleep(200);
      n = count(bootstrap, topics);
    }
    return n;
  }

  public static long count(String bootstrap, List<String> topics) {
    long[] n = {0};
    readAll(bootstrap, topics, r -> n[0]++);
    return n[0];
  }

  /** Latest value per key (a tombstone removes the key), as a compacted topic ends up. */
  public static <T extends SpecificRecord> Map<String, T> latest(String bootstrap, String topic, Class<T> type) {
    Map<String, T> out = new HashMap<>();
    readAll(bootstrap, List.of(topic), r -> {
      if (r.value() == null) {
        out.remove(r.key());
      } else {
        out.put(r.key(), AvroCodec.of(type).decode(r.value()));
      }
    });
    return out;
  }
}
