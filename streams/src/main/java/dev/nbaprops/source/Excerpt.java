package dev.nbaprops.source;

/**
 * Bounded copies of input text for dead letters and error messages: a dead letter keeps the start of what was
 * rejected, never the whole of a huge line or document (a record over the producer's {@code max.request.size}
 * would fail the replay's transaction, and every {@code --resume} would fail on it again).
 */
public final class Excerpt {
  /** Longest raw copy kept in a dead letter, in chars. */
  public static final int MAX_RAW_CHARS = 2_000;
  /** Longest reason kept in a dead letter, in chars (a reason may quote a field). */
  public static final int MAX_REASON_CHARS = 1_000;

  private Excerpt() {}

  /** {@code s} itself when it has at most {@code max} chars, else its start and how much was cut; null stays null. */
  public static String of(String s, int max) {
    if (s == null || s.length() <= max) {
      return s;
    }
    int end = max;
    if (Character.isHighSurrogate(s.charAt(end - 1))) {
      end--;
    }
    return s.substring(0, end) + "... [truncated: " + s.length() + " chars in all]";
  }

  public static String raw(String s) {
    return of(s, MAX_RAW_CHARS);
  }

  public static String reason(String s) {
    return of(s, MAX_REASON_CHARS);
  }
}
