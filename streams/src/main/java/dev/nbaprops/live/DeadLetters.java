package dev.nbaprops.live;

import dev.nbaprops.avro.common.DeadLetter;
import dev.nbaprops.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/** Rejected live input for {@link Topics#DEAD_LETTER}: one dead letter per distinct (where, reason, raw). */
final class DeadLetters {
  private DeadLetters() {}

  static LiveRecord of(String source, String where, long line, String reason, String raw, Instant now) {
    DeadLetter l = DeadLetter.newBuilder().setSource(source).setSourceFile(where).setLineNumber(line)
        .setReason(reason).setRaw(raw).setRejectedAt(now).build();
    String identity = source + "|" + where + "|" + reason + "|" + (raw == null ? "" : raw);
    return new LiveRecord(Topics.DEAD_LETTER, where + ":" + line, l, now.toEpochMilli(), "dlq|" + identity,
        LiveRecord.sha256(identity.getBytes(StandardCharsets.UTF_8)));
  }
}
