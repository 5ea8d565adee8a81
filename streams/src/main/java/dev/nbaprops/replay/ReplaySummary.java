package dev.nbaprops.replay;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Counts per source. For the selected rows: read = accepted + dead-lettered. Accepted rows are produced to
 * their raw topic, except those an interrupted earlier run already committed ({@code --resume}). Rows of the
 * files outside the selection are counted as skipped; late rows are accepted rows whose event time is earlier
 * than the previous row's of the same source (produced anyway: the topology handles late data).
 */
public final class ReplaySummary {
  /** Counts of one source. */
  public static final class Counts {
    public long read;
    public long accepted;
    public long deadLettered;
    public long skipped;
    public long late;
    public long produced;
    public long alreadyCommitted;
  }

  private final Map<String, Counts> bySource = new LinkedHashMap<>();
  /** Accepted prop lines by the rule that matched their player name (exact, alias, ..., surname-on-roster). */
  private final Map<String, Long> propMatchRules = new java.util.TreeMap<>();
  private long wallMillis;

  void propMatched(String rule) {
    propMatchRules.merge(rule == null ? "unknown" : rule, 1L, Long::sum);
  }

  public Map<String, Long> propMatchRules() {
    return propMatchRules;
  }

  public Counts of(String source) {
    return bySource.computeIfAbsent(source, s -> new Counts());
  }

  public Map<String, Counts> bySource() {
    return bySource;
  }

  public long produced() {
    return bySource.values().stream().mapToLong(c -> c.produced).sum();
  }

  public long accepted() {
    return bySource.values().stream().mapToLong(c -> c.accepted).sum();
  }

  public long deadLettered() {
    return bySource.values().stream().mapToLong(c -> c.deadLettered).sum();
  }

  public long read() {
    return bySource.values().stream().mapToLong(c -> c.read).sum();
  }

  public long alreadyCommitted() {
    return bySource.values().stream().mapToLong(c -> c.alreadyCommitted).sum();
  }

  void wallMillis(long ms) {
    this.wallMillis = ms;
  }

  public long wallMillis() {
    return wallMillis;
  }

  /** One line: totals and, per source, read = accepted + dead-lettered. */
  public String oneLine() {
    StringBuilder sb = new StringBuilder(String.format("replayed %,d rows in %.1f s: %,d accepted, %,d dead-lettered",
        read(), wallMillis / 1000.0, accepted(), deadLettered()));
    if (alreadyCommitted() > 0) {
      sb.append(String.format(" (%,d already committed by the interrupted run, not sent again)", alreadyCommitted()));
    }
    bySource.forEach((s, c) -> {
      sb.append(String.format(" | %s %,d = %,d + %,d", s, c.read, c.accepted, c.deadLettered));
      if (c.skipped > 0) {
        sb.append(String.format(" (%,d outside the selection)", c.skipped));
      }
    });
    if (!propMatchRules.isEmpty()) {
      sb.append(" | prop players matched by rule: ");
      StringBuilder rules = new StringBuilder();
      propMatchRules.forEach((rule, n) -> rules.append(rules.length() == 0 ? "" : ", ")
          .append(String.format("%s %,d", rule, n)));
      sb.append(rules);
    }
    return sb.toString();
  }
}
