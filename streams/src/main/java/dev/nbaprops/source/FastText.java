package dev.nbaprops.source;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;

/**
 * Hot-path parsing of the few text forms the source files use, with exactly the results (and failures) of the JDK
 * parsers they stand in for: each method handles the plain common form itself and hands anything else to the JDK
 * parser ({@link LocalDate#parse}, {@link Instant#parse}, {@link Double#parseDouble}), so an unusual or bad value
 * gets the JDK's answer or exception as before. FastTextTest checks them against the JDK on many inputs.
 */
public final class FastText {
  private FastText() {}

  /** {@link LocalDate#parse(CharSequence)}: {@code YYYY-MM-DD} directly, anything else by the JDK. */
  public static LocalDate isoDate(String s) {
    if (s.length() == 10 && s.charAt(4) == '-' && s.charAt(7) == '-') {
      int y = digits(s, 0, 4);
      int m = digits(s, 5, 7);
      int d = digits(s, 8, 10);
      if (y >= 0 && m >= 1 && m <= 12 && d >= 1 && d <= 31) {
        try {
          return LocalDate.of(y, m, d);
        } catch (DateTimeException e) {
          // an impossible date (2023-02-30): the JDK's parser says so in its own words
        }
      }
    }
    return LocalDate.parse(s);
  }

  /** {@link Instant#parse(CharSequence)}: {@code YYYY-MM-DDTHH:MM:SSZ} directly, anything else by the JDK. */
  public static Instant isoInstant(String s) {
    if (s.length() == 20 && s.charAt(10) == 'T' && s.charAt(13) == ':' && s.charAt(16) == ':' && s.charAt(19) == 'Z'
        && s.charAt(4) == '-' && s.charAt(7) == '-') {
      int y = digits(s, 0, 4);
      int mo = digits(s, 5, 7);
      int d = digits(s, 8, 10);
      int h = digits(s, 11, 13);
      int mi = digits(s, 14, 16);
      int sec = digits(s, 17, 19);
      if (y >= 0 && mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h >= 0 && h <= 23 && mi >= 0 && mi <= 59
          && sec >= 0 && sec <= 59) {
        try {
          return Instant.ofEpochSecond(LocalDate.of(y, mo, d).toEpochDay() * 86_400L + h * 3600L + mi * 60L + sec);
        } catch (DateTimeException e) {
          // an impossible date: the JDK's parser says so
        }
      }
    }
    return Instant.parse(s);
  }

  private static final double[] POW10 = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13,
      1e14, 1e15};

  /**
   * {@link Double#parseDouble}: a plain decimal ({@code -12}, {@code 23.5}, {@code -0.20}) of at most 15 digits
   * directly, anything else (exponents, a '+', spaces, NaN, longer numbers) by the JDK. The direct result is the
   * correctly rounded one, as the JDK's: the digits as a whole number and the power of ten are both exact doubles,
   * and one IEEE division of exact operands rounds correctly.
   */
  public static double parseDouble(String s) {
    int n = s.length();
    int i = 0;
    boolean negative = false;
    if (n > 0 && s.charAt(0) == '-') {
      negative = true;
      i = 1;
    }
    long m = 0;
    int digits = 0;
    int fraction = -1; // digits after the point; -1 without a point
    for (; i < n; i++) {
      char c = s.charAt(i);
      if (c >= '0' && c <= '9') {
        m = m * 10 + (c - '0');
        digits++;
        if (fraction >= 0) {
          fraction++;
        }
      } else if (c == '.' && fraction < 0) {
        fraction = 0;
      } else {
        return Double.parseDouble(s);
      }
    }
    if (digits == 0 || digits > 15 || fraction == 0 || (fraction > 0 && digits == fraction)) {
      return Double.parseDouble(s); // "", "-", "12.", ".5", too many digits: the JDK's way
    }
    double v = fraction > 0 ? m / POW10[fraction] : (double) m;
    return negative ? -v : v;
  }

  /** Whether {@code s} is exactly {@code n} ASCII digits. */
  public static boolean isDigits(String s, int n) {
    if (s.length() != n) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  /** The ASCII digits of s[from, to) as a number, or -1 when any is not a digit. */
  private static int digits(String s, int from, int to) {
    int v = 0;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }
}
