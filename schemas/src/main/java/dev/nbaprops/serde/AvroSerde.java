package dev.nbaprops.serde;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/** Kafka {@link Serde} over a {@link RecordCodec}; null stays null (tombstones). */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T> {
  private final RecordCodec<T> codec;

  public AvroSerde(RecordCodec<T> codec) {
    this.codec = codec;
  }

  public static <T extends SpecificRecord> AvroSerde<T> of(Class<T> type) {
    return new AvroSerde<>(AvroCodec.of(type));
  }

  /**
   * A serde for records of any catalog type (internal topics that carry several types): each record is written
   * with its own schema's single-object encoding, and read back by the fingerprint in its header.
   */
  public static AvroSerde<SpecificRecord> any() {
    return new AvroSerde<>(new AnyRecordCodec());
  }

  @Override
  public Serializer<T> serializer() {
    return (topic, data) -> data == null ? null : codec.encode(data);
  }

  @Override
  public Deserializer<T> deserializer() {
    return (topic, data) -> data == null ? null : codec.decode(data);
  }
}
