package dev.nbaprops.live;

import dev.nbaprops.replay.ReplayProducer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Produces live batches to the raw topics with the replay's producer settings, one Kafka transaction per batch
 * (so a final box score reaches the topology as a whole, like a replayed game). The transactional id is fixed per
 * application id: a restarted live run fences its predecessor. On any error the transaction is aborted (or the
 * producer replaced when it cannot be), and the batch stays in the {@link Outbox} for the next attempt.
 */
public final class KafkaLiveSink implements LiveSink {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaLiveSink.class);
  private final String bootstrapServers;
  private final String transactionalId;
  private final Map<String, Object> overrides;
  private KafkaProducer<String, byte[]> producer;

  public KafkaLiveSink(String bootstrapServers, String transactionalId, Map<String, Object> producerOverrides) {
    this.bootstrapServers = bootstrapServers;
    this.transactionalId = transactionalId;
    this.overrides = new HashMap<>(producerOverrides);
    // Fail a send within seconds when the broker is away (the outbox retries), not after a minute.
    this.overrides.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000);
    this.overrides.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
    this.overrides.putIfAbsent(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
  }

  @Override
  public synchronized void send(List<LiveRecord> batch) {
    if (producer == null) {
      Map<String, Object> o = new HashMap<>(overrides);
      o.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
      o.putIfAbsent(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 15_000);
      KafkaProducer<String, byte[]> p = ReplayProducer.create(bootstrapServers, o);
      try {
        p.initTransactions();
      } catch (RuntimeException e) {
        p.close(java.time.Duration.ofSeconds(1));
        throw e;
      }
      producer = p;
    }
    try {
      producer.beginTransaction();
      for (LiveRecord r : batch) {
        producer.send(new ProducerRecord<>(r.topic(), null, r.timestamp(), r.key(), r.encode()));
      }
      producer.commitTransaction();
    } catch (RuntimeException e) {
      try {
        producer.abortTransaction();
      } catch (RuntimeException abortFailed) {
        LOG.warn("live producer cannot abort ({}); replacing it", abortFailed.toString());
        closeProducer();
      }
      throw e;
    }
  }

  private void closeProducer() {
    if (producer != null) {
      try {
        producer.close(java.time.Duration.ofSeconds(5));
      } catch (RuntimeException e) {
        LOG.debug("closing live producer", e);
      }
      producer = null;
    }
  }

  @Override
  public synchronized void close() {
    closeProducer();
  }
}
