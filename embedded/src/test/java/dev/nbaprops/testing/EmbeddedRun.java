package dev.nbaprops.testing;

import dev.nbaprops.app.NbaPropsApp;
import dev.nbaprops.config.AppConfig;
import dev.nbaprops.replay.Timeline;
import dev.nbaprops.serde.AvroSerde;
import dev.nbaprops.serde.TableSpec;
import dev.nbaprops.source.SourceKind;
import dev.nbaprops.topics.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The real app (topology with RocksDB stores, exactly-once) on its own embedded KRaft broker, fed a list of raw
 * records in the given order with their event times; returns every derived table as its compacted topic ends
 * up (latest value per key). Runs of the same named input are shared within the test JVM, so several test
 * classes can check one replay of full seasons.
 */
public final class EmbeddedRun {
  private static final Map<String, Map<String, Map<String, SpecificRecord>>> SHARED = new ConcurrentHashMap<>();

  private EmbeddedRun() {}

  /** Every source of the seasons of a data directory, in replay order: one run per (directory, seasons). */
  public static synchronized Map<String, Map<String, SpecificRecord>> replayOf(Path data, List<String> seasons) {
    String name = data.toAbsolutePath().normalize() + "|" + seasons;
    return SHARED.computeIfAbsent(name, n -> run(TestData.timeline(data, List.of(SourceKind.values()), seasons)));
  }

  public static Map<String, Map<String, SpecificRecord>> run(List<Timeline.Data> records) {
    try {
      Path state = Files.createTempDirectory("embedded-run");
      AppConfig cfg = AppConfig.defaults().with(Map.of(
          AppConfig.STATE_DIR, state.toString(),
          AppConfig.EMBEDDED_KAFKA_PORT, "0", AppConfig.EMBEDDED_CONTROLLER_PORT, "0",
          AppConfig.EMBEDDED_CONNECT, "false", AppConfig.QUERY_PORT, "0",
          AppConfig.PARTITIONS, "2", AppConfig.STREAM_THREADS, "2", AppConfig.COMMIT_INTERVAL_MS, "500",
          AppConfig.EMBEDDED_KAFKA_HEAP, "768m"));
      long t0 = System.nanoTime();
      long[] at = new long[5];
      try (NbaPropsApp app = NbaPropsApp.start(cfg)) {
        app.awaitRunning(Duration.ofMinutes(2));
        at[0] = System.nanoTime();
        produce(app.bootstrapServers(), records);
        at[1] = System.nanoTime();
        app.awaitDrained(Duration.ofMinutes(20), msg -> { });
        at[2] = System.nanoTime();
        // The drain check is what `replay --exit-when-done` relies on: nothing may change after it returns.
        Map<String, Map<String, SpecificRecord>> tables = tables(app.bootstrapServers());
        Thread.sleep(3_000);
        Map<String, Map<String, SpecificRecord>> again = tables(app.bootstrapServers());
        for (String table : tables.keySet()) {
          if (!again.get(table).equals(tables.get(table))) {
            throw new IllegalStateException("awaitDrained returned before " + table + " was complete: "
                + tables.get(table).size() + " rows, then " + again.get(table).size() + " rows 3 s later");
          }
        }
        at[3] = System.nanoTime();
        return tables;
      } finally {
        at[4] = System.nanoTime();
        System.out.printf("embedded-run: %,d records; running after %.1f s, produced in %.1f s, drained %.1f s later,"
            + " tables read and checked in %.1f s, closed in %.1f s%n", records.size(), (at[0] - t0) / 1e9,
            (at[1] - at[0]) / 1e9, (at[2] - at[1]) / 1e9, (at[3] - at[2]) / 1e9, (at[4] - at[3]) / 1e9);
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Every derived table of a running app's broker, as its compacted topic ends up (one pass over all of them). */
  public static Map<String, Map<String, SpecificRecord>> tables(String bootstrap) {
    Map<String, Map<String, SpecificRecord>> tables = new TreeMap<>();
    Map<String, Map<String, SpecificRecord>> byTopic = new HashMap<>();
    for (TableSpec spec : TableSpec.all()) {
      Map<String, SpecificRecord> rows = new HashMap<>();
      tables.put(spec.table(), rows);
      byTopic.put(spec.topic(), rows);
    }
    org.apache.kafka.common.serialization.Deserializer<SpecificRecord> values = AvroSerde.any().deserializer();
    TopicReader.readAll(bootstrap, List.copyOf(byTopic.keySet()), r -> {
      Map<String, SpecificRecord> rows = byTopic.get(r.topic());
      if (r.value() == null) {
        rows.remove(r.key());
      } else {
        rows.put(r.key(), values.deserialize(r.topic(), r.value()));
      }
    });
    return tables;
  }

  private static void produce(String bootstrap, List<Timeline.Data> records) {
    Map<String, Object> cfg = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ProducerConfig.LINGER_MS_CONFIG, 5, ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024,
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<String, SpecificRecord> p =
             new KafkaProducer<>(cfg, new StringSerializer(), AvroSerde.any().serializer())) {
      for (Timeline.Data d : records) {
        p.send(new ProducerRecord<>(topicOf(d.value()), null, d.eventTime(), d.key(), d.value()));
      }
      p.flush();
    }
  }

  static String topicOf(SpecificRecord v) {
    return switch (v.getSchema().getName()) {
      case "PlayerBoxScore" -> Topics.PLAYER_BOX_SCORE;
      case "Shot" -> Topics.SHOT;
      case "PropLine" -> Topics.PROP_LINE;
      case "ScheduleGame" -> Topics.SCHEDULE;
      case "GameLine" -> Topics.GAME_LINE;
      default -> throw new IllegalArgumentException("not a raw record: " + v.getSchema().getFullName());
    };
  }
}
