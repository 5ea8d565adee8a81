package dev.nbaprops.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigException;

/**
 * Every setting of the application, typed and documented (Kafka's own {@link ConfigDef}). Defaults run the
 * embedded default on this machine. Any setting can be overridden from a properties file ({@code --config F})
 * and then from the command line ({@code --set key=value}, or the dedicated flags). Pass-through prefixes reach
 * the underlying clients unchanged: {@code streams.*}, {@code producer.*}, {@code broker.*}, {@code connect.*} (the Connect
 * worker), {@code sink.*} (the warehouse sink connector's own settings, e.g. {@code sink.duckdb.threads}).
 */
public final class AppConfig extends AbstractConfig {
  public static final String BOOTSTRAP_SERVERS = "kafka.bootstrap.servers";
  public static final String EMBEDDED_KAFKA_PORT = "embedded.kafka.port";
  public static final String EMBEDDED_CONTROLLER_PORT = "embedded.kafka.controller.port";
  public static final String EMBEDDED_KAFKA_HEAP = "embedded.kafka.heap";
  public static final String EMBEDDED_KAFKA_JVM_OPTIONS = "embedded.kafka.jvm.options";
  public static final String EMBEDDED_KAFKA_START_TIMEOUT = "embedded.kafka.start.timeout";
  public static final String APP_START_TIMEOUT = "app.start.timeout";
  public static final String EMBEDDED_CONNECT = "embedded.connect.enabled";
  public static final String EMBEDDED_CONNECT_PORT = "embedded.connect.port";
  public static final String STATE_DIR = "state.dir";
  public static final String APPLICATION_ID = "application.id";
  public static final String PARTITIONS = "topics.partitions";
  public static final String REPLICATION = "topics.replication.factor";
  public static final String STREAM_THREADS = "streams.threads";
  public static final String GUARANTEE = "processing.guarantee";
  public static final String COMMIT_INTERVAL_MS = "commit.interval.ms";
  public static final String PRECOMPUTE_INTERVAL_MS = "precompute.interval.ms";
  public static final String PRECOMPUTE_SETTLE_MS = "precompute.settle.ms";
  public static final String PRECOMPUTE_END_AFTER_REPLAY = "precompute.end.after.replay";
  /** Whether to start on state an earlier build made with stores this build no longer has (NbaTopology.RETIRED_STORES). */
  public static final String STATE_ALLOW_RETIRED_STORES = "state.allow.retired.stores";
  /**
   * The Kafka Streams producers' batch.size, a pass-through setting ({@code streams.} prefix) with a backfill
   * default: 256 KB instead of the client's 16 KB (docs/profiles.md).
   */
  public static final String STREAMS_PRODUCER_BATCH_SIZE = "streams.producer.batch.size";
  public static final String CACHE_MAX_BYTES = "streams.cache.max.bytes";
  public static final String PROFILE = "profile";
  public static final String ROCKSDB_MEMORY_MB = "rocksdb.memory.mb";
  public static final String ROCKSDB_WRITE_BUFFER_MB = "rocksdb.write.buffer.mb";
  public static final String QUERY_HOST = "query.host";
  public static final String QUERY_PORT = "query.port";
  public static final String QUERY_ADVERTISED_HOST = "query.advertised.host";
  public static final String QUERY_AUTH_TOKEN = "query.auth.token";
  public static final String QUERY_THREADS = "query.threads";
  public static final String QUERY_QUEUE = "query.queue";
  public static final String QUERY_PEER_THREADS = "query.peer.threads";
  public static final String QUERY_REQUEST_TIMEOUT_MS = "query.request.timeout.ms";
  public static final String QUERY_IDLE_TIMEOUT_MS = "query.idle.timeout.ms";
  public static final String QUERY_MAX_CONNECTIONS = "query.max.connections";
  public static final String QUERY_DATE_CACHE_MAX_BYTES = "query.date.cache.max.bytes";
  public static final String QUERY_MAX_BODY_BYTES = "query.max.body.bytes";
  public static final String QUERY_MAX_HEADER_BYTES = "query.max.header.bytes";
  public static final String QUERY_INSECURE = "query.insecure";
  public static final String SEASON_STARTS = "seasons.first.game.dates";
  public static final String WAREHOUSE_PATH = "warehouse.duckdb.path";

