package dev.nbaprops.source;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The file layout of a data directory ({@code ../shared/data/nba} or the bundled slice {@code data/nba-slice}):
 * one folder per source ({@link SourceKind#folder()}) of gzip CSV files. A file whose name holds one season
 * label ({@code player_box_2023-24.csv.gz}) holds that season only; a file named {@code ..._A_to_B...} holds
 * several, and its rows are filtered by their season column.
 */
public record DataLayout(Path root) {
  private static final Pattern SEASON = Pattern.compile("(\\d{4}-\\d{2})");

  public DataLayout {
    if (!Files.isDirectory(root)) {
      throw new IllegalArgumentException("data directory " + root + " does not exist");
    }
  }

  /**
   * Every file of a source, sorted by name; empty when the source has no folder. CSV files ({@code .csv},
   * {@code .csv.gz}) for every source; for props also JSON feed captures anywhere below {@code props/}
   * ({@code odds_api_*.json}, {@code bettingpros_*.json}; see docs/prop-feeds.md).
   */
  public List<Path> files(SourceKind source) {
    Path dir = root.resolve(source.folder());
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).filter(f -> {
        String n = f.getFileName().toString();
        return (n.matches(".*\\.csv(\\.gz)?") && f.getParent().equals(dir))
            || (source == SourceKind.PROPS && n.endsWith(".json"));
      }).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The single season a file holds, or empty for a multi-season file. */
  public static Optional<String> seasonOfFile(Path file) {
    String name = file.getFileName().toString();
    if (name.contains("_to_")) {
      return Optional.empty();
    }
    Matcher m = SEASON.matcher(name);
    return m.find() ? Optional.of(m.group(1)) : Optional.empty();
  }

  /** Seasons that have a box-score file, sorted. */
  public List<String> seasons() {
    TreeSet<String> out = new TreeSet<>();
    for (Path f : files(SourceKind.BOX_SCORES)) {
      seasonOfFile(f).ifPresent(out::add);
    }
    return new ArrayList<>(out);
  }

  public Path boxScores(String season) {
    return files(SourceKind.BOX_SCORES).stream()
        .filter(f -> seasonOfFile(f).filter(season::equals).isPresent()).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no box scores for season " + season + " in " + root
            + " (seasons available: " + seasons() + ")"));
  }
}
