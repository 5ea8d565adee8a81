package dev.nbaprops.replay;

import java.util.LinkedHashMap;
import java.util.Map;

/** Counts per source: rows read = produced + dead-lettered. */
public final class ReplaySummary {
  /** Counts of one source. */
  public static final class Counts {
    public long read;
    public long produced;
    public long deadLettered;
  }

  private final Map<String, Counts> bySource = new LinkedHashMap<>();
  private long wallMillis;

  public Counts of(String source) {
    return bySource.computeIfAbsent(source, s -> new Counts());
  }

  public Map<String, Counts> bySource() {
    return bySource;
  }

  public long produced() {
    return bySource.values().stream().mapToLong(c -> c.produced).sum();
  }

  public long deadLettered() {
    return bySource.values().stream().mapToLong(c -> c.deadLettered).sum();
  }

  public long read() {
    return bySource.values().stream().mapToLong(c -> c.read).sum();
  }

  void wallMillis(long ms) {
    this.wallMillis = ms;
  }

  public long wallMillis() {
    return wallMillis;
  }

  /** One line: totals and, per source, read = produced + dead-lettered. */
  public String oneLine() {
    StringBuilder sb = new StringBuilder(String.format("replayed %,d rows in %.1f s: %,d produced, %,d dead-lettered",
        read(), wallMillis / 1000.0, produced(), deadLettered()));
    bySource.forEach((s, c) -> sb.append(String.format(" | %s %,d = %,d + %,d", s, c.read, c.produced, c.deadLettered)));
    return sb.toString();
  }
}
