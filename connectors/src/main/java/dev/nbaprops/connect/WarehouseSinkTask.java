package dev.nbaprops.connect;

import dev.nbaprops.serde.TableSpec;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The task of {@link WarehouseSinkConnector}: groups each batch by destination table (the {@code x-table} of the
 * record value schema), makes sure each table exists and accepts each schema version once, and applies the batch
 * with one {@link Warehouse#apply} (one transaction in DuckDB; in BigQuery one DELETE and one MERGE per table).
 *
 * <p>A tombstone (null value) on a derived-table topic ({@link TableSpec#byTopic}) deletes the row with its key:
 * the Kafka record key, a String, is the key column values joined by {@code |} in {@code x-key} order (e.g.
 * {@code 203999|2023-10-27} for {@code player_id, cache_date}), parsed by {@link TableDef#parseKey} with the
 * column types of the table's current schema. Within a batch the last operation on a key wins. Deleting a key
 * without a row, or from a table that does not exist yet, does nothing, so redelivered batches are harmless.
 *
 * <p>A record that is not a table row (a value without a struct schema, a schema without {@code x-table}), a row
 * the warehouse can never store ({@link Warehouse#checkRow}, e.g. a date outside BigQuery's range), or a tombstone
 * that names no row (on a topic of no derived table; without a key, or with a key that does not parse) goes to the
 * errant record reporter (the dead-letter queue) when Connect provides one; without one it fails the task with a
 * {@link DataException}. Transient warehouse errors are {@link RetriableException}s: Connect redelivers the batch
 * after {@code retry.backoff.ms}.
 */
public class WarehouseSinkTask extends SinkTask {
  private static final Logger log = LoggerFactory.getLogger(WarehouseSinkTask.class);
  /** Records (rows and deletes) applied to the warehouse by the sink tasks of this process, by topic (benchmarks). */
  private static final java.util.concurrent.ConcurrentMap<String, java.util.concurrent.atomic.LongAdder> APPLIED =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** Records (rows and deletes) the sink tasks of this process have applied to the warehouse so far. */
  public static long recordsApplied() {
    return APPLIED.values().stream().mapToLong(java.util.concurrent.atomic.LongAdder::sum).sum();
  }

  /** The same, by topic. */
  public static java.util.SortedMap<String, Long> recordsAppliedByTopic() {
    java.util.SortedMap<String, Long> out = new java.util.TreeMap<>();
    APPLIED.forEach((topic, n) -> out.put(topic, n.sum()));
    return out;
  }

  private WarehouseSinkConnectorConfig config;
  private ErrantRecordReporter reporter;
  private Warehouse warehouse;
  private final Map<Schema, TableDef> tableDefs = new HashMap<>();
  /** The table of each topic a tombstone came from, by its current schema; empty for a topic of no table. */
  private final Map<String, Optional<TableDef>> topicTables = new HashMap<>();
  private final Set<TableDef> ensured = new HashSet<>();

  @Override
  public String version() {
    return PluginVersion.get();
  }

  @Override
  public void start(Map<String, String> props) {
    config = new WarehouseSinkConnectorConfig(props);
    reporter = errantRecordReporter();
    try {
      warehouse = config.createWarehouse();
    } catch (RetriableException e) {
      log.warn("warehouse not available yet, will retry on the first batch: {}", e.getMessage());
    }
  }

  @Override
  public void put(Collection<SinkRecord> records) {
    if (records.isEmpty()) {
      return;
    }
    try {
      Warehouse w = warehouse();
      Map<String, TableBatch> batches = new LinkedHashMap<>();
      for (SinkRecord record : records) {
        if (record.value() == null) {
          try {
            TableDef def = tombstoneTableDef(record);
            List<Object> key = def.parseKey(tombstoneKey(record, def));
            batches.computeIfAbsent(def.qualifiedName(), t -> new TableBatch()).delete(def, key);
          } catch (DataException e) {
            reportErrant(record, "is a tombstone the sink cannot apply", e);
          }
          continue;
        }
        try {
          TableDef def = tableDefOf(record);
          w.checkRow(def, (Struct) record.value());
          batches.computeIfAbsent(def.qualifiedName(), t -> new TableBatch()).upsert(def, (Struct) record.value());
        } catch (DataException e) {
          reportErrant(record, "is not a warehouse row", e);
        }
      }
      if (batches.isEmpty()) {
        return;
      }
      Map<TableDef, Changes> changes = new LinkedHashMap<>();
      for (TableBatch batch : batches.values()) {
        Changes c = batch.changes.build();
        if (!c.upserts().isEmpty()) {
          for (TableDef def : batch.defs) {
            if (!ensured.contains(def)) {
              w.ensureTable(def);
              ensured.add(def);
            }
          }
        }
        changes.put(batch.latest, c);
      }
      w.apply(changes);
      for (SinkRecord r : records) {
        APPLIED.computeIfAbsent(r.topic(), t -> new java.util.concurrent.atomic.LongAdder()).increment();
      }
      if (log.isDebugEnabled()) {
        changes.forEach((def, c) -> log.debug("{}: upserted {} rows, deleted {} keys", def.qualifiedName(),
            c.upserts().size(), c.deletes().size()));
      }
    } catch (RetriableException e) {
      context.timeout(config.retryBackoffMs());
      throw e;
    }
  }

  @Override
  public void stop() {
    if (warehouse != null) {
      warehouse.close();
      warehouse = null;
    }
    ensured.clear();
  }

  private Warehouse warehouse() {
    if (warehouse == null) {
      warehouse = config.createWarehouse();
    }
    return warehouse;
  }

  private TableDef tableDefOf(SinkRecord record) {
    if (!(record.value() instanceof Struct) || record.valueSchema() == null) {
      throw new DataException("value is a " + record.value().getClass().getName() + " without a struct schema;"
          + " use value.converter=" + AvroSingleObjectConverter.class.getName());
    }
    Schema schema = record.valueSchema();
    TableDef def = tableDefs.get(schema);
    if (def == null) {
      def = TableDef.fromSchema(schema);
      tableDefs.put(schema, def);
    }
    return def;
  }

  /** The table of a tombstone's topic, as the current schema of that table declares it. */
  private TableDef tombstoneTableDef(SinkRecord record) {
    Optional<TableDef> def = topicTables.get(record.topic());
    if (def == null) {
      def = TableSpec.byTopic(record.topic())
          .map(spec -> TableDef.fromSchema(AvroSingleObjectConverter.toConnectSchema(spec.schema())));
      topicTables.put(record.topic(), def);
    }
    return def.orElseThrow(() -> new DataException("tombstone (null value) on topic " + record.topic()
        + ", which is not a derived-table topic (" + TableSpec.all().stream().map(TableSpec::topic).toList()
        + "), so there is no table to delete a row from"));
  }

  private static String tombstoneKey(SinkRecord record, TableDef def) {
    String expected = String.join(String.valueOf(TableDef.KEY_SEPARATOR), def.keyColumns());
    if (record.key() == null) {
      throw new DataException("tombstone (null value) without a key: cannot tell which " + def.qualifiedName()
          + " row to delete (the key must be " + expected + ")");
    }
    if (!(record.key() instanceof String key)) {
      throw new DataException("tombstone key is a " + record.key().getClass().getName() + ", expected a String "
          + expected + "; use key.converter=org.apache.kafka.connect.storage.StringConverter");
    }
    return key;
  }

  private void reportErrant(SinkRecord record, String what, DataException reason) {
    DataException e = new DataException("record " + record.topic() + "-" + record.kafkaPartition() + "@"
        + record.kafkaOffset() + " " + what + ": " + reason.getMessage(), reason);
    if (reporter == null) {
      throw e;
    }
    log.warn("{}; sent to the errant record reporter", e.getMessage());
    reporter.report(record, e);
  }

  private ErrantRecordReporter errantRecordReporter() {
    try {
      return context.errantRecordReporter();
    } catch (NoSuchMethodError | NoClassDefFoundError e) {
      return null; // a worker older than Kafka 2.6
    }
  }

  /**
   * The operations on one table in a batch, the last per key winning, with every schema version of its rows (each
   * is ensured before the batch is applied); {@code latest} is the definition the changes are applied with: that
   * of the last row, else that of the tombstones' topic.
   */
  private static final class TableBatch {
    private final Set<TableDef> defs = new LinkedHashSet<>();
    private final Changes.Builder changes = new Changes.Builder();
    private List<String> keyColumns;
    private TableDef latest;
    private boolean hasRow;

    void upsert(TableDef def, Struct row) {
      checkKeyColumns(def);
      changes.upsert(def, row);
      defs.add(def);
      latest = def;
      hasRow = true;
    }

    void delete(TableDef def, List<Object> key) {
      checkKeyColumns(def);
      changes.delete(key);
      if (!hasRow) {
        latest = def;
      }
    }

    private void checkKeyColumns(TableDef def) {
      if (keyColumns == null) {
        keyColumns = def.keyColumns();
      } else if (!keyColumns.equals(def.keyColumns())) {
        throw new DataException(def.qualifiedName() + " is keyed by " + keyColumns + " in this batch, but this"
            + " record's schema declares the key " + def.keyColumns());
      }
    }
  }
}
