package dev.nbaprops.source;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
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
import java.util.zip.ZipException;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;

/**
 * Reads a (gzipped) CSV file with a header row, one record per line, RFC-4180 quoting (commons-csv), UTF-8. Each
 * line is kept as read so a rejected row can be dead-lettered. Nothing in a file stops the reader:
 * <ul>
 *   <li>a line longer than {@link #MAX_LINE_BYTES} is skipped without being held in memory, and returned as an
 *       unreadable row (its start kept as the raw copy);</li>
 *   <li>a line that is not valid UTF-8 (strict decoder: no silent U+FFFD), that holds a NUL byte, that does not
 *       parse, or whose field count differs from the header's is returned with empty fields and the reason in
 *       {@link SourceRow#problem()};</li>
 *   <li>a fault of the file itself (empty, not gzip, a truncated or corrupt gzip stream, an unreadable header) is
 *       returned as one unreadable row naming the file, after the rows read before it; the file ends there.</li>
 * </ul>
 * A UTF-8 byte-order mark before the header and CR before LF are dropped; blank lines are skipped.
 */
public final class CsvSource implements Iterator<SourceRow>, AutoCloseable {
  /** Longest line read (real rows are under 1 KB); longer lines are dead-lettered, not read whole. */
  public static final int MAX_LINE_BYTES = 64 * 1024;

