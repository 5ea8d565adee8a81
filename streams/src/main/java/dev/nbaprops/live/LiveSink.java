package dev.nbaprops.live;

import java.util.List;

/** Where live records go: all of a batch or none of it (the Kafka sink sends a batch in one transaction). */
@FunctionalInterface
public interface LiveSink extends AutoCloseable {
  /**
   * Sends the batch, all or nothing. Throws {@link PoisonRecordException} when one record can never be sent (too
   * large, unencodable), any other exception for a failure that a later attempt may not have (broker away).
   */
  void send(List<LiveRecord> batch) throws Exception;

  @Override
  default void close() {}

  /** Nothing of the batch was sent because record {@code index} can never be: the outbox dead-letters it. */
  final class PoisonRecordException extends Exception {
    private final int index;

    public PoisonRecordException(int index, String message, Throwable cause) {
      super(message, cause);
      this.index = index;
    }

    public int index() {
      return index;
    }
  }
}
