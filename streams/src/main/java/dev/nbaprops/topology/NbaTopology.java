package dev.nbaprops.topology;

import dev.nbaprops.avro.analytics.UpcomingPlayerGameContext;
import dev.nbaprops.avro.analytics.UpcomingTeamGameContext;
import dev.nbaprops.avro.precompute.MlFeatureStore;
import dev.nbaprops.avro.precompute.PlayerCompositeFactors;
import dev.nbaprops.avro.precompute.PlayerShotZoneAnalysis;
import dev.nbaprops.avro.precompute.TeamDefenseZoneAnalysis;
import dev.nbaprops.avro.raw.GameLine;
import dev.nbaprops.avro.raw.ScheduleGame;
import dev.nbaprops.avro.raw.Shot;
import dev.nbaprops.avro.state.ExpectedPlayer;
import dev.nbaprops.avro.state.PlayerAppearance;
import dev.nbaprops.avro.state.PlayerGameZones;
import dev.nbaprops.avro.state.ShotFact;
import dev.nbaprops.avro.state.TeamGameContext;
import dev.nbaprops.features.FeatureVector;
import dev.nbaprops.topology.analytics.ShotZonesProcessor;
import dev.nbaprops.topology.analytics.UpcomingPlayerContextProcessor;
import dev.nbaprops.topology.precompute.SeasonStartProcessor;
import dev.nbaprops.topology.precompute.TeamSeasonProcessor;
import dev.nbaprops.avro.state.SeasonStart;
import java.util.ArrayList;
import java.util.List;
import java.time.Duration;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.kstream.TableJoined;

import dev.nbaprops.avro.analytics.PlayerGameSummary;
import dev.nbaprops.avro.precompute.PlayerDailyCache;
import dev.nbaprops.avro.raw.PlayerBoxScore;
import dev.nbaprops.avro.raw.PropLine;
import dev.nbaprops.avro.state.PlayerGameProps;
import dev.nbaprops.topology.analytics.PropLineProcessor;
import dev.nbaprops.avro.state.PlayerSeasonHistory;
import dev.nbaprops.serde.AvroSerde;
import dev.nbaprops.serde.TableSpec;
import dev.nbaprops.topics.Topics;
import dev.nbaprops.topology.analytics.PlayerGameSummaryProcessor;
import dev.nbaprops.topology.precompute.PlayerDailyCacheProcessor;
import java.time.LocalDate;
import java.util.Map;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.common.utils.Bytes;
import dev.nbaprops.avro.analytics.TeamDefenseGameSummary;
import dev.nbaprops.avro.analytics.TeamOffenseGameSummary;
import dev.nbaprops.avro.state.GameTotals;
import dev.nbaprops.topology.analytics.TeamGameSummaries;
import dev.nbaprops.topology.analytics.TeamGameSummaryProcessor;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.avro.specific.SpecificRecord;

/**
 * The one topology, for backfill and live alike. Flow (each arrow a processor with its stores):
 * <pre>
 *   nba.raw.player-box-score, nba.raw.prop-line (both keyed by player_id)
 *     -> PlayerGameSummaryProcessor + PropLineProcessor (pra_line, pra_result) -> nba_analytics.player_game_summary
 *     -> PlayerDailyCacheProcessor   -> nba_precompute.player_daily_cache
 *     -> (re-keyed game|player table, summed per game) -> TeamGameSummaryProcessor
 *          -> nba_analytics.team_offense_game_summary, nba_analytics.team_defense_game_summary
 * </pre>
 * Every player-scoped stage stays in the partition of the player id ({@link ByPlayerPartitioner}); the team
 * stages repartition by game.
 */
public final class NbaTopology {
  /** Where the stores live: RocksDB (the app) or the heap (topology tests, where every record is a commit). */
  public enum StoreKind { PERSISTENT, IN_MEMORY }

  private final StoreKind storeKind;
  private final PendingWork pending;

  private NbaTopology(StoreKind storeKind, PendingWork pending) {
    this.storeKind = storeKind;
    this.pending = pending;
  }

  private KeyValueBytesStoreSupplier supplier(String name) {
    return storeKind == StoreKind.PERSISTENT ? Stores.persistentKeyValueStore(name) : Stores.inMemoryKeyValueStore(name);
  }

