package dev.nbaprops.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;

/** Field-by-field comparison of stream rows with reference rows: exact for integers and flags, 1e-9 for means. */
public final class Parity {
  public static final double TOLERANCE = 1e-9;

  private Parity() {}

  /** Mismatches (empty when equal) over the given columns. */
  public static List<String> compare(String key, SpecificRecord stream, Map<String, Object> reference, List<String> columns) {
    List<String> out = new ArrayList<>();
    for (String col : columns) {
      Schema.Field f = stream.getSchema().getField(col);
      Object s = stream.get(f.pos());
      Object r = reference.get(col);
      if (s == null || r == null) {
        if (s != r) {
          out.add(key + " " + col + ": stream=" + s + " reference=" + r);
        }
      } else if (s instanceof Double d) {
        double rv = ((Number) r).doubleValue();
        if (Math.abs(d - rv) > TOLERANCE) {
          out.add(key + " " + col + ": stream=" + d + " reference=" + rv);
        }
      } else if (s instanceof Number n) {
        if (n.longValue() != ((Number) r).longValue()) {
          out.add(key + " " + col + ": stream=" + n + " reference=" + r);
        }
      } else if (!s.toString().equals(r.toString())) {
        out.add(key + " " + col + ": stream=" + s + " reference=" + r);
      }
    }
    return out;
  }
}
