package dev.nbaprops.source;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.zip.GZIPInputStream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;

/**
 * Reads a (gzipped) CSV file with a header row, one record per line, RFC-4180 quoting (commons-csv). Each line
 * is kept as read so a rejected row can be dead-lettered verbatim. A line that does not parse, or whose field
 * count differs from the header's, is still returned, with an empty field map, so the caller can reject it.
 */
public final class CsvSource implements Iterator<SourceRow>, AutoCloseable {
  private final String file;
  private final BufferedReader reader;
  private final List<String> header;
  private long lineNumber = 1;
  private SourceRow next;

  public CsvSource(Path path) {
    this.file = path.toString();
    try {
      InputStream in = Files.newInputStream(path);
      if (path.getFileName().toString().endsWith(".gz")) {
        in = new GZIPInputStream(in, 1 << 16);
      }
      this.reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
      String h = reader.readLine();
      if (h == null) {
        throw new IllegalArgumentException(path + " is empty (expected a header row)");
      }
      this.header = parse(h);
      if (header == null) {
        throw new IllegalArgumentException(path + ": cannot parse the header row");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open " + path + ": " + e.getMessage(), e);
    }
  }

  /** Counts the data lines of a file (for progress and ETA). */
  public static long countRows(Path path) {
    try (CsvSource s = new CsvSource(path)) {
      long n = 0;
      while (s.reader.readLine() != null) {
        n++;
      }
      return n;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public List<String> header() {
    return header;
  }

  @Override
  public boolean hasNext() {
    if (next != null) {
      return true;
    }
    try {
      String line = reader.readLine();
      while (line != null && line.isEmpty()) {
        lineNumber++;
        line = reader.readLine();
      }
      if (line == null) {
        return false;
      }
      lineNumber++;
      List<String> values = parse(line);
      Map<String, String> fields = new HashMap<>();
      if (values != null && values.size() == header.size()) {
        for (int i = 0; i < values.size(); i++) {
          fields.put(header.get(i), values.get(i));
        }
      }
      next = new SourceRow(file, lineNumber, line, fields);
      return true;
    } catch (IOException e) {
      throw new UncheckedIOException("error reading " + file + " near line " + lineNumber, e);
    }
  }

  @Override
  public SourceRow next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    SourceRow r = next;
    next = null;
    return r;
  }

  /**
   * Splits one line. A line without quotes is split on commas directly (RFC 4180 gives the same fields); only a
   * line with quotes goes through commons-csv, which is slow to set up per line.
   */
  static List<String> parse(String line) {
    if (line.indexOf('"') < 0) {
      return Arrays.asList(line.split(",", -1));
    }
    try (var p = CSVFormat.RFC4180.parse(new StringReader(line))) {
      Iterator<CSVRecord> it = p.iterator();
      return it.hasNext() ? it.next().toList() : null;
    } catch (IOException | UncheckedIOException | IllegalStateException e) {
      return null;
    }
  }

  @Override
  public void close() {
    try {
      reader.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
