package dev.nbaprops.source;

import java.util.Map;

/** One data line of a source file: where it came from, the line as read, and its fields by column name. */
public record SourceRow(String file, long lineNumber, String line, Map<String, String> fields) {
  /** The field, or null when the column is missing or the value is empty. */
  public String get(String column) {
    String v = fields.get(column);
    return v == null || v.isEmpty() ? null : v;
  }
}
