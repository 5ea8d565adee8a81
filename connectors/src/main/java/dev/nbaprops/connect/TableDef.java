package dev.nbaprops.connect;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;

/**
 * A warehouse table as a record's Connect schema declares it: the schema parameters {@code x-table}
 * ({@code dataset.table}), {@code x-key} (comma-joined primary key columns) and {@code x-partition-by}, and one
 * column per field. Warehouse-neutral: each {@link Warehouse} maps {@link ColumnType} to its own SQL types.
 *
 * @param dataset the schema / dataset, the part of {@code x-table} before the dot
 * @param table the table name, the part of {@code x-table} after the dot
 * @param keyColumns the primary key columns, in order; never empty, never nullable
 * @param partitionColumn the partition column, or null when the schema declares none
 * @param columns the columns in field order
 */
public record TableDef(String dataset, String table, List<String> keyColumns, String partitionColumn,
                       List<Column> columns) {

  /** Column types, the Connect types the sink supports. */
  public enum ColumnType { STRING, INT32, INT64, FLOAT32, FLOAT64, BOOLEAN, DATE, TIMESTAMP }

  /** One column: a field of the record schema. */
  public record Column(String name, ColumnType type, boolean nullable, String doc) {
  }

  public TableDef {
    keyColumns = List.copyOf(keyColumns);
    columns = List.copyOf(columns);
  }

  /**
   * The table a record value schema declares.
   *
   * @throws DataException when the schema is not a struct, has no {@code x-table} parameter, or declares a key or
   *     partition column that is not a required (respectively existing) field, or has a field of an unsupported type
   */
  public static TableDef fromSchema(Schema schema) {
    if (schema == null || schema.type() != Schema.Type.STRUCT) {
      throw new DataException("record value schema must be a struct, got "
          + (schema == null ? "no schema" : schema.type() + " " + Optional.ofNullable(schema.name()).orElse("")));
    }
    String name = Optional.ofNullable(schema.name()).orElse("(unnamed schema)");
    Map<String, String> params = Optional.ofNullable(schema.parameters()).orElse(Map.of());
    String qualified = params.get(AvroSingleObjectConverter.TABLE);
    if (qualified == null || qualified.isBlank()) {
      throw new DataException(name + " has no " + AvroSingleObjectConverter.TABLE
          + " schema parameter, so it is not a warehouse table");
    }
    int dot = qualified.indexOf('.');
    if (dot <= 0 || dot == qualified.length() - 1 || qualified.indexOf('.', dot + 1) >= 0) {
      throw new DataException(name + ": " + AvroSingleObjectConverter.TABLE + " '" + qualified
          + "' is not of the form dataset.table");
    }
    List<String> key = Arrays.stream(Optional.ofNullable(params.get(AvroSingleObjectConverter.KEY)).orElse("")
        .split(",")).map(String::strip).filter(k -> !k.isEmpty()).toList();
    if (key.isEmpty()) {
      throw new DataException(name + ": " + AvroSingleObjectConverter.TABLE + " " + qualified + " without an "
          + AvroSingleObjectConverter.KEY + " parameter");
    }
    List<Column> columns = new ArrayList<>();
    for (Field f : schema.fields()) {
      columns.add(new Column(f.name(), columnType(name, f), f.schema().isOptional(), f.schema().doc()));
    }
    for (String k : key) {
      Field f = schema.field(k);
      if (f == null || f.schema().isOptional()) {
        throw new DataException(name + ": key column " + k + (f == null ? " is not a field" : " is optional")
            + "; primary key columns must be required fields");
      }
    }
    String partition = params.get(AvroSingleObjectConverter.PARTITION_BY);
    if (partition != null && schema.field(partition) == null) {
      throw new DataException(name + ": partition column " + partition + " is not a field");
    }
    return new TableDef(qualified.substring(0, dot), qualified.substring(dot + 1), key, partition, columns);
  }

  /** {@code dataset.table}. */
  public String qualifiedName() {
    return dataset + "." + table;
  }

  public Optional<Column> column(String name) {
    return columns.stream().filter(c -> c.name.equals(name)).findFirst();
  }

  /** The primary key values of a row, in key order (a row of any schema version of this table). */
  public List<Object> keyOf(Struct row) {
    List<Object> key = new ArrayList<>(keyColumns.size());
    for (String k : keyColumns) {
      Field f = row.schema().field(k);
      if (f == null) {
        throw new DataException(qualifiedName() + ": row of " + row.schema().name() + " has no key column " + k);
      }
      key.add(row.get(f));
    }
    return key;
  }

  private static ColumnType columnType(String schemaName, Field f) {
    Schema s = f.schema();
    if (s.name() != null) {
      switch (s.name()) {
        case Date.LOGICAL_NAME:
          return ColumnType.DATE;
        case Timestamp.LOGICAL_NAME:
          return ColumnType.TIMESTAMP;
        default:
          if (s.name().startsWith("org.apache.kafka.connect.data.")) {
            throw unsupported(schemaName, f);
          }
      }
    }
    return switch (s.type()) {
      case STRING -> ColumnType.STRING;
      case INT32 -> ColumnType.INT32;
      case INT64 -> ColumnType.INT64;
      case FLOAT32 -> ColumnType.FLOAT32;
      case FLOAT64 -> ColumnType.FLOAT64;
      case BOOLEAN -> ColumnType.BOOLEAN;
      default -> throw unsupported(schemaName, f);
    };
  }

  private static DataException unsupported(String schemaName, Field f) {
    return new DataException(schemaName + " field " + f.name() + " has an unsupported Connect type "
        + f.schema().type() + (f.schema().name() == null ? "" : " (" + f.schema().name() + ")")
        + "; supported: string, int32, int64, float32, float64, boolean, Date, Timestamp");
  }
}
