package dev.nbaprops.topology;

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
  private NbaTopology() {}

  public static Topology build(Map<String, LocalDate> seasonFirstGameDates) {
    StreamsBuilder builder = new StreamsBuilder();
    builder.addStateStore(store(PlayerGameSummaryProcessor.STORE, PlayerGameSummary.class));
    builder.addStateStore(Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(PlayerGameSummaryProcessor.GAME_DATE_STORE), Serdes.String(), Serdes.String())
        .withCachingEnabled());
    builder.addStateStore(store(PlayerDailyCacheProcessor.HISTORY_STORE, PlayerSeasonHistory.class));
    builder.addStateStore(store(PlayerDailyCacheProcessor.CACHE_STORE, PlayerDailyCache.class));

    KStream<String, PlayerBoxScore> boxScores = builder.stream(Topics.PLAYER_BOX_SCORE,
        Consumed.with(Serdes.String(), AvroSerde.of(PlayerBoxScore.class)).withName("box-scores"));

    builder.addStateStore(store(PropLineProcessor.STORE, PlayerGameProps.class));
    KStream<String, PropLine> propLines = builder.stream(Topics.PROP_LINE,
        Consumed.with(Serdes.String(), AvroSerde.of(PropLine.class)).withName("prop-lines"));
    KStream<String, PlayerGameSummary> fromBoxScores = boxScores.process(
        () -> new PlayerGameSummaryProcessor(seasonFirstGameDates.keySet()), Named.as("player-game-summary"),
        PlayerGameSummaryProcessor.STORE, PlayerGameSummaryProcessor.GAME_DATE_STORE, PropLineProcessor.STORE);
    KStream<String, PlayerGameSummary> fromPropLines = propLines.process(PropLineProcessor::new,
        Named.as("prop-lines-of-game"), PropLineProcessor.STORE, PlayerGameSummaryProcessor.STORE);
    KStream<String, PlayerGameSummary> summaries = fromBoxScores.merge(fromPropLines, Named.as("summaries"));
    toTable(summaries, PlayerGameSummary.class, v -> StoreKeys.gamePlayer(v.getGameId(), v.getPlayerId()),
        PlayerGameSummary::getPlayerId);

    KStream<String, PlayerDailyCache> caches = summaries.process(
        () -> new PlayerDailyCacheProcessor(seasonFirstGameDates), Named.as("player-daily-cache"),
        PlayerDailyCacheProcessor.HISTORY_STORE, PlayerDailyCacheProcessor.CACHE_STORE);
    // Already keyed by the table key (player|date); tombstones (value null) delete a row.
    caches.to(TableSpec.from(PlayerDailyCache.class).orElseThrow().topic(),
        Produced.with(Serdes.String(), AvroSerde.of(PlayerDailyCache.class))
            .withStreamPartitioner(ByPlayerPartitioner.byStoreKey()).withName("player_daily_cache-sink"));

    addTeamGameSummaries(builder, boxScores);
    return builder.build();
  }

  /**
   * Team offense and defense per game: box scores re-keyed by game|player into a table (a corrected line
   * replaces the old one), summed per game with an adder and a subtractor, then split into the two tables.
   */
  private static void addTeamGameSummaries(StreamsBuilder builder, KStream<String, PlayerBoxScore> boxScores) {
    AvroSerde<PlayerBoxScore> boxSerde = AvroSerde.of(PlayerBoxScore.class);
    builder.addStateStore(store(TeamGameSummaryProcessor.OFFENSE_STORE, TeamOffenseGameSummary.class));
    builder.addStateStore(store(TeamGameSummaryProcessor.DEFENSE_STORE, TeamDefenseGameSummary.class));
    KTable<String, PlayerBoxScore> byGamePlayer = boxScores
        .selectKey((k, v) -> StoreKeys.gamePlayer(v.getGameId(), v.getPlayerId()), Named.as("box-by-game-player"))
        .toTable(Named.as("box-score-table"), Materialized.<String, PlayerBoxScore, KeyValueStore<Bytes, byte[]>>as(
            "box-score-by-game-player").withKeySerde(Serdes.String()).withValueSerde(boxSerde));
    KTable<String, GameTotals> totals = byGamePlayer
        .groupBy((k, v) -> KeyValue.pair(v.getGameId(), v), Grouped.with("box-by-game", Serdes.String(), boxSerde))
        .aggregate(TeamGameSummaries::empty,
            (game, line, agg) -> TeamGameSummaries.apply(line, agg, +1),
            (game, line, agg) -> TeamGameSummaries.apply(line, agg, -1),
            Named.as("game-totals"), Materialized.<String, GameTotals, KeyValueStore<Bytes, byte[]>>as("game-totals")
                .withKeySerde(Serdes.String()).withValueSerde(AvroSerde.of(GameTotals.class)));
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
  }

  private static <V extends SpecificRecord> StoreBuilder<KeyValueStore<String, V>> store(String name, Class<V> type) {
    return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.String(), AvroSerde.of(type))
        .withCachingEnabled();
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