  /**
   * No season is configured: a season's first game date comes from the data (the earliest regular-season schedule
   * entry, see SeasonStartStage and docs/features.md). The setting is only an override.
   */
  public static final String DEFAULT_SEASON_STARTS = "";
  private static final java.util.regex.Pattern SEASON = java.util.regex.Pattern.compile("\\d{4}-\\d{2}");

  public static final ConfigDef DEF = new ConfigDef()
      .define(BOOTSTRAP_SERVERS, Type.STRING, "", Importance.HIGH,
          "Kafka bootstrap servers. Empty = start the embedded single-node KRaft broker under the state directory.")
      .define(EMBEDDED_KAFKA_PORT, Type.INT, 19092, Range.between(0, 65535), Importance.LOW,
          "Client port of the embedded broker (0 = pick a free port).")
      .define(EMBEDDED_CONTROLLER_PORT, Type.INT, 19093, Range.between(0, 65535), Importance.LOW,
          "Controller port of the embedded broker (0 = pick a free port).")
      .define(EMBEDDED_KAFKA_HEAP, Type.STRING, "1g", Importance.LOW, "Max heap (-Xmx) of the embedded broker JVM.")
      .define(EMBEDDED_KAFKA_JVM_OPTIONS, Type.STRING, "-XX:TieredStopAtLevel=1", Importance.LOW,
          "More options of the embedded broker JVM, separated by spaces (empty: none; an option naming a collector,"
          + " e.g. -XX:+UseSerialGC, replaces the default G1). The default compiles with C1"
          + " only: on 2 cores C2's compiler threads took a fifth of a core for the whole of a season's replay, time"
          + " the broker's work never won back (docs/profiles.md).")
      .define(EMBEDDED_KAFKA_START_TIMEOUT, Type.STRING, "PT90S", Importance.LOW,
          "Longest wait for the embedded broker to answer at start (ISO-8601; on a saturated machine a broker start"
              + " has taken over 100 s).")
      .define(APP_START_TIMEOUT, Type.STRING, "PT2M", Importance.LOW,
          "Longest wait of replay and live for Kafka Streams to be RUNNING after start (ISO-8601).")
      .define(EMBEDDED_CONNECT, Type.BOOLEAN, true, Importance.MEDIUM,
          "Run an in-process Kafka Connect worker with the warehouse sink (DuckDB) when Kafka is embedded.")
      .define(EMBEDDED_CONNECT_PORT, Type.INT, 18083, Range.between(0, 65535), Importance.LOW,
          "REST port of the embedded Connect worker (0 = pick a free port).")
      .define(STATE_DIR, Type.STRING, "./state", Importance.HIGH,
          "Directory holding all local state: broker log, Streams stores, Connect offsets, the DuckDB warehouse.")
      .define(APPLICATION_ID, Type.STRING, "nba-props-streams", Importance.HIGH,
          "Kafka Streams application id (instances with the same id share the work).")
      .define(PARTITIONS, Type.INT, 2, Range.atLeast(1), Importance.MEDIUM,
          "Partitions of every topic this app creates (every instance, replay and live command must agree).")
      .define(REPLICATION, Type.SHORT, (short) 1, Range.atLeast(1), Importance.MEDIUM, "Replication factor of created topics.")
      .define(STREAM_THREADS, Type.INT, 2, Range.atLeast(1), Importance.MEDIUM, "Kafka Streams threads per instance.")
      .define(GUARANTEE, Type.STRING, "exactly_once_v2", ValidString.in("exactly_once_v2", "at_least_once"),
          Importance.MEDIUM, "Kafka Streams processing guarantee.")
      .define(COMMIT_INTERVAL_MS, Type.LONG, 1000L, Range.atLeast(10), Importance.LOW, "Kafka Streams commit interval.")
      .define(PRECOMPUTE_INTERVAL_MS, Type.LONG, 1000L, Range.atLeast(10), Importance.LOW,
          "How often (wall clock) the season stage recomputes the team, league and expected-player rows its inputs"
              + " changed, and the shot stage forwards the game summaries its shots changed. Shorter = fresher"
              + " rows, longer = fewer recomputations during a backfill.")
      .define(PRECOMPUTE_SETTLE_MS, Type.LONG, 3000L, Range.between(0L, 600_000L), Importance.LOW,
          "Deferred work is done once its mark has not been renewed for this long (or has waited 5 times this"
              + " long), not on every punctuation: the player-game, game and feature stages' marks, and the season"
              + " stage's dates, held until every result before them is in or the season's inputs have been quiet"
              + " this long. During a backfill rows are then sent once they are final, not again with every late"
              + " result. 0 (live) = on the next punctuation, every row at once.")
      .define(PRECOMPUTE_END_AFTER_REPLAY, Type.BOOLEAN, true, Importance.LOW,
          "run: once the replays in the progress topic (replay --produce-only) have finished and the instances"
              + " have processed every input, the deferred stages send what they hold instead of waiting out the"
              + " settle times, as the replay command does at the end of its own replay. Same final rows.")
      .define(STATE_ALLOW_RETIRED_STORES, Type.BOOLEAN, false, Importance.LOW,
          "false (default): a start on state made by an earlier build whose stores this build no longer has is"
              + " refused, with the stores named (their state is not carried over: a game processed before the"
              + " upgrade would lose or miscount its zone fields when its box score or a shot came again). true:"
              + " start anyway, with a warning. Replaying into a new state dir rebuilds every store.")
      .define(PROFILE, Type.STRING, Profile.BACKFILL.setting(), ValidString.in("backfill", "live"), Importance.MEDIUM,
          "Defaults tuned for a workload (docs/profiles.md); any setting given explicitly wins. backfill (default):"
              + " commit.interval.ms=1000, streams.cache.max.bytes=32 MB, precompute.interval.ms=1000,"
              + " precompute.settle.ms=3000, streams.producer.batch.size=256 KB. live (the default of the live"
              + " command): commit.interval.ms=100,"
              + " streams.cache.max.bytes=4 MB, precompute.interval.ms=200, precompute.settle.ms=0. Both exactly-once.")
      .define(CACHE_MAX_BYTES, Type.LONG, 32L << 20, Range.atLeast(0), Importance.LOW,
          "Record cache of the stores (all threads together, on the heap): repeated updates of a key between two"
              + " commits reach RocksDB and the changelog once. Larger absorbs more during a backfill; it costs heap.")
      .define(ROCKSDB_MEMORY_MB, Type.INT, 64, Range.atLeast(0), Importance.LOW,
          "Block cache of all RocksDB stores together, in MB (one shared cache; memtables rocksdb.write.buffer.mb, at most two"
              + " per store instance). 0 = RocksDB's defaults per store (each store instance its own cache, 16 MB x 3"
              + " memtables).")
      .define(ROCKSDB_WRITE_BUFFER_MB, Type.INT, 2, Range.between(1, 256), Importance.LOW,
          "Memtable of each RocksDB store instance, in MB (at most two per instance; with rocksdb.memory.mb > 0)."
              + " Smaller keeps less resident memory and flushes more often (docs/profiles.md).")
      .define(QUERY_HOST, Type.STRING, "127.0.0.1", Importance.MEDIUM,
          "Address the query API binds to (localhost by default; 0.0.0.0 to serve other hosts).")
      .define(QUERY_PORT, Type.INT, 7070, Range.between(0, 65535), Importance.MEDIUM, "Port of the query API.")
      .define(QUERY_ADVERTISED_HOST, Type.STRING, "localhost", Importance.LOW,
          "Host name other instances use to reach this one's query API (application.server).")
      .define(QUERY_AUTH_TOKEN, Type.PASSWORD, "", Importance.MEDIUM,
          "Bearer token every query API endpoint except /health requires (empty = no token). All instances of one"
              + " application must share it: they call each other with it.")
      .define(QUERY_THREADS, Type.INT, 32, Range.atLeast(2), Importance.LOW,
          "Worker threads for user requests of the query API (requests that gather from other instances wait on"
              + " them). Connections and request headers are read without a thread (Jetty's selectors).")
      .define(QUERY_QUEUE, Type.INT, 256, Range.atLeast(1), Importance.LOW,
          "User requests that may wait for a worker thread; past that the API answers 503 with Retry-After.")
      .define(QUERY_PEER_THREADS, Type.INT, 8, Range.atLeast(1), Importance.LOW,
          "Worker threads (and twice as many queue places) for calls from other instances (/internal/*), apart"
              + " from user requests so peers never queue behind users.")
      .define(QUERY_REQUEST_TIMEOUT_MS, Type.LONG, 10_000L, Range.atLeast(100), Importance.LOW,
          "Longest time from a request's arrival to its answer (queue wait included); past it the answer is 503"
              + " with Retry-After. A streamed answer (/training-set) is bounded by query.idle.timeout.ms instead.")
      .define(QUERY_IDLE_TIMEOUT_MS, Type.LONG, 30_000L, Range.atLeast(100), Importance.LOW,
          "A connection that sends or reads nothing for this long is closed (slow or stalled clients).")
      .define(QUERY_MAX_CONNECTIONS, Type.INT, 1024, Range.atLeast(2), Importance.LOW,
          "Open connections the query API accepts at once; further ones wait in the accept backlog.")
      .define(QUERY_DATE_CACHE_MAX_BYTES, Type.LONG, 32L << 20, Range.atLeast(0), Importance.LOW,
          "Heap kept for rendered /dates/{D}/{table} answers, served again while no row of that table and date"
              + " changed (single-instance only; 0 = off). Least recently used answers go first.")
      .define(QUERY_MAX_BODY_BYTES, Type.INT, 8 << 20, Range.atLeast(1024), Importance.LOW,
          "Largest request body (POST /training-set); larger answers 413.")
      .define(QUERY_MAX_HEADER_BYTES, Type.INT, 16 << 10, Range.atLeast(1024), Importance.LOW,
          "Largest request line plus headers (URL included); larger answers 414 or 431.")
      .define(QUERY_INSECURE, Type.BOOLEAN, false, Importance.MEDIUM,
          "Allow serving the query API on a non-loopback address without query.auth.token (the app otherwise"
              + " refuses to start; --insecure sets this and the app logs a warning).")
      .define(SEASON_STARTS, Type.STRING, DEFAULT_SEASON_STARTS, Importance.LOW,
          "Optional override of seasons' first game dates, as season=YYYY-MM-DD pairs separated by commas (e.g."
              + " 2023-24=2023-10-24); empty by default. A season not listed takes its first game date from the"
              + " data: the earliest game date of its regular-season schedule entries (until one arrives, the"
              + " earliest game date seen of the season). is_bootstrap is true while D < first date + 7 days.")
      .define(WAREHOUSE_PATH, Type.STRING, "", Importance.MEDIUM,
          "DuckDB warehouse file the embedded sink writes (empty = <state.dir>/warehouse.duckdb).");

