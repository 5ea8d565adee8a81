package dev.nbaprops.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.time.LocalDate;
import dev.nbaprops.topology.StoreCatalog.Entry;
import dev.nbaprops.topology.TableVersions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.LagInfo;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.TaskMetadata;
import org.apache.kafka.streams.ThreadMetadata;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * What this instance can read of a store right now, partition by partition: the partitions whose active task
 * runs here (Kafka Streams RUNNING), and for stale reads also its standby replicas, with their offset lag. A
 * partition is reported only when its whole scan ran against a queryable store, so a missing partition means
 * "not answerable here now", never "empty".
 */
final class LocalStores implements StoreReader {
  /**
   * One scan of a store: a key range, filters and a projection, applied on the instance that holds the data.
   * {@code limit} (at least 1) bounds the rows of each partition; {@code byPlayer} folds the matching rows of
   * each player into one summary row (player search).
   */
  record Scan(String store, Set<Integer> partitions, String from, String to, boolean reverse, int limit,
              String matchField, String matchText, List<String> fields, boolean stale, boolean byPlayer) {
    Scan {
      if (limit < 1) {
        throw new IllegalArgumentException("a scan needs a row limit");
      }
    }

    static Scan range(String store, String from, String to, int limit) {
      return new Scan(store, null, from, to, false, limit, null, null, List.of(), false, false);
    }

    Scan withPartitions(Set<Integer> p) {
      return new Scan(store, p, from, to, reverse, limit, matchField, matchText, fields, stale, byPlayer);
    }

    Scan descending() {
      return new Scan(store, partitions, from, to, true, limit, matchField, matchText, fields, stale, byPlayer);
    }

    Scan limit(int n) {
      return new Scan(store, partitions, from, to, reverse, n, matchField, matchText, fields, stale, byPlayer);
    }

    Scan stale(boolean s) {
      return new Scan(store, partitions, from, to, reverse, limit, matchField, matchText, fields, s, byPlayer);
    }

    /** Keys strictly after {@code key} (the next key in byte order is {@code key + "\0"}). */
    Scan after(String key) {
      return key == null ? this
          : new Scan(store, partitions, key + "\0", to, reverse, limit, matchField, matchText, fields, stale, byPlayer);
    }

    Scan matching(String field, String text, List<String> projection, boolean perPlayer) {
      return new Scan(store, partitions, from, to, reverse, limit, field, text, projection, stale, perPlayer);
    }
  }

  record Row(String key, JsonNode value) {}

  /**
   * The rows of one partition, whether they came from a standby replica (and how far behind it was), and whether
   * the partition has more rows past the limit.
   */
  record Part(boolean standby, long lag, List<Row> rows, boolean more) {}

  /** How long a {@link Placement} is trusted without a state change: a bound on what a missed signal could cost. */
  static final long PLACEMENT_TTL_NANOS = 1_000_000_000L;

  private final KafkaStreams streams;
  private final Map<String, Integer> subtopologyOfStore;
  private volatile Placement placement;

  /**
   * Which partitions of each subtopology run here as active and as standby tasks, read from Kafka Streams'
   * metadata once and kept while {@link TableVersions#epoch()} stays the same (it moves with every state change,
   * so with every rebalance and every restore) and for at most {@link #PLACEMENT_TTL_NANOS}: reading the metadata
   * of every local task on every request cost more than the lookup itself (bench/RESULTS.md).
   */
  record Placement(long epoch, long at, Map<Integer, Set<Integer>> active, Map<Integer, Set<Integer>> standby) {
    Set<Integer> active(int sub) {
      return active.getOrDefault(sub, Set.of());
    }

    Set<Integer> standby(int sub) {
      return standby.getOrDefault(sub, Set.of());
    }
  }

  LocalStores(KafkaStreams streams, TopologyDescription topology) {
    this.streams = streams;
    this.subtopologyOfStore = storesOf(topology);
  }

  static Map<String, Integer> storesOf(TopologyDescription topology) {
    Map<String, Integer> out = new HashMap<>();
    for (TopologyDescription.Subtopology sub : topology.subtopologies()) {
      for (TopologyDescription.Node node : sub.nodes()) {
        if (node instanceof TopologyDescription.Processor proc) {
          proc.stores().forEach(s -> out.put(s, sub.id()));
        }
      }
    }
    return out;
  }

