package dev.nbaprops.connect;

import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
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

  /** Separates the key column values in the Kafka record key of a derived-table topic. */
  public static final char KEY_SEPARATOR = '|';

  private static final Pattern ISO_DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
  private static final Pattern DECIMAL = Pattern.compile("-?\\d+");
  private static final long MILLIS_PER_DAY = 86_400_000L;

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

  /**
   * Parses the Kafka record key of a derived-table topic into the primary key values, in key order, of the same
   * Java types {@link #keyOf} gives for a row: the key column values joined by {@value #KEY_SEPARATOR} in
   * {@code x-key} order, e.g. {@code 203999|2023-10-27} for {@code player_id, cache_date}. Values: STRING as is
   * (it cannot contain the separator); INT32 and INT64 decimal; DATE ISO {@code yyyy-MM-dd} (a
   * {@link java.util.Date} at UTC midnight, as Connect's Date); TIMESTAMP ISO-8601 instant
   * ({@code 2024-01-16T20:30:00Z}); FLOAT32 / FLOAT64 as Java parses them; BOOLEAN {@code true} or {@code false}.
   *
   * @throws DataException naming the key, the table and the part that does not parse, when the key has another
   *     number of parts than the table has key columns or a part is not a value of its column's type
   */
  public List<Object> parseKey(String key) {
    String expected = String.join(String.valueOf(KEY_SEPARATOR), keyColumns);
    String[] parts = key.split(Pattern.quote(String.valueOf(KEY_SEPARATOR)), -1);
    if (parts.length != keyColumns.size()) {
      throw new DataException("key '" + key + "' of " + qualifiedName() + " has " + parts.length
          + (parts.length == 1 ? " part" : " parts") + ", expected " + keyColumns.size() + " separated by '"
          + KEY_SEPARATOR + "': " + expected);
    }
    List<Object> values = new ArrayList<>(parts.length);
    for (int i = 0; i < parts.length; i++) {
      String name = keyColumns.get(i);
      ColumnType type = column(name).orElseThrow(() -> new DataException(qualifiedName() + ": key column " + name
          + " is not a column")).type();
      try {
        values.add(parseKeyValue(type, parts[i]));
      } catch (RuntimeException e) {
        throw new DataException("key '" + key + "' of " + qualifiedName() + " (" + expected + "): " + name + " '"
            + parts[i] + "' is not " + describe(type), e);
      }
    }
    return values;
  }

  private static Object parseKeyValue(ColumnType type, String s) {
    return switch (type) {
      case STRING -> s;
      case INT32 -> Integer.parseInt(requireDecimal(s));
      case INT64 -> Long.parseLong(requireDecimal(s));
      case FLOAT32 -> Float.parseFloat(requireNoBlank(s));
      case FLOAT64 -> Double.parseDouble(requireNoBlank(s));
      case BOOLEAN -> switch (s) {
        case "true" -> Boolean.TRUE;
        case "false" -> Boolean.FALSE;
        default -> throw new IllegalArgumentException(s);
      };
      case DATE -> {
        if (!ISO_DATE.matcher(s).matches()) {
          throw new DateTimeParseException("not yyyy-MM-dd", s, 0);
        }
        yield new java.util.Date(LocalDate.parse(s).toEpochDay() * MILLIS_PER_DAY);
      }
      case TIMESTAMP -> java.util.Date.from(Instant.parse(s));
    };
  }

  private static String requireDecimal(String s) {
    if (!DECIMAL.matcher(s).matches()) {
      throw new NumberFormatException(s);
    }
    return s;
  }

  private static String requireNoBlank(String s) {
    if (s.isEmpty() || !s.strip().equals(s)) {
      throw new NumberFormatException(s);
    }
    return s;
  }

  private static String describe(ColumnType type) {
    return switch (type) {
      case STRING -> "a string";
      case INT32 -> "an INT32 (a decimal integer)";
      case INT64 -> "an INT64 (a decimal integer)";
      case FLOAT32, FLOAT64 -> "a " + type + " number";
      case BOOLEAN -> "a BOOLEAN (true or false)";
      case DATE -> "a DATE (yyyy-MM-dd)";
      case TIMESTAMP -> "a TIMESTAMP (an ISO-8601 instant such as 2024-01-16T20:30:00Z)";
    };
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