  private <V> Materialized<String, V, KeyValueStore<Bytes, byte[]>> materialized(String name, Serde<V> values) {
    Materialized<String, V, KeyValueStore<Bytes, byte[]>> m =
        Materialized.<String, V>as(supplier(name)).withKeySerde(Serdes.String()).withValueSerde(values);
    return storeKind == StoreKind.PERSISTENT ? m : m.withLoggingDisabled();
  }

  /** In-memory (test) stores have no changelog: a topology test driver commits after every record. */
  private <S extends org.apache.kafka.streams.processor.StateStore> StoreBuilder<S> logged(StoreBuilder<S> b) {
    return storeKind == StoreKind.PERSISTENT ? b : b.withLoggingDisabled();
  }

  /**
   * How often (wall clock) the season stage recomputes the rows its inputs made dirty, and the shot stage
   * forwards the summaries its shots changed.
   */
  public static final Duration DEFAULT_PRECOMPUTE_INTERVAL = Duration.ofSeconds(1);

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
   * game date otherwise comes from the data ({@link SeasonStartProcessor}).
   */
  public static Topology build(Map<String, LocalDate> seasonStartOverrides, Duration precomputeInterval,
                               StoreKind storeKind, PendingWork pending) {
    return new NbaTopology(storeKind, pending).topology(seasonStartOverrides, precomputeInterval);
  }