  @Override
  public boolean computed(String store) {
    return subtopologyOfStore.containsKey(store);
  }

  KafkaStreams streams() {
    return streams;
  }

  /** Scans the requested partitions this instance can answer for; the others are absent from the result. */
  @Override
  public Map<Integer, Part> scan(Scan s) {
    try {
      return scanOrThrow(s);
    } catch (IllegalStateException e) {
      return Map.of(); // Kafka Streams left RUNNING (shutting down, error) while we read: nothing answerable here
    }
  }

  private Map<Integer, Part> scanOrThrow(Scan s) {
    return perPartition(s.store(), s.partitions(), s.stale(), (p, standby, more) -> {
      ReadOnlyKeyValueStore<String, Object> store = open(s.store(), p, standby);
      return s.byPlayer() ? perPlayer(store, s) : read(store, s, more);
    });
  }

  /** One partition's read: its rows, setting {@code more[0]} when there are more past the limit. */
  private interface PartitionRead {
    List<Row> read(int partition, boolean standby, boolean[] more);
  }

  /**
   * {@code read} on each requested partition of {@code store}'s task this instance can answer for (active, or a
   * standby when {@code stale}, with its offset lag); a partition whose task moved while it was read is left out.
   */
  private Map<Integer, Part> perPartition(String storeName, Set<Integer> partitions, boolean stale, PartitionRead read) {
    Integer sub = subtopologyOfStore.get(storeName);
    Map<Integer, Part> out = new LinkedHashMap<>();
    if (sub == null || !readable(stale)) {
      return out;
    }
    Placement pl = placement();
    Set<Integer> active = pl.active(sub);
    Map<Integer, LagInfo> lags = null;
    for (int p : candidates(partitions, stale, active, pl.standby(sub))) {
      boolean isStandby = !active.contains(p);
      try {
        boolean[] more = new boolean[1];
        List<Row> rows = read.read(p, isStandby, more);
        if (!isStandby && !stillActive(sub, p, pl)) {
          continue; // the task moved while we read: do not vouch for this partition
        }
        long lag = 0;
        if (isStandby) {
          if (lags == null) {
            try {
              lags = streams.allLocalStorePartitionLags().getOrDefault(storeName, Map.of());
            } catch (RuntimeException e) {
              lags = Map.of(); // lag unknown (reported as -1)
            }
          }
          LagInfo li = lags.get(p);
          lag = li == null ? -1 : li.offsetLag();
        }
        out.put(p, new Part(isStandby, lag, rows, more[0]));
      } catch (InvalidStateStoreException e) {
        // migrating, restoring or closed: this partition is not answerable here now
      }
    }
    return out;
  }

  /** One partition of a store (a standby's when {@code standby}). */
  private ReadOnlyKeyValueStore<String, Object> open(String store, int partition, boolean standby) {
    StoreQueryParameters<ReadOnlyKeyValueStore<String, Object>> params = StoreQueryParameters
        .<ReadOnlyKeyValueStore<String, Object>>fromNameAndType(store, QueryableStoreTypes.keyValueStore())
        .withPartition(partition);
    return streams.store(standby ? params.enableStaleStores() : params);
  }

  private boolean readable(boolean stale) {
    KafkaStreams.State st = streams.state();
    return st == KafkaStreams.State.RUNNING || (stale && st == KafkaStreams.State.REBALANCING);
  }

  private static List<Integer> candidates(Set<Integer> partitions, boolean stale, Set<Integer> active,
                                          Set<Integer> standby) {
    if (partitions != null && partitions.size() == 1) { // a key's partition: the common case, without copies
      int p = partitions.iterator().next();
      return active.contains(p) || (stale && standby.contains(p)) ? List.of(p) : List.of();
    }
    Set<Integer> all = new java.util.TreeSet<>(active);
    if (stale) {
      all.addAll(standby);
    }
    if (partitions != null) {
      all.retainAll(partitions);
    }
    return new ArrayList<>(all);
  }


