package dev.nbaprops.topology;

import dev.nbaprops.avro.analytics.PlayerGameSummary;
import dev.nbaprops.avro.analytics.TeamDefenseGameSummary;
import dev.nbaprops.avro.analytics.TeamOffenseGameSummary;
import dev.nbaprops.avro.analytics.UpcomingPlayerGameContext;
import dev.nbaprops.avro.analytics.UpcomingTeamGameContext;
import dev.nbaprops.avro.precompute.MlFeatureStore;
import dev.nbaprops.avro.precompute.PlayerCompositeFactors;
import dev.nbaprops.avro.precompute.PlayerDailyCache;
import dev.nbaprops.avro.precompute.PlayerShotZoneAnalysis;
import dev.nbaprops.avro.precompute.TeamDefenseZoneAnalysis;
import dev.nbaprops.serde.TableSpec;
import dev.nbaprops.topology.game.TeamGameStage;
import dev.nbaprops.topology.player.PlayerFeatureStage;
import dev.nbaprops.topology.player.PlayerGameStage;
import dev.nbaprops.topology.player.UpcomingPlayerContextStage;
import dev.nbaprops.topology.season.TeamSeasonStage;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.StreamPartitioner;

/**
 * Every queryable state store of the topology: its name, the table it holds, how its keys are built and which
 * partition (task) owns a key. The query API is driven by this list, so a new table is one entry here.
 *
 * <p>Key layouts ({@link StoreKeys}): player-scoped stores start with the player id ({@code player|...}) and live
 * in the player's partition; game-scoped team stores start with the game id and live in the game's partition;
 * team-by-date stores ({@code team|date}) are computed per season (one task holds a season's teams and league
 * totals), so their owner follows from the season of the key's date.
 */
public final class StoreCatalog {
  /** How the owning partition of a store key is found. */
  public enum Partitioning {
    /** {@code player|...}: murmur2 of the player id string (the raw topics' key). */
    BY_PLAYER,
    /** {@code game|...}: murmur2 of the game id (team stages repartition by game). */
    BY_GAME,
    /** {@code team|date}: murmur2 of the season string of the date ({@link #seasonOf}). */
    BY_SEASON_OF_DATE
  }

  /**
   * One store. {@code keyLayout} documents the key; {@code versionedByDate} is true when the key ends in a date
   * (as-of lookups: the latest row at or before a date); {@code table} is the warehouse table it mirrors.
   */
  public record Entry(String store, String table, String keyLayout, Partitioning partitioning,
                      boolean versionedByDate) {
    /** The table's date index ({@link TableStore}): key {@code date|table key}, in the table's task. */
    public String indexStore() {
      return store + "-by-date";
    }

    /** The index key of a row of {@code date} (ISO) under {@code key}. */
    public static String indexKey(String date, String key) {
      return date + StoreKeys.SEP + key;
    }

    /** The index keys of {@code date} after the table key {@code afterKey} (null: all): {@code [from, to]}. */
    public static String[] indexRange(String date, String afterKey) {
      String prefix = date + StoreKeys.SEP;
      return new String[] {afterKey == null ? prefix : prefix + afterKey + "\0", date + (char) (StoreKeys.SEP + 1)};
    }

    /**
     * The position of the date in the key ({@code ..._date} in {@link #keyLayout}), or -1 when the key has none and
     * the row's {@code game_date} is its date.
     */
    public int dateSegment() {
      String[] names = keyLayout.split("\\|");
      for (int i = 0; i < names.length; i++) {
        if (names[i].endsWith("date")) {
          return i;
        }
      }
      return -1;
    }

    /** The date (ISO) of the row stored under {@code key}: the key's date part, else the row's game_date. */
    public String dateOf(String key, Object row) {
      int segment = dateSegment();
      if (segment < 0) {
        Object d = ((org.apache.avro.generic.GenericRecord) row).get("game_date");
        return String.valueOf(d);
      }
      int start = 0;
      for (int i = 0; i < segment; i++) {
        start = key.indexOf(StoreKeys.SEP, start) + 1;
      }
      return key.substring(start, start + 10);
    }

    public StreamPartitioner<String, Object> partitioner() {
      return (topic, key, value, n) -> Optional.of(Set.of(partitionOf(key, n)));
    }

    public int partitionOf(String key, int numPartitions) {
      int sep = key.indexOf(StoreKeys.SEP);
      String head = sep < 0 ? key : key.substring(0, sep);
      String routing = switch (partitioning) {
        case BY_PLAYER, BY_GAME -> head;
        case BY_SEASON_OF_DATE -> seasonOf(LocalDate.parse(key.substring(sep + 1, sep + 11)));
      };
      return ByPlayerPartitioner.partitionOfKey(routing, numPartitions);
    }
  }

