package dev.nbaprops.replay;

import dev.nbaprops.source.SourceKind;
import java.time.LocalDate;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a replay covers: sources, seasons, a date range and/or a list of dates (to retry). Empty means "all".
 * A row is selected by its game's season and date.
 */
public record Selection(Set<SourceKind> sources, Set<String> seasons, LocalDate startDate, LocalDate endDate,
                        Set<LocalDate> dates) {

  public Selection {
    sources = sources.isEmpty() ? EnumSet.allOf(SourceKind.class) : EnumSet.copyOf(sources);
    seasons = Set.copyOf(seasons);
    dates = Set.copyOf(dates);
    if (startDate != null && endDate != null && endDate.isBefore(startDate)) {
      throw new IllegalArgumentException("--end-date " + endDate + " is before --start-date " + startDate);
    }
  }

  public static Selection all() {
    return new Selection(Set.of(), Set.of(), null, null, Set.of());
  }

  public static Selection of(List<SourceKind> sources, List<String> seasons, LocalDate start, LocalDate end,
                             List<LocalDate> dates) {
    return new Selection(Set.copyOf(sources), Set.copyOf(seasons), start, end, Set.copyOf(dates));
  }

  public boolean source(SourceKind s) {
    return sources.contains(s);
  }

  /** Whether a file of that single season can hold selected rows. */
  public boolean season(String season) {
    return seasons.isEmpty() || seasons.contains(season);
  }

  public boolean selects(String season, LocalDate date) {
    if (season != null && !season(season)) {
      return false;
    }
    if (date == null) {
      return true;
    }
    if (startDate != null && date.isBefore(startDate)) {
      return false;
    }
    if (endDate != null && date.isAfter(endDate)) {
      return false;
    }
    return dates.isEmpty() || dates.contains(date);
  }

  /** A stable text of the selection, part of the replay's identity for --resume. */
  public String describe() {
    return "sources=" + new TreeSet<>(sources.stream().map(SourceKind::cliName).toList()) + " seasons="
        + new TreeSet<>(seasons) + " start=" + startDate + " end=" + endDate + " dates=" + new TreeSet<>(dates);
  }
}