  /** The placement of tasks on this instance: the kept one while it is valid, else read anew. */
  Placement placement() {
    Placement pl = placement;
    long epoch = TableVersions.epoch();
    long now = System.nanoTime();
    if (pl != null && pl.epoch() == epoch && now - pl.at() < PLACEMENT_TTL_NANOS) {
      return pl;
    }
    Map<Integer, Set<Integer>> active = new HashMap<>();
    Map<Integer, Set<Integer>> standby = new HashMap<>();
    for (ThreadMetadata t : streams.metadataForLocalThreads()) {
      for (TaskMetadata task : t.activeTasks()) {
        active.computeIfAbsent(task.taskId().subtopology(), k -> new HashSet<>()).add(task.taskId().partition());
      }
      for (TaskMetadata task : t.standbyTasks()) {
        standby.computeIfAbsent(task.taskId().subtopology(), k -> new HashSet<>()).add(task.taskId().partition());
      }
    }
    standby.forEach((sub, parts) -> parts.removeAll(active.getOrDefault(sub, Set.of())));
    pl = new Placement(epoch, now, active, standby);
    placement = pl;
    return pl;
  }

  /**
   * Whether {@code partition}'s task is still active here after a read that began under {@code before}: nothing
   * moved when the epoch did not (a task moves only in a rebalance, which changes Kafka Streams' state first);
   * otherwise asked anew.
   */
  private boolean stillActive(int sub, int partition, Placement before) {
    if (streams.state() != KafkaStreams.State.RUNNING) {
      return false;
    }
    Placement now = TableVersions.epoch() == before.epoch() ? before : placement();
    return now.active(sub).contains(partition);
  }

  private static boolean keep(KeyValue<String, Object> kv, Scan s, String needle) {
    if (kv.value == null) {
      return false;
    }
    return needle == null || fold(fieldText(kv.value, s.matchField())).contains(needle);
  }

  private static List<Row> read(ReadOnlyKeyValueStore<String, Object> store, Scan s, boolean[] more) {
    List<Row> rows = new ArrayList<>();
    String needle = s.matchText() == null ? null : fold(s.matchText());
    if (s.from() != null && s.from().equals(s.to()) && needle == null) {
      // One key: a point read (a range read opens a RocksDB iterator and the record cache's merge iterator).
      Object v = store.get(s.from());
      if (v != null) {
        JsonNode value = Json.tree(v);
        if (!s.fields().isEmpty() && value instanceof ObjectNode obj) {
          obj.retain(s.fields());
        }
        rows.add(new Row(s.from(), value));
      }
      return rows;
    }
    try (KeyValueIterator<String, Object> it = s.reverse() ? store.reverseRange(s.from(), s.to())
        : store.range(s.from(), s.to())) {
      while (it.hasNext()) {
        KeyValue<String, Object> kv = it.next();
        if (!keep(kv, s, needle)) {
          continue;
        }
        if (rows.size() >= s.limit()) {
          more[0] = true;
          break;
        }
        JsonNode value = Json.tree(kv.value);
        if (!s.fields().isEmpty() && value instanceof ObjectNode obj) {
          obj.retain(s.fields());
        }
        rows.add(new Row(kv.key, value));
      }
    }
    return rows;
  }

  /**
   * Player search: the matching rows of each player (keys {@code player|date|...}, so a player's rows are
   * adjacent and in date order) folded into one row: id, latest name and team, last game date, matching games.
   * Its size grows with the number of matching players, not with their rows.
   */
  private static List<Row> perPlayer(ReadOnlyKeyValueStore<String, Object> store, Scan s) {
    Map<String, ObjectNode> byPlayer = new java.util.TreeMap<>();
    String needle = fold(s.matchText());
    try (KeyValueIterator<String, Object> it = store.range(s.from(), s.to())) {
      while (it.hasNext()) {
        KeyValue<String, Object> kv = it.next();
        if (!keep(kv, s, needle)) {
          continue;
        }
        String player = segment(kv.key, 0);
        ObjectNode p = byPlayer.computeIfAbsent(player, k -> Json.COMPACT.createObjectNode());
        p.put("player_id", Long.parseLong(player));
        p.put("player_name", fieldText(kv.value, "player_name"));
        p.put("team_abbr", fieldText(kv.value, "team_abbr"));
        p.put("last_game_date", fieldText(kv.value, "game_date"));
        p.put("games", p.path("games").asInt(0) + 1);
        if (byPlayer.size() > s.limit()) {
          throw ApiError.badRequest("more than " + s.limit() + " players match; make q longer");
        }
      }
    }
    List<Row> rows = new ArrayList<>();
    byPlayer.forEach((k, v) -> rows.add(new Row(k, v)));
    return rows;
  }

