package dev.nbaprops.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nbaprops.embedded.EmbeddedKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.ForwardingAdmin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Topic creation when several instances start at once (docker-compose: two app instances and a replay producer):
 * the one that loses the race to create a topic must carry on, not exit. Real broker (embedded, KRaft).
 */
class TopicAdminTest {
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

  private static Map<String, Object> adminConfig() {
    return Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
  }

  private static void deleteAll(Admin admin) throws Exception {
    List<String> names = new ArrayList<>(admin.listTopics().names().get());
    if (!names.isEmpty()) {
      admin.deleteTopics(names).all().get();
    }
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (!admin.listTopics().names().get().isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
  }

  /**
   * An admin whose createTopics is preceded by another creator making the first two of the requested topics:
   * exactly the window between listing the topics and creating the missing ones.
   */
  static final class RacedAdmin extends ForwardingAdmin {
    final Admin other;
    int raced;

    RacedAdmin(Map<String, Object> cfg, Admin other) {
      super(cfg);
      this.other = other;
    }

    @Override
    public CreateTopicsResult createTopics(Collection<NewTopic> topics, CreateTopicsOptions options) {
      List<NewTopic> first = topics.stream().limit(2).toList();
      try {
        other.createTopics(first).all().get();
      } catch (Exception e) {
        throw new AssertionError("the racing creator failed", e);
      }
      raced = first.size();
      return super.createTopics(topics, options);
    }
  }

  @Test
  void aTopicCreatedByAnotherInstanceInBetweenCountsAsCreated() throws Exception {
    try (Admin other = Admin.create(adminConfig()); RacedAdmin admin = new RacedAdmin(adminConfig(), other)) {
      deleteAll(other);
      TopicAdmin.ensureTopics(admin, 3, (short) 1);
      assertThat(admin.raced).isEqualTo(2);
      List<String> expected = Topics.all().stream().map(Topics.TopicDef::name).toList();
      assertThat(other.listTopics().names().get()).containsAll(expected);
      other.describeTopics(expected).allTopicNames().get().values()
          .forEach(d -> assertThat(d.partitions()).as(d.name()).hasSize(3));
    }
  }

  @Test
  void concurrentCreatorsAllSucceed() throws Exception {
    try (Admin cleaner = Admin.create(adminConfig())) {
      deleteAll(cleaner);
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Void>> results = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        Callable<Void> c = () -> {
          try (Admin admin = Admin.create(adminConfig())) {
            TopicAdmin.ensureTopics(admin, 2, (short) 1);
          }
          return null;
        };
        results.add(pool.submit(c));
      }
      for (Future<Void> f : results) {
        f.get(); // throws if any instance gave up
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void anExistingTopicWithOtherPartitionsIsStillAnError() throws Exception {
    try (Admin admin = Admin.create(adminConfig())) {
      deleteAll(admin);
      TopicAdmin.ensureTopics(admin, 2, (short) 1);
      assertThatThrownBy(() -> TopicAdmin.ensureTopics(admin, 3, (short) 1))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("has 2 partitions but the configuration says 3");
    }
  }
}
