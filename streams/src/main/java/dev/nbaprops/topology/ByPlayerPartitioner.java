package dev.nbaprops.topology;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import java.util.function.ToLongFunction;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.processor.StreamPartitioner;

/**
 * Places a player's rows in the partition the raw topics use for that player (the default partitioner over
 * the player-id string key). Derived player topics and interactive-query routing use it, so a player's rows,
 * its state and its output all live in one partition and one task.
 */
public final class ByPlayerPartitioner<K, V> implements StreamPartitioner<K, V> {
  private final ToLongFunction<V> playerIdOfValue;
  private final ToLongFunction<K> playerIdOfKey;

  private ByPlayerPartitioner(ToLongFunction<K> byKey, ToLongFunction<V> byValue) {
    this.playerIdOfKey = byKey;
    this.playerIdOfValue = byValue;
  }

  /** Partitions by the player id in the record value (for output topics). */
  public static <K, V> ByPlayerPartitioner<K, V> byValue(ToLongFunction<V> playerId) {
    return new ByPlayerPartitioner<>(null, playerId);
  }

  /** Partitions by the player id at the start of a {@link StoreKeys} key (for query routing). */
  public static <V> ByPlayerPartitioner<String, V> byStoreKey() {
    return new ByPlayerPartitioner<>(StoreKeys::playerIdOf, null);
  }

  /** Partitions by the player id at the end of a {@code game_id|player_id} key (tombstones included). */
  public static <V> ByPlayerPartitioner<String, V> byGamePlayerKey() {
    return new ByPlayerPartitioner<>(k -> Long.parseLong(k.substring(k.lastIndexOf(StoreKeys.SEP) + 1)), null);
  }

  public static int partitionOf(long playerId, int numPartitions) {
    return partitionOfKey(Long.toString(playerId), numPartitions);
  }

  /**
   * The partition the producer's default partitioner gives a record keyed by {@code key} (a string key): murmur2
   * of its UTF-8 bytes. The one place that hashes; query routing ({@link StoreCatalog}) uses it too.
   */
  public static int partitionOfKey(String key, int numPartitions) {
    return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % numPartitions;
  }

  @Override
  public Optional<Set<Integer>> partitions(String topic, K key, V value, int numPartitions) {
    long playerId = playerIdOfKey != null ? playerIdOfKey.applyAsLong(key) : playerIdOfValue.applyAsLong(value);
    return Optional.of(Set.of(partitionOf(playerId, numPartitions)));
  }
}
