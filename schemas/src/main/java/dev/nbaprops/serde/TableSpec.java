package dev.nbaprops.serde;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;

/**
 * A derived table as its Avro schema declares it: {@code x-table} (dataset.table, also the topic name),
 * {@code x-key} (primary key columns, in order) and {@code x-partition-by} (the date column). The schema is the
 * single source of these facts; the topology, the sink and the query API all read them from here.
 */
public record TableSpec(String table, String topic, List<String> key, String partitionBy, Schema schema,
                        Class<? extends SpecificRecord> recordClass) {

  public String dataset() {
    return table.substring(0, table.indexOf('.'));
  }

  public String tableName() {
    return table.substring(table.indexOf('.') + 1);
  }

  /** Every derived table, in the order of {@link SchemaCatalog#RECORD_CLASSES}. */
  public static List<TableSpec> all() {
    List<TableSpec> out = new ArrayList<>();
    for (Class<? extends SpecificRecord> c : SchemaCatalog.RECORD_CLASSES) {
      from(c).ifPresent(out::add);
    }
    return out;
  }

  public static TableSpec byTable(String table) {
    return all().stream().filter(t -> t.table.equals(table)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown table '" + table + "'; known: "
            + all().stream().map(TableSpec::table).toList()));
  }

  public static Optional<TableSpec> byTopic(String topic) {
    return all().stream().filter(t -> t.topic.equals(topic)).findFirst();
  }

  @SuppressWarnings("unchecked")
  public static Optional<TableSpec> from(Class<? extends SpecificRecord> c) {
    Schema s = SchemaCatalog.schemaOf(c);
    return fromSchema(s).map(t -> new TableSpec(t.table, t.topic, t.key, t.partitionBy, s, c));
  }

  /** Reads the table properties of any record schema (also an older or foreign version); empty if it has none. */
  public static Optional<TableSpec> fromSchema(Schema s) {
    String table = s.getProp("x-table");
    if (table == null) {
      return Optional.empty();
    }
    Object key = s.getObjectProp("x-key");
    if (!(key instanceof List<?> keys) || keys.isEmpty()) {
      throw new IllegalStateException(s.getFullName() + ": x-table without an x-key list");
    }
    List<String> k = keys.stream().map(Object::toString).toList();
    for (String col : k) {
      if (s.getField(col) == null) {
        throw new IllegalStateException(s.getFullName() + ": key column " + col + " is not a field");
      }
    }
    String topic = Optional.ofNullable(s.getProp("x-topic")).orElse(table);
    return Optional.of(new TableSpec(table, topic, k, s.getProp("x-partition-by"), s, null));
  }
}
