package dev.nbaprops.app;

import dev.nbaprops.config.AppConfig;
import dev.nbaprops.topics.Topics;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;

/** The Kafka Streams configuration derived from {@link AppConfig}; {@code streams.*} settings pass through last. */
public final class StreamsSettings {
  /** The main consumer's session timeout: how long a member that died without leaving holds its partitions. */
  public static final int SESSION_TIMEOUT_MS = 10_000;

  private StreamsSettings() {}

  public static Properties of(AppConfig cfg, String bootstrapServers, String applicationServer) {
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, cfg.getString(AppConfig.APPLICATION_ID));
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(StreamsConfig.STATE_DIR_CONFIG, cfg.stateDir().resolve("streams").toString());
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, cfg.getString(AppConfig.GUARANTEE));
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, cfg.getInt(AppConfig.STREAM_THREADS));
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, cfg.getLong(AppConfig.COMMIT_INTERVAL_MS));
    p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) cfg.replication());
    p.put(StreamsConfig.APPLICATION_SERVER_CONFIG, applicationServer);
    p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, cfg.getLong(AppConfig.CACHE_MAX_BYTES));
    if (cfg.getInt(AppConfig.ROCKSDB_MEMORY_MB) > 0) {
      p.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDb.class);
    }
    // Exactly-once: Streams' default transaction timeout (10 s) fences a thread whose commit cycle runs long once
    // (a season recomputed whole after its first game date is announced, on a loaded 2-core machine), and the
    // fenced task redoes its work. 30 s keeps that rare; a crashed instance holds read_committed readers at most
    // that long.
    p.put(StreamsConfig.producerPrefix(org.apache.kafka.clients.producer.ProducerConfig.TRANSACTION_TIMEOUT_CONFIG),
        30_000);
    // Kafka Streams 4.3 sleeps retry.backoff.ms after each internal topic it creates (KAFKA-21033): with ~50
    // changelog and repartition topics and the 100 ms default, a first start waited about 5 s before its first
    // rebalance. The topics are made ready by the partition assignor, which reads the main consumer's value: the
    // consumers take 10 ms (their retries still back off exponentially, to retry.backoff.max.ms = 1 s); the
    // producers and the admin client keep the client default.
    p.put(StreamsConfig.RETRY_BACKOFF_MS_CONFIG, 10L);
    for (String prefix : java.util.List.of(StreamsConfig.PRODUCER_PREFIX, StreamsConfig.ADMIN_CLIENT_PREFIX)) {
      p.put(prefix + org.apache.kafka.clients.CommonClientConfigs.RETRY_BACKOFF_MS_CONFIG, 100L);
    }
    // A member that dies without leaving (kill -9, a lost machine) keeps its partitions until its session times
    // out: a rebalance waits for every known member, so an instance restarted after a kill -9, or every instance
    // after a broker restart (the coordinator reloads the group with the dead member in it), stalled for the
    // consumer default of 45 s (kill harness: 45 s between the broker's return and the first assignment). The
    // heartbeat runs on its own thread every heartbeat.interval.ms (3 s), so a long commit or punctuation does not
    // delay it (a GC pause stops it too, but pauses here are well under a second); 10 s (the default before Kafka
    // 3.0) is three heartbeats. A broker must allow it (group.min.session.timeout.ms, 6 s by default).
    p.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), SESSION_TIMEOUT_MS);
    p.put(BoundedRocksDb.MEMORY_MB_CONFIG, Integer.toString(cfg.getInt(AppConfig.ROCKSDB_MEMORY_MB)));
    p.put(BoundedRocksDb.WRITE_BUFFER_MB_CONFIG, Integer.toString(cfg.getInt(AppConfig.ROCKSDB_WRITE_BUFFER_MB)));
    // Bad records never crash-loop the app: they are logged and sent to the Streams dead-letter topic.
    p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueExceptionHandler.class);
    p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueProcessingExceptionHandler.class);
    p.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, Topics.STREAMS_DEAD_LETTER);
    p.putAll(cfg.passThrough("streams."));
    return p;
  }
}
