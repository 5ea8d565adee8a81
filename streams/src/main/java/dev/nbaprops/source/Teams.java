package dev.nbaprops.source;

import java.text.Normalizer;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The 30 NBA teams: the abbreviation NBA stats uses (as in the schedule and box-score files) and the names prop
 * feeds use for them. The Odds API gives full names ("Denver Nuggets", "Los Angeles Clippers"); other feeds give
 * abbreviations, sometimes not the NBA stats ones (GS, NO, NY, SA, PHO, BRK, CHO, UTAH, WSH). Lookup ignores case,
 * accents, punctuation and spacing, so "L.A. Clippers", "LA Clippers" and "la clippers" are the same key.
 */
public final class Teams {
  private static final Map<String, String> FULL_NAMES = new LinkedHashMap<>();
  private static final Map<String, String> BY_KEY = new HashMap<>();
  /** Feed spelling -> abbreviation ("" when unknown): feeds repeat a handful of spellings. */
  private static final Map<String, String> LOOKUPS = new java.util.concurrent.ConcurrentHashMap<>();

  static {
    team("ATL", "Atlanta Hawks", "Hawks");
    team("BKN", "Brooklyn Nets", "Nets", "BRK", "BKLYN", "NJN", "New Jersey Nets");
    team("BOS", "Boston Celtics", "Celtics");
    team("CHA", "Charlotte Hornets", "Hornets", "CHO", "CHH");
    team("CHI", "Chicago Bulls", "Bulls");
    team("CLE", "Cleveland Cavaliers", "Cavaliers", "Cavs");
    team("DAL", "Dallas Mavericks", "Mavericks", "Mavs");
    team("DEN", "Denver Nuggets", "Nuggets");
    team("DET", "Detroit Pistons", "Pistons");
    team("GSW", "Golden State Warriors", "Warriors", "GS", "GSW Warriors", "Golden State");
    team("HOU", "Houston Rockets", "Rockets");
    team("IND", "Indiana Pacers", "Pacers");
    team("LAC", "Los Angeles Clippers", "Clippers", "LA Clippers", "L.A. Clippers");
    team("LAL", "Los Angeles Lakers", "Lakers", "LA Lakers", "L.A. Lakers");
    team("MEM", "Memphis Grizzlies", "Grizzlies");
    team("MIA", "Miami Heat", "Heat");
    team("MIL", "Milwaukee Bucks", "Bucks");
    team("MIN", "Minnesota Timberwolves", "Timberwolves", "Wolves");
    team("NOP", "New Orleans Pelicans", "Pelicans", "NO", "NOR", "NOLA");
    team("NYK", "New York Knicks", "Knicks", "NY");
    team("OKC", "Oklahoma City Thunder", "Thunder");
    team("ORL", "Orlando Magic", "Magic");
    team("PHI", "Philadelphia 76ers", "76ers", "Sixers", "Philadelphia Sixers", "PHL");
    team("PHX", "Phoenix Suns", "Suns", "PHO");
    team("POR", "Portland Trail Blazers", "Trail Blazers", "Blazers", "Portland Trailblazers");
    team("SAC", "Sacramento Kings", "Kings");
    team("SAS", "San Antonio Spurs", "Spurs", "SA");
    team("TOR", "Toronto Raptors", "Raptors");
    team("UTA", "Utah Jazz", "Jazz", "UTAH");
    team("WAS", "Washington Wizards", "Wizards", "WSH");
  }

  private Teams() {}

  private static void team(String abbr, String fullName, String... variants) {
    FULL_NAMES.put(abbr, fullName);
    put(abbr, abbr);
    put(fullName, abbr);
    for (String v : variants) {
      put(v, abbr);
    }
  }

  private static void put(String name, String abbr) {
    String prev = BY_KEY.put(key(name), abbr);
    if (prev != null && !prev.equals(abbr)) {
      throw new IllegalStateException("team name '" + name + "' is used for " + prev + " and " + abbr);
    }
  }

  static String key(String name) {
    String s = Normalizer.normalize(name, Normalizer.Form.NFKD).replaceAll("\\p{M}+", "");
    return s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "");
  }

  /** The NBA stats abbreviation (e.g. {@code LAC}) for a full name, variant or abbreviation; empty if unknown. */
  public static Optional<String> abbreviation(String name) {
    if (name == null || name.isBlank()) {
      return Optional.empty();
    }
    String abbr = LOOKUPS.get(name);
    if (abbr == null) {
      abbr = BY_KEY.getOrDefault(key(name), "");
      if (LOOKUPS.size() < 10_000) {
        LOOKUPS.put(name, abbr);
      }
    }
    return abbr.isEmpty() ? Optional.empty() : Optional.of(abbr);
  }

  /** Whether this is one of the 30 NBA stats abbreviations (the only ones box-score and schedule files use). */
  public static boolean known(String abbr) {
    return FULL_NAMES.containsKey(abbr);
  }

  /** The full name for an NBA stats abbreviation ({@code DEN} -> {@code Denver Nuggets}). */
  public static Optional<String> fullName(String abbr) {
    return Optional.ofNullable(FULL_NAMES.get(abbr));
  }

  /** Abbreviation -> full name for all 30 teams, in alphabetical order of abbreviation. */
  public static Map<String, String> all() {
    return Collections.unmodifiableMap(FULL_NAMES);
  }

  /** NBA stats team ids (as in the schedule, box-score and shot files) to abbreviations. */
  private static final Map<Long, String> BY_TEAM_ID = Map.ofEntries(
      Map.entry(1610612737L, "ATL"),
      Map.entry(1610612738L, "BOS"),
      Map.entry(1610612739L, "CLE"),
      Map.entry(1610612740L, "NOP"),
      Map.entry(1610612741L, "CHI"),
      Map.entry(1610612742L, "DAL"),
      Map.entry(1610612743L, "DEN"),
      Map.entry(1610612744L, "GSW"),
      Map.entry(1610612745L, "HOU"),
      Map.entry(1610612746L, "LAC"),
      Map.entry(1610612747L, "LAL"),
      Map.entry(1610612748L, "MIA"),
      Map.entry(1610612749L, "MIL"),
      Map.entry(1610612750L, "MIN"),
      Map.entry(1610612751L, "BKN"),
      Map.entry(1610612752L, "NYK"),
      Map.entry(1610612753L, "ORL"),
      Map.entry(1610612754L, "IND"),
      Map.entry(1610612755L, "PHI"),
      Map.entry(1610612756L, "PHX"),
      Map.entry(1610612757L, "POR"),
      Map.entry(1610612758L, "SAC"),
      Map.entry(1610612759L, "SAS"),
      Map.entry(1610612760L, "OKC"),
      Map.entry(1610612761L, "TOR"),
      Map.entry(1610612762L, "UTA"),
      Map.entry(1610612763L, "MEM"),
      Map.entry(1610612764L, "WAS"),
      Map.entry(1610612765L, "DET"),
      Map.entry(1610612766L, "CHA"));

  /** The abbreviation of an NBA stats team id ({@code 1610612743 -> DEN}); empty for an unknown id. */
  public static Optional<String> abbrOfTeamId(long teamId) {
    return Optional.ofNullable(BY_TEAM_ID.get(teamId));
  }
}
