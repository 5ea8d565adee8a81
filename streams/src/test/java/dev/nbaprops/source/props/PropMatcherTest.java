package dev.nbaprops.source.props;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nbaprops.source.props.ScheduleIndex.Game;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Matching rules on a small synthetic league, and the real cases from the slice. */
class PropMatcherTest {
  static final String S = "2023-24";
  static final LocalDate D = LocalDate.of(2024, 1, 10);

  static final Game DEN_LAL = new Game("0022300500", S, "Regular Season", D, "DEN", "LAL", true, null);
  static final Game HOU_DAL = new Game("0022300501", S, "Regular Season", D, "HOU", "DAL", true, null);
  // A two-game series in one arena on consecutive days.
  static final Game POR_MEM_1 = new Game("0022300600", S, "Regular Season", LocalDate.of(2024, 2, 2), "POR", "MEM",
      true, null);
  static final Game POR_MEM_2 = new Game("0022300601", S, "Regular Season", LocalDate.of(2024, 2, 3), "POR", "MEM",
      true, null);
  static final Game MIA_NYK = new Game("0022300700", S, "Regular Season", LocalDate.of(2024, 3, 1), "MIA", "NYK",
      true, null);
  static final Game NYK_MIA = new Game("0022300701", S, "Regular Season", LocalDate.of(2024, 3, 20), "NYK", "MIA",
      true, null);

  static PropMatcher matcher() {
    PlayerDirectory.Builder b = PlayerDirectory.builder();
    LocalDate early = LocalDate.of(2023, 11, 1);
    b.add(S, early, "DEN", 203999, "Nikola Jokić");
    b.add(S, D, "DEN", 203999, "Nikola Jokic");
    b.add(S, early, "DEN", 1629008, "Michael Porter Jr.");
    b.add(S, early, "LAL", 2544, "LeBron James");
    b.add(S, early, "LAL", 1630559, "Austin Reaves");
    b.add(S, early, "LAL", 1641705, "Victor Wembanyama"); // not real, but a "Last First" test needs a name
    b.add(S, early, "LAL", 1629661, "Cameron Johnson");
    b.add(S, early, "LAL", 201572, "Brook Lopez");
    b.add(S, early, "HOU", 1630224, "Jalen Green");
    b.add(S, early, "HOU", 201145, "Jeff Green");
    b.add(S, early, "DAL", 1629651, "Nic Claxton"); // again only for the alias test
    b.add(S, early, "POR", 1629028, "Deandre Ayton");
    b.add(S, early, "MEM", 1631223, "David Roddy");
    // Traded MIA -> NYK: last MIA game 2024-02-01, first NYK game 2024-03-10.
    b.add(S, LocalDate.of(2024, 2, 1), "MIA", 1627832, "Fred VanVleet");
    b.add(S, LocalDate.of(2024, 3, 10), "NYK", 1627832, "Fred VanVleet");
    // A MIA player who appeared only in November.
    b.add(S, early, "MIA", 1628389, "Bam Adebayo");
    b.add("2022-23", LocalDate.of(2023, 1, 5), "DEN", 1627750, "Jamal Murray");
    ScheduleIndex schedule = ScheduleIndex.of(List.of(DEN_LAL, HOU_DAL, POR_MEM_1, POR_MEM_2, MIA_NYK, NYK_MIA));
    Aliases aliases = Aliases.parse("""
        feed_name,nba_name_or_player_id
        Nicolas Claxton,Nic Claxton
        LBJ,2544
        """);
    return new PropMatcher(b.build(), schedule, aliases);
  }

  static final Instant SNAP = Instant.parse("2024-01-10T23:00:00Z");

  PropMatcher.Match m(String home, String away, String eventDate, String player) {
    return matcher().match(home, away, LocalDate.parse(eventDate), SNAP, player);
  }

  @Test
  void exactNormalisedNames() {
    PropMatcher.Match x = m("Denver Nuggets", "Los Angeles Lakers", "2024-01-10", "Nikola Jokic");
    assertThat(x.matched()).isTrue();
    assertThat(x.gameId()).isEqualTo("0022300500");
    assertThat(x.playerId()).isEqualTo(203999L);
    assertThat(x.rule()).isEqualTo("exact");
    assertThat(m("Denver Nuggets", "Los Angeles Lakers", "2024-01-10", "NIKOLA JOKIĆ").playerId()).isEqualTo(203999L);
    assertThat(m("Denver Nuggets", "Los Angeles Lakers", "2024-01-10", "Michael Porter").playerId())
        .isEqualTo(1629008L);
  }

