package dev.nbaprops.source.props;

/**
 * Price and line checks shared by the prop parsers. A data problem is a {@link BadInput} carrying the reason; the
 * parsers turn it into {@code Parsed.rejected}.
 */
final class Odds {
  /** No player prop line comes near 200 (points, rebounds, assists or their sum). */
  static final double MAX_LINE = 200;
  /** American prices beyond +-100000 do not exist (and would overflow an int past about 2.1e9). */
  static final int MAX_PRICE = 100_000;

  private Odds() {}

  static final class BadInput extends RuntimeException {
    BadInput(String reason) {
      super(reason, null, false, false);
    }
  }

  static void check(boolean ok, String reason) {
    if (!ok) {
      throw new BadInput(reason);
    }
  }

  /** A prop line: a finite, non-negative number. */
  static double line(double v, String what) {
    check(Double.isFinite(v), what + " is not a finite number (" + v + ")");
    check(v >= 0, "negative " + what + " (" + v + ")");
    check(v <= MAX_LINE, what + " out of range: " + v + " (at most " + MAX_LINE + ")");
    return v;
  }

  static double parseLine(String s, String what) {
    check(s != null && !s.isBlank(), "missing " + what);
    try {
      return line(dev.nbaprops.source.FastText.parseDouble(s.trim()), what);
    } catch (NumberFormatException e) {
      throw new BadInput(what + " is not a number: '" + s + "'");
    }
  }

  /**
   * An American price. American odds are whole numbers with |price| >= 100 (-110, +180); a price strictly
   * between 1 and 100 is decimal odds (The Odds API's default {@code oddsFormat=decimal}: 1.91) and is converted
   * to the nearest American price (1.91 -> -110, 2.5 -> +150). Anything else is rejected.
   */
  static int american(double v, String what) {
    check(Double.isFinite(v), what + " is not a finite number (" + v + ")");
    check(Math.abs(v) <= MAX_PRICE, what + " out of range: " + v + " (|price| at most " + MAX_PRICE + ")");
    if (Math.abs(v) >= 100) {
      check(v == Math.rint(v), what + " is not a whole American price (" + v + ")");
      return (int) v;
    }
    check(v > 1, what + " is neither American (|price| >= 100) nor decimal (> 1) odds (" + v + ")");
    if (v >= 2) {
      return (int) Math.round((v - 1) * 100);
    }
    return (int) -Math.round(100 / (v - 1));
  }

  /** A price column that may be empty (null). */
  static Integer parseAmerican(String s, String what) {
    if (s == null || s.isBlank()) {
      return null;
    }
    try {
      return american(dev.nbaprops.source.FastText.parseDouble(s.trim()), what);
    } catch (NumberFormatException e) {
      throw new BadInput(what + " is not a number: '" + s + "'");
    }
  }
}
