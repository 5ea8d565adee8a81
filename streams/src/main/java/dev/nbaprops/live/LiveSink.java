package dev.nbaprops.live;

import java.util.List;

/** Where live records go: all of a batch or none of it (the Kafka sink sends a batch in one transaction). */
@FunctionalInterface
public interface LiveSink extends AutoCloseable {
  void send(List<LiveRecord> batch) throws Exception;

  @Override
  default void close() {}
}