  @Test
  void lastFirstOrderAndCommaOrder() {
    PropMatcher.Match x = m("Denver Nuggets", "Los Angeles Lakers", "2024-01-10", "Wembanyama Victor");
    assertThat(x.playerId()).isEqualTo(1641705L);
    assertThat(x.rule()).isEqualTo("reversed");
    assertThat(m("Denver Nuggets", "Los Angeles Lakers", "2024-01-10", "James, LeBron").playerId()).isEqualTo(2544L);
  }

  @Test
  void initialsMatchOnlyAUniquePlayerOfTheTwoTeams() {
    PropMatcher.Match x = m("Denver Nuggets", "Los Angeles Lakers", "2024-01-10", "N. Jokic");
    assertThat(x.playerId()).isEqualTo(203999L);
    assertThat(x.rule()).isEqualTo("initial");
    PropMatcher.Match g = m("Houston Rockets", "Dallas Mavericks", "2024-01-10", "J. Green");
    assertThat(g.matched()).isFalse();
    assertThat(g.reason()).isEqualTo(
        "ambiguous name 'J. Green' among [Jalen Green (1630224, HOU), Jeff Green (201145, HOU)]");
    // An abbreviation is a prefix of the first name ("Mil. Bridges" = Miles Bridges) ...
    assertThat(m("Denver Nuggets", "Los Angeles Lakers", "2024-01-10", "Cam. Johnson").playerId())
        .isEqualTo(1629661L);
    // ... and never falls through to the looser rules.
    assertThat(m("Denver Nuggets", "Los Angeles Lakers", "2024-01-10", "X. Johnson").reason())
        .isEqualTo("no player named 'X. Johnson' on DEN or LAL in 2023-24");
  }

  @Test
  void middleNamesAndShortFirstNames() {
    PropMatcher.Match lopez = m("Denver Nuggets", "Los Angeles Lakers", "2024-01-10", "Brook Robert Lopez");
    assertThat(lopez.playerId()).isEqualTo(201572L);
    assertThat(lopez.rule()).isEqualTo("first-last");
    PropMatcher.Match cam = m("Denver Nuggets", "Los Angeles Lakers", "2024-01-10", "Cam Johnson");
    assertThat(cam.playerId()).isEqualTo(1629661L);
    assertThat(cam.rule()).isEqualTo("short-first");
    // Two letters are too short to be a first name's short form; the surname alone still finds him (below).
    assertThat(m("Denver Nuggets", "Los Angeles Lakers", "2024-01-10", "Ca Johnson").rule())
        .isEqualTo(PropMatcher.SURNAME_ON_ROSTER);
  }

  /**
   * A first name the NBA does not use (legal name, nickname): the surname with the same initial, when unique on
   * the two teams.
   */
  @Test
  void surnameUniqueOnTheTwoRostersMatchesAndAmbiguousOnesNameTheCandidates() {
    PropMatcher.Match mike = m("Denver Nuggets", "Los Angeles Lakers", "2024-01-10", "Mike Porter Jr.");
    assertThat(mike.playerId()).isEqualTo(1629008L);
    assertThat(mike.rule()).isEqualTo("surname-on-roster");
    assertThat(m("Denver Nuggets", "Los Angeles Lakers", "2024-01-10", "NICKY Jokić").playerId()).isEqualTo(203999L);
    // Another initial is another player (one the rosters do not know), not the teammate with that surname.
    assertThat(m("Denver Nuggets", "Los Angeles Lakers", "2024-01-10", "Bronny James").reason())
        .isEqualTo("no player named 'Bronny James' on DEN or LAL in 2023-24");
    PropMatcher.Match green = m("Houston Rockets", "Dallas Mavericks", "2024-01-10", "Jaylen Green");
    assertThat(green.matched()).isFalse();
    assertThat(green.reason()).isEqualTo(
        "ambiguous name 'Jaylen Green' among [Jalen Green (1630224, HOU), Jeff Green (201145, HOU)]");
    // A surname of neither team is no match; nor is an initial that starts no first name with that surname.
    assertThat(m("Denver Nuggets", "Los Angeles Lakers", "2024-01-10", "Jalen Green").matched()).isFalse();
    assertThat(m("Denver Nuggets", "Los Angeles Lakers", "2024-01-10", "L. Jokic").matched()).isFalse();
  }

