package dev.nbaprops.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Which of the app JVM's threads the CPU went to while a benchmark runs: each Java thread's CPU time from
 * {@link ThreadMXBean}, taken when the sampler is made and then every second on the {@link MemorySampler}'s thread
 * (so a thread that ends mid-run keeps what it used), grouped by the thread's name with client ids (UUIDs) left out. The JVM's
 * own threads (collector, compilers) and native threads (RocksDB's flushes and compactions) are not Java threads:
 * they are the process's CPU less the sum ({@link #byThread(double)}).
 */
final class ThreadCpuSampler {
  private static final Pattern UUID =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}-?");
  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private final Map<Long, Long> startNs = new HashMap<>();
  private final Map<Long, Long> lastNs = new HashMap<>();
  private final Map<Long, String> names = new HashMap<>();

  ThreadCpuSampler(MemorySampler everySecond) {
    sample(true);
    everySecond.alsoEverySecond(() -> sample(false));
  }

  private synchronized void sample(boolean first) {
    for (java.lang.management.ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info == null) {
        continue; // ended between the two calls
      }
      long ns = threads.getThreadCpuTime(info.getThreadId());
      if (ns < 0) {
        continue;
      }
      long id = info.getThreadId();
      if (first) {
        startNs.put(id, ns);
      }
      lastNs.put(id, ns);
      names.putIfAbsent(id, UUID.matcher(info.getThreadName()).replaceAll(""));
    }
  }

  /**
   * CPU seconds of each thread name since the sampler started, largest first, with "(JVM and native threads)" for
   * {@code processCpuSeconds} (the process's CPU over the same span) less the Java threads' sum.
   */
  synchronized Map<String, Double> byThread(double processCpuSeconds) {
    sample(false);
    Map<String, Double> byName = new TreeMap<>();
    double sum = 0;
    for (Map.Entry<Long, Long> e : lastNs.entrySet()) {
      double s = (e.getValue() - startNs.getOrDefault(e.getKey(), 0L)) / 1e9;
      byName.merge(names.get(e.getKey()), s, Double::sum);
      sum += s;
    }
    Map<String, Double> out = new LinkedHashMap<>();
    byName.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed())
        .filter(e -> e.getValue() >= 0.05)
        .forEach(e -> out.put(e.getKey(), Math.round(e.getValue() * 10) / 10.0));
    out.put("(JVM and native threads)", Math.round((processCpuSeconds - sum) * 10) / 10.0);
    return out;
  }

}
