package dev.nbaprops.live;

import java.time.Instant;

/** One live feed: a poll fetches it, parses it and queues what changed in the {@link Outbox}. */
public interface Poller {
  String name();

  PollerHealth health();

  /** Fetches, parses and queues the changes; returns how many records were queued. */
  int poll(Instant now) throws FeedException;
}