  @Test
  void aliasesByNameAndByIdStayWithinTheTwoTeams() {
    PropMatcher.Match c = m("Houston Rockets", "Dallas Mavericks", "2024-01-10", "Nicolas Claxton");
    assertThat(c.playerId()).isEqualTo(1629651L);
    assertThat(c.rule()).isEqualTo("alias");
    assertThat(m("Denver Nuggets", "Los Angeles Lakers", "2024-01-10", "LBJ").playerId()).isEqualTo(2544L);
    PropMatcher.Match out = m("Denver Nuggets", "Los Angeles Lakers", "2024-01-10", "Nicolas Claxton");
    assertThat(out.matched()).isFalse();
    assertThat(out.reason()).isEqualTo(
        "alias 'Nicolas Claxton' -> 'nic claxton' is not a player of DEN or LAL in 2023-24");
  }

  @Test
  void unknownNamesAreReasonsNotGuesses() {
    PropMatcher.Match x = m("Denver Nuggets", "Los Angeles Lakers", "2024-01-10", "Kareem Abdul-Jabbar");
    assertThat(x.matched()).isFalse();
    assertThat(x.gameId()).isEqualTo("0022300500");
    assertThat(x.reason()).isEqualTo("no player named 'Kareem Abdul-Jabbar' on DEN or LAL in 2023-24");
    // A player of another season is not a candidate.
    assertThat(m("Denver Nuggets", "Los Angeles Lakers", "2024-01-10", "Jamal Murray").reason())
        .isEqualTo("no player named 'Jamal Murray' on DEN or LAL in 2023-24");
    assertThat(m("Denver Nuggets", "Los Angeles Lakers", "2024-01-10", " ").reason()).startsWith("empty player");
  }

  @Test
  void tradedPlayerCountsForTheTeamHeWasOnAroundTheDate() {
    PropMatcher pm = matcher();
    // 2024-03-01: between his last MIA game and his first NYK game -> counts for both.
    assertThat(pm.matchPlayer(MIA_NYK, "Fred VanVleet").playerId()).isEqualTo(1627832L);
    // 2024-03-20: after his first NYK game he is a Knick, no longer a Heat player ...
    assertThat(pm.players().playersOn("MIA", S, NYK_MIA.date())).extracting(PlayerDirectory.Player::id)
        .containsExactly(1628389L);
    assertThat(pm.players().playersOn("NYK", S, NYK_MIA.date())).extracting(PlayerDirectory.Player::id)
        .containsExactly(1627832L);
    // ... and a player who has not appeared since November still counts for his team.
    assertThat(pm.matchPlayer(NYK_MIA, "Bam Adebayo").playerId()).isEqualTo(1628389L);
  }

  @Test
  void utcEventDateIsTheLocalDateOrTheDayAfterNeverTheDayBefore() {
    // Local game date 2024-01-10; a UTC event date of 2024-01-11 still finds it.
    PropMatcher.GameMatch utc = matcher().matchGame("Denver Nuggets", "Los Angeles Lakers", LocalDate.of(2024, 1,
        11), Instant.parse("2024-01-11T01:30:00Z"));
    assertThat(utc.game()).isEqualTo(DEN_LAL);
    // An event date the day before the game is not the same game.
    PropMatcher.GameMatch before = matcher().matchGame("Denver Nuggets", "Los Angeles Lakers",
        LocalDate.of(2024, 1, 9), Instant.parse("2024-01-09T23:00:00Z"));
    assertThat(before.matched()).isFalse();
    assertThat(before.reason()).startsWith("no LAL at DEN game on 2024-01-08 or 2024-01-09 in the schedule");
    // No event date: the snapshot's Eastern date and the next day.
    assertThat(matcher().matchGame("Denver Nuggets", "Los Angeles Lakers", null, SNAP).game()).isEqualTo(DEN_LAL);
  }

  @Test
  void twoCandidateDaysPreferTheLocalEveningOfTheSnapshot() {
    PropMatcher pm = matcher();
    // UTC event date 2024-02-03 could be the 02-02 game (UTC) or the 02-03 game (local).
    Instant evening0202 = Instant.parse("2024-02-03T01:55:00Z"); // 2024-02-02 20:55 ET
    assertThat(pm.matchGame("Portland Trail Blazers", "Memphis Grizzlies", LocalDate.of(2024, 2, 3), evening0202)
        .game()).isEqualTo(POR_MEM_1);
    Instant afternoon0203 = Instant.parse("2024-02-03T19:00:00Z"); // 2024-02-03 14:00 ET
    assertThat(pm.matchGame("Portland Trail Blazers", "Memphis Grizzlies", LocalDate.of(2024, 2, 3),
        afternoon0203).game()).isEqualTo(POR_MEM_2);
    // The day before both: the first game not before the snapshot.
    Instant dayBefore = Instant.parse("2024-02-01T18:00:00Z");
    assertThat(pm.matchGame("Portland Trail Blazers", "Memphis Grizzlies", LocalDate.of(2024, 2, 3), dayBefore)
        .game()).isEqualTo(POR_MEM_1);
    assertThat(pm.matchGame("Portland Trail Blazers", "Memphis Grizzlies", LocalDate.of(2024, 2, 3), null)
        .reason()).startsWith("ambiguous game");
  }

