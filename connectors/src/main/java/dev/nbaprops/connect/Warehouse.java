package dev.nbaprops.connect;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.errors.RetriableException;

/**
 * A warehouse the sink writes tables into, upserting and deleting by primary key. Implementations:
 * {@link DuckDbWarehouse}, {@link BigQueryWarehouse}.
 *
 * <p>Errors are Connect exceptions: {@link RetriableException} for failures worth retrying with the same rows
 * (nothing of the failed table batch was written; upserts and deletes are idempotent, so tables of an
 * {@link #apply} that were written before the failure are simply written again), {@link ConnectException} for
 * everything else, including a record schema the existing table cannot take.
 */
public interface Warehouse extends AutoCloseable {

  /**
   * Checks, without calling the warehouse, that it can store this row of the table: the task sends a row that fails
   * to the errant record reporter (the dead-letter queue) instead of failing the batch. The default accepts every
   * row.
   *
   * @throws DataException naming the column and the reason when the warehouse can never store the row
   */
  default void checkRow(TableDef table, Struct row) {
  }

  /**
   * Creates the table if it does not exist, or evolves it to accept rows of this definition: a new optional
   * column is added; a changed column type, a new required column or a changed primary key fail.
   *
   * @throws ConnectException naming the table, the column and what changed, when the change is incompatible
   */
  void ensureTable(TableDef table);

  /**
   * Inserts or replaces the rows, as one atomic batch. Rows may be of any schema version of the table that was
   * passed to {@link #ensureTable}; columns a row's schema lacks are written as NULL. When several rows share a
   * key, the last one wins. One table's {@link #apply}.
   */
  default void upsert(TableDef table, List<Struct> rows) {
    apply(Map.of(table, Changes.upserts(rows)));
  }

  /**
   * Deletes the rows with these primary keys (each the key column values in key order, as
   * {@link TableDef#parseKey} gives them), as one atomic batch. Idempotent: a key without a row is ignored, and a
   * table that does not exist is not created (nothing to delete). One table's {@link #apply}.
   */
  default void delete(TableDef table, List<List<Object>> keys) {
    apply(Map.of(table, Changes.deletes(keys)));
  }

  /**
   * Upserts into several tables; atomic across the tables where the warehouse supports it (DuckDB does),
   * otherwise one {@link #upsert} per table, in map order.
   */
  default void upsertAll(Map<TableDef, List<Struct>> rowsByTable) {
    Map<TableDef, Changes> changes = new LinkedHashMap<>();
    rowsByTable.forEach((table, rows) -> changes.put(table, Changes.upserts(rows)));
    apply(changes);
  }

  /**
   * Applies the deletes and upserts of several tables (per table the deletes first, so a key in both ends up
   * upserted), atomic across the tables where the warehouse supports it (DuckDB does; BigQuery per table). Only
   * tables with upserts are created or evolved; a delete from a table that does not exist is a no-op. The one
   * write path of a warehouse: {@link #upsert}, {@link #delete} and {@link #upsertAll} call it.
   */
  void apply(Map<TableDef, Changes> changesByTable);

  /** Releases the connection; the warehouse is unusable afterwards. */
  @Override
  void close();
}