  private Topology topology(Map<String, LocalDate> seasonStartOverrides, Duration precomputeInterval) {
    StreamsBuilder builder = new StreamsBuilder();
    builder.addStateStore(store(PlayerGameSummaryProcessor.STORE, PlayerGameSummary.class));
    builder.addStateStore(logged(Stores.keyValueStoreBuilder(
        supplier(PlayerGameSummaryProcessor.GAME_DATE_STORE), Serdes.String(), Serdes.String())
        .withCachingEnabled()));
    builder.addStateStore(store(PlayerDailyCacheProcessor.HISTORY_STORE, PlayerSeasonHistory.class));
    builder.addStateStore(store(PlayerDailyCacheProcessor.CACHE_STORE, PlayerDailyCache.class));
    builder.addStateStore(store(PlayerDailyCacheProcessor.SHOT_ZONE_STORE, PlayerShotZoneAnalysis.class));
    builder.addStateStore(store(PlayerDailyCacheProcessor.FEATURE_INPUTS_STORE, MlFeatureStore.class));
    builder.addStateStore(logged(Stores.keyValueStoreBuilder(
        supplier(PlayerDailyCacheProcessor.SEASON_START_STORE), Serdes.String(), Serdes.String())
        .withCachingEnabled()));
    builder.addStateStore(store(ShotZonesProcessor.SHOT_STORE, ShotFact.class));
    builder.addStateStore(store(ShotZonesProcessor.ZONES_STORE, PlayerGameZones.class));
    builder.addStateStore(logged(Stores.keyValueStoreBuilder(
        supplier(ShotZonesProcessor.UPDATES_STORE), Serdes.String(), Serdes.String()).withCachingEnabled()));
    builder.addStateStore(store(PropLineProcessor.STORE, PlayerGameProps.class));
    builder.addStateStore(store(UpcomingPlayerContextProcessor.STORE, UpcomingPlayerGameContext.class));
    builder.addStateStore(store(UpcomingPlayerContextProcessor.EXPECTED_STORE, ExpectedPlayer.class));

    KStream<String, PlayerBoxScore> boxScores = builder.stream(Topics.PLAYER_BOX_SCORE,
        Consumed.with(Serdes.String(), AvroSerde.of(PlayerBoxScore.class)).withName("box-scores"));
    KStream<String, PropLine> propLines = builder.stream(Topics.PROP_LINE,
        Consumed.with(Serdes.String(), AvroSerde.of(PropLine.class)).withName("prop-lines"));
    KStream<String, Shot> shots = builder.stream(Topics.SHOT,
        Consumed.with(Serdes.String(), AvroSerde.of(Shot.class)).withName("shots"));
    KStream<String, ScheduleGame> schedule = builder.stream(Topics.SCHEDULE,
        Consumed.with(Serdes.String(), AvroSerde.of(ScheduleGame.class)).withName("schedule"));
    KStream<String, GameLine> gameLines = builder.stream(Topics.GAME_LINE,
        Consumed.with(Serdes.String(), AvroSerde.of(GameLine.class)).withName("game-lines"));

    // Player tasks: the summary row from the box score, its PRA line, its shot zones.
    KStream<String, PlayerGameSummary> fromBoxScores = boxScores.process(
        PlayerGameSummaryProcessor::new, Named.as("player-game-summary"),
        PlayerGameSummaryProcessor.STORE, PlayerGameSummaryProcessor.GAME_DATE_STORE, PropLineProcessor.STORE,
        ShotZonesProcessor.ZONES_STORE);
    KStream<String, SpecificRecord> fromPropLines = propLines.process(PropLineProcessor::new,
        Named.as("prop-lines-of-game"), PropLineProcessor.STORE, PlayerGameSummaryProcessor.STORE);
    KStream<String, PlayerGameSummary> linesOnSummaries = fromPropLines
        .filter((k, v) -> v instanceof PlayerGameSummary, Named.as("summaries-from-lines"))
        .mapValues(v -> (PlayerGameSummary) v, Named.as("as-summary"));
    KStream<String, SpecificRecord> propsChanged = fromPropLines
        .filter((k, v) -> v instanceof PlayerGameProps, Named.as("props-changed"));
    KStream<String, PlayerGameSummary> fromShots = shots.process(
        () -> new ShotZonesProcessor(precomputeInterval, pending), Named.as("player-shot-zones"),
        ShotZonesProcessor.SHOT_STORE, ShotZonesProcessor.ZONES_STORE, ShotZonesProcessor.UPDATES_STORE,
        PlayerGameSummaryProcessor.STORE);
    KStream<String, PlayerGameSummary> summaries = fromBoxScores
        .merge(linesOnSummaries, Named.as("summaries-with-lines"))
        .merge(fromShots, Named.as("summaries"));
    toTable(summaries, PlayerGameSummary.class, v -> StoreKeys.gamePlayer(v.getGameId(), v.getPlayerId()),
        PlayerGameSummary::getPlayerId);

    SeasonStage season = addTeamGameSummaries(builder, boxScores, summaries, shots, schedule,
        gameLines, seasonStartOverrides, precomputeInterval);
    KStream<String, SpecificRecord> teamRows = season.rows();

    // Player precompute: daily cache, shot-zone profile and the player side of the feature row (with the seasons'
    // first game dates, sent to every player task by the season stage).
    KStream<String, SpecificRecord> playerRows = summaries
        .mapValues(v -> (SpecificRecord) v, Named.as("summaries-any"))
        .merge(propsChanged, Named.as("precompute-inputs"))
        .merge(season.starts(), Named.as("precompute-inputs-with-season-starts")).process(
        PlayerDailyCacheProcessor::new, Named.as("player-daily-cache"),
        PlayerDailyCacheProcessor.HISTORY_STORE, PlayerDailyCacheProcessor.CACHE_STORE,
        PlayerDailyCacheProcessor.SHOT_ZONE_STORE, PlayerDailyCacheProcessor.FEATURE_INPUTS_STORE,
        PropLineProcessor.STORE, PlayerDailyCacheProcessor.SEASON_START_STORE);
    toPlayerTopic(Tags.route(playerRows, Tags.DAILY_CACHE, "daily-cache"), PlayerDailyCache.class);
    toPlayerTopic(Tags.route(playerRows, Tags.SHOT_ZONES, "shot-zones"), PlayerShotZoneAnalysis.class);
    KStream<String, MlFeatureStore> featureInputs = Tags.route(playerRows, Tags.FEATURE_INPUTS, "feature-inputs");

    // Upcoming player contexts: expectations from the season stage, moved to the player's task, with prop lines.
    KStream<String, SpecificRecord> expected = Tags.<SpecificRecord>route(teamRows, Tags.EXPECTED, "expected")
        .repartition(Repartitioned.<String, SpecificRecord>with(Serdes.String(), AvroSerde.any())
            .withName("expected-by-player"));
    KStream<String, SpecificRecord> contextInputs = expected.merge(
        propLines.mapValues(v -> (SpecificRecord) v, Named.as("prop-lines-for-context")), Named.as("context-inputs"));
    KStream<String, UpcomingPlayerGameContext> contexts = contextInputs.process(UpcomingPlayerContextProcessor::new,
        Named.as("upcoming-player-game-context"), UpcomingPlayerContextProcessor.STORE,
        UpcomingPlayerContextProcessor.EXPECTED_STORE, PropLineProcessor.STORE);
    contexts.to(TableSpec.from(UpcomingPlayerGameContext.class).orElseThrow().topic(),
        Produced.with(Serdes.String(), AvroSerde.of(UpcomingPlayerGameContext.class))
            .withStreamPartitioner(ByPlayerPartitioner.byGamePlayerKey())
            .withName("upcoming_player_game_context-sink"));

    addFeatureStore(featureInputs, Tags.route(teamRows, Tags.TEAM_CONTEXT, "team-context"));
    return builder.build();
  }

