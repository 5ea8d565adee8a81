package dev.nbaprops.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code compare}: two exports of the same tables ({@code export --format csv}, ordered by key), row by row and
 * cell by cell. A table is equal when it has the same header, the same number of rows and every cell is the same
 * text or, for numbers, the same value within a relative tolerance (sums of the same doubles added in another
 * order differ in the last bits). Prints one line per table, with the first differences; exit 1 when any differs.
 */
@Command(name = "compare", mixinStandardHelpOptions = true,
    description = {"Compare CSV exports of warehouse tables: <dir A>/<table>.csv against <dir B>/<table>.csv.",
        "Exit 0 when every table is equal (numbers within --tolerance), 1 otherwise."})
final class CompareCommand implements Callable<Integer> {
  @Parameters(index = "0", description = "Directory of the first export (e.g. the reference).")
  Path dirA;

  @Parameters(index = "1", description = "Directory of the second export.")
  Path dirB;

  @Option(names = "--tables", split = ",", required = true, description = "Table names, e.g. nba_analytics.player_game_summary")
  List<String> tables;

  @Option(names = "--tolerance", defaultValue = "1e-9",
      description = "Largest relative difference of two numbers that still counts as equal (default ${DEFAULT-VALUE}).")
  double tolerance;

  /** The outcome for one table. */
  record Result(String table, boolean equal, long rows, long exactRows, long toleratedCells, double maxRelative,
                List<String> differences) {
    String line() {
      if (!equal) {
        return String.format("%-46s DIFFERENT (%s)", table, String.join("; ", differences));
      }
      return toleratedCells == 0
          ? String.format("%-46s equal, %,d rows, every cell identical", table, rows)
          : String.format("%-46s equal, %,d rows (%,d identical; %,d numbers differ in the last digits, largest"
              + " relative difference %.1e)", table, rows, exactRows, toleratedCells, maxRelative);
    }
  }

  @Override
  public Integer call() throws IOException {
    int equal = 0;
    long rows = 0;
    for (String t : tables) {
      Result r = compare(t, dirA.resolve(t + ".csv"), dirB.resolve(t + ".csv"), tolerance);
      System.out.println(r.line());
      rows += r.rows();
      equal += r.equal() ? 1 : 0;
    }
    System.out.printf("compared: %d of %d tables equal, %d rows%n", equal, tables.size(), rows);
    return equal == tables.size() ? 0 : 1;
  }

  static Result compare(String table, Path a, Path b, double tolerance) throws IOException {
    List<String> diffs = new ArrayList<>();
    if (!Files.isRegularFile(a) || !Files.isRegularFile(b)) {
      diffs.add("missing " + (Files.isRegularFile(a) ? b : a));
      return new Result(table, false, 0, 0, 0, 0, diffs);
    }
    long rows = 0;
    long exactRows = 0;
    long tolerated = 0;
    double maxRel = 0;
    try (Reader ra = Files.newBufferedReader(a, StandardCharsets.UTF_8);
         Reader rb = Files.newBufferedReader(b, StandardCharsets.UTF_8)) {
      Iterator<CSVRecord> ia = CSVFormat.DEFAULT.parse(ra).iterator();
      Iterator<CSVRecord> ib = CSVFormat.DEFAULT.parse(rb).iterator();
      List<String> header = ia.hasNext() ? ia.next().toList() : List.of();
      List<String> headerB = ib.hasNext() ? ib.next().toList() : List.of();
      if (!header.equals(headerB)) {
        diffs.add("headers differ: " + header + " vs " + headerB);
        return new Result(table, false, 0, 0, 0, 0, diffs);
      }
      while (ia.hasNext() || ib.hasNext()) {
        if (!ia.hasNext() || !ib.hasNext()) {
          long extraA = 0;
          long extraB = 0;
          while (ia.hasNext()) {
            ia.next();
            extraA++;
          }
          while (ib.hasNext()) {
            ib.next();
            extraB++;
          }
          diffs.add(String.format("row counts differ: %,d vs %,d", rows + extraA, rows + extraB));
          break;
        }
        List<String> x = ia.next().toList();
        List<String> y = ib.next().toList();
        rows++;
        if (x.equals(y)) {
          exactRows++;
          continue;
        }
        for (int i = 0; i < Math.max(x.size(), y.size()); i++) {
          String u = i < x.size() ? x.get(i) : null;
          String v = i < y.size() ? y.get(i) : null;
          if (u != null && u.equals(v)) {
            continue;
          }
          double rel = relative(u, v);
          if (rel <= tolerance) {
            tolerated++;
            maxRel = Math.max(maxRel, rel);
          } else if (diffs.size() < 5) {
            diffs.add(String.format("row %,d (%s) %s: %s vs %s", rows, x.isEmpty() ? "" : x.get(0),
                i < header.size() ? header.get(i) : "column " + i, u, v));
          } else if (diffs.size() == 5) {
            diffs.add("...");
          }
        }
      }
    }
    return new Result(table, diffs.isEmpty(), rows, exactRows, tolerated, maxRel, diffs);
  }

  /** Relative difference of two numbers, or infinity when either is not a number (or missing). */
  static double relative(String u, String v) {
    if (u == null || v == null) {
      return Double.POSITIVE_INFINITY;
    }
    try {
      double p = Double.parseDouble(u);
      double q = Double.parseDouble(v);
      if (Double.isNaN(p) || Double.isNaN(q) || Double.isInfinite(p) || Double.isInfinite(q)) {
        return p == q || (Double.isNaN(p) && Double.isNaN(q)) ? 0 : Double.POSITIVE_INFINITY;
      }
      return Math.abs(p - q) / Math.max(1.0, Math.max(Math.abs(p), Math.abs(q)));
    } catch (NumberFormatException e) {
      return Double.POSITIVE_INFINITY;
    }
  }
}
