package dev.nbaprops.reliability;

import dev.nbaprops.serde.AvroCodec;
import dev.nbaprops.serde.TableSpec;
import dev.nbaprops.testing.TopicReader;
import dev.nbaprops.warehouse.WarehouseExport;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * The reliability harness (docs/reliability.md, issue 19): a real replay into a cluster of separate processes
 * (a KRaft broker, the app's {@code run} instance, the Connect worker with the warehouse sink, and a
 * {@code replay --produce-only} producer), first without faults (the reference), then again while faults chosen by
 * a seed hit it: {@code kill -9} of any of the four (restarted after a short pause; the producer with
 * {@code --resume}), a broker bounce (SIGTERM, wait for it to stop, start it again) and, optionally, a full disk under
 * the app's state directory (a small tmpfs filled up, then emptied). Every process that exits on its own is
 * restarted, as a supervisor would. At the end (everything drained) it compares, key by key, every derived
 * topic's latest committed values and every warehouse table of the two runs: lost, extra, doubled (a key twice in
 * a table) and differing rows must all be 0.
 *
 * <p>Run it with {@code bench/kill-harness.sh} (options: {@link #usage()}); {@code KillHarnessTest} runs a short
 * version (two kills on the bundled slice) in {@code mvn verify}. Child JVMs use this JVM's class path.
 */
public final class KillHarness {
  /** Numbers are equal within this relative difference (sums of the same doubles in another order). */
  static final double TOLERANCE = 1e-9;
  static final List<String> ALL_TARGETS = List.of("app", "producer", "connect", "broker");
  /** Every pair of two processes, for {@code --double-kills} (both killed at once, both down together). */
  static final List<String> ALL_PAIRS = List.of("broker+app", "broker+connect", "broker+producer", "app+connect",
      "app+producer", "connect+producer");

  public record Options(Path data, List<String> seasons, String endDate, long seed, int kills, int bounces, List<String> targets,
                        Path work, String speed, double minGap, double maxGap, Path reference, boolean diskFull,
                        String tmpfsSize, int doubleKills, List<String> pairs) {
    String describe() {
      StringBuilder b = new StringBuilder("--seed " + seed + " --kills " + kills + " --bounces " + bounces);
      if (targets != null) {
        b.append(" --targets ").append(String.join(",", targets));
      }
      if (doubleKills > 0) {
        b.append(" --double-kills ").append(doubleKills);
        if (pairs != null) {
          b.append(" --pairs ").append(String.join(",", pairs));
        }
      }
      b.append(" --data ").append(data);
      if (!seasons.isEmpty()) {
        b.append(" --seasons ").append(String.join(",", seasons));
      }
      if (endDate != null) {
        b.append(" --end-date ").append(endDate);
      }
      b.append(" --speed ").append(speed).append(" --gap ").append(minGap).append(',').append(maxGap);
      if (diskFull) {
        b.append(" --disk-full");
      }
      return b.toString();
    }
  }

  /** One fault of the schedule. */
  record Fault(String kind, String target, double gapSeconds, double downSeconds) {
    @Override
    public String toString() {
      return String.format("%s %s after %.1f s (down %.1f s)", kind, target, gapSeconds, downSeconds);
    }
  }

  /** What a run found: the faults survived and the comparison with the reference. */
  public record Result(long seed, Map<String, Integer> faultsDone, int restarts, Comparison topics,
                       Comparison warehouse, long referenceSeconds, long faultedSeconds, String diskFullMessage) {
    public boolean ok() {
      return topics.clean() && warehouse.clean() && topics.compared() > 0 && warehouse.compared() > 0;
    }

    public int faults() {
      return faultsDone.values().stream().mapToInt(Integer::intValue).sum();
    }
  }

  /** Counts over every table (or topic); compared = rows (keys) of the reference. */
  public record Comparison(int tables, long compared, long lost, long extra, long doubled, long differing,
                           List<String> notes) {
    boolean clean() {
      return lost == 0 && extra == 0 && doubled == 0 && differing == 0;
    }
  }

  /**
   * What {@code bin/nba-props-streams} gives every JVM it starts, and {@code embedded.kafka.jvm.options} the broker's:
   * C1 only (docs/profiles.md: for JVMs that run minutes, C2's compiler threads cost more CPU than they win back).
   */
  static final List<String> LAUNCHER_JVM = List.of("-XX:TieredStopAtLevel=1");

  private final Options o;
  private final PrintStream out;
  private final long t0 = System.nanoTime();

  KillHarness(Options o, PrintStream out) {
    this.o = o;
    this.out = out;
  }

  public static void main(String[] args) throws Exception {
    if (List.of(args).contains("--help") || List.of(args).contains("--help-usage")) {
      System.out.println(usage());
      return;
    }
    if (args.length == 3 && args[0].equals("--compare-snapshots")) {
      // Only the comparison, of two snapshot directories of earlier runs (<work>/reference/snapshot, .../faulted/...).
      Comparison t = compareTopics(Path.of(args[1]), Path.of(args[2]));
      Comparison w = compareTables(Path.of(args[1]), Path.of(args[2]));
      t.notes().forEach(n -> System.out.println("topics: " + n));
      w.notes().forEach(n -> System.out.println("warehouse: " + n));
      System.out.printf("kill-harness: topics: %,d keys compared, lost %d, extra %d, differing %d%n", t.compared(),
          t.lost(), t.extra(), t.differing());
      System.out.printf("kill-harness: warehouse: %,d rows compared, lost %d, doubled %d, extra %d, differing %d%n",
          w.compared(), w.lost(), w.doubled(), w.extra(), w.differing());
      System.exit(t.clean() && w.clean() ? 0 : 1);
    }
    Options o;
    try {
      o = parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      System.err.println(usage());
      System.exit(2);
      return;
    }
    Result r = run(o, System.out);
    System.exit(r.ok() ? 0 : 1);
  }

  static String usage() {
    return String.join("\n",
        "usage: bench/kill-harness.sh [--seed N] [--kills N] [--bounces N] [--targets app,producer,connect,broker]",
        "         [--data DIR] [--seasons S,..] [--end-date YYYY-MM-DD] [--speed max|N] [--gap MIN,MAX] [--work DIR] [--reference DIR]",
        "         [--double-kills N [--pairs broker+app,...]] [--disk-full [--tmpfs-size 64m]]",
        "       bench/kill-harness.sh --compare-snapshots REF_SNAPSHOT_DIR RUN_SNAPSHOT_DIR",
        "  --seed       seed of the fault schedule (default: random, printed)",
        "  --kills      kill -9 faults (default 10), targets chosen by the seed among --targets",
        "  --bounces    broker stop/start (SIGTERM) faults (default 0)",
        "  --double-kills  kill -9 of two processes at once, both down together, restarted after one drawn delay",
        "               (default 0); the pair is drawn by the seed among --pairs (default: all six pairs)",
        "  --data       data directory (default: the bundled slice data/nba-slice)",
        "  --seasons, --end-date  replay only these seasons, only up to this game date",
        "  --speed      the replay's pace (replay --speed; default max)",
        "  --gap        seconds between two faults, drawn from [MIN, MAX] (default 2,8)",
        "  --reference  a reference snapshot directory of an earlier run of the same data (skips the reference run)",
        "  --disk-full  the app's state dir on a tmpfs (root): filled up mid-run, emptied after the app stopped");
  }

  static Options parse(String[] args) {
    Map<String, String> a = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String k = args[i];
      if (!k.startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument " + k);
      }
      if (k.equals("--disk-full")) {
        a.put(k, "true");
      } else if (i + 1 < args.length) {
        a.put(k, args[++i]);
      } else {
        throw new IllegalArgumentException(k + " needs a value");
      }
    }
    for (String k : a.keySet()) {
      if (!List.of("--seed", "--kills", "--bounces", "--targets", "--data", "--seasons", "--end-date", "--speed", "--gap", "--work",
          "--reference", "--disk-full", "--tmpfs-size", "--double-kills", "--pairs").contains(k)) {
        throw new IllegalArgumentException("unknown option " + k);
      }
    }
    long seed = a.containsKey("--seed") ? Long.parseLong(a.get("--seed")) : new Random().nextInt(1_000_000);
    String[] gap = a.getOrDefault("--gap", "2,8").split(",");
    Path data = Path.of(a.getOrDefault("--data", "data/nba-slice")).toAbsolutePath().normalize();
    List<String> targets = a.containsKey("--targets") ? Arrays.asList(a.get("--targets").split(",")) : null;
    if (targets != null && !ALL_TARGETS.containsAll(targets)) {
      throw new IllegalArgumentException("--targets: one or more of " + ALL_TARGETS);
    }
    List<String> pairs = a.containsKey("--pairs") ? Arrays.asList(a.get("--pairs").split(",")) : null;
    if (pairs != null && !pairs.stream().allMatch(KillHarness::validPair)) {
      throw new IllegalArgumentException("--pairs: two different processes joined by '+', e.g. broker+app");
    }
    return new Options(data, a.containsKey("--seasons") ? Arrays.asList(a.get("--seasons").split(",")) : List.of(),
        a.get("--end-date"),
        seed, Integer.parseInt(a.getOrDefault("--kills", "10")), Integer.parseInt(a.getOrDefault("--bounces", "0")),
        targets, Path.of(a.getOrDefault("--work", "target/kill-harness")).toAbsolutePath(),
        a.getOrDefault("--speed", "max"), Double.parseDouble(gap[0]), Double.parseDouble(gap[gap.length - 1]),
        a.containsKey("--reference") ? Path.of(a.get("--reference")).toAbsolutePath() : null,
        a.containsKey("--disk-full"), a.getOrDefault("--tmpfs-size", "64m"),
        Integer.parseInt(a.getOrDefault("--double-kills", "0")), pairs);
  }

  static boolean validPair(String pair) {
    String[] p = pair.split("\\+");
    return p.length == 2 && !p[0].equals(p[1]) && ALL_TARGETS.contains(p[0]) && ALL_TARGETS.contains(p[1]);
  }

  /** The schedule the seed gives: kills (first every target once, in a shuffled order, then any) and bounces. */
  static List<Fault> schedule(Options o) {
    Random rnd = new Random(o.seed());
    List<String> pool = new ArrayList<>(o.targets() == null ? ALL_TARGETS : o.targets());
    List<String> order = new ArrayList<>();
    if (o.targets() == null) {
      List<String> first = new ArrayList<>(pool);
      java.util.Collections.shuffle(first, rnd);
      order.addAll(first);
    }
    while (order.size() < o.kills()) {
      order.add(o.targets() != null ? pool.get(order.size() % pool.size()) : pool.get(rnd.nextInt(pool.size())));
    }
    List<Fault> faults = new ArrayList<>();
    for (int i = 0; i < o.kills(); i++) {
      faults.add(new Fault("kill -9", order.get(i), draw(rnd, o.minGap(), o.maxGap()), draw(rnd, 0.5, 4)));
    }
    for (int i = 0; i < o.bounces(); i++) {
      faults.add(rnd.nextInt(faults.size() + 1), new Fault("bounce", "broker", draw(rnd, o.minGap(), o.maxGap()),
          draw(rnd, 1, 5)));
    }
    // Drawn after the rest, so a seed gives the same kills and bounces with or without --double-kills.
    List<String> pairs = o.pairs() == null ? ALL_PAIRS : o.pairs();
    for (int i = 0; i < o.doubleKills(); i++) {
      String pair = pairs.get(rnd.nextInt(pairs.size()));
      faults.add(rnd.nextInt(faults.size() + 1), new Fault("kill -9", pair, draw(rnd, o.minGap(), o.maxGap()),
          draw(rnd, 0.5, 4)));
    }
    return faults;
  }

  private static double draw(Random rnd, double lo, double hi) {
    return Math.round((lo + rnd.nextDouble() * (hi - lo)) * 10) / 10.0;
  }

  public static Result run(Options o, PrintStream out) throws Exception {
    return new KillHarness(o, out).run();
  }

  private Result run() throws Exception {
    List<Fault> faults = schedule(o);
    log("seed " + o.seed() + " (re-run: bench/kill-harness.sh " + o.describe() + ")");
    log("schedule: " + faults);
    Files.createDirectories(o.work());
    Path refSnap;
    long refSeconds = 0;
    if (o.reference() != null) {
      refSnap = o.reference();
      log("reference: reusing " + refSnap);
    } else {
      long t = System.nanoTime();
      Path dir = o.work().resolve("reference");
      deleteTree(dir);
      refSnap = dir.resolve("snapshot");
      log("reference run (no faults) in " + dir);
      try (Cluster c = new Cluster(dir, "ref")) {
        c.replayAndDrain(List.of());
        c.snapshot(refSnap);
        if (c.restarts > 0) {
          log("reference run: " + c.restarts + " restarts after a process exited by itself (no fault injected)");
        }
      }
      refSeconds = (System.nanoTime() - t) / 1_000_000_000L;
      log("reference done in " + refSeconds + " s");
    }
    long t = System.nanoTime();
    Path dir = o.work().resolve("faulted");
    deleteTree(dir);
    Path snap = dir.resolve("snapshot");
    log("faulted run in " + dir);
    Map<String, Integer> done;
    int restarts;
    String diskMsg;
    try (Cluster c = new Cluster(dir, "run")) {
      done = c.replayAndDrain(faults);
      restarts = c.restarts;
      diskMsg = c.diskFullMessage;
      c.snapshot(snap);
    }
    long runSeconds = (System.nanoTime() - t) / 1_000_000_000L;
    Comparison topics = compareTopics(refSnap, snap);
    Comparison tables = compareTables(refSnap, snap);
    Result r = new Result(o.seed(), done, restarts, topics, tables, refSeconds, runSeconds, diskMsg);
    report(r);
    return r;
  }

  private void report(Result r) {
    for (String n : r.topics().notes()) {
      log("  topics: " + n);
    }
    for (String n : r.warehouse().notes()) {
      log("  warehouse: " + n);
    }
    String faults = r.faultsDone().entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
        .reduce((x, y) -> x + ", " + y).orElse("none");
    out.printf("kill-harness: seed %d: %d faults survived (%s), %d restarts after a process exited by itself%n",
        r.seed(), r.faults(), faults, r.restarts());
    if (r.diskFullMessage() != null) {
      out.printf("kill-harness: disk full: %s%n", r.diskFullMessage());
    }
    Comparison c = r.topics();
    out.printf("kill-harness: topics: %d derived topics, %,d keys compared, lost %d, extra %d, differing %d%n",
        c.tables(), c.compared(), c.lost(), c.extra(), c.differing());
    c = r.warehouse();
    out.printf("kill-harness: warehouse: %d tables, %,d rows compared, lost %d, doubled %d, extra %d, differing %d%n",
        c.tables(), c.compared(), c.lost(), c.doubled(), c.extra(), c.differing());
    out.printf("kill-harness: %s in %d s (reference run %d s, faulted run %d s); seed %d%n", r.ok() ? "PASS" : "FAIL",
        (System.nanoTime() - t0) / 1_000_000_000L, r.referenceSeconds(), r.faultedSeconds(), r.seed());
  }

  void log(String s) {
    out.printf("[kill-harness +%5.1fs] %s%n", (System.nanoTime() - t0) / 1e9, s);
    out.flush();
  }

  // ---- the cluster of processes ---------------------------------------------------------------------------

  /** Broker, app ({@code run}), Connect worker and replay producer, each its own JVM, restartable. */
  final class Cluster implements AutoCloseable {
    final Path dir;
    final String name;
    final int brokerPort = freePort();
    final int controllerPort = freePort();
    final int appPort = freePort();
    final int connectPort = freePort();
    final Map<String, Process> procs = new LinkedHashMap<>();
    final Map<String, Integer> starts = new HashMap<>();
    final Map<String, Integer> done = new TreeMap<>();
    boolean producerDone;
    int restarts;
    String diskFullMessage;
    boolean tmpfsMounted;

    Cluster(Path dir, String name) throws IOException {
      this.dir = dir;
      this.name = name;
      // Ctrl-C of the harness stops its processes too (the broker also stops when its stdin pipe closes).
      Runtime.getRuntime().addShutdownHook(new Thread(() -> procs.values().forEach(Process::destroyForcibly)));
      Files.createDirectories(dir.resolve("logs"));
      if (o.diskFull() && name.equals("run")) {
        Files.createDirectories(dir.resolve("app"));
        exec("mount", "-t", "tmpfs", "-o", "size=" + o.tmpfsSize(), "tmpfs", dir.resolve("app").toString());
        tmpfsMounted = true;
        log("app state dir " + dir.resolve("app") + " is a tmpfs of " + o.tmpfsSize());
      }
    }

    String bootstrap() {
      return "localhost:" + brokerPort;
    }

    Map<String, Integer> replayAndDrain(List<Fault> faults) throws Exception {
      start("broker");
      awaitBroker();
      start("app");
      start("connect");
      start("producer");
      for (Fault f : faults) {
        String target = f.target();
        if (target.contains("+")) {
          doubleKill(f);
          continue;
        }
        // A fault hits a process at work, not one still starting: the gap runs from when it is working.
        awaitWorking(target);
        sleepSupervising(f.gapSeconds());
        if (target.equals("producer") && producerDone) {
          log("the producer has already finished: this kill goes to the app instead");
          target = "app";
        }
        if (f.kind().equals("bounce")) {
          log("bounce broker: SIGTERM, waiting for it to stop");
          long t = System.nanoTime();
          stop("broker", Duration.ofSeconds(60));
          log(String.format("broker stopped after %.1f s; down for %.1f s", (System.nanoTime() - t) / 1e9,
              f.downSeconds()));
        } else {
          log("kill -9 " + target + " (pid " + procs.get(target).pid() + ")" + (producerDone ? "" : ", replay producing"));
          kill9(target);
        }
        sleepSupervising(f.downSeconds(), target);
        start(target);
        if (target.equals("broker")) {
          awaitBroker();
        }
        done.merge(f.kind() + " " + target, 1, Integer::sum);
      }
      if (o.diskFull() && name.equals("run")) {
        diskFull();
      }
      while (!producerDone) {
        sleepSupervising(1);
      }
      log("replay producer finished; waiting until the app and the sink have processed everything");
      Process drained = java("drained", List.of("-Xmx256m"), "dev.nbaprops.cli.Main", "drained", "--bootstrap-servers",
          bootstrap(), "--settle", "PT10S", "--timeout", "PT60M", "--state-dir", dir.resolve("drained").toString());
      while (drained.isAlive()) {
        sleepSupervising(1);
      }
      if (drained.exitValue() != 0) {
        throw new IllegalStateException("not drained; see " + dir.resolve("logs"));
      }
      log("drained");
      return done;
    }

    /**
     * Two processes down together: both at work, then {@code kill -9} of both at once (no pause between the two
     * signals), both kept down for the drawn time, then started again, the broker first (and awaited while the
     * other stays down) when it is one of them. A pair with the producer after it has finished takes another
     * process instead (the app, or the sink when the app is already in the pair).
     */
    private void doubleKill(Fault f) throws Exception {
      List<String> pair = new ArrayList<>(List.of(f.target().split("\\+")));
      for (String n : pair) {
        awaitWorking(n);
      }
      sleepSupervising(f.gapSeconds());
      if (producerDone && pair.contains("producer")) {
        String other = pair.contains("app") ? "connect" : "app";
        log("the producer has already finished: this double kill takes the " + other + " instead");
        pair.set(pair.indexOf("producer"), other);
      }
      pair.sort(java.util.Comparator.comparing(n -> !n.equals("broker"))); // the broker first
      StringBuilder what = new StringBuilder();
      for (String n : pair) {
        what.append(what.isEmpty() ? "" : " and ").append(n).append(" (pid ").append(procs.get(n).pid()).append(')');
      }
      log("kill -9 " + what + " at once" + (producerDone ? "" : ", replay producing"));
      for (String n : pair) {
        procs.get(n).destroyForcibly();
      }
      for (String n : pair) {
        procs.get(n).waitFor(30, TimeUnit.SECONDS);
      }
      sleepSupervising(f.downSeconds(), pair);
      start(pair.get(0));
      if (pair.get(0).equals("broker")) {
        awaitBroker(List.of("broker", pair.get(1)));
      }
      start(pair.get(1));
      done.merge(f.kind() + " " + String.join("+", pair), 1, Integer::sum);
    }

    /** Fills the app's tmpfs until the app stops, then frees the space and starts it again. */
    private void diskFull() throws Exception {
      awaitWorking("app");
      awaitWorking("producer");
      sleepSupervising(2);
      Path filler = dir.resolve("app/filler");
      log("disk full: filling the app's state dir (" + o.tmpfsSize() + " tmpfs)");
      try (var w = Files.newOutputStream(filler)) {
        byte[] mb = new byte[1 << 20];
        while (true) {
          w.write(mb);
        }
      } catch (IOException e) {
        log("filler stopped: " + e.getMessage());
      }
      Process app = procs.get("app");
      long t = System.nanoTime();
      while (app.isAlive() && System.nanoTime() - t < 120_000_000_000L) {
        Thread.sleep(250);
        superviseExcept("app");
      }
      if (app.isAlive()) {
        diskFullMessage = "the app did not stop in 120 s on a full disk";
        log(diskFullMessage);
        Files.delete(filler);
        return;
      }
      Path log = logOf("app");
      String msg = Files.readAllLines(log, StandardCharsets.UTF_8).stream()
          .filter(l -> l.startsWith("error:")).reduce((a, b) -> b).orElse("(no error line in " + log + ")");
      diskFullMessage = String.format("app exited with %d after %.1f s: %s", app.exitValue(),
          (System.nanoTime() - t) / 1e9, msg);
      log("disk full: " + diskFullMessage);
      Files.delete(filler);
      log("space returned; starting the app again");
      start("app");
      done.merge("disk full app", 1, Integer::sum);
    }

    /**
     * Waits (supervising, at most 5 minutes) until the process is at work: the app and the sink have printed that
     * they run, the producer has read 1,000 records since its start (its log's progress bar) and had 3 s more to
     * commit some (a transaction lasts at most 2 s). A broker fault waits for the producer likewise (the broker
     * itself is ready: started and awaited).
     */
    void awaitWorking(String n) throws Exception {
      long deadline = System.nanoTime() + 300_000_000_000L;
      while (System.nanoTime() < deadline) {
        if (n.equals("broker")) {
          n = "producer"; // the broker is ready (awaited); a broker fault is meant for the middle of the replay
        }
        if (n.equals("producer") && producerDone) {
          return;
        }
        String text = Files.exists(logOf(n)) ? Files.readString(logOf(n), StandardCharsets.ISO_8859_1) : "";
        boolean working = switch (n) {
          case "app" -> text.contains("running; query API");
          case "connect" -> text.contains("sink running into");
          default -> producerRead(text) >= 1_000;
        };
        if (working) {
          if (n.equals("producer")) {
            sleepSupervising(3);
          }
          return;
        }
        sleepSupervising(0.5);
      }
      log(n + " not at work after 5 minutes; injecting the fault anyway");
    }

    /** Records the producer's progress bar says it has read (the last {@code N/TOTAL} on its log), 0 if none. */
    long producerRead(String log) {
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("([0-9,]+)/[0-9,]+ ").matcher(log);
      long last = 0;
      while (m.find()) {
        last = Long.parseLong(m.group(1).replace(",", ""));
      }
      return last;
    }

    void sleepSupervising(double seconds) throws Exception {
      sleepSupervising(seconds, List.of());
    }

    void sleepSupervising(double seconds, String down) throws Exception {
      sleepSupervising(seconds, down == null ? List.of() : List.of(down));
    }

    void sleepSupervising(double seconds, List<String> down) throws Exception {
      long end = System.nanoTime() + (long) (seconds * 1e9);
      do {
        superviseExcept(down);
        Thread.sleep(Math.max(1, Math.min(250, (end - System.nanoTime()) / 1_000_000)));
      } while (System.nanoTime() < end);
    }

    /** Restarts any process that exited by itself (the producer only when it did not finish). */
    void superviseExcept(String down) throws Exception {
      superviseExcept(down == null ? List.of() : List.of(down));
    }

    /** Restarts any process that exited by itself, except those of {@code down} (killed and kept down). */
    void superviseExcept(List<String> down) throws Exception {
      for (Map.Entry<String, Process> e : List.copyOf(procs.entrySet())) {
        String n = e.getKey();
        Process p = e.getValue();
        if (down.contains(n) || p.isAlive()) {
          continue;
        }
        if (n.equals("producer") && p.exitValue() == 0) {
          if (!producerDone) {
            producerDone = true;
            log("replay producer exited 0: " + lastLine(logOf("producer"), "replayed"));
          }
          continue;
        }
        restarts++;
        log(n + " exited by itself with " + p.exitValue() + " (" + lastLine(logOf(n), "error") + "); restarting it");
        start(n);
        if (n.equals("broker")) {
          awaitBroker();
        }
      }
    }

    Path logOf(String n) {
      return dir.resolve("logs").resolve(n + "-" + starts.getOrDefault(n, 0) + ".log");
    }

    void start(String n) throws IOException {
      int k = starts.merge(n, 1, Integer::sum);
      List<String> common = List.of("--bootstrap-servers", bootstrap());
      Process p = switch (n) {
        case "broker" -> startBroker();
        case "app" -> java(n, List.of("-Xmx768m"), "dev.nbaprops.cli.Main", cat(List.of("run"), common,
            List.of("--state-dir", dir.resolve("app").toString(), "--port", Integer.toString(appPort))));
        case "connect" -> java(n, List.of("-Xmx512m"), "dev.nbaprops.cli.Main", cat(List.of("connect"), common,
            List.of("--state-dir", dir.resolve("connect").toString(), "--set", "embedded.connect.port=" + connectPort)));
        case "producer" -> {
          List<String> args = new ArrayList<>(cat(List.of("replay", "--produce-only", "--resume"), common, List.of(
              "--state-dir", dir.resolve("producer").toString(), "--data", o.data().toString(), "--speed", o.speed())));
          if (!o.seasons().isEmpty()) {
            args.addAll(List.of("--seasons", String.join(",", o.seasons())));
          }
          if (o.endDate() != null) {
            args.addAll(List.of("--end-date", o.endDate()));
          }
          yield java(n, List.of("-Xmx512m"), "dev.nbaprops.cli.Main", args);
        }
        default -> throw new IllegalArgumentException(n);
      };
      procs.put(n, p);
      if (k > 1) {
        log("started " + n + " again (pid " + p.pid() + ", start " + k + ")");
      }
    }

    private Process startBroker() throws IOException {
      Path bdir = dir.resolve("broker");
      Files.createDirectories(bdir);
      Properties p = new Properties();
      p.put("process.roles", "broker,controller");
      p.put("node.id", "1");
      p.put("controller.quorum.voters", "1@localhost:" + controllerPort);
      p.put("listeners", "PLAINTEXT://localhost:" + brokerPort + ",CONTROLLER://localhost:" + controllerPort);
      p.put("advertised.listeners", "PLAINTEXT://localhost:" + brokerPort);
      p.put("controller.listener.names", "CONTROLLER");
      p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
      p.put("inter.broker.listener.name", "PLAINTEXT");
      p.put("log.dirs", bdir.resolve("data").toString());
      for (String k : List.of("offsets.topic.replication.factor", "transaction.state.log.replication.factor",
          "transaction.state.log.min.isr", "share.coordinator.state.topic.replication.factor",
          "share.coordinator.state.topic.min.isr", "min.insync.replicas", "default.replication.factor")) {
        p.put(k, "1");
      }
      p.put("num.partitions", "1");
      p.put("group.initial.rebalance.delay.ms", "0");
      p.put("offsets.topic.num.partitions", "4");
      p.put("transaction.state.log.num.partitions", "4");
      p.put("auto.create.topics.enable", "false");
      p.put("log.cleaner.dedupe.buffer.size", Long.toString(32L << 20));
      Path props = bdir.resolve("server.properties");
      try (var w = Files.newBufferedWriter(props)) {
        p.store(w, "kill harness broker");
      }
      List<String> args = new ArrayList<>(List.of(props.toString()));
      if (!Files.exists(bdir.resolve("data/meta.properties"))) {
        args.addAll(List.of("--format-with-cluster-id", org.apache.kafka.common.Uuid.randomUuid().toString()));
      }
      // BrokerMain exits when its stdin closes: this JVM keeps the pipe open (a harness that dies leaves no broker).
      return java("broker", List.of("-Xms256m", "-Xmx512m", "-XX:+UseG1GC",
          "-Dlog4j2.configurationFile=log4j2-broker.xml"), "dev.nbaprops.embedded.BrokerMain", args);
    }

    private Process java(String n, List<String> jvm, String main, String... args) throws IOException {
      return java(n, jvm, main, List.of(args));
    }

    private Process java(String n, List<String> jvm, String main, List<String> args) throws IOException {
      List<String> cmd = new ArrayList<>();
      cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      cmd.addAll(LAUNCHER_JVM);
      cmd.addAll(jvm);
      cmd.add("-cp");
      cmd.add(System.getProperty("java.class.path"));
      cmd.add(main);
      cmd.addAll(args);
      Path log = n.equals("drained") ? dir.resolve("logs/drained.log") : logOf(n);
      return new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }

    void awaitBroker() throws Exception {
      awaitBroker(List.of("broker"));
    }

    /** Waits until the broker answers, supervising every process but those of {@code down}. */
    void awaitBroker(List<String> down) throws Exception {
      // 10 minutes: at load averages of 25-45 on 2 cores a broker start took over 2 minutes, and one full-season run
      // at load 60-68 stopped when a broker had not answered after 5 (docs/reliability.md).
      long deadline = System.nanoTime() + 600_000_000_000L;
      try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(),
          AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000))) {
        while (System.nanoTime() < deadline) {
          try {
            admin.describeCluster().nodes().get(3, TimeUnit.SECONDS);
            admin.listTopics().names().get(3, TimeUnit.SECONDS);
            return;
          } catch (Exception notYet) {
            superviseExcept(down);
            Thread.sleep(200);
          }
        }
      }
      throw new IllegalStateException("the broker did not become ready; see " + logOf("broker"));
    }

    void kill9(String n) throws InterruptedException {
      Process p = procs.get(n);
      p.destroyForcibly();
      p.waitFor(30, TimeUnit.SECONDS);
    }

    void stop(String n, Duration timeout) throws InterruptedException {
      Process p = procs.get(n);
      if (p == null || !p.isAlive()) {
        return;
      }
      p.destroy();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        log(n + " did not stop in " + timeout + " after SIGTERM; kill -9");
        p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      }
    }

    /** SIGTERM to each at once, then waits for each (kill -9 after the timeout). */
    void stopAll(List<String> names, Duration timeout) throws InterruptedException {
      for (String n : names) {
        Process p = procs.get(n);
        if (p != null && p.isAlive()) {
          p.destroy();
        }
      }
      for (String n : names) {
        stop(n, timeout);
      }
    }

    /** The derived topics' latest committed values and the warehouse tables, written under {@code snap}. */
    void snapshot(Path snap) throws Exception {
      snapshotTopics(bootstrap(), snap);
      // DuckDB: one process per file; the sink must be stopped before the export opens the warehouse.
      stopAll(List.of("producer", "app", "connect"), Duration.ofSeconds(60));
      procs.remove("producer");
      procs.remove("app");
      procs.remove("connect");
      exportWarehouse(dir.resolve("connect/warehouse.duckdb"), snap);
      log("snapshot written to " + snap);
    }

    @Override
    public void close() {
      List<String> names = new ArrayList<>(procs.keySet());
      names.remove("broker");
      try {
        stopAll(names, Duration.ofSeconds(30));
        stop("broker", Duration.ofSeconds(30));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (tmpfsMounted) {
        try {
          exec("umount", dir.resolve("app").toString());
        } catch (IOException e) {
          log("umount failed: " + e.getMessage());
        }
      }
    }
  }

  /**
   * Every derived topic's latest committed value per key (tombstones remove) written under {@code snap/topics}, and
   * {@code snap/warehouse} created for the tables' export (the kill harness and the soak).
   */
  static void snapshotTopics(String bootstrap, Path snap) throws IOException {
    Files.createDirectories(snap.resolve("topics"));
    Files.createDirectories(snap.resolve("warehouse"));
    for (TableSpec t : TableSpec.all()) {
      Map<String, byte[]> latest = new TreeMap<>();
      TopicReader.readAll(bootstrap, List.of(t.topic()), r -> {
        if (r.value() == null) {
          latest.remove(r.key());
        } else {
          latest.put(r.key(), r.value());
        }
      });
      try (DataOutputStream w = new DataOutputStream(new java.io.BufferedOutputStream(
          Files.newOutputStream(snap.resolve("topics").resolve(t.topic() + ".bin"))))) {
        for (Map.Entry<String, byte[]> e : latest.entrySet()) {
          w.writeUTF(e.getKey());
          w.writeInt(e.getValue().length);
          w.write(e.getValue());
        }
      }
    }
  }

  /** Every warehouse table exported as CSV (ordered by key) under {@code snap/warehouse}; none written: empty. */
  static void exportWarehouse(Path warehouse, Path snap) throws Exception {
    for (TableSpec t : TableSpec.all()) {
      Path csv = snap.resolve("warehouse").resolve(t.table() + ".csv");
      try {
        WarehouseExport.export(warehouse, t.table(), WarehouseExport.Format.CSV, csv);
      } catch (IllegalArgumentException e) {
        Files.writeString(csv, ""); // no rows written: an empty table
      }
    }
  }

  // ---- comparison ---------------------------------------------------------------------------------------------

  static Comparison compareTopics(Path ref, Path run) throws IOException {
    long compared = 0;
    long lost = 0;
    long extra = 0;
    long differing = 0;
    List<String> notes = new ArrayList<>();
    List<TableSpec> specs = TableSpec.all();
    for (TableSpec t : specs) {
      Map<String, byte[]> a = readTopic(ref.resolve("topics").resolve(t.topic() + ".bin"));
      Map<String, byte[]> b = readTopic(run.resolve("topics").resolve(t.topic() + ".bin"));
      long l = 0;
      long x = 0;
      long d = 0;
      long tolerated = 0;
      AvroCodec<? extends SpecificRecord> codec = AvroCodec.of(t.recordClass());
      for (Map.Entry<String, byte[]> e : a.entrySet()) {
        byte[] v = b.get(e.getKey());
        if (v == null) {
          l++;
          if (notes.size() < 20) {
            notes.add(t.topic() + ": key " + e.getKey() + " missing");
          }
        } else if (!Arrays.equals(v, e.getValue())) {
          String why = recordDifference(codec.decode(e.getValue()), codec.decode(v));
          if (why == null) {
            tolerated++;
          } else {
            d++;
            if (notes.size() < 20) {
              notes.add(t.topic() + ": key " + e.getKey() + " " + why);
            }
          }
        }
      }
      for (String k : b.keySet()) {
        if (!a.containsKey(k)) {
          x++;
          if (notes.size() < 20) {
            notes.add(t.topic() + ": unexpected key " + k);
          }
        }
      }
      compared += a.size();
      lost += l;
      extra += x;
      differing += d;
      notes.add(String.format("%-46s %,7d keys, lost %d, extra %d, differing %d%s", t.topic(), a.size(), l, x, d,
          tolerated > 0 ? " (" + tolerated + " equal within " + TOLERANCE + ")" : ""));
    }
    return new Comparison(specs.size(), compared, lost, extra, 0, differing, notes);
  }

  /** Null when equal field by field (numbers within the tolerance), else the first difference. */
  static String recordDifference(SpecificRecord a, SpecificRecord b) {
    for (Schema.Field f : a.getSchema().getFields()) {
      Object u = a.get(f.pos());
      Object v = b.get(f.pos());
      if (java.util.Objects.equals(u, v)) {
        continue;
      }
      if (u != null && v != null && relative(u.toString(), v.toString()) <= TOLERANCE) {
        continue;
      }
      return f.name() + ": " + u + " vs " + v;
    }
    return null;
  }

  static Map<String, byte[]> readTopic(Path f) throws IOException {
    Map<String, byte[]> m = new HashMap<>();
    if (!Files.exists(f)) {
      return m;
    }
    try (DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(Files.newInputStream(f)))) {
      while (true) {
        String k;
        try {
          k = in.readUTF();
        } catch (EOFException end) {
          return m;
        }
        byte[] v = new byte[in.readInt()];
        in.readFully(v);
        m.put(k, v);
      }
    }
  }

  static Comparison compareTables(Path ref, Path run) throws IOException {
    long compared = 0;
    long lost = 0;
    long extra = 0;
    long doubled = 0;
    long differing = 0;
    List<String> notes = new ArrayList<>();
    List<TableSpec> specs = TableSpec.all();
    for (TableSpec t : specs) {
      long[] dupA = {0};
      long[] dupB = {0};
      Table a = readTable(ref.resolve("warehouse").resolve(t.table() + ".csv"), t.key(), dupA);
      Table b = readTable(run.resolve("warehouse").resolve(t.table() + ".csv"), t.key(), dupB);
      long l = 0;
      long x = 0;
      long d = 0;
      long tolerated = 0;
      if (!a.header.equals(b.header) && !a.rows.isEmpty() && !b.rows.isEmpty()) {
        notes.add(t.table() + ": headers differ: " + a.header + " vs " + b.header);
        d += a.rows.size();
      } else {
        for (Map.Entry<String, List<String>> e : a.rows.entrySet()) {
          List<String> y = b.rows.get(e.getKey());
          if (y == null) {
            l++;
            if (notes.size() < 20) {
              notes.add(t.table() + ": row " + e.getKey() + " missing");
            }
            continue;
          }
          List<String> xr = e.getValue();
          if (xr.equals(y)) {
            continue;
          }
          String why = null;
          for (int i = 0; i < Math.max(xr.size(), y.size()) && why == null; i++) {
            String u = i < xr.size() ? xr.get(i) : null;
            String v = i < y.size() ? y.get(i) : null;
            if (!java.util.Objects.equals(u, v) && relative(u, v) > TOLERANCE) {
              why = a.header.get(i) + ": " + u + " vs " + v;
            }
          }
          if (why == null) {
            tolerated++;
          } else {
            d++;
            if (notes.size() < 20) {
              notes.add(t.table() + ": row " + e.getKey() + " " + why);
            }
          }
        }
        for (String k : b.rows.keySet()) {
          if (!a.rows.containsKey(k)) {
            x++;
            if (notes.size() < 20) {
              notes.add(t.table() + ": unexpected row " + k);
            }
          }
        }
      }
      if (dupA[0] > 0) {
        notes.add(t.table() + ": the REFERENCE has " + dupA[0] + " keys twice");
      }
      compared += a.rows.size();
      lost += l;
      extra += x;
      doubled += dupB[0] + dupA[0];
      differing += d;
      notes.add(String.format("%-46s %,7d rows, lost %d, doubled %d, extra %d, differing %d%s", t.table(),
          a.rows.size(), l, dupB[0], x, d, tolerated > 0 ? " (" + tolerated + " equal within " + TOLERANCE + ")" : ""));
    }
    return new Comparison(specs.size(), compared, lost, extra, doubled, differing, notes);
  }

  record Table(List<String> header, Map<String, List<String>> rows) {}

  static Table readTable(Path csv, List<String> key, long[] duplicates) throws IOException {
    Map<String, List<String>> rows = new HashMap<>();
    List<String> header = List.of();
    if (!Files.exists(csv) || Files.size(csv) == 0) {
      return new Table(header, rows);
    }
    try (BufferedReader r = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
      var it = CSVFormat.DEFAULT.parse(r).iterator();
      header = it.next().toList();
      int[] idx = new int[key.size()];
      for (int i = 0; i < idx.length; i++) {
        idx[i] = header.indexOf(key.get(i));
        if (idx[i] < 0) {
          throw new IllegalStateException(csv + ": no key column " + key.get(i));
        }
      }
      while (it.hasNext()) {
        CSVRecord rec = it.next();
        List<String> row = rec.toList();
        StringBuilder k = new StringBuilder();
        for (int i : idx) {
          k.append(k.isEmpty() ? "" : "|").append(row.get(i));
        }
        if (rows.put(k.toString(), row) != null) {
          duplicates[0]++;
        }
      }
    }
    return new Table(header, rows);
  }

  /** Relative difference of two numbers, or infinity when either is not a number (CompareCommand's rule). */
  static double relative(String u, String v) {
    if (u == null || v == null) {
      return Double.POSITIVE_INFINITY;
    }
    try {
      double p = Double.parseDouble(u);
      double q = Double.parseDouble(v);
      if (Double.isNaN(p) || Double.isNaN(q) || Double.isInfinite(p) || Double.isInfinite(q)) {
        return p == q || (Double.isNaN(p) && Double.isNaN(q)) ? 0 : Double.POSITIVE_INFINITY;
      }
      return Math.abs(p - q) / Math.max(1.0, Math.max(Math.abs(p), Math.abs(q)));
    } catch (NumberFormatException e) {
      return Double.POSITIVE_INFINITY;
    }
  }

  // ---- small things ----------------------------------------------------------------------------------------

  static List<String> cat(List<String> a, List<String> b, List<String> c) {
    List<String> out = new ArrayList<>(a);
    out.addAll(b);
    out.addAll(c);
    return out;
  }

  static String lastLine(Path log, String containing) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.ISO_8859_1);
      for (int i = lines.size() - 1; i >= 0; i--) {
        if (lines.get(i).contains(containing)) {
          String l = lines.get(i).strip();
          return l.length() > 200 ? l.substring(0, 200) + "..." : l;
        }
      }
      return lines.isEmpty() ? "empty log" : "last line: " + lines.get(lines.size() - 1);
    } catch (IOException e) {
      return "no log";
    }
  }

  static int freePort() {
    return dev.nbaprops.embedded.EmbeddedKafka.freePort();
  }

  static void exec(String... cmd) throws IOException {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String outText = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (p.waitFor() != 0) {
        throw new IOException(String.join(" ", cmd) + " failed: " + outText.strip());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var s = Files.walk(dir)) {
      for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