  private final Map<String, String> raw;

  /**
   * Workload profiles: the defaults of the settings that trade freshness for throughput. A backfill wants few,
   * large commits (the record cache then absorbs the many versions a row goes through between two commits, and
   * each transaction's fixed cost is spread over many records); a live night wants each new row visible soon.
   */
  public enum Profile {
    BACKFILL(Map.of(COMMIT_INTERVAL_MS, "1000", CACHE_MAX_BYTES, Long.toString(32L << 20), PRECOMPUTE_INTERVAL_MS, "1000",
        PRECOMPUTE_SETTLE_MS, "3000", STREAMS_PRODUCER_BATCH_SIZE, Integer.toString(256 << 10))),
    LIVE(Map.of(COMMIT_INTERVAL_MS, "100", CACHE_MAX_BYTES, Long.toString(4L << 20), PRECOMPUTE_INTERVAL_MS, "200",
        PRECOMPUTE_SETTLE_MS, "0"));

    private final Map<String, String> defaults;

    Profile(Map<String, String> defaults) {
      this.defaults = defaults;
    }

    public String setting() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    public Map<String, String> defaults() {
      return defaults;
    }
  }

  /** The settings with the profile's defaults under them (explicit settings win). */
  private static Map<String, String> withProfile(Map<String, String> props) {
    String name = props.getOrDefault(PROFILE, Profile.BACKFILL.setting());
    Map<String, String> out = new HashMap<>();
    for (Profile p : Profile.values()) {
      if (p.setting().equals(name)) {
        out.putAll(p.defaults());
      }
    }
    out.putAll(props);
    return out;
  }

