package dev.nbaprops.testing;

import dev.nbaprops.avro.analytics.PlayerGameSummary;
import dev.nbaprops.avro.analytics.TeamDefenseGameSummary;
import dev.nbaprops.avro.analytics.TeamOffenseGameSummary;
import dev.nbaprops.avro.precompute.PlayerDailyCache;
import dev.nbaprops.avro.raw.PlayerBoxScore;
import dev.nbaprops.avro.raw.PropLine;
import dev.nbaprops.avro.raw.GameLine;
import dev.nbaprops.avro.raw.ScheduleGame;
import dev.nbaprops.avro.raw.Shot;
import org.apache.avro.specific.SpecificRecord;
import dev.nbaprops.config.AppConfig;
import dev.nbaprops.serde.AvroSerde;
import dev.nbaprops.serde.TableSpec;
import dev.nbaprops.source.Parsed;
import dev.nbaprops.topics.Topics;
import dev.nbaprops.topology.NbaTopology;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/** The real topology in a {@link TopologyTestDriver}, fed with box scores; collects the tables' latest rows. */
public final class TopologyHarness implements AutoCloseable {
  private final TopologyTestDriver driver;
  private final TestInputTopic<String, PlayerBoxScore> boxScores;
  private final TestInputTopic<String, PropLine> propLines;
  private final TestInputTopic<String, Shot> shots;
  private final TestInputTopic<String, ScheduleGame> schedule;
  private final TestInputTopic<String, GameLine> gameLines;
  /** Every derived table's latest rows by topic key, by table name (what the compacted topics keep). */
  private final Map<String, Map<String, SpecificRecord>> tables = new java.util.TreeMap<>();
  private final Map<String, TestOutputTopic<String, SpecificRecord>> tableOut = new java.util.TreeMap<>();
  private final Map<String, Long> emits = new HashMap<>();

  public TopologyHarness(Path stateDir) {
    this(stateDir, AppConfig.defaults().seasonStarts());
  }

  /** With the setting seasons.first.game.dates (season -> first game date overrides; the default is none). */
  public TopologyHarness(Path stateDir, Map<String, java.time.LocalDate> seasonStartOverrides) {
    this(stateDir, seasonStartOverrides, java.time.Duration.ZERO);
  }

