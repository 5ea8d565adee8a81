package dev.nbaprops.source.props;

import dev.nbaprops.avro.raw.PropLine;
import dev.nbaprops.source.Teams;
import dev.nbaprops.source.DataLayout;
import dev.nbaprops.source.EventTimes;
import dev.nbaprops.source.Seasons;
import dev.nbaprops.source.props.PlayerDirectory.Player;
import dev.nbaprops.source.props.ScheduleIndex.Game;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Resolves a prop line's teams, date and player name to an NBA stats {@code game_id} and {@code player_id}, or
 * says why it cannot. It never guesses: an unknown or ambiguous name is a reason, not a match. The ids a feed may
 * carry are never used.
 *
 * <h2>Games</h2>
 * Home and away team names are mapped to abbreviations ({@link Teams}); the game is the scheduled game with that
 * home and away team on the event date or the day before it: a feed's event date is either the US local game
 * date or the UTC date, which is the local date or the day after it (an evening game ends after midnight UTC),
 * never the day before. When both days have such a game (a two-game series in one arena), the one on the US
 * Eastern date of the snapshot wins, else the first one not before it. A feed that gives the tip-off instant
 * ({@link #matchGameAt}) is matched on its Eastern date first.
 *
 * <h2>Players</h2>
 * Candidates are the players who count for either team of that game around its date
 * ({@link PlayerDirectory#playersOn}). A feed name is compared with the candidates' normalised NBA stats names
 * ({@link PlayerNames}) by these rules, in order; the first rule that finds anyone decides, and it must find
 * exactly one player, otherwise the result is "ambiguous":
 * <ol>
 *   <li>{@code exact}: same normalised name;</li>
 *   <li>{@code alias}: the alias table ({@link Aliases}) gives the NBA name or id;</li>
 *   <li>{@code reversed}: the feed gave "Last First" ("Wembanyama Victor");</li>
 *   <li>{@code initial}: an abbreviated first name ("J. Isaac", "G Antetokounmpo", "Mil. Bridges") that starts the
 *   candidate's first name, with the same last name;</li>
 *   <li>{@code first-last}: first and last tokens agree, middle names dropped ("Brook Robert Lopez");</li>
 *   <li>{@code short-first}: same last name, one first name starts the other and is at least 3 letters
 *   ("Cam Johnson" / Cameron Johnson, "Herb Jones" / Herbert Jones);</li>
 *   <li>{@code surname-on-roster}: the normalised surname (accents, case, punctuation and Jr/Sr/II/III/IV
 *   suffixes dropped) belongs to exactly one player of the game's two teams whose first name starts with the
 *   same letter (a legal name against a nickname: "Mike Porter Jr." / Michael Porter Jr., "Obadiah Toppin" / Obi
 *   Toppin, "Mohamed Bamba" / Mo Bamba). The initial is the guard against the one wrong match a bare surname
 *   invites: a player the rosters do not know yet (a new signing, a call-up) who shares a teammate's surname
 *   ("Michael Jordan" is not DeAndre Jordan); a nickname with another initial ("Bam" for Edrice Adebayo) needs
 *   the alias table. Not for an abbreviated first name: its initial already ruled out every player with that
 *   surname ("J. Green" is not Draymond Green). Two or more such players: "ambiguous", with the candidates
 *   named.</li>
 * </ol>
 * The rule that matched is carried on the line ({@code match_rule}) and counted in the replay summary.
 * Results are cached per (game, normalised name).
 */
public final class PropMatcher {
  /** The last rule: the surname alone, when exactly one player of the game's two teams has it. */
  public static final String SURNAME_ON_ROSTER = "surname-on-roster";

  /** A game, or why there is none. */
  public record GameMatch(Game game, String reason) {
    public boolean matched() {
      return game != null;
    }

    static GameMatch of(Game g) {
      return new GameMatch(g, null);
    }

    static GameMatch fail(String reason) {
      return new GameMatch(null, reason);
    }
  }

  /** A player (and the rule that found him), or why there is none. */
  public record PlayerMatch(Player player, String rule, String reason) {
    public boolean matched() {
      return player != null;
    }

    public Long playerId() {
      return player == null ? null : player.id();
    }
  }

  /** Game and player for one prop row; {@code reason} is null exactly when both were found. */
  public record Match(Game game, Player player, String rule, String reason) {
    public boolean matched() {
      return reason == null;
    }

    public String gameId() {
      return game == null ? null : game.gameId();
    }

    public Long playerId() {
      return player == null ? null : player.id();
    }
  }

  /** A candidate player of a game with the normalised token lists of each of his NBA spellings. */
  private record Candidate(Player player, String team, List<List<String>> spellings) {
    String describe() {
      return player.name() + " (" + player.id() + ", " + team + ")";
    }
  }

  private record Roster(Game game, String season, List<Candidate> candidates) {}

  private final PlayerDirectory players;
  private final ScheduleIndex schedule;
  private final Aliases aliases;
  private final Map<String, Roster> rosters = new ConcurrentHashMap<>();
  private final Map<String, PlayerMatch> playerCache = new ConcurrentHashMap<>();
  /** Feed name -> cache-key part (abbreviation flag + normalised name); feeds repeat a few hundred names. */
  private final Map<String, String> nameKeys = new ConcurrentHashMap<>();
  /** Player id -> normalised token lists of his NBA spellings. */
  private final Map<Long, List<List<String>>> spellings = new ConcurrentHashMap<>();

  public PropMatcher(PlayerDirectory players, ScheduleIndex schedule, Aliases aliases) {
    this.players = players;
    this.schedule = schedule;
    this.aliases = aliases;
  }

  /** Directory and schedule from a data directory, and the bundled alias table. */
  public static PropMatcher load(DataLayout layout) {
    return new PropMatcher(PlayerDirectory.load(layout), ScheduleIndex.load(layout), Aliases.bundled());
  }

  public static PropMatcher load(Path dataDir) {
    return load(new DataLayout(dataDir));
  }

  public PlayerDirectory players() {
    return players;
  }

  public ScheduleIndex schedule() {
    return schedule;
  }

  /**
   * Sets a line's resolved game, player and match rule, and the game's start: the feed's own start
   * ({@code feedStart}, e.g. The Odds API {@code commence_time}) when it gives one, else the schedule's (listed
   * tip-off + 15 minutes, or 19:15 ET); docs/features.md, "Time".
   */
  public static PropLine.Builder resolved(PropLine.Builder b, Game game, long playerId, String rule,
                                          Instant feedStart) {
    EventTimes.StartSource from = feedStart != null ? EventTimes.StartSource.FEED
        : game.listedTipoff() != null ? EventTimes.StartSource.SCHEDULE : EventTimes.StartSource.DEFAULT;
    return b.setGameId(game.gameId()).setPlayerId(playerId).setGameDate(game.date()).setMatchRule(rule)
        .setGameStart(feedStart != null ? feedStart : game.start()).setGameStartSource(from.name());
  }

  // ---------------------------------------------------------------------------------------------- games

  /**
   * The game for a feed's home and away team and event date (which may be the UTC date). {@code snapshotTs} may
   * be null; it only breaks a tie between two candidate days. {@code eventDate} may be null when the snapshot is
   * given: the snapshot's Eastern date and the next day are then the candidates.
   */
  public GameMatch matchGame(String homeTeam, String awayTeam, LocalDate eventDate, Instant snapshotTs) {
    Optional<String> home = Teams.abbreviation(homeTeam);
    Optional<String> away = Teams.abbreviation(awayTeam);
    if (home.isEmpty()) {
      return GameMatch.fail("unknown team '" + homeTeam + "'");
    }
    if (away.isEmpty()) {
      return GameMatch.fail("unknown team '" + awayTeam + "'");
    }
    if (home.get().equals(away.get())) {
      return GameMatch.fail("home and away team are both " + home.get());
    }
    LocalDate from;
    LocalDate to;
    if (eventDate != null) {
      from = eventDate.minusDays(1);
      to = eventDate;
    } else if (snapshotTs != null) {
      from = easternDate(snapshotTs);
      to = from.plusDays(1);
    } else {
      return GameMatch.fail("no event date and no snapshot time");
    }
    return pick(home.get(), away.get(), from, to, snapshotTs);
  }

  /**
   * The game for a feed that gives the tip-off instant (The Odds API {@code commence_time}): the game on its
   * Eastern date, else as {@link #matchGame} with the UTC date as the event date.
   */
  public GameMatch matchGameAt(String homeTeam, String awayTeam, Instant commenceTime, Instant snapshotTs) {
    if (commenceTime == null) {
      return matchGame(homeTeam, awayTeam, null, snapshotTs);
    }
    Optional<String> home = Teams.abbreviation(homeTeam);
    Optional<String> away = Teams.abbreviation(awayTeam);
    if (home.isPresent() && away.isPresent()) {
      LocalDate local = easternDate(commenceTime);
      List<Game> exact = schedule.games(home.get(), away.get(), local, local);
      if (exact.size() == 1) {
        return GameMatch.of(exact.get(0));
      }
    }
    return matchGame(homeTeam, awayTeam, commenceTime.atZone(ZoneOffset.UTC).toLocalDate(), snapshotTs);
  }

  /**
   * The game a team plays on a local date (for feeds that give only the player's team and the date). No date
   * tolerance: a team may play on consecutive days.
   */
  public GameMatch matchTeamGame(String team, LocalDate localDate) {
    Optional<String> abbr = Teams.abbreviation(team);
    if (abbr.isEmpty()) {
      return GameMatch.fail("unknown team '" + team + "'");
    }
    if (localDate == null) {
      return GameMatch.fail("no game date for team " + abbr.get());
    }
    List<Game> games = schedule.gamesOf(abbr.get(), localDate);
    if (games.size() == 1) {
      return GameMatch.of(games.get(0));
    }
    if (games.isEmpty()) {
      return GameMatch.fail("no " + abbr.get() + " game on " + localDate + " in the schedule");
    }
    return GameMatch.fail("ambiguous: " + abbr.get() + " has " + games.size() + " games on " + localDate);
  }

  private GameMatch pick(String home, String away, LocalDate from, LocalDate to, Instant snapshotTs) {
    List<Game> games = schedule.games(home, away, from, to);
    if (games.size() == 1) {
      return GameMatch.of(games.get(0));
    }
    String range = from.equals(to) ? from.toString() : from + " or " + to;
    if (games.isEmpty()) {
      String why = "no " + away + " at " + home + " game on " + range + " in the schedule";
      if (!schedule.games(away, home, from, to).isEmpty()) {
        why += " (there is a " + home + " at " + away + " game: home and away swapped?)";
      } else {
        why += " (play-in games and the NBA Cup final are not in the schedule)";
      }
      return GameMatch.fail(why);
    }
    if (snapshotTs != null) {
      LocalDate snapDay = easternDate(snapshotTs);
      for (Game g : games) {
        if (g.date().equals(snapDay)) {
          return GameMatch.of(g);
        }
      }
      for (Game g : games) {
        if (g.date().isAfter(snapDay)) {
          return GameMatch.of(g);
        }
      }
    }
    return GameMatch.fail("ambiguous game: " + games + " for " + away + " at " + home + " on " + range
        + (snapshotTs == null ? " and no snapshot time" : ", snapshot " + snapshotTs + " is after both"));
  }

  static LocalDate easternDate(Instant t) {
    return t.atZone(EventTimes.LEAGUE_ZONE).toLocalDate();
  }

  // -------------------------------------------------------------------------------------------- players

  /** The player of {@code game} a feed name means, or why there is none. Cached per (game, normalised name). */
  public PlayerMatch matchPlayer(Game game, String feedName) {
    String name = feedName == null ? "" : feedName;
    String nameKey = nameKeys.size() < 100_000 ? nameKeys.computeIfAbsent(name, PropMatcher::nameKey) : nameKey(name);
    if (nameKey.length() == 2) {
      return new PlayerMatch(null, null, "empty player name '" + name + "'");
    }
    return playerCache.computeIfAbsent(game.gameId() + "|" + nameKey, k -> resolve(roster(game), name,
        nameKey.charAt(0) == 'A'));
  }

  /** "A|" or "F|" (abbreviated first name or not) + the normalised name. */
  private static String nameKey(String feedName) {
    return (PlayerNames.abbreviatedFirstName(feedName) ? "A|" : "F|") + PlayerNames.normalize(feedName);
  }

  /** Game and player in one call, as the CSV extract needs. */
  public Match match(String homeTeam, String awayTeam, LocalDate eventDate, Instant snapshotTs, String playerName) {
    return withPlayer(matchGame(homeTeam, awayTeam, eventDate, snapshotTs), playerName);
  }

  /** The player step after any game step. */
  public Match withPlayer(GameMatch gm, String playerName) {
    if (!gm.matched()) {
      return new Match(null, null, null, gm.reason());
    }
    PlayerMatch pm = matchPlayer(gm.game(), playerName);
    return new Match(gm.game(), pm.player(), pm.rule(), pm.reason());
  }

  private Roster roster(Game game) {
    return rosters.computeIfAbsent(game.gameId(), id -> {
      String season = game.season() != null ? game.season() : Seasons.seasonOfGameId(game.gameId());
      Map<Long, Candidate> byId = new LinkedHashMap<>();
      for (String team : List.of(game.homeAbbr(), game.awayAbbr())) {
        for (Player p : players.playersOn(team, season, game.date())) {
          if (byId.containsKey(p.id())) {
            continue;
          }
          byId.put(p.id(), new Candidate(p, team, spellings.computeIfAbsent(p.id(), k -> spellingsOf(p))));
        }
      }
      return new Roster(game, season, List.copyOf(byId.values()));
    });
  }

  private static List<List<String>> spellingsOf(Player p) {
    List<List<String>> out = new ArrayList<>();
    for (String n : p.names()) {
      List<String> t = List.copyOf(PlayerNames.tokens(n));
      if (!t.isEmpty() && !out.contains(t)) {
        out.add(t);
      }
    }
    return List.copyOf(out);
  }

  private PlayerMatch resolve(Roster roster, String feedName, boolean abbreviated) {
    Game g = roster.game();
    String teams = g.homeAbbr() + " or " + g.awayAbbr();
    if (roster.candidates().isEmpty()) {
      return new PlayerMatch(null, null, "no players of " + teams + " known for " + roster.season()
          + " (no box scores)");
    }
    List<String> f = PlayerNames.tokens(feedName);

    PlayerMatch m = step(roster, feedName, "exact", t -> t.equals(f));
    if (m != null) {
      return m;
    }
    Optional<Aliases.Target> alias = aliases.lookup(feedName);
    if (alias.isPresent()) {
      Aliases.Target a = alias.get();
      List<Candidate> hits = new ArrayList<>();
      for (Candidate c : roster.candidates()) {
        boolean hit = a.playerId() != null
            ? c.player().id() == a.playerId()
            : c.spellings().stream().anyMatch(t -> String.join(" ", t).equals(a.nbaName()));
        if (hit) {
          hits.add(c);
        }
      }
      if (hits.size() == 1) {
        return new PlayerMatch(hits.get(0).player(), "alias", null);
      }
      if (hits.isEmpty()) {
        return new PlayerMatch(null, null, "alias '" + feedName + "' -> " + a + " is not a player of " + teams
            + " in " + roster.season());
      }
      return ambiguous(feedName, hits);
    }
    if (f.size() >= 2) {
      List<String> firstToEnd = new ArrayList<>(f.subList(1, f.size()));
      firstToEnd.add(f.get(0));
      List<String> lastToFront = new ArrayList<>();
      lastToFront.add(f.get(f.size() - 1));
      lastToFront.addAll(f.subList(0, f.size() - 1));
      m = step(roster, feedName, "reversed", t -> t.equals(firstToEnd) || t.equals(lastToFront));
      if (m != null) {
        return m;
      }
    }
    if (abbreviated && f.size() >= 2) {
      String initial = f.get(0);
      List<String> rest = f.subList(1, f.size());
      m = step(roster, feedName, "initial", t -> t.size() == f.size() && t.get(0).startsWith(initial)
          && t.subList(1, t.size()).equals(rest));
      if (m != null) {
        return m;
      }
    }
    if (!abbreviated && f.size() >= 2) {
      String firstLast = f.get(0) + " " + f.get(f.size() - 1);
      m = step(roster, feedName, "first-last", t -> (t.size() >= 3 || f.size() >= 3)
          && (t.get(0) + " " + t.get(t.size() - 1)).equals(firstLast));
      if (m != null) {
        return m;
      }
      String first = f.get(0);
      List<String> rest = f.subList(1, f.size());
      m = step(roster, feedName, "short-first", t -> t.size() == f.size() && t.subList(1, t.size()).equals(rest)
          && Math.min(first.length(), t.get(0).length()) >= 3
          && (t.get(0).startsWith(first) || first.startsWith(t.get(0))));
      if (m != null) {
        return m;
      }
    }
    // An abbreviated first name that starts nobody's first name is a different player ("J. Green" is not Draymond).
    if (!abbreviated && f.size() >= 2) {
      String surname = f.get(f.size() - 1);
      String initial = f.get(0).substring(0, 1);
      m = step(roster, feedName, SURNAME_ON_ROSTER, t -> t.size() >= 2 && t.get(t.size() - 1).equals(surname)
          && t.get(0).startsWith(initial));
      if (m != null) {
        return m;
      }
    }
    return new PlayerMatch(null, null, "no player named '" + feedName + "' on " + teams + " in "
        + roster.season());
  }

  /** Applies one rule: null when it finds nobody, a match when it finds one player, else "ambiguous". */
  private static PlayerMatch step(Roster roster, String feedName, String rule, Predicate<List<String>> test) {
    List<Candidate> hits = new ArrayList<>();
    for (Candidate c : roster.candidates()) {
      for (List<String> t : c.spellings()) {
        if (test.test(t)) {
          hits.add(c);
          break;
        }
      }
    }
    if (hits.isEmpty()) {
      return null;
    }
    if (hits.size() == 1) {
      return new PlayerMatch(hits.get(0).player(), rule, null);
    }
    return ambiguous(feedName, hits);
  }

  private static PlayerMatch ambiguous(String feedName, List<Candidate> hits) {
    List<String> names = new ArrayList<>();
    for (Candidate c : hits) {
      names.add(c.describe());
    }
    return new PlayerMatch(null, null, "ambiguous name '" + feedName + "' among " + names);
  }
}
