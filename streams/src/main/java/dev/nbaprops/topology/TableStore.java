package dev.nbaprops.topology;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * A queryable table's state store ({@link StoreCatalog.Entry}) and its date index, written together: the one way a
 * stage writes a table (and, {@link #unindexed}, a store of rows it sends that nobody queries). The index
 * ({@link StoreCatalog.Entry#indexStore()}, key {@code date|table key}, empty value) lists the keys of each date, so the query API reads every row of a date with one range read and a point
 * read per row ({@code query/LocalStores#rowsOn}), at a cost that grows with the answer, not with the store.
 * Both stores sit in the stage's task and are written only here, so they change together in the same transaction.
 *
 * <p>{@link #emitIfChanged} is the stages' "compare with the stored row, write, send" step, written once. Every
 * write of an indexed table counts in {@link TableVersions}, so the query API knows when a date's answer changed.
 */
public final class TableStore<V extends SpecificRecord> {
  private final StoreCatalog.Entry entry;
  private final KeyValueStore<String, V> rows;
  private final KeyValueStore<String, String> byDate;
  private final ProcessorContext<String, ? super V> context;

  private TableStore(StoreCatalog.Entry entry, KeyValueStore<String, V> rows, KeyValueStore<String, String> byDate,
                     ProcessorContext<String, ? super V> context) {
    this.entry = entry;
    this.rows = rows;
    this.byDate = byDate;
    this.context = context;
  }

  /** The table's store and its index in the stage's task (both must be connected to the stage's processor). */
  public static <V extends SpecificRecord> TableStore<V> open(ProcessorContext<String, ? super V> context,
                                                              StoreCatalog.Entry entry) {
    return new TableStore<>(entry, context.getStateStore(entry.store()), context.getStateStore(entry.indexStore()),
        context);
  }

  /** A store of rows a stage sends but the query API does not serve (no date index), e.g. a stage's internal table. */
  public static <V extends SpecificRecord> TableStore<V> unindexed(ProcessorContext<String, ? super V> context,
                                                                   String store) {
    return new TableStore<>(null, context.getStateStore(store), null, context);
  }

  public V get(String key) {
    return rows.get(key);
  }

  /** The rows, for reading (scans); writes go through this class so the index stays in step. */
  public ReadOnlyKeyValueStore<String, V> rows() {
    return rows;
  }

  /** Writes {@code row} under {@code key} (the stored row, if any, is read to keep the index in step). */
  public void put(String key, V row) {
    write(key, row, rows.get(key));
  }

  /** Removes the row of {@code key}; false when there was none. */
  public boolean delete(String key) {
    V old = rows.get(key);
    if (old == null) {
      return false;
    }
    rows.delete(key);
    if (entry != null) {
      String date = entry.dateOf(key, old);
      byDate.delete(StoreCatalog.Entry.indexKey(date, key));
      TableVersions.changed(entry.store(), date);
    }
    return true;
  }

  /**
   * Writes {@code row} under {@code key} and sends it to the stage's child {@code child} (null: every child; keyed
   * {@code sendKey}, at {@code timestamp}) when it differs from {@code current}, the stored row as the caller holds it (null: none).
   * Returns whether it changed.
   */
  public boolean emitIfChanged(String key, V row, V current, String sendKey, String child, long timestamp) {
    if (row.equals(current)) {
      return false;
    }
    write(key, row, current);
    context.forward(new Record<String, V>(sendKey, row, timestamp), child);
    return true;
  }

  /** {@link #emitIfChanged(String, SpecificRecord, SpecificRecord, String, String, long)} against the store. */
  public boolean emitIfChanged(String key, V row, String child, long timestamp) {
    return emitIfChanged(key, row, rows.get(key), key, child, timestamp);
  }

  /** Removes the row of {@code key} and sends its tombstone (keyed {@code sendKey}) when there was one. */
  public boolean retract(String key, String sendKey, String child, long timestamp) {
    if (!delete(key)) {
      return false;
    }
    context.forward(new Record<String, V>(sendKey, null, timestamp), child);
    return true;
  }

  private void write(String key, V row, V old) {
    rows.put(key, row);
    if (entry == null) {
      return;
    }
    String date = entry.dateOf(key, row);
    String oldDate = old == null ? null : entry.dateOf(key, old);
    if (!date.equals(oldDate)) {
      if (oldDate != null) {
        byDate.delete(StoreCatalog.Entry.indexKey(oldDate, key));
        TableVersions.changed(entry.store(), oldDate);
      }
      byDate.put(StoreCatalog.Entry.indexKey(date, key), "");
    }
    TableVersions.changed(entry.store(), date);
  }
}