  public Profile profile() {
    return Profile.valueOf(getString(PROFILE).toUpperCase(java.util.Locale.ROOT));
  }

  public AppConfig(Map<String, String> props) {
    super(DEF, withProfile(props), false);
    this.raw = Map.copyOf(props);
    seasonStarts(); // validate eagerly
  }

  public static AppConfig defaults() {
    return new AppConfig(Map.of());
  }

  /** Defaults, then the properties file (if any), then the overrides. */
  public static AppConfig load(Path file, Map<String, String> overrides) {
    Map<String, String> props = new HashMap<>();
    if (file != null) {
      Properties p = new Properties();
      try (Reader r = Files.newBufferedReader(file)) {
        p.load(r);
      } catch (IOException e) {
        throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
      }
      p.stringPropertyNames().forEach(k -> props.put(k, p.getProperty(k)));
    }
    props.putAll(overrides);
    return new AppConfig(props);
  }

  /** Whether {@code key} was given (config file, flag or --set), not taken from a default or the profile. */
  public boolean explicitlySet(String key) {
    return raw.containsKey(key);
  }

  public AppConfig with(Map<String, String> overrides) {
    Map<String, String> m = new HashMap<>(raw);
    m.putAll(overrides);
    return new AppConfig(m);
  }

  public boolean embeddedKafka() {
    return getString(BOOTSTRAP_SERVERS).isBlank();
  }

