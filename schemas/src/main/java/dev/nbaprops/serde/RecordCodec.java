package dev.nbaprops.serde;

import org.apache.avro.Schema;

/**
 * The one small interface every producer, processor, converter and test uses to turn records into bytes and
 * back. The only implementation is {@link AvroCodec} (Avro single-object encoding); swapping the wire format
 * means writing another implementation of this interface, nothing else.
 */
public interface RecordCodec<T> {
  byte[] encode(T record);

  /** Decodes bytes written by any known version of the record's schema; throws {@link CodecException}. */
  T decode(byte[] bytes);

  Schema schema();

  /** Thrown for bytes that are not a single-object-encoded record of a known schema. */
  final class CodecException extends RuntimeException {
    public CodecException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
