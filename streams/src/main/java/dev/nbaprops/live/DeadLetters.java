package dev.nbaprops.live;

import dev.nbaprops.avro.common.DeadLetter;
import dev.nbaprops.source.Excerpt;
import dev.nbaprops.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;

/**
 * Rejected live input for {@link Topics#DEAD_LETTER}: one dead letter per distinct (where, reason, raw). Reason and
 * raw copy are bounded ({@link Excerpt}); the change key is a hash of that identity, so a feed answering different
 * garbage every poll does not keep the garbage in memory.
 */
final class DeadLetters {
  static final String CHANGE_KEY_PREFIX = "dlq|";

  private DeadLetters() {}

  static LiveRecord of(String source, String where, long line, String reason, String raw, Instant now) {
    return of(source, where, Long.valueOf(line), reason, raw, now);
  }

  /** @param line the item's position in its response, or null for a record that has none */
  static LiveRecord of(String source, String where, Long line, String reason, String raw, Instant now) {
    String r = Excerpt.reason(reason);
    String copy = Excerpt.raw(raw);
    DeadLetter l = DeadLetter.newBuilder().setSource(source).setSourceFile(where).setLineNumber(line)
        .setReason(r).setRaw(copy).setRejectedAt(now).build();
    String identity = source + "|" + where + "|" + r + "|" + (copy == null ? "" : copy);
    var digest = LiveRecord.sha256(identity.getBytes(StandardCharsets.UTF_8));
    byte[] d = new byte[digest.remaining()];
    digest.duplicate().get(d);
    return new LiveRecord(Topics.DEAD_LETTER, where + ":" + (line == null ? "-" : line), l, now.toEpochMilli(),
        CHANGE_KEY_PREFIX + HexFormat.of().formatHex(d, 0, 16), digest);
  }
}
