package dev.nbaprops.connect;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Struct;

/**
 * The changes to one table in a batch: rows to upsert and primary keys to delete. A {@link Warehouse} applies the
 * deletes before the upserts, so a key in both lists ends up upserted; {@link Builder} resolves a sequence of
 * operations so that no key is in both (the last operation on a key wins).
 *
 * @param upserts rows of any schema version of the table; when several share a key, the last one wins
 * @param deletes primary keys to delete, each the key column values in key order, of the Java types
 *     {@link TableDef#keyOf} and {@link TableDef#parseKey} give; a key with no row is ignored
 */
public record Changes(List<Struct> upserts, List<List<Object>> deletes) {

  public Changes {
    upserts = List.copyOf(upserts);
    deletes = List.copyOf(deletes);
  }

  /**
   * The tables of a batch with upserts that are not in {@code ensured} yet: a warehouse creates or evolves them
   * ({@link Warehouse#ensureTable}) before it writes the batch.
   */
  public static List<TableDef> toEnsure(Map<TableDef, Changes> changesByTable, java.util.Set<TableDef> ensured) {
    List<TableDef> out = new ArrayList<>();
    changesByTable.forEach((def, changes) -> {
      if (!changes.upserts().isEmpty() && !ensured.contains(def)) {
        out.add(def);
      }
    });
    return out;
  }

  /** "upserting into a, b" / "deleting from a" / "upserting into and deleting from a": for error messages. */
  public static String describe(java.util.Map<TableDef, Changes> changesByTable) {
    String names = changesByTable.keySet().stream().map(TableDef::qualifiedName)
        .collect(java.util.stream.Collectors.joining(", "));
    boolean deletes = changesByTable.values().stream().anyMatch(c -> !c.deletes().isEmpty());
    boolean upserts = changesByTable.values().stream().anyMatch(c -> !c.upserts().isEmpty());
    return (upserts && deletes ? "upserting into and deleting from " : deletes ? "deleting from " : "upserting into ")
        + names;
  }

  public static Changes upserts(List<Struct> rows) {
    return new Changes(rows, List.of());
  }

  /** Only deletes. */
  public static Changes deletes(List<List<Object>> keys) {
    return new Changes(List.of(), keys);
  }

  public boolean isEmpty() {
    return upserts.isEmpty() && deletes.isEmpty();
  }

  /**
   * Collects the operations on one table in record order; the last operation on a key wins: a row then a delete of
   * its key deletes it, a delete then a row upserts the row.
   */
  public static final class Builder {
    /** The last operation per key: the row to upsert, or null to delete. */
    private final Map<List<Object>, Struct> byKey = new LinkedHashMap<>();

    /** Upserts a row of a schema version of {@code def}. */
    public Builder upsert(TableDef def, Struct row) {
      List<Object> key = def.keyOf(row);
      byKey.remove(key);
      byKey.put(key, row);
      return this;
    }

    /** Deletes the row with this key (values in key order, as {@link TableDef#parseKey} gives them). */
    public Builder delete(List<Object> key) {
      List<Object> copy = new ArrayList<>(key);
      byKey.remove(copy);
      byKey.put(copy, null);
      return this;
    }

    public boolean isEmpty() {
      return byKey.isEmpty();
    }

    public Changes build() {
      List<Struct> upserts = new ArrayList<>();
      List<List<Object>> deletes = new ArrayList<>();
      byKey.forEach((key, row) -> {
        if (row == null) {
          deletes.add(key);
        } else {
          upserts.add(row);
        }
      });
      return new Changes(upserts, deletes);
    }
  }
}
