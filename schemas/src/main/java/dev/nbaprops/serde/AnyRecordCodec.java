package dev.nbaprops.serde;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;

/**
 * Single-object encoding for a topic that carries records of several catalog types: each record is encoded by
 * its own {@link AvroCodec}; decoding reads the fingerprint from the header, finds that schema in
 * {@link SchemaCatalog#store()} (current or released) and decodes into the current class of the same name.
 */
final class AnyRecordCodec implements RecordCodec<SpecificRecord> {
  @Override
  @SuppressWarnings("unchecked")
  public byte[] encode(SpecificRecord record) {
    return AvroCodec.of((Class<SpecificRecord>) record.getClass()).encode(record);
  }

  @Override
  public SpecificRecord decode(byte[] bytes) {
    if (bytes.length < 10 || bytes[0] != (byte) 0xC3 || bytes[1] != (byte) 0x01) {
      throw new CodecException("not Avro single-object encoding (no C3 01 header)", null);
    }
    long fingerprint = ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    Schema writer = SchemaCatalog.get().store().findByFingerprint(fingerprint);
    if (writer == null) {
      throw new CodecException("unknown schema fingerprint " + Long.toHexString(fingerprint), null);
    }
    Class<? extends SpecificRecord> type = SchemaCatalog.get().classOf(writer.getFullName()).orElseThrow(
        () -> new CodecException("no current class for " + writer.getFullName(), null));
    return AvroCodec.of(type).decode(bytes);
  }

  @Override
  public Schema schema() {
    throw new UnsupportedOperationException("records of several schemas");
  }
}
