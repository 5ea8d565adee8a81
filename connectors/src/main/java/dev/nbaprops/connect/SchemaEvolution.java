package dev.nbaprops.connect;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.function.BiPredicate;
import java.util.function.Function;

/**
 * The one set of schema evolution rules of the warehouses (DuckDB and BigQuery apply the same): a table accepts
 * rows of a newer record schema when the primary key is unchanged, every new column is optional (added, NULL in
 * the old rows), no column changed type, and every column the record schema lacks may be null. A required column
 * that became optional is relaxed. Anything else is refused with every reason at once.
 */
public final class SchemaEvolution {
  private SchemaEvolution() {}

  /** A column as the warehouse has it: its name, its type as the warehouse names it, whether it may be null. */
  public record Existing(String name, String type, boolean nullable) {}

  /** What to change: columns to add, names of columns to make nullable, and the reasons the table cannot evolve. */
  public record Plan(List<TableDef.Column> added, List<String> relaxed, List<String> problems) {
    public boolean changes() {
      return !added.isEmpty() || !relaxed.isEmpty();
    }
  }

  /**
   * @param existingKey the table's primary key as the warehouse has it; null when it does not say (not checked)
   * @param typeName the warehouse's name for the type of a record schema column
   * @param sameType whether an existing column holds the record schema column's type
   * @param notNull how the warehouse calls a column that may not be null ("NOT NULL", "REQUIRED")
   */
  public static Plan plan(TableDef def, List<String> existingKey, Collection<Existing> existing,
                          Function<TableDef.Column, String> typeName, BiPredicate<Existing, TableDef.Column> sameType,
                          String notNull) {
    List<String> problems = new ArrayList<>();
    if (existingKey != null && !lower(existingKey).equals(lower(def.keyColumns()))) {
      problems.add("primary key changed from " + existingKey + " to " + def.keyColumns());
    }
    List<TableDef.Column> added = new ArrayList<>();
    List<String> relaxed = new ArrayList<>();
    for (TableDef.Column c : def.columns()) {
      Existing e = existing.stream().filter(x -> x.name().equalsIgnoreCase(c.name())).findFirst().orElse(null);
      if (e == null) {
        if (c.nullable()) {
          added.add(c);
        } else {
          problems.add("new required field " + c.name() + " (" + typeName.apply(c) + " " + notNull + ") cannot be"
              + " added to the existing rows; make it optional (a union with null) or migrate the table");
        }
      } else if (!sameType.test(e, c)) {
        problems.add("column " + e.name() + " changed type from " + e.type() + " to " + typeName.apply(c));
      } else if (!e.nullable() && c.nullable()) {
        relaxed.add(e.name());
      }
    }
    for (Existing e : existing) {
      if (!e.nullable() && def.columns().stream().noneMatch(c -> c.name().equalsIgnoreCase(e.name()))) {
        problems.add("column " + e.name() + " is " + notNull + " but the record schema has no such field");
      }
    }
    return new Plan(added, relaxed, problems);
  }

  private static List<String> lower(List<String> names) {
    return names.stream().map(n -> n.toLowerCase(Locale.ROOT)).toList();
  }
}
