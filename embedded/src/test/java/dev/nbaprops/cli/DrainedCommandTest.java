package dev.nbaprops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nbaprops.embedded.EmbeddedKafka;
import dev.nbaprops.topics.TopicAdmin;
import dev.nbaprops.topics.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code drained} on a real broker: not drained while the app's group or the sink's group has records left, drained
 * once both have committed up to the ends (the offsets are committed by hand here, as the app and Connect would).
 */
class DrainedCommandTest {
  @TempDir
  static Path tmp;
  static EmbeddedKafka kafka;

  @BeforeAll
  static void startBroker() {
    kafka = new EmbeddedKafka(tmp.resolve("broker"), 0, 0, "256m", Map.of()).start(Duration.ofSeconds(90));
  }

  @AfterAll
  static void stopBroker() {
    if (kafka != null) {
      kafka.close();
    }
  }

  /**
   * Runs the command; what it prints goes to {@code out}. A group that never moves is "not drained" at the timeout,
   * with the state of its first check.
   */
  private int drained(StringBuilder out, String timeout) {
    java.io.StringWriter buf = new java.io.StringWriter();
    try {
      return new CommandLine(new DrainedCommand()).setOut(new java.io.PrintWriter(buf, true))
          .execute("--bootstrap-servers", kafka.bootstrapServers(), "--state-dir", tmp.resolve("cli").toString(),
              "--timeout", timeout, "--settle", "PT1S");
    } finally {
      out.append(buf);
    }
  }

  private static void commitToEnd(Admin admin, String group, List<String> topics) throws Exception {
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    for (var d : admin.describeTopics(topics).allTopicNames().get().values()) {
      d.partitions().forEach(p -> latest.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest()));
    }
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    admin.listOffsets(latest).all().get().forEach((tp, o) -> offsets.put(tp, new OffsetAndMetadata(o.offset())));
    admin.alterConsumerGroupOffsets(group, offsets).all().get();
  }

  @Test
  void waitsForTheAppAndTheSinkThenReportsDrained() throws Exception {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      TopicAdmin.ensureTopics(admin, 2, (short) 1);
      Map<String, Object> p = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
      try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
        producer.send(new ProducerRecord<>(Topics.PLAYER_BOX_SCORE, "203999", "raw")).get();
        producer.send(new ProducerRecord<>(Topics.derived().get(0), "k", "derived")).get();
      }

      StringBuilder out = new StringBuilder();
      assertThat(drained(out, "PT1S")).as(out.toString()).isEqualTo(1);
      assertThat(out).contains("not drained").contains("topology 1 records to process");

      commitToEnd(admin, "nba-props-streams", Topics.RAW);
      out.setLength(0);
      assertThat(drained(out, "PT1S")).as(out.toString()).isEqualTo(1);
      assertThat(out).contains("topology 0 records to process, sink 1 rows to write");

      commitToEnd(admin, "connect-duckdb-sink", Topics.derived());
      out.setLength(0);
      assertThat(drained(out, "PT60S")).as(out.toString()).isEqualTo(0);
      assertThat(out).contains("drained: topology 0 records to process, sink 0 rows to write, 0 open transactions");
    }
  }

  /**
   * The watcher's count on transactional (exactly-once) topics: committed data records only (an aborted
   * transaction's records and commit markers are not data), whether the group's offset stops before a commit
   * marker or after it; a far-behind group counts its gap; an open transaction counts until it ends.
   */
  @Test
  void countsCommittedDataRecordsOnly() throws Exception {
    String topic = "drain-watcher-test";
    String group = "drain-watcher-group";
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
         dev.nbaprops.app.DrainWatcher watcher = new dev.nbaprops.app.DrainWatcher(admin, kafka.bootstrapServers())) {
      admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(topic, 1, (short) 1))).all().get();
      TopicPartition tp = new TopicPartition(topic, 0);
      Map<String, Object> p = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
          ProducerConfig.TRANSACTIONAL_ID_CONFIG, "drain-watcher-test");
      try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
        producer.initTransactions();
        producer.beginTransaction(); // offsets 0-2, marker 3
        for (int i = 0; i < 3; i++) {
          producer.send(new ProducerRecord<>(topic, "k", "committed " + i));
        }
        producer.commitTransaction();
        producer.beginTransaction(); // offsets 4-5 aborted, marker 6
        producer.send(new ProducerRecord<>(topic, "k", "aborted 1"));
        producer.send(new ProducerRecord<>(topic, "k", "aborted 2"));
        producer.flush();
        producer.abortTransaction();
        awaitMarkers(watcher, topic);

        commit(admin, group, tp, 0);
        assertThat(watcher.remaining(group, List.of(topic))).as("three committed records, two aborted").isEqualTo(3);
        commit(admin, group, tp, 2);
        assertThat(watcher.remaining(group, List.of(topic))).isEqualTo(1);
        commit(admin, group, tp, 3); // after the last data record, before its commit marker
        assertThat(watcher.remaining(group, List.of(topic))).isZero();
        commit(admin, group, tp, 7); // past every marker
        assertThat(watcher.remaining(group, List.of(topic))).isZero();

        producer.beginTransaction(); // an open transaction: not drained while it lasts
        producer.send(new ProducerRecord<>(topic, "k", "open"));
        producer.flush();
        assertThat(watcher.remaining(group, List.of(topic))).isEqualTo(1);
        assertThat(watcher.openTransactions(List.of(topic))).isEqualTo(1);
        for (int i = 0; i < 199; i++) {
          producer.send(new ProducerRecord<>(topic, "k", "bulk " + i));
        }
        producer.commitTransaction();
      }
      awaitMarkers(watcher, topic);
      // 200 records past the group's offset (7), marker at 207: a long gap is counted, not read.
      assertThat(watcher.remaining(group, List.of(topic))).isEqualTo(201);
      assertThat(watcher.openTransactions(List.of(topic))).isZero();
      commit(admin, group, tp, 207);
      assertThat(watcher.remaining(group, List.of(topic))).isZero();

      // A long aborted transaction at the end (offsets 208-307, marker 308): nothing to process.
      try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
        producer.initTransactions();
        producer.beginTransaction();
        for (int i = 0; i < 100; i++) {
          producer.send(new ProducerRecord<>(topic, "k", "aborted bulk " + i));
        }
        producer.flush();
        producer.abortTransaction();
      }
      awaitMarkers(watcher, topic);
      assertThat(watcher.remaining(group, List.of(topic))).as("an aborted block is not work").isZero();
      // One committed record (206), its marker, then the aborted block: a long gap with data in it counts whole
      // (309 - 206), read only up to that record.
      commit(admin, group, tp, 206);
      assertThat(watcher.remaining(group, List.of(topic))).isEqualTo(103);
    }
  }

  /** A transaction's markers land after commitTransaction / abortTransaction returns (until then it counts as open). */
  private static void awaitMarkers(dev.nbaprops.app.DrainWatcher watcher, String topic) throws InterruptedException {
    long until = System.currentTimeMillis() + 10_000;
    while (watcher.openTransactions(List.of(topic)) > 0 && System.currentTimeMillis() < until) {
      Thread.sleep(50);
    }
  }

  private static void commit(Admin admin, String group, TopicPartition tp, long offset) throws Exception {
    admin.alterConsumerGroupOffsets(group, Map.of(tp, new OffsetAndMetadata(offset))).all().get();
  }
}