  private final String file;
  private final String name;
  private LineReader lines;
  private List<String> header = List.of();
  /** Column name -> index of its (last) column in the header, shared by every row's fields. */
  private Map<String, Integer> columns = Map.of();
  private long lineNumber = 1;
  private SourceRow next;
  private SourceRow fileProblem;
  private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
      .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);

  public CsvSource(Path path) {
    this.file = path.toString();
    this.name = path.getFileName().toString();
    InputStream raw = null;
    try {
      if (Files.size(path) == 0) {
        fail(1, "empty file (0 bytes; expected a header row)");
        return;
      }
      raw = Files.newInputStream(path);
      InputStream in = name.endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw;
      lines = new LineReader(in);
      if (!lines.next()) {
        fail(1, "empty file (no header row)");
        return;
      }
      int from = lines.len >= 3 && (lines.line[0] & 0xff) == 0xEF && (lines.line[1] & 0xff) == 0xBB
          && (lines.line[2] & 0xff) == 0xBF ? 3 : 0;
      String problem = lines.overflow ? "header row longer than " + MAX_LINE_BYTES + " bytes" : problemOf(from);
      String text = problem == null ? decodeStrict(from) : null;
      if (problem == null && text == null) {
        problem = "header row is not valid UTF-8";
      }
      List<String> h = text == null ? null : parse(text);
      if (problem == null && h == null) {
        problem = "cannot parse the header row";
      }
      if (problem != null) {
        fail(1, problem, lenient(0));
        return;
      }
      header = h;
      Map<String, Integer> cols = new HashMap<>();
      for (int i = 0; i < h.size(); i++) {
        // Interned: parsers look columns up by literal, so the map finds them by identity before equals.
        // A repeated column name: the last one counts, as when rows were HashMaps.
        cols.put(h.get(i).intern(), i);
      }
      columns = cols;
    } catch (ZipException e) {
      fail(1, "not a gzip file (" + e.getMessage() + ")");
    } catch (EOFException e) {
      fail(1, "truncated gzip file: it ends before the header row (" + e.getMessage() + ")");
    } catch (IOException e) {
      fail(1, "cannot read the file (" + e + ")");
    }
    if (fileProblem != null && raw != null) {
      closeQuietly(raw);
    }
  }

  private void fail(long line, String problem) {
    fail(line, problem, null);
  }

  private void fail(long line, String problem, String raw) {
    fileProblem = SourceRow.unreadable(file, line, raw, "file " + name + ": " + problem);
    if (lines != null) {
      closeQuietly(lines.in);
      lines = null;
    }
  }

  /** Counts the data lines of a file (for progress and ETA); stops quietly where the file cannot be read further. */
  public static long countRows(Path path) {
    try (CsvSource s = new CsvSource(path)) {
      if (s.lines == null) {
        return s.fileProblem != null ? 1 : 0;
      }
      long n = 0;
      try {
        while (s.lines.next()) {
          n++;
        }
      } catch (IOException e) {
        n++; // the dead letter for the unreadable rest
      }
      return n;
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
    if (fileProblem != null) {
      next = fileProblem;
      fileProblem = null;
      return true;
    }
    if (lines == null) {
      return false;
    }
    try {
      while (true) {
        if (!lines.next()) {
          close();
          return false;
        }
        lineNumber++;
        if (lines.len > 0 || lines.overflow) {
          next = row();
          return true;
        }
      }
    } catch (IOException e) {
      next = SourceRow.unreadable(file, lineNumber + 1, null, "file " + name + ": unreadable after line " + lineNumber
          + " (" + (e instanceof EOFException || e instanceof ZipException ? "truncated or corrupt gzip: " : "")
          + e.getMessage() + "); the rest of the file is lost");
      close();
      return true;
    }
  }

  /** The current line as a row, or as an unreadable row with the reason. */
  private SourceRow row() {
    if (lines.overflow) {
      return SourceRow.unreadable(file, lineNumber, lenient(0), String.format(
          "line of %,d bytes is longer than the limit of %,d bytes (not read)", lines.total, MAX_LINE_BYTES));
    }
    String problem = problemOf(0);
    if (problem != null) {
      return SourceRow.unreadable(file, lineNumber, lenient(0), problem);
    }
    String line = decodeStrict(0);
    if (line == null) {
      return SourceRow.unreadable(file, lineNumber, lenient(0), "invalid UTF-8 at byte " + (lines.badByte + 1)
          + " of the line");
    }
    if (line.indexOf('"') < 0) {
      // Field i is line[bounds[i], bounds[i + 1] - 1): the bounds are the positions after each comma.
      int[] bounds = new int[header.size() + 1];
      int n = 1;
      for (int i = line.indexOf(','); i >= 0; i = line.indexOf(',', i + 1)) {
        if (n < bounds.length) {
          bounds[n] = i + 1;
        }
        n++;
      }
      if (n != header.size()) {
        return fieldCount(line, n);
      }
      bounds[n] = line.length() + 1;
      return new SourceRow(file, lineNumber, line, new RowFields(columns, line, bounds, new String[n]));
    }
    List<String> parsed = parse(line);
    if (parsed == null) {
      return SourceRow.unreadable(file, lineNumber, line, "unparseable line (unbalanced quotes)");
    }
    if (parsed.size() != header.size()) {
      return fieldCount(line, parsed.size());
    }
    return new SourceRow(file, lineNumber, line, new RowFields(columns, null, null, parsed.toArray(new String[0])));
  }

  private SourceRow fieldCount(String line, int n) {
    return SourceRow.unreadable(file, lineNumber, line, "unparseable line (" + n + " fields, the header has "
        + header.size() + ")");
  }

  /**
   * A row's fields by column name, through the file's column index (one map per file, not one per row). A line
   * without quotes is kept with its field bounds and a field is cut from it when first read (a reader of a few
   * columns does not pay for all of them); a quoted line comes with its values. Read-only; equal to the
   * {@code HashMap} of the same entries.
   */
  static final class RowFields extends java.util.AbstractMap<String, String> {
    private final Map<String, Integer> columns;
    private final String line;
    private final int[] bounds;
    private final String[] values;

    RowFields(Map<String, Integer> columns, String line, int[] bounds, String[] values) {
      this.columns = columns;
      this.line = line;
      this.bounds = bounds;
      this.values = values;
    }

    private String value(int i) {
      String v = values[i];
      if (v == null) {
        v = line.substring(bounds[i], bounds[i + 1] - 1);
        values[i] = v;
      }
      return v;
    }

    @Override
    public String get(Object column) {
      Integer i = columns.get(column);
      return i == null ? null : value(i);
    }

    /**
     * The field as a plain whole number, read in place: 1 to 18 ASCII digits, no sign; else -1 (absent, empty,
     * signed, decimal, anything else: the caller then reads the text as before).
     */
    long plainDigits(String column) {
      Integer col = line == null ? null : columns.get(column);
      if (col == null) {
        return -1;
      }
      int from = bounds[col];
      int to = bounds[col + 1] - 1;
      if (to <= from || to - from > 18) {
        return -1;
      }
      long v = 0;
      for (int i = from; i < to; i++) {
        char c = line.charAt(i);
        if (c < '0' || c > '9') {
          return -1;
        }
        v = v * 10 + (c - '0');
      }
      return v;
    }

    @Override
    public boolean containsKey(Object column) {
      return columns.containsKey(column);
    }

    @Override
    public int size() {
      return columns.size();
    }

    @Override
    public java.util.Set<Entry<String, String>> entrySet() {
      java.util.Set<Entry<String, String>> out = new java.util.LinkedHashSet<>();
      columns.forEach((c, i) -> out.add(new java.util.AbstractMap.SimpleImmutableEntry<>(c, value(i))));
      return java.util.Collections.unmodifiableSet(out);
    }
  }

  /** A NUL byte in the line from {@code from}: binary data, not CSV text. */
  private String problemOf(int from) {
    for (int i = from; i < lines.len; i++) {
      if (lines.line[i] == 0) {
        return "NUL byte at byte " + (i + 1) + " of the line (binary data, not CSV text)";
      }
    }
    return null;
  }

  /** The line decoded as UTF-8; null when it is not valid UTF-8 ({@code lines.badByte} says where). */
  private String decodeStrict(int from) {
    byte[] b = lines.line;
    int n = lines.len;
    boolean ascii = true;
    for (int i = from; i < n; i++) {
      if (b[i] < 0) {
        ascii = false;
        break;
      }
    }
    if (ascii) {
      return new String(b, from, n - from, StandardCharsets.ISO_8859_1);
    }
    ByteBuffer in = ByteBuffer.wrap(b, from, n - from);
    CharBuffer out = CharBuffer.allocate(n - from);
    utf8.reset();
    CoderResult r = utf8.decode(in, out, true);
    if (r.isError()) {
      lines.badByte = in.position();
      return null;
    }
    utf8.flush(out);
    return out.flip().toString();
  }

  /** The line (or its first {@link #MAX_LINE_BYTES} bytes) decoded leniently, for the raw copy of a dead letter. */
  private String lenient(int from) {
    return new String(lines.line, from, lines.len - from, StandardCharsets.UTF_8);
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
    if (lines != null) {
      closeQuietly(lines.in);
      lines = null;
    }
  }

  private static void closeQuietly(InputStream in) {
    try {
      in.close();
    } catch (IOException ignored) {
      // nothing more to read from it
    }
  }

  /**
   * Lines of bytes, split on LF (a CR before it dropped), each kept up to {@link #MAX_LINE_BYTES}; the bytes of a
   * longer line are counted and skipped.
   */
  private static final class LineReader {
    final InputStream in;
    private final byte[] buf = new byte[1 << 16];
    private int pos;
    private int lim;
    byte[] line = new byte[1024];
    int len;
    long total;
    boolean overflow;
    int badByte;

    LineReader(InputStream in) {
      this.in = in;
    }

    /** Reads the next line; false at the end of the input. */
    boolean next() throws IOException {
      len = 0;
      total = 0;
      overflow = false;
      boolean any = false;
      while (true) {
        if (pos >= lim) {
          lim = in.read(buf, 0, buf.length);
          pos = 0;
          if (lim <= 0) {
            lim = 0;
            finish();
            return any;
          }
        }
        any = true;
        int nl = -1;
        for (int i = pos; i < lim; i++) {
          if (buf[i] == '\n') {
            nl = i;
            break;
          }
        }
        int end = nl < 0 ? lim : nl;
        append(pos, end - pos);
        pos = nl < 0 ? lim : nl + 1;
        if (nl >= 0) {
          finish();
          return true;
        }
      }
    }

    /** Drops a CR before the LF (it does not count toward the limit); a line still over the limit overflows. */
    private void finish() {
      if (!overflow && len > 0 && line[len - 1] == '\r') {
        len--;
        total--;
      }
      if (len > MAX_LINE_BYTES) {
        overflow = true;
        len = MAX_LINE_BYTES;
      }
    }

    private void append(int from, int n) {
      total += n;
      if (overflow) {
        return;
      }
      int room = MAX_LINE_BYTES + 1 - len; // one more for a CR before the LF
      if (n > room) {
        overflow = true;
        n = room;
      }
      if (len + n > line.length) {
        line = Arrays.copyOf(line, Math.min(MAX_LINE_BYTES + 1, Math.max(len + n, line.length * 2)));
      }
      System.arraycopy(buf, from, line, len, n);
      len += n;
    }
  }
}
