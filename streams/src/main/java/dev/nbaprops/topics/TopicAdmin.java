package dev.nbaprops.topics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the topics of {@link Topics#all()} that are missing; checks the partition count of those that exist.
 * Several instances may start at once (a cluster of app instances, a replay producer beside them): a topic that
 * another creator made between the listing and the creation counts as created, and is then checked like the rest.
 */
public final class TopicAdmin {
  private static final Logger LOG = LoggerFactory.getLogger(TopicAdmin.class);

  private TopicAdmin() {}

  /** Creates the app's topics that are missing and checks them; returns the topics that existed before. */
  public static Set<String> ensureTopics(Admin admin, int partitions, short replication) {
    try {
      Set<String> existing = admin.listTopics().names().get();
      List<NewTopic> missing = new ArrayList<>();
      for (Topics.TopicDef t : Topics.all()) {
        if (!existing.contains(t.name())) {
          missing.add(new NewTopic(t.name(), partitions, replication).configs(t.configs()));
        }
      }
      if (!missing.isEmpty()) {
        int created = 0;
        for (Map.Entry<String, KafkaFuture<Void>> e : admin.createTopics(missing).values().entrySet()) {
          try {
            e.getValue().get();
            created++;
          } catch (ExecutionException x) {
            if (!(x.getCause() instanceof TopicExistsException)) {
              throw x;
            }
            LOG.info("topic {} was created concurrently by another instance", e.getKey());
          }
        }
        LOG.info("created {} topics with {} partitions", created, partitions);
      }
      Map<String, TopicDescription> described = describe(admin); // waits until new topics are in the metadata
      Topics.ensureTombstoneRetention(admin);
      for (TopicDescription d : described.values()) {
        if (d.partitions().size() != partitions) {
          throw new IllegalStateException("topic " + d.name() + " has " + d.partitions().size()
              + " partitions but the configuration says " + partitions
              + "; co-partitioned topics must agree (use a new state dir or set topics.partitions="
              + d.partitions().size() + ")");
        }
      }
      return existing;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot create topics: " + e.getCause().getMessage(), e.getCause());
    }
  }

  /**
   * Describes every topic; a topic just created (here or by another instance) may not yet be in the metadata of
   * the broker that answers, so a retriable error is retried for up to 30 s.
   */
  private static Map<String, TopicDescription> describe(Admin admin) throws InterruptedException, ExecutionException {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (true) {
      try {
        return admin.describeTopics(Topics.all().stream().map(Topics.TopicDef::name).toList()).allTopicNames().get();
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof RetriableException) || System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(200);
      }
    }
  }
}
