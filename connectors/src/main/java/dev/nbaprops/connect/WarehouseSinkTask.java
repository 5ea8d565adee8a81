package dev.nbaprops.connect;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
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
 * record value schema), makes sure each table exists and accepts each schema version once, and upserts the batch
 * with one {@link Warehouse#upsertAll} (one transaction in DuckDB, one MERGE per table in BigQuery).
 *
 * <p>A record that is not a table row (a tombstone, a value without a struct schema, a schema without
 * {@code x-table}), or a row the warehouse can never store ({@link Warehouse#checkRow}, e.g. a date outside
 * BigQuery's range), goes to the errant record reporter (the dead-letter queue) when Connect provides one; without
 * one it fails the task with a {@link DataException}. Transient warehouse errors are {@link RetriableException}s:
 * Connect redelivers the batch after {@code retry.backoff.ms}.
 */
public class WarehouseSinkTask extends SinkTask {
  private static final Logger log = LoggerFactory.getLogger(WarehouseSinkTask.class);

  private WarehouseSinkConnectorConfig config;
  private ErrantRecordReporter reporter;
  private Warehouse warehouse;
  private final Map<Schema, TableDef> tableDefs = new HashMap<>();
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
        TableDef def;
        try {
          def = tableDefOf(record);
          w.checkRow(def, (Struct) record.value());
        } catch (DataException e) {
          reportErrant(record, e);
          continue;
        }
        batches.computeIfAbsent(def.qualifiedName(), t -> new TableBatch()).add(def, (Struct) record.value());
      }
      if (batches.isEmpty()) {
        return;
      }
      Map<TableDef, List<Struct>> rows = new LinkedHashMap<>();
      for (TableBatch batch : batches.values()) {
        for (TableDef def : batch.defs) {
          if (!ensured.contains(def)) {
            w.ensureTable(def);
            ensured.add(def);
          }
        }
        rows.put(batch.latest, batch.rows);
      }
      w.upsertAll(rows);
      log.debug("upserted {} records into {}", records.size(), batches.keySet());
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
    if (record.value() == null) {
      throw new DataException("tombstone (null value) with key " + record.key() + ": the warehouse sink upserts"
          + " rows and does not delete them");
    }
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

  private void reportErrant(SinkRecord record, DataException reason) {
    DataException e = new DataException("record " + record.topic() + "-" + record.kafkaPartition() + "@"
        + record.kafkaOffset() + " is not a warehouse row: " + reason.getMessage(), reason);
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

  /** The rows of one table in a batch, with every schema version seen; the last one is used for the upsert. */
  private static final class TableBatch {
    private final Set<TableDef> defs = new LinkedHashSet<>();
    private final List<Struct> rows = new ArrayList<>();
    private TableDef latest;

    void add(TableDef def, Struct row) {
      defs.add(def);
      rows.add(row);
      latest = def;
    }
  }
}
