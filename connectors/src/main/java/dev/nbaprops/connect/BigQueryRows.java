package dev.nbaprops.connect;

import com.google.cloud.bigquery.Field;
import com.google.cloud.bigquery.Schema;
import com.google.cloud.bigquery.StandardSQLTypeName;
import dev.nbaprops.connect.TableDef.Column;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.Date;
import java.util.Locale;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;

/**
 * Connect rows as BigQuery load data: newline-delimited JSON, one object per row with every column of the table
 * schema ({@code null} when the row's schema lacks the field).
 *
 * <p>Values: STRING as a JSON string; INT64 as a number, or as a string beyond +-2^53 (JSON readers may round
 * larger numbers); FLOAT64 as a number ({@code float} values by their shortest decimal form, so {@code 0.1f} is
 * {@code 0.1}), NaN and infinities as the strings {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"}; BOOL as
 * {@code true}/{@code false}; DATE as {@code yyyy-MM-dd}; TIMESTAMP as {@code yyyy-MM-dd HH:mm:ss.SSSSSS UTC}.
 */
final class BigQueryRows {
  static final LocalDate MIN_DATE = LocalDate.of(1, 1, 1);
  static final LocalDate MAX_DATE = LocalDate.of(9999, 12, 31);
  static final Instant MIN_TIMESTAMP = Instant.parse("0001-01-01T00:00:00Z");
  static final Instant MAX_TIMESTAMP = Instant.parse("9999-12-31T23:59:59.999999Z");

  private static final long MAX_SAFE_INTEGER = (1L << 53) - 1;
  private static final DateTimeFormatter TIMESTAMP_FORMAT =
      DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSSSSS 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);

  private BigQueryRows() {
  }

  /**
   * Rejects a row BigQuery can never store: a DATE or TIMESTAMP outside BigQuery's range (years 1 to 9999).
   *
   * @throws DataException naming the table, the column and the value
   */
  static void check(TableDef table, Struct row) {
    for (Column c : table.columns()) {
      if (c.type() != TableDef.ColumnType.DATE && c.type() != TableDef.ColumnType.TIMESTAMP) {
        continue;
      }
      org.apache.kafka.connect.data.Field f = row.schema().field(c.name());
      if (f == null || !(row.get(f) instanceof Date d)) {
        continue;
      }
      Instant instant = d.toInstant();
      if (c.type() == TableDef.ColumnType.DATE) {
        LocalDate date = LocalDate.ofInstant(instant, ZoneOffset.UTC);
        if (date.isBefore(MIN_DATE) || date.isAfter(MAX_DATE)) {
          throw new DataException(table.qualifiedName() + " column " + c.name() + ": " + date
              + " is outside BigQuery's DATE range " + MIN_DATE + " to " + MAX_DATE);
        }
      } else if (instant.isBefore(MIN_TIMESTAMP) || instant.isAfter(MAX_TIMESTAMP)) {
        throw new DataException(table.qualifiedName() + " column " + c.name() + ": " + instant
            + " is outside BigQuery's TIMESTAMP range " + MIN_TIMESTAMP + " to " + MAX_TIMESTAMP);
      }
    }
  }

  /** The rows as newline-delimited JSON (UTF-8), with the columns of {@code schema} in schema order. */
  static byte[] toNdjson(Schema schema, Collection<Struct> rows) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(rows.size() * 256);
    StringBuilder line = new StringBuilder(512);
    for (Struct row : rows) {
      line.setLength(0);
      line.append('{');
      boolean first = true;
      for (Field column : schema.getFields()) {
        if (!first) {
          line.append(',');
        }
        first = false;
        appendString(line, column.getName());
        line.append(':');
        appendValue(line, column, valueOf(row, column.getName()));
      }
      line.append("}\n");
      out.writeBytes(line.toString().getBytes(StandardCharsets.UTF_8));
    }
    return out.toByteArray();
  }

  private static Object valueOf(Struct row, String column) {
    org.apache.kafka.connect.data.Field f = row.schema().field(column);
    if (f == null) {
      f = row.schema().fields().stream().filter(x -> x.name().equalsIgnoreCase(column)).findFirst().orElse(null);
    }
    return f == null ? null : row.get(f);
  }

  private static void appendValue(StringBuilder out, Field column, Object v) {
    if (v == null) {
      out.append("null");
      return;
    }
    StandardSQLTypeName type = column.getType().getStandardType();
    switch (type) {
      case STRING -> {
        if (!(v instanceof String s)) {
          throw mismatch(column, v);
        }
        appendString(out, s);
      }
      case INT64 -> {
        if (!(v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte)) {
          throw mismatch(column, v);
        }
        long l = ((Number) v).longValue();
        if (Math.abs(l) <= MAX_SAFE_INTEGER) {
          out.append(l);
        } else {
          out.append('"').append(l).append('"');
        }
      }
      case FLOAT64 -> {
        if (v instanceof Float f) {
          appendDouble(out, f.isNaN() || f.isInfinite() ? f.doubleValue() : Double.parseDouble(Float.toString(f)));
        } else if (v instanceof Double d) {
          appendDouble(out, d);
        } else {
          throw mismatch(column, v);
        }
      }
      case BOOL -> {
        if (!(v instanceof Boolean b)) {
          throw mismatch(column, v);
        }
        out.append(b.booleanValue());
      }
      case DATE -> {
        if (!(v instanceof Date d)) {
          throw mismatch(column, v);
        }
        out.append('"').append(LocalDate.ofInstant(d.toInstant(), ZoneOffset.UTC)).append('"');
      }
      case TIMESTAMP -> {
        if (!(v instanceof Date d)) {
          throw mismatch(column, v);
        }
        out.append('"').append(TIMESTAMP_FORMAT.format(d.toInstant())).append('"');
      }
      default -> throw new DataException("column " + column.getName() + ": unsupported BigQuery type " + type);
    }
  }

  private static void appendDouble(StringBuilder out, double d) {
    if (Double.isNaN(d)) {
      out.append("\"NaN\"");
    } else if (Double.isInfinite(d)) {
      out.append(d > 0 ? "\"Infinity\"" : "\"-Infinity\"");
    } else {
      out.append(d);
    }
  }

  private static void appendString(StringBuilder out, String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x2028 || c == 0x2029) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  private static DataException mismatch(Field column, Object v) {
    return new DataException("column " + column.getName() + " is " + column.getType().getStandardType()
        + " in BigQuery but the row has a " + v.getClass().getName());
  }
}