  /**
   * By the table's date index ({@code dev.nbaprops.topology.TableStore}): the index keys of the date (a range read
   * in key order), then a point read of each row, so the cost grows with the answer.
   */
  @Override
  public Map<Integer, Part> rowsOn(Entry table, LocalDate date, String afterKey, int limit, Set<Integer> partitions,
                                   boolean stale) {
    String[] range = Entry.indexRange(date.toString(), afterKey);
    int keyStart = range[0].indexOf(dev.nbaprops.topology.StoreKeys.SEP) + 1;
    try {
      return perPartition(table.store(), partitions, stale, (p, standby, more) -> {
        ReadOnlyKeyValueStore<String, Object> index = open(table.indexStore(), p, standby);
        ReadOnlyKeyValueStore<String, Object> rows = open(table.store(), p, standby);
        List<Row> out = new ArrayList<>();
        try (KeyValueIterator<String, Object> it = index.range(range[0], range[1])) {
          while (it.hasNext()) {
            String key = it.next().key.substring(keyStart);
            Object value = rows.get(key);
            if (value == null) {
              continue; // written between the two reads (the index and the rows change in the same commit)
            }
            if (out.size() >= limit) {
              more[0] = true;
              break;
            }
            out.add(new Row(key, Json.tree(value)));
          }
        }
        return out;
      });
    } catch (IllegalStateException e) {
      return Map.of(); // Kafka Streams left RUNNING while we read
    }
  }

  @Override
  public List<JsonNode> firstRows(String store, int partition, List<String[]> ranges, boolean stale) {
    try {
      Integer sub = subtopologyOfStore.get(store);
      if (sub == null || !readable(stale)) {
        return null;
      }
      Placement pl = placement();
      boolean isStandby = !pl.active(sub).contains(partition);
      if (isStandby && !(stale && pl.standby(sub).contains(partition))) {
        return null;
      }
      StoreQueryParameters<ReadOnlyKeyValueStore<String, Object>> params = StoreQueryParameters
          .<ReadOnlyKeyValueStore<String, Object>>fromNameAndType(store, QueryableStoreTypes.keyValueStore())
          .withPartition(partition);
      ReadOnlyKeyValueStore<String, Object> kv = streams.store(isStandby ? params.enableStaleStores() : params);
      List<JsonNode> out = new ArrayList<>(ranges.size());
      for (String[] r : ranges) {
        Object v = null;
        if (r[0].equals(r[1])) {
          v = kv.get(r[0]);
        } else {
          try (KeyValueIterator<String, Object> it = kv.range(r[0], r[1])) {
            while (it.hasNext() && v == null) {
              v = it.next().value;
            }
          }
        }
        out.add(v == null ? null : Json.tree(v));
      }
      if (!isStandby && !stillActive(sub, partition, pl)) {
        return null;
      }
      return out;
    } catch (InvalidStateStoreException | IllegalStateException e) {
      return null;
    }
  }

  /** A top-level field of a store value as text (dates ISO), "" when absent. */
  static String fieldText(Object value, String field) {
    Object v = value instanceof org.apache.kafka.streams.state.ValueAndTimestamp<?> vt ? vt.value() : value;
    if (v instanceof org.apache.avro.generic.GenericRecord r) {
      org.apache.avro.Schema.Field f = r.getSchema().getField(field);
      Object x = f == null ? null : r.get(f.pos());
      return x == null ? "" : x.toString();
    }
    return Json.tree(v).path(field).asText();
  }

  static String segment(String key, int index) {
    int start = 0;
    for (int i = 0; i < index; i++) {
      start = key.indexOf('|', start) + 1;
      if (start == 0) {
        return null;
      }
    }
    int end = key.indexOf('|', start);
    return end < 0 ? key.substring(start) : key.substring(start, end);
  }

  /** Lower case without accents ("Jokić" matches "jokic"). */
  static String fold(String s) {
    return Normalizer.normalize(s, Normalizer.Form.NFD).replaceAll("\\p{M}", "").toLowerCase(Locale.ROOT);
  }
}
