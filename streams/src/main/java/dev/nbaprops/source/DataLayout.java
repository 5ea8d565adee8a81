package dev.nbaprops.source;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The file layout of a data directory ({@code ../shared/data/nba} or the bundled slice {@code data/nba-slice}):
 * {@code box_scores/player_box_<season>.csv.gz}, and so on (see ../shared/data/nba/README.md).
 */
public record DataLayout(Path root) {
  private static final Pattern BOX = Pattern.compile("player_box_(\\d{4}-\\d{2})\\.csv\\.gz");

  public DataLayout {
    if (!Files.isDirectory(root)) {
      throw new IllegalArgumentException("data directory " + root + " does not exist");
    }
  }

  /** Seasons that have a box-score file, sorted. */
  public List<String> seasons() {
    List<String> out = new ArrayList<>();
    Path dir = root.resolve("box_scores");
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (Stream<Path> files = Files.list(dir)) {
      files.forEach(f -> {
        Matcher m = BOX.matcher(f.getFileName().toString());
        if (m.matches()) {
          out.add(m.group(1));
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    out.sort(null);
    return out;
  }

  public Path boxScores(String season) {
    Path p = root.resolve("box_scores").resolve("player_box_" + season + ".csv.gz");
    if (!Files.isRegularFile(p)) {
      throw new IllegalArgumentException("no box scores for season " + season + " in " + root
          + " (seasons available: " + seasons() + ")");
    }
    return p;
  }
}
