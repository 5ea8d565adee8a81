package dev.nbaprops.source;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;

/**
 * Typed access to a {@link SourceRow} for parsers: each getter throws {@link BadRow} with a reason naming the
 * column, so a parser is a straight list of reads and checks.
 */
final class RowReader {
  private final SourceRow row;

  RowReader(SourceRow row) {
    this.row = row;
  }

  /** The body of a row parser: reads the fields, throws {@link BadRow} for a row it cannot accept. */
  @FunctionalInterface
  interface Body<T> {
    Parsed<T> parse(RowReader r);
  }

  /**
   * Runs a parser body on a row: a line whose fields do not split like the header, and any {@link BadRow} the
   * body throws, become {@link Parsed.Rejected} with the reason.
   */
  static <T> Parsed<T> parse(SourceRow row, Body<T> body) {
    String unparseable = row.unparseableReason();
    if (unparseable != null) {
      return Parsed.rejected(unparseable);
    }
    try {
      return body.parse(new RowReader(row));
    } catch (BadRow e) {
      return Parsed.rejected(e.getMessage());
    }
  }

  static final class BadRow extends RuntimeException {
    BadRow(String reason) {
      super(reason, null, false, false);
    }
  }

  String string(String col) {
    String v = row.get(col);
    if (v == null) {
      throw new BadRow("missing " + col);
    }
    return v;
  }

  String optString(String col) {
    return row.get(col);
  }

  /** The column as a plain whole number read in place (no substring), else -1 ({@link CsvSource.RowFields}). */
  private long plainDigits(String col) {
    return row.fields() instanceof CsvSource.RowFields f ? f.plainDigits(col) : -1;
  }

  long id(String col) {
    long plain = plainDigits(col);
    if (plain > 0) {
      return plain; // what Long.parseLong gives for plain digits, and a positive id
    }
    String v = string(col);
    try {
      long id = Long.parseLong(v);
      if (id <= 0) {
        throw new BadRow(col + " must be a positive id, got " + v);
      }
      return id;
    } catch (NumberFormatException e) {
      throw new BadRow(col + " is not a numeric id: '" + v + "'");
    }
  }

  String gameId(String col) {
    String v = string(col);
    if (!FastText.isDigits(v, 10)) { // \d{10}
      throw new BadRow(col + " must be a 10-digit NBA game id, got '" + v + "'");
    }
    return v;
  }

  String team(String col) {
    String v = string(col);
    if (!Teams.known(v)) {
      throw new BadRow("unknown team " + col + " '" + v + "'");
    }
    return v;
  }

  Double optDouble(String col) {
    String v = row.get(col);
    if (v == null) {
      return null;
    }
    return number(col, v);
  }

  /** An ISO-8601 instant ({@code 2023-10-24T23:30:00Z}), or null when the column is absent or empty. */
  java.time.Instant optInstant(String col) {
    String v = row.get(col);
    if (v == null || v.isBlank()) {
      return null;
    }
    try {
      return FastText.isoInstant(v.trim());
    } catch (DateTimeParseException e) {
      throw new BadRow(col + " is not an ISO-8601 UTC instant: '" + v + "'");
    }
  }

  LocalDate date(String col) {
    String v = string(col);
    try {
      return FastText.isoDate(v);
    } catch (DateTimeParseException e) {
      throw new BadRow(col + " is not a YYYY-MM-DD date: '" + v + "'");
    }
  }

  /** A whole non-negative number of at most {@link #MAX_COUNT}. */
  int count(String col) {
    return count(col, MAX_COUNT);
  }

  /** Largest count any column may hold (no int overflow; a plausibility bound per column is tighter). */
  static final int MAX_COUNT = 1_000_000;

  /** A whole number in [0, max]. */
  int count(String col, int max) {
    long plain = plainDigits(col);
    if (plain >= 0 && plain <= max) {
      return (int) plain; // what the checks below accept for plain digits
    }
    String v = string(col);
    double d = number(col, v);
    if (!Double.isFinite(d)) {
      throw new BadRow(col + " is not a finite number: '" + v + "'");
    }
    if (d < 0) {
      throw new BadRow("negative " + col + " (" + v + ")");
    }
    if (d > max) {
      throw new BadRow(col + " out of range: " + v + " (at most " + max + ")");
    }
    if (d != Math.rint(d)) {
      throw new BadRow(col + " must be a whole number, got " + v);
    }
    return (int) d;
  }

  Integer optInt(String col) {
    return optInt(col, -MAX_COUNT, MAX_COUNT);
  }

  /** A number rounded to a whole one, in [min, max]; null when the column is absent or empty. */
  Integer optInt(String col, int min, int max) {
    String v = row.get(col);
    if (v == null) {
      return null;
    }
    double d = number(col, v);
    if (!(d >= min && d <= max)) {
      throw new BadRow(col + " out of range: " + v + " (from " + min + " to " + max + ")");
    }
    return (int) Math.round(d);
  }

  /** A finite number in [min, max]; null when the column is absent or empty. */
  Double optDouble(String col, double min, double max) {
    Double d = optDouble(col);
    if (d != null && !(d >= min && d <= max)) {
      throw new BadRow(col + " out of range: " + row.get(col) + " (from " + min + " to " + max + ")");
    }
    return d;
  }

  /** A number in [0, max]. */
  double nonNegative(String col, double max) {
    double d = nonNegative(col);
    if (d > max) {
      throw new BadRow(col + " out of range: " + row.get(col) + " (at most " + max + ")");
    }
    return d;
  }

  double nonNegative(String col) {
    String v = string(col);
    double d = number(col, v);
    if (!(d >= 0) || Double.isInfinite(d)) {
      throw new BadRow("negative or invalid " + col + " (" + v + ")");
    }
    return d;
  }

  /** The text {@code v} of column {@code col} as a number (the bounds are the caller's). */
  private static double number(String col, String v) {
    try {
      return FastText.parseDouble(v);
    } catch (NumberFormatException e) {
      throw new BadRow(col + " is not a number: '" + v + "'");
    }
  }

  static void check(boolean ok, String reason) {
    if (!ok) {
      throw new BadRow(reason);
    }
  }
}
