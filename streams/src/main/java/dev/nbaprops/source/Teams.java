package dev.nbaprops.source;

import java.util.Set;

/** The 30 NBA team abbreviations as NBA stats spells them (the only ones the box-score and schedule files use). */
public final class Teams {
  public static final Set<String> ABBREVIATIONS = Set.of("ATL", "BKN", "BOS", "CHA", "CHI", "CLE", "DAL", "DEN",
      "DET", "GSW", "HOU", "IND", "LAC", "LAL", "MEM", "MIA", "MIL", "MIN", "NOP", "NYK", "OKC", "ORL", "PHI", "PHX",
      "POR", "SAC", "SAS", "TOR", "UTA", "WAS");

  private Teams() {}

  public static boolean known(String abbr) {
    return ABBREVIATIONS.contains(abbr);
  }
}