  public static final Entry PLAYER_GAME_SUMMARY = entry(PlayerGameStage.SUMMARY_STORE, PlayerGameSummary.class,
      "player_id|game_date|game_id", Partitioning.BY_PLAYER, false);
  public static final Entry TEAM_OFFENSE_GAME_SUMMARY = entry(TeamGameStage.OFFENSE_STORE,
      TeamOffenseGameSummary.class, "game_id|team_abbr", Partitioning.BY_GAME, false);
  public static final Entry TEAM_DEFENSE_GAME_SUMMARY = entry(TeamGameStage.DEFENSE_STORE,
      TeamDefenseGameSummary.class, "game_id|team_abbr", Partitioning.BY_GAME, false);
  public static final Entry UPCOMING_PLAYER_GAME_CONTEXT = entry(UpcomingPlayerContextStage.STORE,
      UpcomingPlayerGameContext.class, "player_id|game_date", Partitioning.BY_PLAYER, true);
  public static final Entry UPCOMING_TEAM_GAME_CONTEXT = entry(TeamSeasonStage.UPCOMING_STORE,
      UpcomingTeamGameContext.class, "team_abbr|game_date", Partitioning.BY_SEASON_OF_DATE, true);
  public static final Entry TEAM_DEFENSE_ZONE_ANALYSIS = entry(TeamSeasonStage.ZONES_STORE,
      TeamDefenseZoneAnalysis.class, "team_abbr|analysis_date", Partitioning.BY_SEASON_OF_DATE, true);
  public static final Entry PLAYER_SHOT_ZONE_ANALYSIS = entry(PlayerFeatureStage.SHOT_ZONE_STORE,
      PlayerShotZoneAnalysis.class, "player_id|analysis_date", Partitioning.BY_PLAYER, true);
  public static final Entry PLAYER_COMPOSITE_FACTORS = entry(PlayerFeatureStage.COMPOSITES_STORE,
      PlayerCompositeFactors.class, "player_id|game_date", Partitioning.BY_PLAYER, true);
  public static final Entry PLAYER_DAILY_CACHE = entry(PlayerFeatureStage.CACHE_STORE, PlayerDailyCache.class,
      "player_id|cache_date", Partitioning.BY_PLAYER, true);
  public static final Entry ML_FEATURE_STORE = entry(PlayerFeatureStage.FEATURE_STORE, MlFeatureStore.class,
      "player_id|game_date", Partitioning.BY_PLAYER, true);

  /** An entry for the store a stage declares, holding the table of {@code rows} (its name from {@link TableSpec}). */
  private static Entry entry(String store, Class<? extends SpecificRecord> rows, String keyLayout,
                             Partitioning partitioning, boolean versionedByDate) {
    return new Entry(store, TableSpec.from(rows).orElseThrow().table(), keyLayout, partitioning, versionedByDate);
  }

  public static final List<Entry> ALL = List.of(PLAYER_GAME_SUMMARY, TEAM_OFFENSE_GAME_SUMMARY,
      TEAM_DEFENSE_GAME_SUMMARY, UPCOMING_PLAYER_GAME_CONTEXT, UPCOMING_TEAM_GAME_CONTEXT, TEAM_DEFENSE_ZONE_ANALYSIS,
      PLAYER_SHOT_ZONE_ANALYSIS, PLAYER_COMPOSITE_FACTORS, PLAYER_DAILY_CACHE, ML_FEATURE_STORE);

  private StoreCatalog() {}

  /** NBA season of a game date ({@link dev.nbaprops.source.Seasons#seasonOfDate}). */
  public static String seasonOf(LocalDate date) {
    return dev.nbaprops.source.Seasons.seasonOfDate(date);
  }

  public static Optional<Entry> byTable(String table) {
    return ALL.stream().filter(e -> e.table().equals(table)).findFirst();
  }
}
