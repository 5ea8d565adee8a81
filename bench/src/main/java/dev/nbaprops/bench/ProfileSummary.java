package dev.nbaprops.bench;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Summarises a JFR recording's CPU samples ({@code jdk.ExecutionSample}): samples per thread group, the top
 * methods by self time, and the inclusive share of every frame whose class is in this project
 * ({@code dev.nbaprops}) or is one of a few library hot spots (Avro, RocksDB, the producer). Used by
 * {@code bench/profile.sh}; the figures in bench/RESULTS.md come from it.
 *
 * <p>Usage: {@code ProfileSummary FILE.jfr [top=40] [threadFilter]}
 */
public final class ProfileSummary {
  public static void main(String[] args) throws Exception {
    Path file = Path.of(args[0]);
    int top = args.length > 1 ? Integer.parseInt(args[1]) : 40;
    String threadFilter = args.length > 2 ? args[2] : "";
    String focus = args.length > 3 ? args[3] : null; // e.g. Sensor.record: who calls it (3 frames up)
    Map<String, Integer> callers = new HashMap<>();
    Map<String, Integer> byThread = new HashMap<>();
    Map<String, Integer> self = new HashMap<>();
    Map<String, Integer> inclusive = new HashMap<>();
    int total = 0;
    for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
      if (!e.getEventType().getName().equals("jdk.ExecutionSample")) {
        continue;
      }
      String thread = e.getThread("sampledThread") == null ? "?" : e.getThread("sampledThread").getJavaName();
      String group = thread == null ? "?" : thread.replaceAll("-?\\d+", "#");
      if (!threadFilter.isEmpty() && (thread == null || !thread.contains(threadFilter))) {
        continue;
      }
      RecordedStackTrace st = e.getStackTrace();
      if (st == null) {
        continue;
      }
      total++;
      byThread.merge(group, 1, Integer::sum);
      List<RecordedFrame> frames = st.getFrames();
      if (!frames.isEmpty()) {
        self.merge(name(frames.get(0)), 1, Integer::sum);
      }
      for (int i = 0; focus != null && i < frames.size(); i++) {
        if (name(frames.get(i)).equals(focus)) {
          StringBuilder path = new StringBuilder();
          for (int j = i + 1; j < Math.min(frames.size(), i + depth()); j++) {
            path.append(j > i + 1 ? " < " : "").append(name(frames.get(j)));
          }
          callers.merge(path.toString(), 1, Integer::sum);
          break;
        }
      }
      Set<String> seen = new HashSet<>();
      for (RecordedFrame f : frames) {
        String n = name(f);
        String cls = f.getMethod().getType().getName();
        if ((cls.startsWith("dev.nbaprops") || cls.startsWith("org.apache.avro.specific.SpecificDatumReader")
            || cls.startsWith("org.apache.avro.generic.GenericDatumWriter") || cls.startsWith("org.rocksdb.RocksDB")
            || cls.endsWith("KafkaProducer") || cls.contains("ForeignTableJoin") || cls.contains("SubscriptionJoin")
            || cls.contains("ResponseJoin") || cls.contains("CachingKeyValueStore") || cls.endsWith("RecordCollectorImpl")
            || cls.contains("ChangeLoggingKeyValueBytesStore") || cls.contains("duckdb"))
            && seen.add(n)) {
          inclusive.merge(n, 1, Integer::sum);
        }
      }
    }
    System.out.printf("%,d CPU samples%s%n%nby thread:%n", total, threadFilter.isEmpty() ? "" : " (threads ~ " + threadFilter + ")");
    print(byThread, total, 20);
    System.out.printf("%ntop self:%n");
    print(self, total, top);
    System.out.printf("%ntop inclusive (project classes and library hot spots):%n");
    print(inclusive, total, top);
    if (focus != null) {
      System.out.printf("%ncallers of %s:%n", focus);
      print(callers, total, top);
    }
  }

  private static int depth() {
    return Integer.getInteger("depth", 5);
  }

  private static String name(RecordedFrame f) {
    String cls = f.getMethod().getType().getName();
    return cls.substring(cls.lastIndexOf('.') + 1) + "." + f.getMethod().getName();
  }

  private static void print(Map<String, Integer> m, int total, int top) {
    Map<String, Integer> sorted = new LinkedHashMap<>();
    m.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(top)
        .forEach(e -> sorted.put(e.getKey(), e.getValue()));
    sorted.forEach((k, v) -> System.out.printf("  %5.1f%%  %7d  %s%n", 100.0 * v / total, v, k));
  }
}
