package dev.nbaprops.serde;

import java.io.IOException;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * Avro single-object encoding (header {@code C3 01}, the 8-byte CRC-64-AVRO fingerprint of the writer schema,
 * then the binary body). Decoding resolves the writer schema by fingerprint in {@link SchemaCatalog#store()},
 * so records written with a released older version are read into the current class.
 */
public final class AvroCodec<T extends SpecificRecord> implements RecordCodec<T> {
  private static final ConcurrentHashMap<Class<?>, AvroCodec<?>> CACHE = new ConcurrentHashMap<>();

  private final Schema schema;
  private final BinaryMessageEncoder<T> encoder;
  private final BinaryMessageDecoder<T> decoder;

  private AvroCodec(Class<T> type) {
    this.schema = SchemaCatalog.schemaOf(type);
    SpecificData model = SpecificData.getForClass(type);
    this.encoder = new BinaryMessageEncoder<>(model, schema);
    this.decoder = new BinaryMessageDecoder<>(model, schema, SchemaCatalog.get().store());
  }

  @SuppressWarnings("unchecked")
  public static <T extends SpecificRecord> AvroCodec<T> of(Class<T> type) {
    return (AvroCodec<T>) CACHE.computeIfAbsent(type, t -> new AvroCodec<>(type));
  }

  @Override
  public byte[] encode(T record) {
    try {
      return encoder.encode(record).array();
    } catch (IOException e) {
      throw new CodecException("cannot encode " + schema.getFullName() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public T decode(byte[] bytes) {
    try {
      return decoder.decode(bytes);
    } catch (IOException | RuntimeException e) {
      throw new CodecException("cannot decode " + schema.getFullName() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public Schema schema() {
    return schema;
  }
}
