package dev.nbaprops.bench;

import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Where the app JVM's memory is, sampled every second while a benchmark runs: the resident set (VmRSS), the Java
 * heap committed and used, and Kafka Streams' RocksDB figures (memtables and table readers summed over every store
 * instance; the block cache, which every store shares with the default rocksdb.memory.mb > 0, counted once: with
 * 0 each store has its own and this undercounts). Each figure's peak is kept, with the
 * resident set and the others at the moment the resident set peaked, so the peak can be taken apart. Other
 * per-second samplers of the run ({@link ThreadCpuSampler}) ride on the same thread ({@link #alsoEverySecond}).
 */
final class MemorySampler implements AutoCloseable {
  private static final java.util.Set<String> ROCKSDB_FIGURES =
      java.util.Set.of("size-all-mem-tables", "estimate-table-readers-mem", "block-cache-usage");
  private final KafkaStreams streams;
  private final Thread thread;
  private volatile boolean stop;
  private final Map<String, Long> peak = new LinkedHashMap<>();
  private Map<String, Long> atRssPeak = Map.of();
  private final java.util.List<Runnable> alsoEverySecond = new java.util.concurrent.CopyOnWriteArrayList<>();

  MemorySampler(KafkaStreams streams) {
    this.streams = streams;
    this.thread = new Thread(this::loop, "bench-memory-sampler");
    thread.setDaemon(true);
    thread.start();
  }

  private void loop() {
    while (!stop) {
      Map<String, Long> now;
      try {
        now = sample();
      } catch (RuntimeException e) { // a store's gauge may throw while it closes or fails: skip this sample
        now = Map.of();
      }
      synchronized (this) {
        now.forEach((k, v) -> peak.merge(k, v, Math::max));
        if (now.getOrDefault("rss_mb", 0L) >= atRssPeak.getOrDefault("rss_mb", 0L)) {
          atRssPeak = now;
        }
      }
      try {
        alsoEverySecond.forEach(Runnable::run);
      } catch (RuntimeException e) { // skip this sample, as above
      }
      try {
        Thread.sleep(1_000);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private Map<String, Long> sample() {
    Map<String, Long> m = new LinkedHashMap<>();
    m.put("rss_mb", ReplayBenchmark.statusKb(ProcessHandle.current().pid(), "VmRSS:") >> 10);
    var heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    m.put("heap_committed_mb", heap.getCommitted() >> 20);
    m.put("heap_used_mb", heap.getUsed() >> 20);
    var nonHeap = ManagementFactory.getMemoryMXBean().getNonHeapMemoryUsage();
    m.put("non_heap_committed_mb", nonHeap.getCommitted() >> 20);
    double memtables = 0;
    double readers = 0;
    double blockCache = 0;
    for (Map.Entry<MetricName, ? extends Metric> e : streams.metrics().entrySet()) {
      String name = e.getKey().name();
      if (!ROCKSDB_FIGURES.contains(name) || !(e.getValue().metricValue() instanceof Number n)) {
        continue; // only the three RocksDB figures are read (each is a native property read)
      }
      switch (name) {
        case "size-all-mem-tables" -> memtables += n.doubleValue();
        case "estimate-table-readers-mem" -> readers += n.doubleValue();
        case "block-cache-usage" -> blockCache = Math.max(blockCache, n.doubleValue());
        default -> { }
      }
    }
    m.put("rocksdb_memtables_mb", (long) memtables >> 20);
    m.put("rocksdb_table_readers_mb", (long) readers >> 20);
    m.put("rocksdb_block_cache_mb", (long) blockCache >> 20);
    return m;
  }

  /** Runs {@code sample} on this sampler's thread every second from now until it closes. */
  void alsoEverySecond(Runnable sample) {
    alsoEverySecond.add(sample);
  }

  synchronized Map<String, Long> peaks() {
    return new LinkedHashMap<>(peak);
  }

  synchronized Map<String, Long> atRssPeak() {
    return new LinkedHashMap<>(atRssPeak);
  }

  @Override
  public void close() throws InterruptedException {
    stop = true;
    thread.interrupt();
    thread.join(5_000);
  }
}
