package dev.nbaprops.testing;

import dev.nbaprops.avro.analytics.PlayerGameSummary;
import dev.nbaprops.avro.analytics.TeamDefenseGameSummary;
import dev.nbaprops.avro.analytics.TeamOffenseGameSummary;
import dev.nbaprops.avro.precompute.PlayerDailyCache;
import dev.nbaprops.avro.raw.PlayerBoxScore;
import dev.nbaprops.avro.raw.PropLine;
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
  private final TestOutputTopic<String, PlayerDailyCache> dailyCacheOut;
  private final TestOutputTopic<String, PlayerGameSummary> summaryOut;
  private final Map<String, PlayerDailyCache> dailyCache = new HashMap<>();
  private final Map<String, PlayerGameSummary> summaries = new HashMap<>();
  private final TestOutputTopic<String, TeamOffenseGameSummary> offenseOut;
  private final TestOutputTopic<String, TeamDefenseGameSummary> defenseOut;
  private final Map<String, TeamOffenseGameSummary> offense = new HashMap<>();
  private final Map<String, TeamDefenseGameSummary> defense = new HashMap<>();
  private long teamEmits;
  private long dailyCacheEmits;

  public TopologyHarness(Path stateDir) {
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "test");
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    driver = new TopologyTestDriver(NbaTopology.build(AppConfig.defaults().seasonStarts()), p);
    boxScores = driver.createInputTopic(Topics.PLAYER_BOX_SCORE, Serdes.String().serializer(),
        AvroSerde.of(PlayerBoxScore.class).serializer());
    propLines = driver.createInputTopic(Topics.PROP_LINE, Serdes.String().serializer(),
        AvroSerde.of(PropLine.class).serializer());
    dailyCacheOut = driver.createOutputTopic(TableSpec.from(PlayerDailyCache.class).orElseThrow().topic(),
        Serdes.String().deserializer(), AvroSerde.of(PlayerDailyCache.class).deserializer());
    offenseOut = driver.createOutputTopic(TableSpec.from(TeamOffenseGameSummary.class).orElseThrow().topic(),
        Serdes.String().deserializer(), AvroSerde.of(TeamOffenseGameSummary.class).deserializer());
    defenseOut = driver.createOutputTopic(TableSpec.from(TeamDefenseGameSummary.class).orElseThrow().topic(),
        Serdes.String().deserializer(), AvroSerde.of(TeamDefenseGameSummary.class).deserializer());
    summaryOut = driver.createOutputTopic(TableSpec.from(PlayerGameSummary.class).orElseThrow().topic(),
        Serdes.String().deserializer(), AvroSerde.of(PlayerGameSummary.class).deserializer());
  }

  public static TopologyHarness create() {
    try {
      return new TopologyHarness(Files.createTempDirectory("topology-test"));
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
  public TopologyHarness pipeTimeline(java.util.List<dev.nbaprops.replay.Timeline.Item> items) {
    for (var item : items) {
      if (item instanceof dev.nbaprops.replay.Timeline.Data d) {
        Instant ts = Instant.ofEpochMilli(d.eventTime());
        if (d.value() instanceof PlayerBoxScore b) {
          boxScores.pipeInput(new TestRecord<>(d.key(), b, ts));
        } else if (d.value() instanceof PropLine p) {
          propLines.pipeInput(new TestRecord<>(d.key(), p, ts));
        }
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

  private void drain() {
    for (var kv : dailyCacheOut.readKeyValuesToList()) {
      if (kv.value == null) {
        dailyCache.remove(kv.key); // tombstone: what a compacted topic (and the sink) does with it
      } else {
        dailyCache.put(kv.key, kv.value);
      }
      dailyCacheEmits++;
    }
    for (var kv : summaryOut.readKeyValuesToList()) {
      summaries.put(kv.key, kv.value);
    }
    for (var kv : offenseOut.readKeyValuesToList()) {
      offense.put(kv.key, kv.value);
      teamEmits++;
    }
    for (var kv : defenseOut.readKeyValuesToList()) {
      defense.put(kv.key, kv.value);
      teamEmits++;
    }
  }

  /** Latest player_daily_cache rows by topic key "player_id|cache_date" (what a compacted topic would keep). */
  public Map<String, PlayerDailyCache> dailyCache() {
    return dailyCache;
  }

  /** Latest team_offense_game_summary rows by "game_id|team_abbr". */
  public Map<String, TeamOffenseGameSummary> offense() {
    return offense;
  }

  /** Latest team_defense_game_summary rows by "game_id|team_abbr". */
  public Map<String, TeamDefenseGameSummary> defense() {
    return defense;
  }

  public long teamEmits() {
    return teamEmits;
  }

  public long dailyCacheEmits() {
    return dailyCacheEmits;
  }

  /** Latest player_game_summary rows by topic key "game_id|player_id". */
  public Map<String, PlayerGameSummary> summaries() {
    return summaries;
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
