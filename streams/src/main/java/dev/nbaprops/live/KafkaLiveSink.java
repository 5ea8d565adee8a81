package dev.nbaprops.live;

import dev.nbaprops.replay.ReplayProducer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
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
  public synchronized void send(List<LiveRecord> batch) throws LiveSink.PoisonRecordException {
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
    int at = -1;
    List<Future<RecordMetadata>> futures = new java.util.ArrayList<>(batch.size());
    try {
      producer.beginTransaction();
      for (int i = 0; i < batch.size(); i++) {
        at = i;
        LiveRecord r = batch.get(i);
        Future<RecordMetadata> f = producer.send(new ProducerRecord<>(r.topic(), null, r.timestamp(), r.key(),
            r.encode()));
        futures.add(f);
        if (f.isDone()) {
          // Checked on the client before sending (size, serialization): such a failure is the record's own.
          try {
            f.get();
          } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : new KafkaException(e.getCause());
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptException(e);
          }
        }
      }
      at = -1;
      producer.commitTransaction();
    } catch (RuntimeException e) {
      abort();
      Throwable poison = recordFault(e);
      for (int i = 0; at < 0 && i < futures.size(); i++) {
        // A record the broker refused (e.g. over its message.max.bytes) fails its own future.
        Future<RecordMetadata> f = futures.get(i);
        if (f.isDone()) {
          try {
            f.get();
          } catch (ExecutionException ee) {
            if (recordFault(ee.getCause()) != null) {
              at = i;
              poison = recordFault(ee.getCause());
            }
          } catch (InterruptedException | java.util.concurrent.CancellationException ignored) {
            // not this one
          }
        }
      }
      if (poison != null && at >= 0) {
        throw new LiveSink.PoisonRecordException(at, "record " + at + " of the batch (" + batch.get(at).topic()
            + ", key " + batch.get(at).key() + ") cannot be sent: " + poison, e);
      }
      throw e;
    }
  }

  /** The cause when a failure belongs to the record rather than to the broker or the network; else null. */
  static Throwable recordFault(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof RecordTooLargeException || t instanceof RecordBatchTooLargeException
          || t instanceof SerializationException || t instanceof InvalidTopicException
          || t instanceof org.apache.avro.AvroRuntimeException || t instanceof ClassCastException
          || t instanceof NullPointerException) {
        return t;
      }
    }
    return null;
  }

  private void abort() {
    try {
      producer.abortTransaction();
    } catch (RuntimeException abortFailed) {
      LOG.warn("live producer cannot abort ({}); replacing it", abortFailed.toString());
      closeProducer();
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