  /**
   * ml_feature_store and player_composite_factors: the player side of each row (key player|D) joined by foreign
   * key with the opponent's team context on D (key team|D); either side changing updates the row. Both sides
   * are built from games before D only, so the joined row is too.
   */
  private void addFeatureStore(KStream<String, MlFeatureStore> featureInputs,
                                      KStream<String, TeamGameContext> teamContexts) {
    AvroSerde<MlFeatureStore> featureSerde = AvroSerde.of(MlFeatureStore.class);
    KTable<String, MlFeatureStore> left = featureInputs
        .repartition(Repartitioned.<String, MlFeatureStore>with(Serdes.String(), featureSerde)
            .withStreamPartitioner(ByPlayerPartitioner.byStoreKey()).withName("feature-inputs-by-player"))
        .toTable(Named.as("feature-inputs-table"), materialized("ml-feature-inputs-table", featureSerde));
    KTable<String, TeamGameContext> right = teamContexts
        .repartition(Repartitioned.<String, TeamGameContext>with(Serdes.String(), AvroSerde.of(TeamGameContext.class))
            .withName("team-context-by-key"))
        .toTable(Named.as("team-context-table"), materialized("team-game-context-table", AvroSerde.of(TeamGameContext.class)));
    KTable<String, MlFeatureStore> features = left.leftJoin(right,
        p -> p.getOppAbbr() == null ? null : p.getOppAbbr() + StoreKeys.SEP + p.getGameDate(),
        FeatureVector::withOpponent,
        TableJoined.<String, String>with(ByPlayerPartitioner.byStoreKey(), null).withName("features-join"),
        materialized(StoreCatalog.ML_FEATURE_STORE.store(), featureSerde));
    KTable<String, PlayerCompositeFactors> composites = features.mapValues(FeatureVector::composites,
        Named.as("composite-factors"),
        materialized(StoreCatalog.PLAYER_COMPOSITE_FACTORS.store(), AvroSerde.of(PlayerCompositeFactors.class)));
    toPlayerTopic(features.toStream(Named.as("features-changes")), MlFeatureStore.class);
    toPlayerTopic(composites.toStream(Named.as("composites-changes")), PlayerCompositeFactors.class);
  }

  /** Rows (and tombstones) already keyed by a player-first table key, to the table's topic. */
  private static <V extends SpecificRecord> void toPlayerTopic(KStream<String, V> rows, Class<V> type) {
    TableSpec spec = TableSpec.from(type).orElseThrow();
    rows.to(spec.topic(), Produced.with(Serdes.String(), AvroSerde.of(type))
        .withStreamPartitioner(ByPlayerPartitioner.byStoreKey()).withName(spec.tableName() + "-sink"));
  }

  /** The season stage's tagged rows, and the seasons' first game dates sent to every player partition. */
  private record SeasonStage(KStream<String, SpecificRecord> rows, KStream<String, SpecificRecord> starts) {}

