package dev.nbaprops.bench;

import dev.nbaprops.avro.common.DeadLetter;
import dev.nbaprops.replay.ReplaySummary;
import dev.nbaprops.replay.Selection;
import dev.nbaprops.replay.SourceParsers;
import dev.nbaprops.replay.Timeline;
import dev.nbaprops.serde.AvroCodec;
import dev.nbaprops.source.DataLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/**
 * The "read+parse+merge only (no Kafka)" pass of {@link ReplayBenchmark} on its own, without a broker: the whole
 * {@link Timeline} over the selection (parser set-up included), every 20th record encoded with Avro as there.
 * Runs {@code --warmup} untimed passes, then {@code --reps} timed ones, and prints rec/s for each.
 * {@code --hash true} instead runs one pass and prints a SHA-256 over everything the timeline gives, in order
 * (each record's source, key, Avro bytes, event time, season, date, game, file and line; each dead letter's
 * fields but its wall-clock {@code rejected_at}), to check that a change leaves the output byte-identical.
 *
 * <p>Usage: {@code java -cp 'bench/target/lib/*:bench/target/bench-0.1.0-SNAPSHOT.jar'
 * dev.nbaprops.bench.TimelineBench [--data DIR] [--seasons a,b] [--warmup 2] [--reps 3] [--hash true]}
 */
public final class TimelineBench {
  private static final java.lang.management.ThreadMXBean CPU = java.lang.management.ManagementFactory.getThreadMXBean();

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new java.util.HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      opts.put(args[i], args[i + 1]);
    }
    Path data = Path.of(opts.getOrDefault("--data", "../shared/data/nba")).toAbsolutePath().normalize();
    List<String> seasons = opts.containsKey("--seasons") ? Arrays.asList(opts.get("--seasons").split(","))
        : List.of();
    Selection selection = Selection.of(List.of(), seasons, null, null, List.of());
    DataLayout layout = new DataLayout(data);
    if (Boolean.parseBoolean(opts.getOrDefault("--hash", "false"))) {
      hash(layout, selection);
      return;
    }
    int warmup = Integer.parseInt(opts.getOrDefault("--warmup", "2"));
    int reps = Integer.parseInt(opts.getOrDefault("--reps", "3"));
    List<Double> rates = new ArrayList<>();
    List<Double> cpuRates = new ArrayList<>();
    for (int i = 0; i < warmup + reps; i++) {
      long t0 = System.nanoTime();
      long c0 = CPU.getCurrentThreadCpuTime();
      long[] counts = pass(layout, selection);
      double secs = (System.nanoTime() - t0) / 1e9;
      double cpu = (CPU.getCurrentThreadCpuTime() - c0) / 1e9;
      double rate = counts[0] / secs;
      System.out.printf("%s %d: %,d records, %,d dead letters, %.3f s, %,.0f rec/s (this thread's CPU %.3f s: %,.0f rec/s"
          + " per CPU second)%n", i < warmup ? "warm-up" : "rep", i < warmup ? i + 1 : i - warmup + 1, counts[0],
          counts[1], secs, rate, cpu, counts[0] / cpu);
      if (i >= warmup) {
        rates.add(rate);
        cpuRates.add(counts[0] / cpu);
      }
    }
    rates.sort(null);
    cpuRates.sort(null);
    System.out.printf("seasons %s: median %,.0f rec/s (min %,.0f, max %,.0f) over %d reps; median %,.0f rec/s per CPU"
        + " second of the reading thread%n", seasons.isEmpty() ? "all" : seasons, rates.get(rates.size() / 2),
        rates.get(0), rates.get(rates.size() - 1), rates.size(), cpuRates.get(cpuRates.size() / 2));
  }

  /** One pass as ReplayBenchmark times it: {records, dead letters}. */
  private static long[] pass(DataLayout layout, Selection selection) {
    long records = 0;
    long dead = 0;
    long bytes = 0;
    try (Timeline t = new Timeline(layout, selection, SourceParsers.forLayout(layout), new ReplaySummary())) {
      while (t.hasNext()) {
        if (t.next() instanceof Timeline.Data d) {
          if (records++ % 20 == 0) {
            bytes += encode(d.value()).length;
          }
        } else {
          dead++;
        }
      }
    }
    if (bytes < 0) {
      throw new AssertionError();
    }
    return new long[] {records, dead};
  }

  private static void hash(DataLayout layout, Selection selection) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    long records = 0;
    long dead = 0;
    ReplaySummary summary = new ReplaySummary();
    try (Timeline t = new Timeline(layout, selection, SourceParsers.forLayout(layout), summary)) {
      while (t.hasNext()) {
        Timeline.Item item = t.next();
        if (item instanceof Timeline.Data d) {
          records++;
          put(md, "D", d.source().name(), d.key());
          md.update(encode(d.value()));
          put(md, Long.toString(d.eventTime()), d.season(), String.valueOf(d.date()), d.gameId(), d.file(),
              Long.toString(d.line()));
        } else if (item instanceof Timeline.Dead x) {
          dead++;
          DeadLetter l = x.letter();
          put(md, "X", x.source().name(), l.getSource(), l.getSourceFile(), String.valueOf(l.getLineNumber()),
              l.getReason(), l.getRaw(), x.season(), String.valueOf(x.date()));
        }
      }
    }
    StringBuilder counts = new StringBuilder();
    summary.bySource().forEach((s, c) -> counts.append(String.format(" %s[read %d accepted %d dead %d skipped %d late %d]",
        s, c.read, c.accepted, c.deadLettered, c.skipped, c.late)));
    System.out.printf("records %,d dead letters %,d sha256 %s%n  summary%s%n  match rules %s%n", records, dead,
        HexFormat.of().formatHex(md.digest()), counts, summary.propMatchRules());
  }

  private static void put(MessageDigest md, String... parts) {
    for (String p : parts) {
      byte[] b = String.valueOf(p).getBytes(StandardCharsets.UTF_8);
      md.update((byte) (b.length >>> 24));
      md.update((byte) (b.length >>> 16));
      md.update((byte) (b.length >>> 8));
      md.update((byte) b.length);
      md.update(b);
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static byte[] encode(SpecificRecord value) {
    return ((AvroCodec) AvroCodec.of(value.getClass())).encode(value);
  }
}