  @Test
  void teamProblemsAreReasons() {
    PropMatcher pm = matcher();
    assertThat(pm.matchGame("Seattle SuperSonics", "Los Angeles Lakers", D, SNAP).reason())
        .isEqualTo("unknown team 'Seattle SuperSonics'");
    assertThat(pm.matchGame("Denver Nuggets", "", D, SNAP).reason()).isEqualTo("unknown team ''");
    assertThat(pm.matchGame("Denver Nuggets", "DEN", D, SNAP).reason()).isEqualTo(
        "home and away team are both DEN");
    assertThat(pm.matchGame("Los Angeles Lakers", "Denver Nuggets", D, SNAP).reason()).contains(
        "home and away swapped?");
    assertThat(pm.match("Seattle SuperSonics", "Los Angeles Lakers", D, SNAP, "LeBron James").reason())
        .isEqualTo("unknown team 'Seattle SuperSonics'");
    assertThat(pm.matchGame("Denver Nuggets", "Los Angeles Lakers", null, null).reason())
        .isEqualTo("no event date and no snapshot time");
  }

  @Test
  void gameByTipOffInstantAndByTeamAndDate() {
    PropMatcher pm = matcher();
    // 2024-01-11T02:00Z is 21:00 ET on 2024-01-10.
    assertThat(pm.matchGameAt("Denver Nuggets", "Los Angeles Lakers", Instant.parse("2024-01-11T02:00:00Z"),
        SNAP).game()).isEqualTo(DEN_LAL);
    assertThat(pm.matchTeamGame("LAL", D).game()).isEqualTo(DEN_LAL);
    assertThat(pm.matchTeamGame("LAL", D.plusDays(1)).reason()).isEqualTo("no LAL game on 2024-01-11 in the "
        + "schedule");
    assertThat(pm.matchTeamGame("XYZ", D).reason()).isEqualTo("unknown team 'XYZ'");
  }

  @Test
  void resultsAreCachedPerGameAndName() {
    PropMatcher pm = matcher();
    PropMatcher.PlayerMatch a = pm.matchPlayer(DEN_LAL, "Nikola Jokic");
    assertThat(pm.matchPlayer(DEN_LAL, "nikola  JOKIĆ")).isSameAs(a);
  }

  // ------------------------------------------------------------------------------- real data (slice)

  @Test
  void realSnapshotAfterMidnightUtcIsTheLocalEveningGame() {
    // POR-MEM, event date 2023-11-04 (UTC), snapshot 2023-11-04T01:55:44Z = 2023-11-03 21:55 ET. The teams also
    // met on 2023-11-05; the game is 0022300007 on 2023-11-03 (../shared/data/nba/README.md, section 4).
    PropMatcher pm = SliceMatcher.get();
    PropMatcher.Match x = pm.match("Portland Trail Blazers", "Memphis Grizzlies", LocalDate.of(2023, 11, 4),
        Instant.parse("2023-11-04T01:55:44Z"), "Deandre Ayton");
    assertThat(x.gameId()).isEqualTo("0022300007");
    assertThat(x.playerId()).isEqualTo(1629028L);
  }

  @Test
  void realAmbiguousAndReversedNames() {
    PropMatcher pm = SliceMatcher.get();
    Game hou = pm.schedule().game("0022300037").orElseThrow(); // LAC-HOU 2023-11-17
    assertThat(pm.matchPlayer(hou, "J. Green").reason()).isEqualTo(
        "ambiguous name 'J. Green' among [Jalen Green (1630224, HOU), Jeff Green (201145, HOU)]");
    assertThat(pm.matchPlayer(hou, "Jalen Green").playerId()).isEqualTo(1630224L);
    PropMatcher.Match wemby = pm.match("San Antonio Spurs", "Dallas Mavericks", LocalDate.of(2023, 10, 26),
        Instant.parse("2023-10-26T01:25:43Z"), "Wembanyama Victor");
    assertThat(wemby.playerId()).isEqualTo(1641705L);
    PropMatcher.Match clax = pm.match("Brooklyn Nets", "Cleveland Cavaliers", LocalDate.of(2023, 10, 25),
        Instant.parse("2023-10-25T23:25:42Z"), "Nicolas Claxton");
    assertThat(clax.playerId()).isEqualTo(1629651L);
    assertThat(clax.rule()).isEqualTo("alias");
  }
}
