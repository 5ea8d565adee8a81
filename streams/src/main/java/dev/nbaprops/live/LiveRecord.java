package dev.nbaprops.live;

import dev.nbaprops.serde.AvroCodec;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.apache.avro.specific.SpecificRecord;

/**
 * One record for a raw topic (or the dead-letter topic), with its event time as the record timestamp, and the
 * change-detection identity: {@code changeKey} names the thing it describes (a player's final line in a game, a
 * bookmaker's line for a player) and {@code digest} its content; a record whose digest equals the last one sent
 * for its key is not sent again.
 */
public record LiveRecord(String topic, String key, SpecificRecord value, long timestamp, String changeKey,
                         ByteBuffer digest) {

  @SuppressWarnings({"unchecked", "rawtypes"})
  public byte[] encode() {
    return ((AvroCodec) AvroCodec.of(value.getClass())).encode(value);
  }

  /** SHA-256 of a record's Avro encoding: equal exactly when the values are equal. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public static ByteBuffer digestOf(SpecificRecord value) {
    return sha256(((AvroCodec) AvroCodec.of(value.getClass())).encode(value));
  }

  public static ByteBuffer sha256(byte[] bytes) {
    try {
      return ByteBuffer.wrap(MessageDigest.getInstance("SHA-256").digest(bytes)).asReadOnlyBuffer();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
