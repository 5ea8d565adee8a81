package dev.nbaprops.source.props;

import dev.nbaprops.source.CsvSource;
import dev.nbaprops.source.DataLayout;
import dev.nbaprops.source.SourceRow;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Who is who, from the player box scores: each player's NBA stats id, his name as NBA stats spells it (every
 * spelling seen: the sources disagree on accents, e.g. "Nikola Jokić" and "Nikola Jokic"), and the dates and teams
 * he appeared for in each season.
 *
 * <p>{@link #playersOn(String, String, LocalDate)} answers "who counts as a player of team T around date D":
 * a player who appeared for T in D's season counts when his last appearance on or before D, or his first
 * appearance on or after D, was for T. A player traded mid-season therefore counts for his old team until his first
 * game for the new one and for the new team from his last game for the old one; a player out injured for weeks
 * still counts for his team. Box scores list only players who appeared, so a player with no appearance in a
 * season is unknown for that season.
 */
public final class PlayerDirectory {
  /** One player: id, the NBA stats spellings of his name (most recent first) and his appearances by season. */
  public record Player(long id, List<String> names, Map<String, List<Appearance>> appearancesBySeason) {
    public String name() {
      return names.get(0);
    }

    /** The team of the last appearance on or before {@code date} in the season, or null. */
    String teamBefore(String season, LocalDate date) {
      List<Appearance> apps = appearancesBySeason.getOrDefault(season, List.of());
      String team = null;
      for (Appearance a : apps) {
        if (a.date().isAfter(date)) {
          break;
        }
        team = a.team();
      }
      return team;
    }

    /** The team of the first appearance on or after {@code date} in the season, or null. */
    String teamAfter(String season, LocalDate date) {
      for (Appearance a : appearancesBySeason.getOrDefault(season, List.of())) {
        if (!a.date().isBefore(date)) {
          return a.team();
        }
      }
      return null;
    }

    /** Teams he appeared for in a season, in order of first appearance. */
    public Set<String> teams(String season) {
      Set<String> out = new LinkedHashSet<>();
      for (Appearance a : appearancesBySeason.getOrDefault(season, List.of())) {
        out.add(a.team());
      }
      return out;
    }
  }

  /** One appearance: game date and the team he played for. */
  public record Appearance(LocalDate date, String team) {}

  private final Map<Long, Player> players;
  /** season -> team -> ids of players who appeared for the team that season. */
  private final Map<String, Map<String, List<Long>>> rosters;

  private PlayerDirectory(Map<Long, Player> players, Map<String, Map<String, List<Long>>> rosters) {
    this.players = players;
    this.rosters = rosters;
  }

  /** Builds the directory from every {@code box_scores/player_box_<season>.csv.gz} of a data directory. */
  public static PlayerDirectory load(DataLayout layout) {
    Builder b = builder();
    for (String season : layout.seasons()) {
      b.addBoxScoreFile(layout.boxScores(season));
    }
    return b.build();
  }

  public static PlayerDirectory load(Path dataDir) {
    return load(new DataLayout(dataDir));
  }

  public static Builder builder() {
    return new Builder();
  }

  public Optional<Player> player(long id) {
    return Optional.ofNullable(players.get(id));
  }

  public Collection<Player> players() {
    return Collections.unmodifiableCollection(players.values());
  }

  public Set<String> seasons() {
    return Collections.unmodifiableSet(rosters.keySet());
  }

  /** Players who count for {@code team} around {@code date} in {@code season} (see the class comment). */
  public List<Player> playersOn(String team, String season, LocalDate date) {
    List<Long> ids = rosters.getOrDefault(season, Map.of()).getOrDefault(team, List.of());
    List<Player> out = new ArrayList<>();
    for (long id : ids) {
      Player p = players.get(id);
      String before = p.teamBefore(season, date);
      String after = p.teamAfter(season, date);
      if (team.equals(before) || team.equals(after)) {
        out.add(p);
      }
    }
    return out;
  }

  /** Collects appearances; rows may come in any order. */
  public static final class Builder {
    private final Map<Long, Map<String, List<Appearance>>> apps = new HashMap<>();
    /** id -> (name -> latest date seen with that name). */
    private final Map<Long, Map<String, LocalDate>> names = new HashMap<>();
    private long rowsSkipped;

    /**
     * Adds one appearance. Appearances are per game, so a player's two rows on one date (never in the real data)
     * are kept once per team.
     */
    public Builder add(String season, LocalDate date, String team, long playerId, String playerName) {
      apps.computeIfAbsent(playerId, k -> new TreeMap<>())
          .computeIfAbsent(season, k -> new ArrayList<>())
          .add(new Appearance(date, team));
      names.computeIfAbsent(playerId, k -> new HashMap<>()).merge(playerName, date,
          (a, b2) -> a.isAfter(b2) ? a : b2);
      return this;
    }

    /** Adds every row of a box-score file; rows without a usable season, date, team, id or name are skipped. */
    public Builder addBoxScoreFile(Path file) {
      try (CsvSource src = new CsvSource(file)) {
        while (src.hasNext()) {
          SourceRow r = src.next();
          String season = r.get("season");
          String date = r.get("game_date");
          String team = r.get("team_abbr");
          String id = r.get("player_id");
          String name = r.get("player_name");
          if (season == null || date == null || team == null || id == null || name == null) {
            rowsSkipped++;
            continue;
          }
          try {
            add(season, dev.nbaprops.source.FastText.isoDate(date), team, Long.parseLong(id), name);
          } catch (NumberFormatException | DateTimeParseException e) {
            rowsSkipped++;
          }
        }
      }
      return this;
    }

    public long rowsSkipped() {
      return rowsSkipped;
    }

    public PlayerDirectory build() {
      Map<Long, Player> players = new HashMap<>();
      Map<String, Map<String, List<Long>>> rosters = new TreeMap<>();
      for (var e : apps.entrySet()) {
        long id = e.getKey();
        Map<String, List<Appearance>> bySeason = new TreeMap<>();
        for (var s : e.getValue().entrySet()) {
          List<Appearance> list = new ArrayList<>(new LinkedHashSet<>(s.getValue()));
          list.sort(Comparator.comparing(Appearance::date));
          bySeason.put(s.getKey(), List.copyOf(list));
          for (Appearance a : list) {
            List<Long> roster = rosters.computeIfAbsent(s.getKey(), k -> new TreeMap<>())
                .computeIfAbsent(a.team(), k -> new ArrayList<>());
            if (roster.isEmpty() || !roster.contains(id)) {
              roster.add(id);
            }
          }
        }
        List<String> spellings = new ArrayList<>(names.get(id).keySet());
        Map<String, LocalDate> seen = names.get(id);
        spellings.sort(Comparator.comparing((String n) -> seen.get(n)).reversed().thenComparing(n -> n));
        players.put(id, new Player(id, List.copyOf(spellings), Collections.unmodifiableMap(bySeason)));
      }
      return new PlayerDirectory(players, rosters);
    }
  }
}
