package dev.nbaprops.query;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nbaprops.query.LocalStores.Part;
import dev.nbaprops.query.LocalStores.Scan;
import dev.nbaprops.topology.StoreCatalog.Entry;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The reads the query API makes of this instance's own store partitions. Each answers only for partitions it can
 * vouch for (active here, or a standby when {@code stale}); a partition absent from an answer means "not
 * answerable here now", never "empty". {@link LocalStores} implements it over the Kafka Streams stores.
 *
 * <p><b>Rows of a date.</b> {@link #rowsOn} is the only way the API reads "every row of table T dated D" (the
 * {@code /dates} route, {@code /coverage}, and {@code /internal/scan?date=} for the other instances).
 * {@link LocalStores#rowsOn} reads the table's date index (a store keyed {@code date|key}, written with the table by
 * {@code dev.nbaprops.topology.TableStore} in the same task) and then each row: its cost grows with the answer, not
 * with the store.
 */
interface StoreReader {
  /** A key range (with the filters and the row limit of {@code s}) of each requested partition. */
  Map<Integer, Part> scan(Scan s);

  /**
   * The rows of {@code table} dated {@code date}, in key order, with keys after {@code afterKey} (null: from the
   * start), at most {@code limit} per partition ({@link Part#more()} says when there are more).
   */
  Map<Integer, Part> rowsOn(Entry table, LocalDate date, String afterKey, int limit, Set<Integer> partitions,
                            boolean stale);

  /**
   * For each {@code [from, to]} key range of one partition, the first row (null when the range is empty), or null
   * when this instance cannot answer for the partition now. Point lookups are ranges with {@code from == to}.
   */
  List<JsonNode> firstRows(String store, int partition, List<String[]> ranges, boolean stale);

  /** Whether the running topology has this store at all. */
  boolean computed(String store);
}