  public Path stateDir() {
    return Path.of(getString(STATE_DIR)).toAbsolutePath().normalize();
  }

  public Path warehousePath() {
    String p = getString(WAREHOUSE_PATH);
    return p.isBlank() ? stateDir().resolve("warehouse.duckdb") : Path.of(p).toAbsolutePath();
  }

  /** The query API's bearer token, empty when none is required. */
  public String queryAuthToken() {
    org.apache.kafka.common.config.types.Password p = getPassword(QUERY_AUTH_TOKEN);
    return p == null ? "" : p.value();
  }

  public java.time.Duration precomputeInterval() {
    return java.time.Duration.ofMillis(getLong(PRECOMPUTE_INTERVAL_MS));
  }

  public java.time.Duration precomputeSettle() {
    return java.time.Duration.ofMillis(getLong(PRECOMPUTE_SETTLE_MS));
  }

  /** {@link #EMBEDDED_KAFKA_JVM_OPTIONS}, split at spaces. */
  public java.util.List<String> embeddedKafkaJvmOptions() {
    String s = getString(EMBEDDED_KAFKA_JVM_OPTIONS).trim();
    return s.isEmpty() ? java.util.List.of() : java.util.List.of(s.split("\\s+"));
  }

  public int partitions() {
    return getInt(PARTITIONS);
  }

  public short replication() {
    return getShort(REPLICATION);
  }

  public Map<String, LocalDate> seasonStarts() {
    Map<String, LocalDate> out = new HashMap<>();
    for (String pair : getString(SEASON_STARTS).split(",")) {
      if (pair.isBlank()) {
        continue;
      }
      String[] kv = pair.strip().split("=");
      if (kv.length != 2 || !SEASON.matcher(kv[0].strip()).matches()) {
        throw new ConfigException(SEASON_STARTS, getString(SEASON_STARTS), "expected season=YYYY-MM-DD pairs");
      }
      try {
        out.put(kv[0].strip(), LocalDate.parse(kv[1].strip()));
      } catch (RuntimeException e) {
        throw new ConfigException(SEASON_STARTS, pair, "bad date: " + e.getMessage());
      }
    }
    return out;
  }

  /** Settings under a pass-through prefix, with the prefix removed (e.g. {@code streams.}). */
  public Map<String, Object> passThrough(String prefix) {
    Map<String, Object> out = new HashMap<>();
    withProfile(raw).forEach((k, v) -> { // a profile's pass-through defaults too (explicit settings win)
      if (k.startsWith(prefix) && DEF.configKeys().get(k) == null) {
        out.put(k.substring(prefix.length()), v);
      }
    });
    return out;
  }

  public Map<String, String> raw() {
    return raw;
  }

  /** How long replay and live wait for Kafka Streams to be RUNNING ({@code app.start.timeout}). */
  public java.time.Duration appStartTimeout() {
    return java.time.Duration.parse(getString(APP_START_TIMEOUT));
  }
}
