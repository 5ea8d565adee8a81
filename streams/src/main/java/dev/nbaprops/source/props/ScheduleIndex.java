package dev.nbaprops.source.props;

import dev.nbaprops.avro.raw.ScheduleGame;
import dev.nbaprops.source.Parsed;
import dev.nbaprops.source.ScheduleParser;
import dev.nbaprops.source.SourceKind;

import dev.nbaprops.source.CsvSource;
import dev.nbaprops.source.DataLayout;
import dev.nbaprops.source.EventTimes;
import dev.nbaprops.source.GameStarts;
import dev.nbaprops.source.SourceRow;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The games of {@code schedule/games_*.csv.gz}, looked up by (home, away, date), by (team, date) and by id.
 * Play-in games and the 2023 NBA Cup final are not in the schedule file (see the data README), so props for them
 * cannot be matched.
 */
public final class ScheduleIndex implements GameStarts {
  /**
   * One scheduled game. {@code boxScoresAvailable} is the file's {@code player_box_available} flag;
   * {@code listedTipoff} its {@code tipoff_utc} (null when the file gives none).
   */
  public record Game(String gameId, String season, String seasonType, LocalDate date, String homeAbbr,
                     String awayAbbr, boolean boxScoresAvailable, Instant listedTipoff) {
    /** The game's start by the schedule: listed tip-off + 15 minutes, else 19:15 ET ({@link EventTimes}). */
    public Instant start() {
      return EventTimes.start(date, listedTipoff);
    }

    public boolean involves(String team) {
      return homeAbbr.equals(team) || awayAbbr.equals(team);
    }

    @Override
    public String toString() {
      return gameId + " " + date + " " + awayAbbr + "@" + homeAbbr;
    }
  }

  private final Map<String, Game> byId;
  /** "HOME|AWAY" -> games sorted by date. */
  private final Map<String, List<Game>> byPair;
  /** "TEAM|date" -> games of that team on that date (one, in the real data). */
  private final Map<String, List<Game>> byTeamDate;

  private ScheduleIndex(Collection<Game> games) {
    Map<String, Game> ids = new HashMap<>();
    Map<String, List<Game>> pairs = new HashMap<>();
    Map<String, List<Game>> teamDates = new HashMap<>();
    for (Game g : games) {
      if (ids.putIfAbsent(g.gameId(), g) != null) {
        continue;
      }
      pairs.computeIfAbsent(g.homeAbbr() + "|" + g.awayAbbr(), k -> new ArrayList<>()).add(g);
      teamDates.computeIfAbsent(g.homeAbbr() + "|" + g.date(), k -> new ArrayList<>()).add(g);
      teamDates.computeIfAbsent(g.awayAbbr() + "|" + g.date(), k -> new ArrayList<>()).add(g);
    }
    pairs.values().forEach(l -> l.sort(Comparator.comparing(Game::date).thenComparing(Game::gameId)));
    this.byId = ids;
    this.byPair = pairs;
    this.byTeamDate = teamDates;
  }

  public static ScheduleIndex of(Collection<Game> games) {
    return new ScheduleIndex(games);
  }

  /** Reads every schedule file of a data directory ({@link DataLayout#files}). */
  public static ScheduleIndex load(DataLayout layout) {
    List<Path> files = layout.files(SourceKind.SCHEDULE);
    if (files.isEmpty()) {
      throw new IllegalArgumentException("no schedule files in " + layout.root().resolve("schedule"));
    }
    List<Game> games = new ArrayList<>();
    for (Path f : files) {
      games.addAll(readFile(f));
    }
    return new ScheduleIndex(games);
  }

  public static ScheduleIndex load(Path dataDir) {
    return load(new DataLayout(dataDir));
  }

  /** The games of one schedule file, as {@link ScheduleParser} reads them; rejected rows are skipped (the replay
   * dead-letters them; here they simply cannot be matched). */
  public static List<Game> readFile(Path file) {
    List<Game> games = new ArrayList<>();
    try (CsvSource src = new CsvSource(file)) {
      while (src.hasNext()) {
        if (ScheduleParser.parse(src.next()) instanceof Parsed.Ok<ScheduleGame> ok) {
          ScheduleGame g = ok.value();
          games.add(new Game(g.getGameId(), g.getSeason(), g.getSeasonType(), g.getGameDate(), g.getHomeTeamAbbr(),
              g.getAwayTeamAbbr(), g.getPlayerBoxAvailable(), g.getTipoffUtc()));
        }
      }
    }
    return games;
  }

  /** The game's start by the schedule; 19:15 ET on {@code gameDate} for a game not in it. */
  @Override
  public Instant startOf(String gameId, LocalDate gameDate) {
    Game g = byId.get(gameId);
    return g != null ? g.start() : EventTimes.defaultStart(gameDate);
  }

  public Optional<Game> game(String gameId) {
    return Optional.ofNullable(byId.get(gameId));
  }

  public Collection<Game> games() {
    return Collections.unmodifiableCollection(byId.values());
  }

  /** Games with this home and away team whose date is in [from, to], by date. */
  public List<Game> games(String homeAbbr, String awayAbbr, LocalDate from, LocalDate to) {
    List<Game> out = new ArrayList<>();
    for (Game g : byPair.getOrDefault(homeAbbr + "|" + awayAbbr, List.of())) {
      if (!g.date().isBefore(from) && !g.date().isAfter(to)) {
        out.add(g);
      }
    }
    return out;
  }

  /** The games a team plays on a date (zero or one in the real data). */
  public List<Game> gamesOf(String team, LocalDate date) {
    return byTeamDate.getOrDefault(team + "|" + date, List.of());
  }
}
