package dev.nbaprops.query;

import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Prometheus metrics of one instance: the request counters and latency histograms of the query API, and every
 * numeric metric of {@link KafkaStreams#metrics()} (Streams threads, tasks, stores, and its consumer, producer and
 * admin clients) as {@code kafka_streams_<group>_<name>} with the Kafka tags as labels. Kafka's cumulative
 * {@code *-total} metrics are counters, everything else is a gauge.
 */
final class QueryMetrics {
  static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Counter requests = Counter.builder().name("nba_query_requests")
      .help("Query API requests by route template and HTTP status").labelNames("route", "status").register(registry);
  private final Histogram latency = Histogram.builder().name("nba_query_request_duration_seconds")
      .help("Query API request latency by route template (seconds)")
      .classicUpperBounds(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
      .classicOnly().withoutExemplars() // what the text format shows; the rest cost 2% of a key lookup
      .labelNames("route").register(registry);
  private final Counter remoteCalls = Counter.builder().name("nba_query_instance_calls")
      .help("Calls this instance made to other instances' stores, by outcome").labelNames("outcome")
      .register(registry);
  private final Counter trainingRows = Counter.builder().name("nba_query_training_rows")
      .help("Rows of POST /training-set answers written to callers").register(registry);
  private final Counter rejected = Counter.builder().name("nba_query_rejected")
      .help("Requests answered 503 before running: worker queue full or request time limit").labelNames("reason")
      .register(registry);
  private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
  private volatile Supplier<KafkaStreams> streams = () -> null;

  void attach(Supplier<KafkaStreams> s) {
    this.streams = s;
  }

  void observe(String route, int status, long nanos) {
    requests.labelValues(route, Integer.toString(status)).inc();
    latency.labelValues(route).observe(nanos / 1e9);
  }

  void trainingRows(long n) {
    trainingRows.inc(n);
  }

  void rejected(String reason) {
    rejected.labelValues(reason).inc();
  }

  void remoteCall(String outcome) {
    remoteCalls.labelValues(outcome).inc();
  }

  byte[] scrape() {
    List<MetricSnapshot> all = new ArrayList<>(registry.scrape().stream().toList());
    KafkaStreams ks = streams.get();
    if (ks != null) {
      all.addAll(kafkaStreams(ks.metrics()));
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 << 10);
    try {
      writer.write(out, new MetricSnapshots(all), EscapingScheme.UNDERSCORE_ESCAPING);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  static List<MetricSnapshot> kafkaStreams(Map<MetricName, ? extends Metric> metrics) {
    Map<String, List<Map.Entry<Labels, Double>>> gauges = new TreeMap<>();
    Map<String, List<Map.Entry<Labels, Double>>> counters = new TreeMap<>();
    Map<String, String> help = new TreeMap<>();
    for (Map.Entry<MetricName, ? extends Metric> e : metrics.entrySet()) {
      Object v;
      try {
        v = e.getValue().metricValue();
      } catch (RuntimeException ex) {
        continue;
      }
      if (!(v instanceof Number n)) {
        continue;
      }
      MetricName mn = e.getKey();
      boolean counter = mn.name().endsWith("-total");
      String raw = counter ? mn.name().substring(0, mn.name().length() - "-total".length()) : mn.name();
      String name = sanitize("kafka_streams_" + mn.group().replaceAll("-metrics$", "") + "_" + raw);
      if (!counter && RESERVED.stream().anyMatch(name::endsWith)) {
        name = name + "_value";
      }
      Labels labels = Labels.EMPTY;
      for (Map.Entry<String, String> t : new TreeMap<>(mn.tags()).entrySet()) {
        labels = labels.add(sanitize(t.getKey()), t.getValue());
      }
      (counter ? counters : gauges).computeIfAbsent(name, k -> new ArrayList<>()).add(Map.entry(labels, n.doubleValue()));
      help.putIfAbsent(name, mn.description() == null || mn.description().isBlank() ? mn.name() : mn.description());
    }
    List<MetricSnapshot> out = new ArrayList<>();
    Set<String> names = new HashSet<>();
    gauges.forEach((name, points) -> {
      if (counters.containsKey(name) || !names.add(name)) {
        return;
      }
      GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(help.get(name));
      Set<Labels> seen = new HashSet<>();
      points.forEach(p -> {
        if (seen.add(p.getKey())) {
          b.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(p.getKey()).value(p.getValue()).build());
        }
      });
      out.add(b.build());
    });
    counters.forEach((name, points) -> {
      if (!names.add(name)) {
        return;
      }
      CounterSnapshot.Builder b = CounterSnapshot.builder().name(name).help(help.get(name));
      Set<Labels> seen = new HashSet<>();
      points.forEach(p -> {
        if (seen.add(p.getKey()) && p.getValue() >= 0 && !p.getValue().isNaN()) {
          b.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(p.getKey()).value(p.getValue()).build());
        }
      });
      out.add(b.build());
    });
    return out;
  }

  private static final List<String> RESERVED = List.of("_total", "_created", "_bucket", "_info", "_count", "_sum",
      "_gcount", "_gsum");

  static String sanitize(String s) {
    String out = s.replaceAll("[^a-zA-Z0-9_]", "_").replaceAll("_+", "_");
    return Character.isDigit(out.charAt(0)) ? "_" + out : out;
  }
}