  /**
   * Team offense and defense per game: box scores re-keyed by game|player into a table (a corrected line
   * replaces the old one), summed per game with an adder and a subtractor, then split into the two tables.
   * Then the season stage: the seasons' first game dates ({@link SeasonStartProcessor}) and the team and league
   * rows ({@link TeamSeasonProcessor}).
   */
  private SeasonStage addTeamGameSummaries(StreamsBuilder builder,
      KStream<String, PlayerBoxScore> boxScores, KStream<String, PlayerGameSummary> summaries,
      KStream<String, Shot> shots, KStream<String, ScheduleGame> schedule, KStream<String, GameLine> gameLines,
      Map<String, LocalDate> seasonStartOverrides, Duration precomputeInterval) {
    AvroSerde<PlayerBoxScore> boxSerde = AvroSerde.of(PlayerBoxScore.class);
    builder.addStateStore(store(TeamGameSummaryProcessor.OFFENSE_STORE, TeamOffenseGameSummary.class));
    builder.addStateStore(store(TeamGameSummaryProcessor.DEFENSE_STORE, TeamDefenseGameSummary.class));
    KTable<String, PlayerBoxScore> byGamePlayer = boxScores
        .selectKey((k, v) -> StoreKeys.gamePlayer(v.getGameId(), v.getPlayerId()), Named.as("box-by-game-player"))
        .toTable(Named.as("box-score-table"), materialized("box-score-by-game-player", boxSerde));
    KTable<String, GameTotals> totals = byGamePlayer
        .groupBy((k, v) -> KeyValue.pair(v.getGameId(), v), Grouped.with("box-by-game", Serdes.String(), boxSerde))
        .aggregate(TeamGameSummaries::empty,
            (game, line, agg) -> TeamGameSummaries.apply(line, agg, +1),
            (game, line, agg) -> TeamGameSummaries.apply(line, agg, -1),
            Named.as("game-totals"), materialized("game-totals", AvroSerde.of(GameTotals.class)));
    KStream<String, SpecificRecord> rows = totals.toStream(Named.as("game-totals-changes"))
        .process(TeamGameSummaryProcessor::new, Named.as("team-game-summaries"),
            TeamGameSummaryProcessor.OFFENSE_STORE, TeamGameSummaryProcessor.DEFENSE_STORE);
    rows.split(Named.as("team-"))
        .branch((k, v) -> v instanceof TeamOffenseGameSummary, Branched.withConsumer(s -> s
            .mapValues(v -> (TeamOffenseGameSummary) v, Named.as("as-offense"))
            .to(TableSpec.from(TeamOffenseGameSummary.class).orElseThrow().topic(),
                Produced.with(Serdes.String(), AvroSerde.of(TeamOffenseGameSummary.class)).withName("team_offense-sink")),
            "offense"))
        .branch((k, v) -> v instanceof TeamDefenseGameSummary, Branched.withConsumer(s -> s
            .mapValues(v -> (TeamDefenseGameSummary) v, Named.as("as-defense"))
            .to(TableSpec.from(TeamDefenseGameSummary.class).orElseThrow().topic(),
                Produced.with(Serdes.String(), AvroSerde.of(TeamDefenseGameSummary.class)).withName("team_defense-sink")),
            "defense"))
        .noDefaultBranch();

    // The season stage: every input that needs all of a season's teams, repartitioned by season.
    for (String store : TeamSeasonProcessor.STORES) {
      builder.addStateStore(seasonStore(store));
    }
    AvroSerde<SpecificRecord> any = AvroSerde.any();
    KStream<String, SpecificRecord> seasonInputs = rows
        .merge(shots.mapValues(v -> (SpecificRecord) v, Named.as("shots-any")), Named.as("season-shots"))
        .merge(schedule.mapValues(v -> (SpecificRecord) v, Named.as("schedule-any")), Named.as("season-schedule"))
        .merge(gameLines.mapValues(v -> (SpecificRecord) v, Named.as("lines-any")), Named.as("season-lines"))
        .merge(summaries.mapValues(NbaTopology::appearance, Named.as("appearances")), Named.as("season-appearances"))
        .selectKey((k, v) -> seasonOf(v), Named.as("by-season"))
        .repartition(Repartitioned.<String, SpecificRecord>with(Serdes.String(), any).withName("season-inputs"));
    builder.addStateStore(store(SeasonStartProcessor.STORE, SeasonStart.class));
    builder.addStateStore(logged(Stores.keyValueStoreBuilder(
        supplier(SeasonStartProcessor.FACTS_STORE), Serdes.String(), Serdes.String()).withCachingEnabled()));
    KStream<String, SpecificRecord> withStarts = seasonInputs.process(
        () -> new SeasonStartProcessor(seasonStartOverrides), Named.as("season-start"),
        SeasonStartProcessor.STORE, SeasonStartProcessor.FACTS_STORE);
    List<String> seasonStores = new ArrayList<>(TeamSeasonProcessor.STORES);
    seasonStores.add(SeasonStartProcessor.STORE); // read only
    KStream<String, SpecificRecord> seasonRows = withStarts.process(
        () -> new TeamSeasonProcessor(precomputeInterval, pending), Named.as("team-season"),
        seasonStores.toArray(String[]::new));
    KStream<String, SpecificRecord> starts = withStarts
        .filter((k, v) -> v instanceof SeasonStart, Named.as("season-starts"))
        .repartition(Repartitioned.<String, SpecificRecord>with(Serdes.String(), any)
            .withStreamPartitioner(SeasonStartProcessor.toEveryPartition()).withName("season-start-to-players"));
    Tags.<TeamDefenseZoneAnalysis>route(seasonRows, Tags.TEAM_ZONES, "team-zones")
        .to(TableSpec.from(TeamDefenseZoneAnalysis.class).orElseThrow().topic(),
            Produced.with(Serdes.String(), AvroSerde.of(TeamDefenseZoneAnalysis.class))
                .withName("team_defense_zone_analysis-sink"));
    Tags.<UpcomingTeamGameContext>route(seasonRows, Tags.UPCOMING_TEAM, "upcoming-team")
        .to(TableSpec.from(UpcomingTeamGameContext.class).orElseThrow().topic(),
            Produced.with(Serdes.String(), AvroSerde.of(UpcomingTeamGameContext.class))
                .withName("upcoming_team_game_context-sink"));
    return new SeasonStage(seasonRows, starts);
  }

