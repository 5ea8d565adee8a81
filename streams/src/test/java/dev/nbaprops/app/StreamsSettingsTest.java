package dev.nbaprops.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nbaprops.config.AppConfig;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

/** The client settings Kafka Streams ends up with, read back through StreamsConfig as Streams itself reads them. */
class StreamsSettingsTest {
  static StreamsConfig streams(Map<String, String> settings) {
    Properties p = StreamsSettings.of(AppConfig.defaults().with(settings), "localhost:9092", "localhost:7070");
    return new StreamsConfig(p);
  }

  @Test
  void internalTopicsAreMadeReadyWithAShortBackoffWhileProducersAndAdminKeepTheClientDefault() {
    StreamsConfig c = streams(Map.of());
    // KAFKA-21033: the partition assignor (in the main consumer) sleeps this long after each topic it creates.
    assertThat(c.getLong(StreamsConfig.RETRY_BACKOFF_MS_CONFIG)).isEqualTo(10L);
    assertThat(c.getMainConsumerConfigs("g", "c", 0).get(ConsumerConfig.RETRY_BACKOFF_MS_CONFIG)).isEqualTo(10L);
    assertThat(c.getProducerConfigs("p").get(ProducerConfig.RETRY_BACKOFF_MS_CONFIG)).isEqualTo(100L);
    assertThat(c.getAdminConfigs("a").get(AdminClientConfig.RETRY_BACKOFF_MS_CONFIG)).isEqualTo(100L);
  }

  @Test
  void aMemberThatDiedWithoutLeavingIsDroppedAfterTenSecondsNotTheClientDefaultOf45() {
    StreamsConfig c = streams(Map.of());
    assertThat(c.getMainConsumerConfigs("g", "c", 0).get(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG)).isEqualTo(10_000);
    // what the consumer ends up with, defaults filled in: three heartbeats within a session
    Map<String, Object> main = new java.util.HashMap<>(c.getMainConsumerConfigs("g", "c", 0));
    main.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, org.apache.kafka.common.serialization.ByteArrayDeserializer.class);
    main.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, org.apache.kafka.common.serialization.ByteArrayDeserializer.class);
    ConsumerConfig consumer = new ConsumerConfig(main);
    assertThat(consumer.getInt(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG) * 3)
        .isLessThanOrEqualTo(consumer.getInt(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG));
    StreamsConfig overridden = streams(Map.of("streams.main.consumer.session.timeout.ms", "45000"));
    assertThat(overridden.getMainConsumerConfigs("g", "c", 0).get(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG))
        .isEqualTo("45000");
  }

  @Test
  void aBackfillBatchesWhatItsProducersSendInLargerBatchesThanLive() {
    assertThat(streams(Map.of()).getProducerConfigs("p").get(ProducerConfig.BATCH_SIZE_CONFIG)).isEqualTo("262144");
    StreamsConfig live = streams(Map.of(AppConfig.PROFILE, "live"));
    assertThat(new ProducerConfig(withSerializers(live.getProducerConfigs("p"))).getInt(ProducerConfig.BATCH_SIZE_CONFIG))
        .isEqualTo(16_384);
    assertThat(streams(Map.of("streams.producer.batch.size", "65536")).getProducerConfigs("p")
        .get(ProducerConfig.BATCH_SIZE_CONFIG)).isEqualTo("65536");
  }

  private static Map<String, Object> withSerializers(Map<String, Object> producer) {
    Map<String, Object> p = new java.util.HashMap<>(producer);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, org.apache.kafka.common.serialization.ByteArraySerializer.class);
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, org.apache.kafka.common.serialization.ByteArraySerializer.class);
    return p;
  }

  @Test
  void aStreamsSettingGivenExplicitlyWins() {
    StreamsConfig c = streams(Map.of("streams.retry.backoff.ms", "250", "streams.producer.retry.backoff.ms", "300"));
    assertThat(c.getLong(StreamsConfig.RETRY_BACKOFF_MS_CONFIG)).isEqualTo(250L);
    assertThat(c.getProducerConfigs("p").get(ProducerConfig.RETRY_BACKOFF_MS_CONFIG)).isEqualTo("300");
  }
}
