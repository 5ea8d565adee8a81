package dev.nbaprops.live;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The live run's health as JSON (for {@code GET /live/health}) and as Prometheus text exposition lines (gauges and
 * counters with {@code # HELP}/{@code # TYPE}), which a {@code /metrics} endpoint can append as they are.
 */
public final class LiveMetrics {
  private final List<PollerHealth> pollers;
  private final Outbox outbox;
  private final LiveGames games;

  public LiveMetrics(List<PollerHealth> pollers, Outbox outbox, LiveGames games) {
    this.pollers = List.copyOf(pollers);
    this.outbox = outbox;
    this.games = games;
  }

  /** Healthy when no poller and not the producer is stale or failing 3+ times in a row. */
  public boolean healthy(Instant now) {
    for (PollerHealth h : all()) {
      if (h.stale(now) || h.consecutiveFailures() >= 3) {
        return false;
      }
    }
    return true;
  }

  private List<PollerHealth> all() {
    List<PollerHealth> l = new ArrayList<>(pollers);
    l.add(outbox.health());
    return l;
  }

  public Map<String, Object> json(Instant now) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("status", healthy(now) ? "ok" : "degraded");
    m.put("now", now.toString());
    m.put("pollers", pollers.stream().map(h -> h.toJson(now)).toList());
    Map<String, Object> ob = new LinkedHashMap<>(outbox.health().toJson(now));
    ob.put("pending_records", outbox.pending());
    ob.put("dead_lettered", outbox.deadLettered());
    ob.put("recovered_at_start", outbox.recovered());
    ob.put("oldest_pending_age_seconds", outbox.oldestPendingAge(now).toMillis() / 1000.0);
    m.put("producer", ob);
    m.put("games", games.counts());
    return m;
  }

  /** Prometheus text format (version 0.0.4) lines, each ending in a newline. */
  public String prometheus(Instant now) {
    StringBuilder b = new StringBuilder();
    List<PollerHealth> all = all();
    gauge(b, "nba_live_poller_last_success_timestamp_seconds", "Unix time of the poller's last successful poll",
        all, h -> h.lastSuccess() == null ? null : h.lastSuccess().toEpochMilli() / 1000.0);
    gauge(b, "nba_live_poller_last_error_timestamp_seconds", "Unix time of the poller's last failed poll",
        all, h -> h.lastError() == null ? null : h.lastError().toEpochMilli() / 1000.0);
    gauge(b, "nba_live_poller_lag_seconds", "Seconds since the poller's last successful poll",
        all, h -> {
          Duration lag = h.lag(now);
          return lag == null ? null : lag.toMillis() / 1000.0;
        });
    gauge(b, "nba_live_poller_consecutive_failures", "Failed polls since the last success", all,
        h -> (double) h.consecutiveFailures());
    gauge(b, "nba_live_poller_up", "1 when the poller is neither stale nor failing 3+ times in a row", all,
        h -> h.stale(now) || h.consecutiveFailures() >= 3 ? 0.0 : 1.0);
    counter(b, "nba_live_poller_polls_total", "Polls by outcome", all);
    counterOf(b, "nba_live_poller_records_total", "Changed records queued for Kafka", all, h -> (double) h.records());
    header(b, "nba_live_outbox_pending_records", "Fetched records not yet committed to Kafka", "gauge");
    b.append("nba_live_outbox_pending_records ").append(fmt(outbox.pending())).append('\n');
    header(b, "nba_live_outbox_oldest_pending_age_seconds", "Age of the oldest record not yet committed", "gauge");
    b.append("nba_live_outbox_oldest_pending_age_seconds ").append(fmt(outbox.oldestPendingAge(now).toMillis() / 1000.0))
        .append('\n');
    header(b, "nba_live_outbox_dead_lettered_total", "Records that could never be sent, dead-lettered instead", "counter");
    b.append("nba_live_outbox_dead_lettered_total ").append(fmt(outbox.deadLettered())).append('\n');
    header(b, "nba_live_outbox_recovered_records", "Records queued again from the journal at start", "gauge");
    b.append("nba_live_outbox_recovered_records ").append(fmt(outbox.recovered())).append('\n');
    header(b, "nba_live_games", "Followed games by state", "gauge");
    games.counts().forEach((state, n) -> b.append("nba_live_games{state=\"").append(state).append("\"} ")
        .append(fmt(n)).append('\n'));
    boolean quotaHeader = false;
    for (PollerHealth h : pollers) {
      for (Map.Entry<String, Double> g : h.gauges().entrySet()) {
        if (!quotaHeader) {
          header(b, "nba_live_feed_gauge", "Feed-reported values, e.g. the Odds API's x-requests-remaining", "gauge");
          quotaHeader = true;
        }
        b.append("nba_live_feed_gauge{poller=\"").append(h.name()).append("\",name=\"").append(g.getKey())
            .append("\"} ").append(fmt(g.getValue())).append('\n');
      }
    }
    return b.toString();
  }

  private interface Value {
    Double of(PollerHealth h);
  }

  private static void gauge(StringBuilder b, String name, String help, List<PollerHealth> hs, Value v) {
    header(b, name, help, "gauge");
    for (PollerHealth h : hs) {
      Double x = v.of(h);
      if (x != null) {
        b.append(name).append("{poller=\"").append(h.name()).append("\"} ").append(fmt(x)).append('\n');
      }
    }
  }

  private static void counterOf(StringBuilder b, String name, String help, List<PollerHealth> hs, Value v) {
    header(b, name, help, "counter");
    for (PollerHealth h : hs) {
      b.append(name).append("{poller=\"").append(h.name()).append("\"} ").append(fmt(v.of(h))).append('\n');
    }
  }

  private static void counter(StringBuilder b, String name, String help, List<PollerHealth> hs) {
    header(b, name, help, "counter");
    for (PollerHealth h : hs) {
      b.append(name).append("{poller=\"").append(h.name()).append("\",outcome=\"success\"} ")
          .append(fmt(h.successes())).append('\n');
      b.append(name).append("{poller=\"").append(h.name()).append("\",outcome=\"failure\"} ")
          .append(fmt(h.failures())).append('\n');
    }
  }

  private static void header(StringBuilder b, String name, String help, String type) {
    b.append("# HELP ").append(name).append(' ').append(help).append('\n');
    b.append("# TYPE ").append(name).append(' ').append(type).append('\n');
  }

  private static String fmt(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : String.format(Locale.ROOT, "%.3f", v);
  }
}
