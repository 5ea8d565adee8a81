package dev.nbaprops.replay;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** The producers the replay uses: idempotent, acks=all, batched; {@code producer.*} settings override. */
public final class ReplayProducer {
  private ReplayProducer() {}

  /** A plain idempotent producer (benchmarks' raw throughput). */
  public static KafkaProducer<String, byte[]> create(String bootstrapServers, Map<String, Object> overrides) {
    Map<String, Object> p = new HashMap<>();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    p.putAll(overrides);
    return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
  }

  /**
   * The replay's transactional producer, transactions initialised. One transactional id per replay identity:
   * a resumed replay fences the zombie of the interrupted one.
   */
  public static KafkaProducer<String, byte[]> transactional(String bootstrapServers, String transactionalId,
                                                            Map<String, Object> overrides) {
    Map<String, Object> o = new HashMap<>(overrides);
    o.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId); // one per replay identity, never overridden
    // An abandoned transaction (a killed replay) blocks read_committed consumers until it times out.
    o.putIfAbsent(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 15_000);
    KafkaProducer<String, byte[]> p = create(bootstrapServers, o);
    p.initTransactions();
    return p;
  }
}
