package dev.nbaprops.topics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates the topics of {@link Topics#all()} that are missing; checks the partition count of those that exist. */
public final class TopicAdmin {
  private static final Logger LOG = LoggerFactory.getLogger(TopicAdmin.class);

  private TopicAdmin() {}

  public static void ensureTopics(Admin admin, int partitions, short replication) {
    try {
      Set<String> existing = admin.listTopics().names().get();
      List<NewTopic> missing = new ArrayList<>();
      for (Topics.TopicDef t : Topics.all()) {
        if (!existing.contains(t.name())) {
          missing.add(new NewTopic(t.name(), partitions, replication).configs(t.configs()));
        }
      }
      if (!missing.isEmpty()) {
        admin.createTopics(missing).all().get();
        LOG.info("created {} topics with {} partitions", missing.size(), partitions);
      }
      Topics.ensureTombstoneRetention(admin);
      Map<String, TopicDescription> described =
          admin.describeTopics(Topics.all().stream().map(Topics.TopicDef::name).toList()).allTopicNames().get();
      for (TopicDescription d : described.values()) {
        if (d.partitions().size() != partitions) {
          throw new IllegalStateException("topic " + d.name() + " has " + d.partitions().size()
              + " partitions but the configuration says " + partitions
              + "; co-partitioned topics must agree (use a new state dir or set topics.partitions="
              + d.partitions().size() + ")");
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot create topics: " + e.getCause().getMessage(), e.getCause());
    }
  }
}