  /**
   * With a settle time (precompute.settle.ms, the backfill profile's holding of rows until they are final): drive
   * the wall clock with {@link #pipeHeld} and {@link #advance} then, since every other pipe method lets 20 s pass.
   */
  public TopologyHarness(Path stateDir, Map<String, java.time.LocalDate> seasonStartOverrides,
                         java.time.Duration settle) {
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "test");
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    driver = new TopologyTestDriver(NbaTopology.build(seasonStartOverrides,
        NbaTopology.DEFAULT_PRECOMPUTE_INTERVAL, settle, NbaTopology.StoreKind.IN_MEMORY, pending), p,
        Instant.ofEpochMilli(wallMs));
    shots = driver.createInputTopic(Topics.SHOT, Serdes.String().serializer(), AvroSerde.of(Shot.class).serializer());
    schedule = driver.createInputTopic(Topics.SCHEDULE, Serdes.String().serializer(),
        AvroSerde.of(ScheduleGame.class).serializer());
    gameLines = driver.createInputTopic(Topics.GAME_LINE, Serdes.String().serializer(),
        AvroSerde.of(GameLine.class).serializer());
    for (TableSpec spec : TableSpec.all()) {
      tableOut.put(spec.table(), driver.createOutputTopic(spec.topic(), Serdes.String().deserializer(),
          AvroSerde.any().deserializer()));
      tables.put(spec.table(), new HashMap<>());
    }
    boxScores = driver.createInputTopic(Topics.PLAYER_BOX_SCORE, Serdes.String().serializer(),
        AvroSerde.of(PlayerBoxScore.class).serializer());
    propLines = driver.createInputTopic(Topics.PROP_LINE, Serdes.String().serializer(),
        AvroSerde.of(PropLine.class).serializer());
  }

  public static TopologyHarness create() {
    return create(AppConfig.defaults().seasonStarts());
  }

  public static TopologyHarness create(Map<String, java.time.LocalDate> seasonStartOverrides) {
    try {
      return new TopologyHarness(Files.createTempDirectory("topology-test"), seasonStartOverrides);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  public TopologyHarness pipe(Collection<Parsed.Ok<PlayerBoxScore>> rows) {
    for (Parsed.Ok<PlayerBoxScore> r : rows) {
      boxScores.pipeInput(new TestRecord<>(r.key(), r.value(), Instant.ofEpochMilli(r.eventTime())));
    }
    drain();
    return this;
  }

  /** Pipes every accepted record of a replay timeline (box scores and prop lines) in timeline order. */
  public TopologyHarness pipeTimeline(java.util.List<? extends dev.nbaprops.replay.Timeline.Item> items) {
    for (var item : items) {
      if (item instanceof dev.nbaprops.replay.Timeline.Data d) {
        Instant ts = Instant.ofEpochMilli(d.eventTime());
        pipeAny(d.key(), d.value(), ts);
      }
    }
    drain();
    return this;
  }

  public TopologyHarness pipe(PropLine p, long eventTime) {
    propLines.pipeInput(new TestRecord<>(Long.toString(p.getPlayerId()), p, Instant.ofEpochMilli(eventTime)));
    drain();
    return this;
  }

  public TopologyHarness pipe(PlayerBoxScore b, long eventTime) {
    boxScores.pipeInput(new TestRecord<>(Long.toString(b.getPlayerId()), b, Instant.ofEpochMilli(eventTime)));
    drain();
    return this;
  }

  private void pipeAny(String key, Object value, Instant ts) {
    if (value instanceof PlayerBoxScore b) {
      boxScores.pipeInput(new TestRecord<>(key, b, ts));
    } else if (value instanceof PropLine p) {
      propLines.pipeInput(new TestRecord<>(key, p, ts));
    } else if (value instanceof Shot sh) {
      shots.pipeInput(new TestRecord<>(key, sh, ts));
    } else if (value instanceof ScheduleGame g) {
      schedule.pipeInput(new TestRecord<>(key, g, ts));
    } else if (value instanceof GameLine l) {
      gameLines.pipeInput(new TestRecord<>(key, l, ts));
    } else {
      throw new IllegalArgumentException("not a raw record: " + value);
    }
  }

  /** Pipes records of a replay timeline in order, letting no wall-clock time pass (no punctuation runs). */
  public TopologyHarness pipeHeld(java.util.List<? extends dev.nbaprops.replay.Timeline.Item> items) {
    for (var item : items) {
      if (item instanceof dev.nbaprops.replay.Timeline.Data d) {
        pipeAny(d.key(), d.value(), Instant.ofEpochMilli(d.eventTime()));
      }
    }
    return this;
  }

  /** Lets {@code time} pass on the wall clock in 1 s steps (punctuations run), then collects every table. */
  public TopologyHarness advance(java.time.Duration time) {
    for (long ms = 0; ms < time.toMillis(); ms += 1000) {
      long step = Math.min(1000, time.toMillis() - ms);
      driver.advanceWallClockTime(java.time.Duration.ofMillis(step));
      wallMs += step;
    }
    collect();
    return this;
  }

  /** Pipes any raw records (box scores, shots, schedule, game lines, prop lines) in the given order. */
  public TopologyHarness pipeRaw(Collection<? extends Parsed.Ok<?>> rows) {
    for (Parsed.Ok<?> r : rows) {
      pipeAny(r.key(), r.value(), Instant.ofEpochMilli(r.eventTime()));
    }
    drain();
    return this;
  }

  /** Pipes one raw record with its event time. */
  public TopologyHarness pipeRaw(String key, Object value, long eventTime) {
    pipeAny(key, value, Instant.ofEpochMilli(eventTime));
    drain();
    return this;
  }

  /** Latest rows of a derived table (e.g. "nba_precompute.ml_feature_store") by topic key. */
  @SuppressWarnings("unchecked")
  public <V extends SpecificRecord> Map<String, V> table(String tableName) {
    return (Map<String, V>) (Map<String, ?>) tables.get(tableName);
  }

  /** Every derived table, by name. */
  public Map<String, Map<String, SpecificRecord>> tables() {
    return tables;
  }

  /** Records (rows and tombstones) the table's topic received so far. */
  public long emits(String tableName) {
    return emits.getOrDefault(tableName, 0L);
  }

  private final dev.nbaprops.topology.PendingWork pending = new dev.nbaprops.topology.PendingWork();
  /** The driver's wall clock (ms), moved by {@link #advance} and the drain of the other pipe methods. */
  private long wallMs = System.currentTimeMillis();

  /** The deferred work the harness's stages owe (shared by every stage, as in the app). */
  public dev.nbaprops.topology.PendingWork pendingWork() {
    return pending;
  }

  /**
   * The inputs are complete and the topology is seen with nothing left to process, now: what
   * {@code NbaPropsApp.awaitDrained} tells the stages at the end of a replay ({@code PendingWork.inputsDrainedAt}).
   */
  public TopologyHarness inputsDrained() {
    pending.inputsDrainedAt(wallMs);
    return this;
  }

  private void drain() {
    // The season and shot stages run on wall-clock punctuations, and one can feed the other (the shot stage's
    // zone counts go to the season stage): run them until no stage owes work, then collect every table.
    for (int i = 0; i < 10; i++) {
      driver.advanceWallClockTime(java.time.Duration.ofSeconds(2));
      wallMs += 2000;
      if (pending.pending() == 0) {
        break;
      }
    }
    collect();
  }

  private void collect() {
    tableOut.forEach((table, out) -> {
      for (var kv : out.readKeyValuesToList()) {
        if (kv.value == null) {
          tables.get(table).remove(kv.key);
        } else {
          tables.get(table).put(kv.key, kv.value);
        }
        emits.merge(table, 1L, Long::sum);
      }
    });
  }

  /** Latest player_daily_cache rows by topic key "player_id|cache_date" (what a compacted topic would keep). */
  public Map<String, PlayerDailyCache> dailyCache() {
    return table("nba_precompute.player_daily_cache");
  }

  /** Latest team_offense_game_summary rows by "game_id|team_abbr". */
  public Map<String, TeamOffenseGameSummary> offense() {
    return table("nba_analytics.team_offense_game_summary");
  }

  /** Latest team_defense_game_summary rows by "game_id|team_abbr". */
  public Map<String, TeamDefenseGameSummary> defense() {
    return table("nba_analytics.team_defense_game_summary");
  }

  public long teamEmits() {
    return emits("nba_analytics.team_offense_game_summary") + emits("nba_analytics.team_defense_game_summary");
  }

  public long dailyCacheEmits() {
    return emits("nba_precompute.player_daily_cache");
  }

  /** Latest player_game_summary rows by topic key "game_id|player_id". */
  public Map<String, PlayerGameSummary> summaries() {
    return table("nba_analytics.player_game_summary");
  }

  public TopologyTestDriver driver() {
    return driver;
  }

  public static final List<String> PINNED = List.of("games_played_season", "pts_avg_last_5", "pts_avg_last_10",
      "pts_avg_season", "pts_std_last_10", "min_avg_last_10", "reb_avg_last_10", "ast_avg_last_10",
      "pra_avg_last_10", "days_rest", "back_to_back", "is_bootstrap", "quality_score", "season", "game_id");

  @Override
  public void close() {
    driver.close();
  }
}
