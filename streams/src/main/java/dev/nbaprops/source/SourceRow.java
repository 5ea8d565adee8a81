package dev.nbaprops.source;

import java.util.Map;

/**
 * One data line of a source file: where it came from, the line as read, and its fields by column name. A line the
 * reader could not split into the header's fields (too long, not UTF-8, a NUL byte, a field count other than the
 * header's) or a fault of the whole file (not gzip, truncated, empty) comes with empty fields and the reason in
 * {@code problem}; parsers reject such a row with that reason.
 */
public record SourceRow(String file, long lineNumber, String line, Map<String, String> fields, String problem) {
  public SourceRow(String file, long lineNumber, String line, Map<String, String> fields) {
    this(file, lineNumber, line, fields, null);
  }

  /** A row the reader could not read or split, with the reason. */
  public static SourceRow unreadable(String file, long lineNumber, String line, String problem) {
    return new SourceRow(file, lineNumber, line, Map.of(), problem);
  }

  /** The field, or null when the column is missing or the value is empty. */
  public String get(String column) {
    String v = fields.get(column);
    return v == null || v.isEmpty() ? null : v;
  }

  /** Why the row cannot be parsed at all (its own problem, or a field count other than the header's); else null. */
  public String unparseableReason() {
    if (problem != null) {
      return problem;
    }
    return fields.isEmpty() ? "unparseable line (field count differs from the header)" : null;
  }
}
