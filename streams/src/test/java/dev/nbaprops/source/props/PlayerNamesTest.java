package dev.nbaprops.source.props;

import dev.nbaprops.source.Teams;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class PlayerNamesTest {
  @Test
  void stripsAccentsCasePunctuationAndSuffixes() {
    assertThat(PlayerNames.normalize("Nikola Jokić")).isEqualTo("nikola jokic");
    assertThat(PlayerNames.normalize("Kristaps Porziņģis")).isEqualTo("kristaps porzingis");
    assertThat(PlayerNames.normalize("Jonas Valančiūnas")).isEqualTo("jonas valanciunas");
    assertThat(PlayerNames.normalize("Marcin Gortał")).isEqualTo("marcin gortal");
    assertThat(PlayerNames.normalize("De’Anthony Melton")).isEqualTo(PlayerNames.normalize("De'Anthony Melton"))
        .isEqualTo("deanthony melton");
    assertThat(PlayerNames.normalize("Royce O’Neale")).isEqualTo("royce oneale");
    assertThat(PlayerNames.normalize("C.J. McCollum")).isEqualTo(PlayerNames.normalize("CJ McCollum"));
    assertThat(PlayerNames.normalize("P.J. Washington")).isEqualTo(PlayerNames.normalize("PJ Washington"));
    assertThat(PlayerNames.normalize("Shai Gilgeous-Alexander")).isEqualTo("shai gilgeous alexander");
    assertThat(PlayerNames.normalize("Jaren Jackson Jr.")).isEqualTo("jaren jackson");
    assertThat(PlayerNames.normalize("Michael Porter Jr")).isEqualTo("michael porter");
    assertThat(PlayerNames.normalize("Gregory Jackson II")).isEqualTo("gregory jackson");
    assertThat(PlayerNames.normalize("Trey Murphy III")).isEqualTo("trey murphy");
    assertThat(PlayerNames.normalize("Marcus Morris Sr.")).isEqualTo("marcus morris");
    assertThat(PlayerNames.normalize("  LEBRON   james ")).isEqualTo("lebron james");
  }

  @Test
  void suffixIsKeptWhenItWouldLeaveOneToken() {
    assertThat(PlayerNames.normalize("Nene")).isEqualTo("nene");
    assertThat(PlayerNames.tokens("Smith Jr.")).containsExactly("smith", "jr");
  }

  @Test
  void cleansFeedDecorations() {
    assertThat(PlayerNames.normalize("Portis, Bobby")).isEqualTo("bobby portis");
    assertThat(PlayerNames.normalize("Jones, Jr.")).isEqualTo("jones jr");
    assertThat(PlayerNames.normalize("Daniel Theis (IND)")).isEqualTo("daniel theis");
    assertThat(PlayerNames.normalize("Kyle Lowry (Phi)")).isEqualTo("kyle lowry");
    assertThat(PlayerNames.normalize("Jalen (2001) Johnson")).isEqualTo("jalen johnson");
    assertThat(PlayerNames.normalize("")).isEmpty();
    assertThat(PlayerNames.normalize(null)).isEmpty();
  }

  @Test
  void recognisesAbbreviatedFirstNames() {
    assertThat(PlayerNames.abbreviatedFirstName("J. Green")).isTrue();
    assertThat(PlayerNames.abbreviatedFirstName("G Antetokounmpo")).isTrue();
    assertThat(PlayerNames.abbreviatedFirstName("Mil. Bridges")).isTrue();
    assertThat(PlayerNames.abbreviatedFirstName("D. Jones Jr.")).isTrue();
    assertThat(PlayerNames.abbreviatedFirstName("C.J. McCollum")).isFalse();
    assertThat(PlayerNames.abbreviatedFirstName("OG Anunoby")).isFalse();
    assertThat(PlayerNames.abbreviatedFirstName("Nikola Jokic")).isFalse();
    assertThat(PlayerNames.abbreviatedFirstName("Jokic")).isFalse();
  }

  @Test
  void teamNamesAndVariantsMapToNbaStatsAbbreviations() {
    assertThat(Teams.abbreviation("Denver Nuggets")).contains("DEN");
    assertThat(Teams.abbreviation("Los Angeles Clippers")).contains("LAC");
    assertThat(Teams.abbreviation("LA Clippers")).contains("LAC");
    assertThat(Teams.abbreviation("L.A. Clippers")).contains("LAC");
    assertThat(Teams.abbreviation("Los Angeles Lakers")).contains("LAL");
    assertThat(Teams.abbreviation("philadelphia 76ers")).contains("PHI");
    assertThat(Teams.abbreviation("Portland Trail Blazers")).contains("POR");
    assertThat(Teams.abbreviation("GS")).contains("GSW");
    assertThat(Teams.abbreviation("PHO")).contains("PHX");
    assertThat(Teams.abbreviation("NO")).contains("NOP");
    assertThat(Teams.abbreviation("UTAH")).contains("UTA");
    assertThat(Teams.abbreviation("Seattle SuperSonics")).isEmpty();
    assertThat(Teams.abbreviation("Los Angeles")).isEmpty();
    assertThat(Teams.abbreviation("")).isEmpty();
    assertThat(Teams.abbreviation(null)).isEmpty();
  }

  @Test
  void allThirtyTeamsRoundTrip() {
    assertThat(Teams.all()).hasSize(30);
    Set<String> abbrs = new TreeSet<>();
    Teams.all().forEach((abbr, full) -> {
      assertThat(Teams.abbreviation(full)).contains(abbr);
      assertThat(Teams.abbreviation(abbr)).contains(abbr);
      assertThat(Teams.fullName(abbr)).contains(full);
      abbrs.add(abbr);
    });
    // The schedule's abbreviations (../shared/data/nba/README.md section 2).
    assertThat(abbrs).containsExactly("ATL", "BKN", "BOS", "CHA", "CHI", "CLE", "DAL", "DEN", "DET", "GSW", "HOU",
        "IND", "LAC", "LAL", "MEM", "MIA", "MIL", "MIN", "NOP", "NYK", "OKC", "ORL", "PHI", "PHX", "POR", "SAC",
        "SAS", "TOR", "UTA", "WAS");
  }

  @Test
  void aliasTableParsesNamesIdsCommentsAndHeader() {
    Aliases a = Aliases.parse("""
        # comment
        feed_name,nba_name_or_player_id
        Moe Wagner,Moritz Wagner
        "Portis, Bobby",1626171

        Gregory Jackson II,GG Jackson
        """);
    assertThat(a.size()).isEqualTo(3);
    assertThat(a.lookup("moe  wagner").orElseThrow().nbaName()).isEqualTo("moritz wagner");
    assertThat(a.lookup("Bobby Portis").orElseThrow().playerId()).isEqualTo(1626171L);
    // Keys are normalised: the suffix-less spelling finds the same alias.
    assertThat(a.lookup("Gregory Jackson").orElseThrow().nbaName()).isEqualTo("gg jackson");
    assertThat(a.lookup("Nobody")).isEmpty();
  }

  @Test
  void aliasTableRejectsConflictsAndBadRows() {
    assertThatThrownBy(() -> Aliases.parse("feed_name,nba_name_or_player_id\nA B,C D\nA  B,E F\n"))
        .hasMessageContaining("listed twice");
    assertThatThrownBy(() -> Aliases.parse("A B,C D,E\n")).hasMessageContaining("expected feed_name");
  }

  @Test
  void bundledAliasTableLoads() {
    Aliases a = Aliases.bundled();
    assertThat(a.size()).isGreaterThanOrEqualTo(10);
    assertThat(a.lookup("Nicolas Claxton").orElseThrow().nbaName()).isEqualTo("nic claxton");
    assertThat(a.lookup("Moe Wagner").orElseThrow().nbaName()).isEqualTo("moritz wagner");
  }
}
