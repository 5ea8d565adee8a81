package dev.nbaprops.source.props;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Player-name normalisation shared by the directory (NBA spellings) and the matcher (feed spellings).
 *
 * <p>{@link #normalize} strips accents (including letters NFKD does not decompose, such as ł and ø), case,
 * apostrophes and periods (so "C.J." = "CJ", "De’Anthony" = "DeAnthony"), turns other punctuation and hyphens into
 * spaces, and drops generational suffixes (Jr, Sr, II, III, IV) when at least two other tokens remain.
 * {@link #clean} first removes feed decorations: a parenthesised note ("Daniel Theis (IND)", "Jalen (2001)
 * Johnson") and the "Last, First" order ("Portis, Bobby").
 */
public final class PlayerNames {
  private static final Set<String> SUFFIXES = Set.of("jr", "sr", "ii", "iii", "iv");
  private static final Pattern PARENS = Pattern.compile("\\([^)]*\\)");
  private static final Pattern BRACKETS = Pattern.compile("\\[[^]]*]");
  private static final Pattern SPACES = Pattern.compile("\\s+");
  private static final Pattern DROPPED = Pattern.compile("['’‘`´ʼ.]");
  private static final Pattern OTHER = Pattern.compile("[^a-z0-9]+");
  private static final Pattern NOT_LETTER = Pattern.compile("[^a-z]");
  private static final Pattern INITIALS = Pattern.compile("(\\p{L}\\.){2,}");
  private static final Pattern MARKS = Pattern.compile("\\p{M}+");

  private PlayerNames() {}

  /** Removes parenthesised notes and turns "Last, First" into "First Last". Keeps periods (initials). */
  public static String clean(String feedName) {
    if (feedName == null) {
      return "";
    }
    String s = BRACKETS.matcher(PARENS.matcher(feedName).replaceAll(" ")).replaceAll(" ").trim();
    int comma = s.indexOf(',');
    if (comma > 0 && s.indexOf(',', comma + 1) < 0) {
      String last = s.substring(0, comma).trim();
      String first = s.substring(comma + 1).trim();
      // "Jones, Jr." is a suffix, not an inverted name.
      if (!first.isEmpty() && !SUFFIXES.contains(first.replace(".", "").toLowerCase(Locale.ROOT))) {
        s = first + " " + last;
      } else {
        s = last + " " + first;
      }
    }
    return SPACES.matcher(s).replaceAll(" ").trim();
  }

  /** The normalised tokens of a name (after {@link #clean}). */
  public static List<String> tokens(String name) {
    String s = fold(clean(name));
    s = DROPPED.matcher(s).replaceAll("");
    s = OTHER.matcher(s).replaceAll(" ").trim();
    if (s.isEmpty()) {
      return List.of();
    }
    List<String> toks = new ArrayList<>(Arrays.asList(s.split(" ")));
    // Drop suffixes (never the first token), as long as two tokens remain.
    for (int i = toks.size() - 1; i >= 1 && toks.size() > 2; i--) {
      if (SUFFIXES.contains(toks.get(i))) {
        toks.remove(i);
      }
    }
    return toks;
  }

  /** The normalised form of a name: tokens joined by single spaces ("Nikola Jokić" -> "nikola jokic"). */
  public static String normalize(String name) {
    return String.join(" ", tokens(name));
  }

  /**
   * Whether the feed name starts with an abbreviated first name: a single letter ("G Antetokounmpo", "J. Green")
   * or a token ending in a period that is not a run of initials ("Mil. Bridges"). "C.J. McCollum" is not
   * abbreviated: "CJ" is his first name as NBA stats spells it.
   */
  public static boolean abbreviatedFirstName(String feedName) {
    String c = clean(feedName);
    int sp = c.indexOf(' ');
    if (sp <= 0) {
      return false;
    }
    String first = c.substring(0, sp);
    String letters = NOT_LETTER.matcher(fold(first)).replaceAll("");
    if (letters.length() == 1) {
      return true;
    }
    return first.endsWith(".") && !INITIALS.matcher(first).matches();
  }

  /** Lower case, accents stripped, and the few Latin letters NFKD leaves alone mapped to ASCII. */
  static String fold(String s) {
    String d = MARKS.matcher(Normalizer.normalize(s, Normalizer.Form.NFKD)).replaceAll("");
    d = d.toLowerCase(Locale.ROOT);
    StringBuilder b = new StringBuilder(d.length());
    for (int i = 0; i < d.length(); i++) {
      char ch = d.charAt(i);
      switch (ch) {
        case 'ł' -> b.append('l');
        case 'ø' -> b.append('o');
        case 'đ' -> b.append('d');
        case 'ð' -> b.append('d');
        case 'þ' -> b.append("th");
        case 'ß' -> b.append("ss");
        case 'æ' -> b.append("ae");
        case 'œ' -> b.append("oe");
        case 'ı' -> b.append('i');
        default -> b.append(ch);
      }
    }
    return b.toString();
  }
}
