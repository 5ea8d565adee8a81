package dev.nbaprops.topology;

import dev.nbaprops.avro.analytics.PlayerGameSummary;
import dev.nbaprops.avro.common.DeadLetter;
import dev.nbaprops.avro.analytics.TeamDefenseGameSummary;
import dev.nbaprops.avro.analytics.TeamOffenseGameSummary;
import dev.nbaprops.avro.analytics.UpcomingPlayerGameContext;
import dev.nbaprops.avro.analytics.UpcomingTeamGameContext;
import dev.nbaprops.avro.precompute.MlFeatureStore;
import dev.nbaprops.avro.precompute.PlayerCompositeFactors;
import dev.nbaprops.avro.precompute.PlayerDailyCache;
import dev.nbaprops.avro.precompute.PlayerShotZoneAnalysis;
import dev.nbaprops.avro.precompute.TeamDefenseZoneAnalysis;
import dev.nbaprops.avro.raw.GameLine;
import dev.nbaprops.avro.raw.PlayerBoxScore;
import dev.nbaprops.avro.raw.PropLine;
import dev.nbaprops.avro.raw.ScheduleGame;
import dev.nbaprops.avro.raw.Shot;
import dev.nbaprops.avro.state.ExpectedPlayer;
import dev.nbaprops.avro.state.GameTotals;
import dev.nbaprops.avro.state.PlayerAppearance;
import dev.nbaprops.avro.state.PlayerGameProps;
import dev.nbaprops.avro.state.PlayerGameShots;
import dev.nbaprops.avro.state.SeasonStart;
import dev.nbaprops.avro.state.TeamGameContext;
import dev.nbaprops.serde.AvroSerde;
import dev.nbaprops.serde.TableSpec;
import dev.nbaprops.topics.Topics;
import dev.nbaprops.topology.game.TeamGameStage;
import dev.nbaprops.topology.player.PlayerFeatureStage;
import dev.nbaprops.topology.player.PlayerGameStage;
import dev.nbaprops.topology.player.UpcomingPlayerContextStage;
import dev.nbaprops.topology.season.SeasonInputs;
import dev.nbaprops.topology.season.SeasonStartStage;
import dev.nbaprops.topology.season.TeamSeasonStage;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The one topology, for backfill and live alike: the wiring of the stages, nothing else. Each stage is a
 * processor class with its stores beside it, the only writer of those stores, sending each kind of output to a
 * named child ({@link #output}). By partition scope (docs/topology.md has the drawing, generated from
 * {@code describe()}):
 * <pre>
 *   player tasks (raw topics keyed by player id):
 *     box scores, prop lines, shots -> PlayerGameStage -> player_game_summary
 *     summaries, prop lines of played games, season starts*, team contexts* -> PlayerFeatureStage
 *         -> player_daily_cache, player_shot_zone_analysis, ml_feature_store, player_composite_factors
 *     expected players (by player), prop lines -> UpcomingPlayerContextStage -> upcoming_player_game_context
 *   game tasks (box scores repartitioned by game id):
 *     box scores -> TeamGameStage -> team_offense_game_summary, team_defense_game_summary
 *   season tasks (repartitioned by season):
 *     schedule, game lines, team game rows, appearances, players' zone counts -> SeasonStartStage -> TeamSeasonStage
 *         -> team_defense_zone_analysis, upcoming_team_game_context, team contexts*, expected players
 *   (* sent to every player task: a season's first game date, and 30 teams' contexts by date, are small)
 * </pre>
 */
public final class NbaTopology {
  /** Where the stores live: RocksDB (the app) or the heap (topology tests, where every record is a commit). */
  public enum StoreKind { PERSISTENT, IN_MEMORY }

  /**
   * How often (wall clock) the season stage recomputes the rows its inputs made stale, and the player-game stage
   * forwards the zone counts its shots changed.
   */
  public static final Duration DEFAULT_PRECOMPUTE_INTERVAL = Duration.ofSeconds(1);

  private final StoreKind storeKind;
  private final PendingWork pending;
  private final StreamsBuilder builder = new StreamsBuilder();

  private NbaTopology(StoreKind storeKind, PendingWork pending) {
    this.storeKind = storeKind;
    this.pending = pending;
  }

  public static Topology build(Map<String, LocalDate> seasonStartOverrides) {
    return build(seasonStartOverrides, DEFAULT_PRECOMPUTE_INTERVAL);
  }

  public static Topology build(Map<String, LocalDate> seasonStartOverrides, Duration precomputeInterval) {
    return build(seasonStartOverrides, precomputeInterval, StoreKind.PERSISTENT);
  }

  public static Topology build(Map<String, LocalDate> seasonStartOverrides, Duration precomputeInterval,
                               StoreKind storeKind) {
    return build(seasonStartOverrides, precomputeInterval, storeKind, new PendingWork());
  }

  /**
   * The topology; {@code pending} tracks the punctuated stages' work not yet done (drain checks).
   * {@code seasonStartOverrides} is the setting {@code seasons.first.game.dates} (usually empty): a season's first
   * game date otherwise comes from the data ({@link SeasonStartStage}).
   */
  public static Topology build(Map<String, LocalDate> seasonStartOverrides, Duration precomputeInterval,
                               StoreKind storeKind, PendingWork pending) {
    return build(seasonStartOverrides, precomputeInterval, Duration.ZERO, storeKind, pending);
  }

  /**
   * As above; {@code settle} is the setting {@code precompute.settle.ms}: the feature stage joins the rows facing a
   * changed team context again once the context has not changed for that long ({@link Deferred}).
   */
  public static Topology build(Map<String, LocalDate> seasonStartOverrides, Duration precomputeInterval,
                               Duration settle, StoreKind storeKind, PendingWork pending) {
    return new NbaTopology(storeKind, pending).topology(seasonStartOverrides, precomputeInterval, settle);
  }

  private Topology topology(Map<String, LocalDate> seasonStartOverrides, Duration interval, Duration settle) {
    addStores();
    KStream<String, SpecificRecord> boxScores = source(Topics.PLAYER_BOX_SCORE, PlayerBoxScore.class, "box-scores");
    KStream<String, SpecificRecord> propLines = source(Topics.PROP_LINE, PropLine.class, "prop-lines");
    KStream<String, SpecificRecord> shots = source(Topics.SHOT, Shot.class, "shots");
    KStream<String, SpecificRecord> schedule = source(Topics.SCHEDULE, ScheduleGame.class, "schedule");
    KStream<String, SpecificRecord> gameLines = source(Topics.GAME_LINE, GameLine.class, "game-lines");

    // Player tasks: the game summaries, the prop snapshots and the shots' zone counts.
    KStream<String, SpecificRecord> playerGame = boxScores
        .merge(propLines, Named.as("player-game-inputs-with-lines"))
        .merge(shots, Named.as("player-game-inputs"))
        .process(() -> new PlayerGameStage(interval, settle, pending), Named.as("player-game"),
            withIndexes(PlayerGameStage.STORES));
    deadLetters(playerGame, PlayerGameStage.FAILED);
    KStream<String, SpecificRecord> summaries = output(playerGame, PlayerGameStage.SUMMARIES);
    toTopic(summaries, PlayerGameSummary.class, v -> StoreKeys.gamePlayer(
        ((PlayerGameSummary) v).getGameId(), ((PlayerGameSummary) v).getPlayerId()),
        ByPlayerPartitioner.byValue(v -> ((PlayerGameSummary) v).getPlayerId()));

    // Game tasks: team offense and defense per game.
    KStream<String, SpecificRecord> teamGame = boxScores
        .selectKey((k, v) -> ((PlayerBoxScore) v).getGameId(), Named.as("box-by-game"))
        .repartition(Repartitioned.<String, SpecificRecord>with(Serdes.String(), AvroSerde.any())
            .withName("box-scores-by-game"))
        .mapValues(v -> (PlayerBoxScore) v, Named.as("as-box-score"))
        .process(() -> new TeamGameStage(interval, settle, pending), Named.as("team-game"),
            withIndexes(TeamGameStage.STORES));
    deadLetters(teamGame, TeamGameStage.FAILED);
    KStream<String, SpecificRecord> offense = output(teamGame, TeamGameStage.OFFENSE);
    KStream<String, SpecificRecord> defense = output(teamGame, TeamGameStage.DEFENSE);
    toTopic(offense, TeamOffenseGameSummary.class, null, null);
    toTopic(defense, TeamDefenseGameSummary.class, null, null);

    // Season tasks: every input that needs all of a season's teams, repartitioned by season.
    KStream<String, SpecificRecord> seasonStart = offense
        .merge(defense, Named.as("season-team-games"))
        .merge(output(playerGame, PlayerGameStage.ZONES), Named.as("season-zones"))
        .merge(schedule, Named.as("season-schedule"))
        .merge(gameLines, Named.as("season-lines"))
        .merge(summaries.mapValues(v -> appearance((PlayerGameSummary) v), Named.as("appearances")),
            Named.as("season-appearances"))
        .selectKey((k, v) -> SeasonInputs.seasonOf(v), Named.as("by-season"))
        .repartition(Repartitioned.<String, SpecificRecord>with(Serdes.String(), AvroSerde.any())
            .withName("season-inputs"))
        .process(() -> new SeasonStartStage(seasonStartOverrides), Named.as("season-start"),
            SeasonStartStage.STORE, SeasonStartStage.FACTS_STORE);
    List<String> seasonStores = new ArrayList<>(TeamSeasonStage.RECORD_STORES);
    seasonStores.add(TeamSeasonStage.DIRTY_STORE);
    seasonStores.add(SeasonStartStage.STORE); // read only
    KStream<String, SpecificRecord> teamSeason = output(seasonStart, SeasonStartStage.INPUTS)
        .process(() -> new TeamSeasonStage(interval, settle, pending), Named.as("team-season"),
            withIndexes(seasonStores));
    deadLetters(teamSeason, TeamSeasonStage.FAILED);
    toTopic(output(teamSeason, TeamSeasonStage.TEAM_ZONES), TeamDefenseZoneAnalysis.class, null, null);
    toTopic(output(teamSeason, TeamSeasonStage.UPCOMING_TEAM), UpcomingTeamGameContext.class, null, null);
    KStream<String, SpecificRecord> starts = toEveryPlayerTask(output(seasonStart, SeasonStartStage.STARTS),
        "season-start-to-players");
    KStream<String, SpecificRecord> teamContexts = toEveryPlayerTask(output(teamSeason, TeamSeasonStage.TEAM_CONTEXT),
        "team-context-to-players");
    KStream<String, SpecificRecord> expected = output(teamSeason, TeamSeasonStage.EXPECTED)
        .repartition(Repartitioned.<String, SpecificRecord>with(Serdes.String(), AvroSerde.any())
            .withName("expected-by-player"));

    // Player tasks again: the daily cache, zone profile and feature rows; the upcoming player contexts.
    List<String> featureStores = new ArrayList<>(PlayerFeatureStage.STORES);
    featureStores.add(PlayerGameStage.PROPS_STORE); // read only
    KStream<String, SpecificRecord> features = summaries
        .merge(output(playerGame, PlayerGameStage.PLAYED_PROPS), Named.as("player-features-inputs-with-lines"))
        .merge(starts, Named.as("player-features-inputs-with-starts"))
        .merge(teamContexts, Named.as("player-features-inputs"))
        .process(() -> new PlayerFeatureStage(PlayerGameStage.PROPS_STORE, interval, settle, pending),
            Named.as("player-features"),
            withIndexes(featureStores));
    deadLetters(features, PlayerFeatureStage.FAILED);
    toPlayerTopic(output(features, PlayerFeatureStage.DAILY_CACHE), PlayerDailyCache.class);
    toPlayerTopic(output(features, PlayerFeatureStage.SHOT_ZONES), PlayerShotZoneAnalysis.class);
    toPlayerTopic(output(features, PlayerFeatureStage.FEATURES), MlFeatureStore.class);
    toPlayerTopic(output(features, PlayerFeatureStage.COMPOSITES), PlayerCompositeFactors.class);

    KStream<String, UpcomingPlayerGameContext> contexts = expected
        .merge(output(playerGame, PlayerGameStage.PROPS), Named.as("upcoming-player-inputs"))
        .process(UpcomingPlayerContextStage::new, Named.as("upcoming-player-game-context"),
            withIndexes(List.of(UpcomingPlayerContextStage.STORE,
                UpcomingPlayerContextStage.EXPECTED_STORE, PlayerGameStage.PROPS_STORE)));
    toTopic(contexts.mapValues(v -> (SpecificRecord) v, Named.as("upcoming-player-game-context-any")),
        UpcomingPlayerGameContext.class, null, ByPlayerPartitioner.byGamePlayerKey());
    return builder.build();
  }

  /**
   * Stores an earlier build had and this one no longer has, with what replaced them. Their changelog topics stay on
   * the broker (Kafka Streams never deletes them), and their state is not carried over: a start on such state is
   * refused unless {@code state.allow.retired.stores} ({@link #retiredStoreProblems}).
   */
  static final Map<String, String> RETIRED_STORES = Map.of(
      "player-shot-by-id", "a game's shots are one value per game in player-game-shots, which starts empty: a game"
          + " processed before the upgrade whose box score or a shot comes again would lose its zone fields or count"
          + " only the shots sent since",
      "player-game-zones", "a game's zone counts are computed from player-game-shots");

  /**
   * One sentence per retired store whose changelog topic ({@code <application.id>-<store>-changelog}) is among
   * {@code topics}: the state of that application id was made by an earlier build.
   */
  public static List<String> retiredStoreProblems(java.util.Set<String> topics, String applicationId) {
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, String> e : new java.util.TreeMap<>(RETIRED_STORES).entrySet()) {
      String changelog = applicationId + "-" + e.getKey() + "-changelog";
      if (topics.contains(changelog)) {
        out.add("store " + e.getKey() + " (topic " + changelog + ") is no longer used: " + e.getValue());
      }
    }
    return out;
  }

  private void addStores() {
    store(PlayerGameStage.SUMMARY_STORE, PlayerGameSummary.class);
    uncached(PlayerGameStage.GAME_DATE_STORE, Serdes.String());
    store(PlayerGameStage.PROPS_STORE, PlayerGameProps.class);
    store(PlayerGameStage.SHOTS_STORE, PlayerGameShots.class); // cached: a game's shots come together
    text(PlayerGameStage.ZONE_MARKS_STORE);

    uncached(PlayerFeatureStage.HISTORY_STORE, AvroSerde.of(dev.nbaprops.avro.state.PlayedGame.class));
    store(PlayerFeatureStage.CACHE_STORE, PlayerDailyCache.class);
    store(PlayerFeatureStage.SHOT_ZONE_STORE, PlayerShotZoneAnalysis.class);
    store(PlayerFeatureStage.FEATURE_INPUTS_STORE, MlFeatureStore.class);
    store(PlayerFeatureStage.FEATURE_STORE, MlFeatureStore.class);
    store(PlayerFeatureStage.COMPOSITES_STORE, PlayerCompositeFactors.class);
    store(PlayerFeatureStage.TEAM_CONTEXT_STORE, TeamGameContext.class);
    text(PlayerFeatureStage.OPPONENT_INDEX_STORE);
    text(PlayerFeatureStage.SEASON_START_STORE);
    text(PlayerFeatureStage.CONTEXT_MARKS_STORE);

    store(UpcomingPlayerContextStage.STORE, UpcomingPlayerGameContext.class);
    store(UpcomingPlayerContextStage.EXPECTED_STORE, ExpectedPlayer.class);

    uncached(TeamGameStage.LINES_STORE, AvroSerde.of(PlayerBoxScore.class));
    text(TeamGameStage.MARKS_STORE);
    store(TeamGameStage.TOTALS_STORE, GameTotals.class);
    store(TeamGameStage.OFFENSE_STORE, TeamOffenseGameSummary.class);
    store(TeamGameStage.DEFENSE_STORE, TeamDefenseGameSummary.class);

    store(SeasonStartStage.STORE, SeasonStart.class);
    text(SeasonStartStage.FACTS_STORE);
    for (String name : TeamSeasonStage.RECORD_STORES) {
      if (name.equals(TeamSeasonStage.APPEARANCES_STORE) || name.equals(TeamSeasonStage.PLAYER_ZONES_STORE)) {
        uncached(name, AvroSerde.any());
      } else {
        add(name, AvroSerde.any());
      }
    }
    text(TeamSeasonStage.DIRTY_STORE);
    for (StoreCatalog.Entry table : StoreCatalog.ALL) {
      uncached(table.indexStore(), Serdes.String()); // written once per row, like the box-score lines
    }
  }

  /** A stage's stores, with the date index of each queryable table among them ({@link TableStore}). */
  private static String[] withIndexes(List<String> stores) {
    List<String> all = new ArrayList<>(stores);
    for (StoreCatalog.Entry table : StoreCatalog.ALL) {
      if (stores.contains(table.store())) {
        all.add(table.indexStore());
      }
    }
    return all.toArray(String[]::new);
  }

  private KeyValueBytesStoreSupplier supplier(String name) {
    return storeKind == StoreKind.PERSISTENT ? Stores.persistentKeyValueStore(name) : Stores.inMemoryKeyValueStore(name);
  }

  private <V extends SpecificRecord> void store(String name, Class<V> type) {
    add(name, AvroSerde.of(type));
  }

  private void text(String name) {
    add(name, Serdes.String());
  }

  /** A cached key-value store; in-memory (test) stores have no changelog: a test driver commits every record. */
  private <V> void add(String name, Serde<V> values) {
    add(name, values, true);
  }

  /**
   * A store whose keys are written about once each (a box-score line, an appearance): the record cache would
   * absorb nothing there, and its entries (one per key, 26.6k box-score lines a season) make every cache lookup of the thread
   * slower (a sorted map per store) and push out the entries that do absorb repeated updates.
   */
  private <V> void uncached(String name, Serde<V> values) {
    add(name, values, false);
  }

  private <V> void add(String name, Serde<V> values, boolean cached) {
    StoreBuilder<?> b = Stores.keyValueStoreBuilder(supplier(name), Serdes.String(), values);
    b = cached ? b.withCachingEnabled() : b.withCachingDisabled();
    builder.addStateStore(storeKind == StoreKind.PERSISTENT ? b : b.withLoggingDisabled());
  }

  private <V extends SpecificRecord> KStream<String, SpecificRecord> source(String topic, Class<V> type, String name) {
    return builder.stream(topic, Consumed.with(Serdes.String(), AvroSerde.of(type)).withName(name))
        .mapValues(v -> (SpecificRecord) v, Named.as(name + "-any"));
  }

  /**
   * The records a stage forwards to its child {@code name} ({@code context.forward(record, name)}): a stage
   * names its outputs, and this node is the child that receives one of them.
   */
  private static KStream<String, SpecificRecord> output(KStream<String, SpecificRecord> stage, String name) {
    return stage.mapValues(v -> v, Named.as(name));
  }

  /** A stage's dead letters (deferred work that failed, {@link Deferred}) to {@code nba.dlq}. */
  private static void deadLetters(KStream<String, SpecificRecord> stage, String output) {
    output(stage, output).mapValues(v -> (DeadLetter) v, Named.as(output + "-letters"))
        .to(Topics.DEAD_LETTER, Produced.with(Serdes.String(), AvroSerde.of(DeadLetter.class))
            .withName(output + "-to-dlq"));
  }

  /** A copy of every record to every partition (a small table each player task keeps whole). */
  private static KStream<String, SpecificRecord> toEveryPlayerTask(KStream<String, SpecificRecord> rows, String name) {
    return rows.repartition(Repartitioned.<String, SpecificRecord>with(Serdes.String(), AvroSerde.any())
        .withStreamPartitioner(SeasonStartStage.toEveryPartition()).withName(name));
  }

  /** Rows (and tombstones) already keyed by a player-first table key, to the table's topic. */
  private static <V extends SpecificRecord> void toPlayerTopic(KStream<String, SpecificRecord> rows, Class<V> type) {
    toTopic(rows, type, null, ByPlayerPartitioner.byStoreKey());
  }

  /**
   * The one sink helper: rows of {@code type} (and tombstones) to the table's topic, re-keyed by {@code tableKey}
   * when given, placed by {@code partitioner} when given (else by the key's hash).
   */
  @SuppressWarnings("unchecked")
  private static <V extends SpecificRecord> void toTopic(KStream<String, SpecificRecord> rows, Class<V> type,
                                                         java.util.function.Function<SpecificRecord, String> tableKey,
                                                         StreamPartitioner<String, ?> partitioner) {
    TableSpec spec = TableSpec.from(type).orElseThrow();
    KStream<String, V> typed = rows.mapValues(v -> (V) v, Named.as(spec.tableName() + "-rows"));
    if (tableKey != null) {
      typed = typed.selectKey((k, v) -> tableKey.apply(v), Named.as(spec.tableName() + "-key"));
    }
    Produced<String, V> produced = Produced.with(Serdes.String(), AvroSerde.of(type)).withName(spec.tableName() + "-sink");
    if (partitioner != null) {
      produced = produced.withStreamPartitioner((StreamPartitioner<String, V>) partitioner);
    }
    typed.to(spec.topic(), produced);
  }

  private static SpecificRecord appearance(PlayerGameSummary s) {
    return PlayerAppearance.newBuilder().setSeason(s.getSeason()).setGameId(s.getGameId())
        .setGameDate(s.getGameDate()).setPlayerId(s.getPlayerId()).setPlayerName(s.getPlayerName())
        .setTeamAbbr(s.getTeamAbbr()).setMin(s.getMin()).build();
  }
}
