package dev.nbaprops.bench;

import dev.nbaprops.serde.AvroCodec;
import dev.nbaprops.serde.TableSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Where the derived rows come from: reads every derived topic from the start (committed records only) and, per
 * table, counts the versions each key was written in and which fields changed from one version to the next. A
 * row written more than once is work done more than once (by the topology and by the sink); the fields that
 * change name the input that arrived after the row was first computed.
 */
final class ChurnReport {
  private ChurnReport() {}

  /** One table's versions: keys, records, tombstones, and per field how many consecutive versions differ in it. */
  record TableChurn(String table, int keys, long records, long tombstones, Map<String, Long> changedFields,
                    long repeatsAfterDrain) {
    double versionsPerKey() {
      return keys == 0 ? 0 : (double) records / keys;
    }
  }

  /**
   * @param drainedAtMs when the replay's drain check first saw every input processed (wall clock; the deferred stages'
   *     holds end then), or Long.MIN_VALUE: repeat versions stamped at or after it are counted apart (the rows the
   *     season stage and the stages after it stamp with the wall clock; rows stamped with event time count before)
   */
  static List<TableChurn> measure(String bootstrap, long drainedAtMs) {
    List<TableChurn> out = new ArrayList<>();
    for (TableSpec spec : TableSpec.all()) {
      out.add(measure(bootstrap, spec, drainedAtMs));
    }
    return out;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static TableChurn measure(String bootstrap, TableSpec spec, long drainedAtMs) {
    Class<? extends SpecificRecord> type = (Class<? extends SpecificRecord>) SpecificData.get().getClass(spec.schema());
    AvroCodec codec = AvroCodec.of(type);
    Map<String, SpecificRecord> last = new HashMap<>();
    Map<String, Long> changed = new TreeMap<>();
    long records = 0;
    long tombstones = 0;
    long repeatsAfterDrain = 0;
    Map<String, Object> props = Map.of("bootstrap.servers", bootstrap, "isolation.level", "read_committed",
        "enable.auto.commit", "false", "max.poll.records", "5000");
    try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> parts = c.partitionsFor(spec.topic()).stream()
          .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = c.endOffsets(parts);
      while (parts.stream().anyMatch(p -> c.position(p) < end.get(p))) {
        for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
          records++;
          if (r.value() == null) {
            tombstones++;
            last.remove(r.key());
            continue;
          }
          SpecificRecord now = (SpecificRecord) codec.decode(r.value());
          SpecificRecord before = last.put(r.key(), now);
          if (before != null) {
            if (drainedAtMs != Long.MIN_VALUE && r.timestamp() >= drainedAtMs) {
              repeatsAfterDrain++;
            }
            for (Schema.Field f : spec.schema().getFields()) {
              if (!Objects.equals(before.get(f.pos()), now.get(f.pos()))) {
                changed.merge(f.name(), 1L, Long::sum);
              }
            }
          }
        }
      }
    }
    return new TableChurn(spec.table(), last.size(), records, tombstones, changed, repeatsAfterDrain);
  }

  static void print(List<TableChurn> tables) {
    System.out.println("  versions per row (committed records per key) and the fields that changed between versions:");
    for (TableChurn t : tables) {
      System.out.printf("    %-46s %,9d records, %,7d keys, %5.2f per key, %,d tombstones, %,d repeats after the drain%n",
          t.table(), t.records(), t.keys(), t.versionsPerKey(), t.tombstones(), t.repeatsAfterDrain());
      t.changedFields().entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(8)
          .forEach(e -> System.out.printf("        %-40s %,9d%n", e.getKey(), e.getValue()));
    }
  }
}
