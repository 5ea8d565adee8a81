package dev.nbaprops.testing;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;

/**
 * Field-by-field comparison of stream rows with reference rows. Integers, flags, strings and dates exactly;
 * floating point within {@link #TOLERANCE} (sums in another order differ in the last bits); NaN only equals NaN.
 * A column the reference row does not have is a mismatch, never a pass.
 */
public final class Parity {
  public static final double TOLERANCE = 1e-9;

  private Parity() {}

  /** Mismatches (empty when equal) over the given columns. */
  public static List<String> compare(String key, SpecificRecord stream, Map<String, Object> reference, List<String> columns) {
    List<String> out = new ArrayList<>();
    if (reference == null) {
      out.add(key + ": no reference row");
      return out;
    }
    for (String col : columns) {
      Schema.Field f = stream.getSchema().getField(col);
      if (f == null) {
        out.add(key + " " + col + ": not a field of " + stream.getSchema().getName());
        continue;
      }
      if (!reference.containsKey(col)) {
        out.add(key + " " + col + ": the reference computes no such column");
        continue;
      }
      String why = mismatch(stream.get(f.pos()), reference.get(col));
      if (why != null) {
        out.add(key + " " + col + ": " + why);
      }
    }
    return out;
  }

  /**
   * Mismatches over every field of the stream row's schema except {@code exceptions} (column → why it cannot be
   * computed independently). An exception that names no field fails, so the list cannot go stale.
   */
  public static List<String> compareAll(String key, SpecificRecord stream, Map<String, Object> reference,
                                        Map<String, String> exceptions) {
    return compare(key, stream, reference, columns(stream.getSchema(), exceptions));
  }

  /** Every field of {@code schema} except the named exceptions, which must all be fields of it. */
  public static List<String> columns(Schema schema, Map<String, String> exceptions) {
    for (String e : exceptions.keySet()) {
      if (schema.getField(e) == null) {
        throw new AssertionError("exception '" + e + "' is not a field of " + schema.getFullName());
      }
    }
    return schema.getFields().stream().map(Schema.Field::name).filter(n -> !exceptions.containsKey(n)).toList();
  }

  /** Why a stream value differs from a reference value, or null when they agree. */
  static String mismatch(Object s, Object r) {
    if (s == null || r == null) {
      return s == r ? null : "stream=" + s + " reference=" + r;
    }
    if (s instanceof Double || s instanceof Float) {
      if (!(r instanceof Number rn)) {
        return "stream=" + s + " reference=" + r + " (not a number)";
      }
      double d = ((Number) s).doubleValue();
      double rv = rn.doubleValue();
      if (Double.isNaN(d) || Double.isNaN(rv)) {
        return Double.isNaN(d) && Double.isNaN(rv) ? null : "stream=" + d + " reference=" + rv;
      }
      return Math.abs(d - rv) <= TOLERANCE ? null : "stream=" + d + " reference=" + rv;
    }
    if (s instanceof Integer || s instanceof Long) {
      if (!(r instanceof Number rn)) {
        return "stream=" + s + " reference=" + r + " (not a number)";
      }
      BigDecimal ref;
      try {
        ref = new BigDecimal(rn.toString());
      } catch (NumberFormatException e) {
        return "stream=" + s + " reference=" + r;
      }
      return ref.compareTo(BigDecimal.valueOf(((Number) s).longValue())) == 0 ? null : "stream=" + s + " reference=" + r;
    }
    if (s instanceof Boolean) {
      return Objects.equals(s, r) ? null : "stream=" + s + " reference=" + r;
    }
    return s.toString().equals(r.toString()) ? null : "stream=" + s + " reference=" + r;
  }
}