  private static SpecificRecord appearance(PlayerGameSummary s) {
    return PlayerAppearance.newBuilder().setSeason(s.getSeason()).setGameId(s.getGameId())
        .setGameDate(s.getGameDate()).setPlayerId(s.getPlayerId()).setPlayerName(s.getPlayerName())
        .setTeamAbbr(s.getTeamAbbr()).setMin(s.getMin()).build();
  }

  /** The season of a season-stage input (from its game id, or its season field). */
  private static String seasonOf(SpecificRecord v) {
    if (v instanceof Shot s) {
      return s.getSeason();
    } else if (v instanceof ScheduleGame g) {
      return g.getSeason();
    } else if (v instanceof GameLine l) {
      return l.getSeason();
    } else if (v instanceof PlayerAppearance a) {
      return a.getSeason();
    } else if (v instanceof TeamOffenseGameSummary o) {
      return o.getSeason();
    } else if (v instanceof TeamDefenseGameSummary d) {
      return d.getSeason();
    }
    throw new IllegalArgumentException("not a season-stage input: " + v.getClass().getName());
  }

  @SuppressWarnings("unchecked")
  private StoreBuilder<KeyValueStore<String, Object>> seasonStore(String name) {
    Serde<?> values = name.equals(TeamSeasonProcessor.DIRTY_STORE) ? Serdes.String() : AvroSerde.any();
    return logged(Stores.keyValueStoreBuilder(supplier(name), Serdes.String(), (Serde<Object>) values)
        .withCachingEnabled());
  }

  private <V extends SpecificRecord> StoreBuilder<KeyValueStore<String, V>> store(String name, Class<V> type) {
    return logged(Stores.keyValueStoreBuilder(supplier(name), Serdes.String(), AvroSerde.of(type))
        .withCachingEnabled());
  }

  /** Writes a derived stream to its table topic, keyed by the table's key, partitioned by player. */
  private static <V extends SpecificRecord> void toTable(KStream<String, V> rows, Class<V> type,
                                                         java.util.function.Function<V, String> tableKey,
                                                         java.util.function.ToLongFunction<V> playerId) {
    TableSpec spec = TableSpec.from(type).orElseThrow();
    Serde<V> serde = AvroSerde.of(type);
    rows.selectKey((k, v) -> tableKey.apply(v), Named.as(spec.tableName() + "-key"))
        .to(spec.topic(), Produced.with(Serdes.String(), serde)
            .withStreamPartitioner(ByPlayerPartitioner.byValue(playerId)).withName(spec.tableName() + "-sink"));
  }
}
