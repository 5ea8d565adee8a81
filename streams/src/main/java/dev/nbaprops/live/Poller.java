package dev.nbaprops.live;

import java.time.Instant;

/** One live feed: a poll fetches it, parses it and queues what changed in the {@link Outbox}. */
public interface Poller {
  PollerHealth health();

  /** The feed's name, as its health reports it. */
  default String name() {
    return health().name();
  }

  /** Fetches, parses and queues the changes; returns how many records were queued. */
  int poll(Instant now) throws FeedException;
}
