package dev.nbaprops.replay;

import dev.nbaprops.source.DataLayout;
import dev.nbaprops.source.SourceKind;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The dry run: reads the selection like a replay, produces nothing, and reports per season and per date how
 * many games (schedule entries), box-score rows, shots, prop lines and game lines the files hold, how many rows
 * would be dead-lettered, and, per source, which scheduled games (from the schedule files, whatever sources are
 * selected) have no row of it.
 */
public final class CoverageReport {
  /** Counts of one date. */
  public static final class Day {
    final EnumMap<SourceKind, Long> rows = new EnumMap<>(SourceKind.class);
    final EnumMap<SourceKind, java.util.Set<String>> games = new EnumMap<>(SourceKind.class);
    java.util.Set<String> scheduled = java.util.Set.of();
    long deadLettered;

    public long rows(SourceKind s) {
      return rows.getOrDefault(s, 0L);
    }

    /** Scheduled games of the date that have no row of the source. */
    public java.util.Set<String> gamesWithout(SourceKind s) {
      java.util.Set<String> out = new java.util.TreeSet<>(scheduled);
      out.removeAll(games.getOrDefault(s, java.util.Set.of()));
      return out;
    }

    /** Selected sources (other than the schedule) that lack rows for at least one scheduled game of the date. */
    public List<SourceKind> missing(java.util.Set<SourceKind> selected) {
      List<SourceKind> out = new ArrayList<>();
      for (SourceKind s : SourceKind.values()) {
        if (s != SourceKind.SCHEDULE && selected.contains(s) && !gamesWithout(s).isEmpty()) {
          out.add(s);
        }
      }
      return out;
    }
  }

  private final Map<String, TreeMap<LocalDate, Day>> bySeason = new TreeMap<>();
  private final Selection selection;
  private final ReplaySummary summary = new ReplaySummary();

  private CoverageReport(Selection selection) {
    this.selection = selection;
  }

  public static CoverageReport build(Path dataDir, Selection selection, Timeline.ParserFactory parsers) {
    CoverageReport report = new CoverageReport(selection);
    long start = System.currentTimeMillis();
    try (Timeline t = new Timeline(new DataLayout(dataDir), selection, parsers, report.summary)) {
      t.scheduledGames().forEach((date, games) -> report.day(
          dev.nbaprops.source.Seasons.seasonOfGameId(games.iterator().next()), date).scheduled = games);
      while (t.hasNext()) {
        Timeline.Item item = t.next();
        if (item instanceof Timeline.Data d) {
          Day day = report.day(d.season(), d.date());
          day.rows.merge(d.source(), 1L, Long::sum);
          if (d.gameId() != null) {
            day.games.computeIfAbsent(d.source(), x -> new java.util.HashSet<>()).add(d.gameId());
          }
        } else if (item instanceof Timeline.Dead dead) {
          report.day(dead.season(), dead.date()).deadLettered++;
        }
      }
    }
    report.summary.wallMillis(System.currentTimeMillis() - start);
    return report;
  }

  private Day day(String season, LocalDate date) {
    return bySeason.computeIfAbsent(season == null ? "unknown" : season, s -> new TreeMap<>())
        .computeIfAbsent(date == null ? LocalDate.EPOCH : date, d -> new Day());
  }

  public Map<String, TreeMap<LocalDate, Day>> bySeason() {
    return bySeason;
  }

  public ReplaySummary summary() {
    return summary;
  }

  /** Per season: totals and the dates missing each source, as ranges. */
  public void print(PrintStream out) {
    out.printf("%-8s %6s %7s %10s %9s %11s %11s %9s%n", "season", "dates", "games", "box_scores", "shots",
        "prop_lines", "game_lines", "rejected");
    bySeason.forEach((season, days) -> {
      long[] t = new long[SourceKind.values().length];
      long dead = 0;
      for (Day d : days.values()) {
        for (SourceKind s : SourceKind.values()) {
          t[s.ordinal()] += d.rows(s);
        }
        dead += d.deadLettered;
      }
      out.printf("%-8s %6d %7d %10d %9d %11d %11d %9d%n", season, days.size(), t[SourceKind.SCHEDULE.ordinal()],
          t[SourceKind.BOX_SCORES.ordinal()], t[SourceKind.SHOTS.ordinal()], t[SourceKind.PROPS.ordinal()],
          t[SourceKind.GAME_LINES.ordinal()], dead);
    });
    bySeason.forEach((season, days) -> {
      for (SourceKind s : SourceKind.values()) {
        List<LocalDate> missing = days.entrySet().stream()
            .filter(e -> e.getValue().missing(selection.sources()).contains(s)).map(Map.Entry::getKey).toList();
        if (!missing.isEmpty()) {
          long games = missing.stream().mapToLong(d -> days.get(d).gamesWithout(s).size()).sum();
          out.printf("  %s: %d scheduled games on %d dates without %s: %s%n", season, games, missing.size(),
              s.cliName(), ranges(missing));
        }
      }
    });
  }

  /** One CSV row per (season, date): counts per source, rejected rows, and the missing sources. */
  public void writeCsv(Path file) {
    try (Writer w = Files.newBufferedWriter(file)) {
      w.write("season,date,games,box_score_rows,shots,prop_lines,game_lines,rejected,missing,games_missing\n");
      for (var season : bySeason.entrySet()) {
        for (var e : season.getValue().entrySet()) {
          Day d = e.getValue();
          w.write(String.join(",", season.getKey(), e.getKey().toString(), Long.toString(d.rows(SourceKind.SCHEDULE)),
              Long.toString(d.rows(SourceKind.BOX_SCORES)), Long.toString(d.rows(SourceKind.SHOTS)),
              Long.toString(d.rows(SourceKind.PROPS)), Long.toString(d.rows(SourceKind.GAME_LINES)),
              Long.toString(d.deadLettered),
              String.join(";", d.missing(selection.sources()).stream().map(SourceKind::cliName).toList()),
              String.join(";", d.missing(selection.sources()).stream()
                  .map(s -> s.cliName() + ":" + d.gamesWithout(s).size()).toList())) + "\n");
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write report " + file + ": " + e.getMessage(), e);
    }
  }

  static String ranges(List<LocalDate> dates) {
    List<String> out = new ArrayList<>();
    LocalDate start = null;
    LocalDate prev = null;
    for (LocalDate d : dates) {
      if (prev != null && d.equals(prev.plusDays(1))) {
        prev = d;
        continue;
      }
      if (start != null) {
        out.add(start.equals(prev) ? start.toString() : start + ".." + prev);
      }
      start = d;
      prev = d;
    }
    if (start != null) {
      out.add(start.equals(prev) ? start.toString() : start + ".." + prev);
    }
    return String.join(", ", out);
  }
}
