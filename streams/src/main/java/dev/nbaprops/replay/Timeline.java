package dev.nbaprops.replay;

import dev.nbaprops.avro.common.DeadLetter;
import dev.nbaprops.avro.raw.ScheduleGame;
import dev.nbaprops.source.CsvSource;
import dev.nbaprops.source.DataLayout;
import dev.nbaprops.source.Excerpt;
import dev.nbaprops.source.Parsed;
import dev.nbaprops.source.ScheduleParser;
import dev.nbaprops.source.SourceKind;
import dev.nbaprops.source.SourceRow;
import dev.nbaprops.source.props.ScheduleIndex;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;
import org.apache.avro.specific.SpecificRecord;

/**
 * Every selected row of every selected source file, merged into one timeline ordered by (event time, source
 * order, file, line). Files are read lazily (one pending row per file plus a day's rows read ahead); what grows
 * with the input is the set of unique keys seen (duplicate detection), about {@value #SEEN_KEY_BYTES} bytes a key
 * (about 14 MB for the three shared seasons). Rows that cannot
 * be accepted come out as {@link Dead} items at the point they were read, with file, line and reason: an
 * unparseable or impossible row, or a second row for a key already seen with other values. The order is a
 * pure function of the files and the selection, which is what lets {@code --resume} skip a committed prefix.
 */
public final class Timeline implements AutoCloseable {
  /** A row of the timeline. */
  public sealed interface Item permits Data, Dead {
    SourceKind source();
  }

  /** An accepted record for its raw topic. */
  public record Data(SourceKind source, String key, SpecificRecord value, long eventTime, String season,
                     LocalDate date, String gameId, String file, long line) implements Item {}

  /** A rejected row for the dead-letter topic. */
  public record Dead(SourceKind source, DeadLetter letter, String season, LocalDate date) implements Item {}

  /** Parses rows of one file (a new instance per file: parsers may keep per-file state). */
  @FunctionalInterface
  public interface RowParser {
    Parsed<? extends SpecificRecord> parse(SourceRow row);
  }

  /** Creates the parser for a source (props parsers need the player directory and the schedule). */
  public interface ParserFactory {
    /** The parser of one CSV file's rows. */
    RowParser create(SourceKind source);

    /** All records of one JSON feed capture (a file holds one API response); empty when unsupported. */
    default List<ParsedRow> json(SourceKind source, Path file) {
      return List.of(new ParsedRow(new SourceRow(file.toString(), 1, null, Map.of()),
          Parsed.rejected("no JSON feed format for source " + source.cliName())));
    }
  }

  /**
   * How far a file's rows may run out of event-time order and still be released in order: one day (files are
   * sorted by game date; a date's games end between the afternoon and about 01:30 ET the next day).
   */
  static final long REORDER_WINDOW_MS = 24L * 3600 * 1000;

  private final DataLayout layout;
  private final Selection selection;
  private final ReplaySummary summary;
  private final Map<String, LocalDate> gameDates;
  private final List<Reader> readers = new ArrayList<>();
  private final PriorityQueue<Pending> queue;
  private final ArrayDeque<Dead> dead = new ArrayDeque<>();
  /**
   * Every unique key read (duplicate detection needs them all: a key may come back in another file or months later)
   * -> the first record's digest and position. Kept compact, about 120 bytes a key (128-bit hash of the key, 64 bits
   * of the record's SHA-256, file index and line): see {@link #SEEN_KEY_BYTES}.
   */
  private final Map<KeyHash, Seen> seenKeys = new HashMap<>();
  private final List<String> seenFiles = new ArrayList<>();
  private final java.security.MessageDigest sha256 = sha256();

  /**
   * Heap per key of {@link #seenKeys}, measured (TimelineMemoryTest): the one part of the timeline that grows with
   * the input, by the keyed rows of the selection (box scores, schedule, game lines, prop snapshots).
   */
  static final int SEEN_KEY_BYTES = 120;

  record KeyHash(long hi, long lo) {}

  record Seen(long digest, int file, long line) {}
  private final Map<SourceKind, Long> lastEventTime = new HashMap<>();

  public Timeline(DataLayout layout, Selection selection, ParserFactory parsers, ReplaySummary summary) {
    this.layout = layout;
    this.selection = selection;
    this.summary = summary;
    this.gameDates = gameDates(layout);
    // (event time, source order at equal time (SourceKind.tieOrder), file, line)
    Comparator<Data> byTime = (a, b) -> {
      int c = Long.compare(a.eventTime(), b.eventTime());
      if (c == 0) {
        c = Integer.compare(a.source().tieOrder(), b.source().tieOrder());
      }
      if (c == 0) {
        c = a.file().compareTo(b.file());
      }
      return c != 0 ? c : Long.compare(a.line(), b.line());
    };
    this.queue = new PriorityQueue<>((a, b) -> byTime.compare(a.data(), b.data()));
    for (SourceKind source : SourceKind.values()) {
      if (!selection.source(source)) {
        continue;
      }
      for (Path f : layout.files(source)) {
        if (DataLayout.seasonOfFile(f).map(selection::season).orElse(true)) {
          readers.add(new Reader(source, f, parsers));
        }
      }
    }
    for (Reader r : readers) {
      r.advance();
    }
  }

  /** The files this timeline reads, in source order. */
  public List<Path> files() {
    return readers.stream().map(r -> r.path).toList();
  }

  /**
   * Every file the timeline's content depends on: the files it reads, the schedule whose tip-off times order
   * box scores and shots and, when prop lines are read, the schedule and box-score files the matcher resolves
   * them against (a replay's identity hashes them all).
   */
  public List<Path> inputFiles() {
    java.util.LinkedHashSet<Path> out = new java.util.LinkedHashSet<>(files());
    if (readers.stream().anyMatch(r -> r.source == SourceKind.PROPS)) {
      out.addAll(layout.files(SourceKind.SCHEDULE));
      out.addAll(layout.files(SourceKind.BOX_SCORES));
    }
    // Box scores and shots are stamped with their game's end, which the schedule's tip-off times decide.
    if (readers.stream().anyMatch(r -> r.source == SourceKind.BOX_SCORES || r.source == SourceKind.SHOTS)) {
      out.addAll(layout.files(SourceKind.SCHEDULE));
    }
    return List.copyOf(out);
  }

  /** The selected scheduled games by date, from the schedule files whatever sources are selected. */
  public Map<LocalDate, java.util.Set<String>> scheduledGames() {
    Map<LocalDate, java.util.Set<String>> out = new java.util.TreeMap<>();
    gameDates.forEach((game, date) -> {
      if (selection.selects(dev.nbaprops.source.Seasons.seasonOfGameId(game), date)) {
        out.computeIfAbsent(date, d -> new java.util.TreeSet<>()).add(game);
      }
    });
    return out;
  }

  /** Rows in the selected CSV files (selected or not), for progress and ETA. */
  public long totalRows() {
    return readers.stream().filter(r -> !r.path.toString().endsWith(".json"))
        .mapToLong(r -> CsvSource.countRows(r.path)).sum();
  }

  public boolean hasNext() {
    return !dead.isEmpty() || !queue.isEmpty();
  }

  public Item next() {
    if (!dead.isEmpty()) {
      return dead.poll();
    }
    Pending p = queue.poll();
    if (p == null) {
      throw new NoSuchElementException();
    }
    Data d = p.data();
    Long last = lastEventTime.put(d.source(), d.eventTime());
    if (last != null && d.eventTime() < last) {
      summary.of(d.source().cliName()).late++;
    }
    p.reader().advance();
    return d;
  }

  private record Pending(Data data, Reader reader) {}

  /** A row of a source file with what its parser made of it. */
  public record ParsedRow(SourceRow row, Parsed<? extends SpecificRecord> parsed) {}

  private final class Reader {
    final SourceKind source;
    final Path path;
    final java.util.Iterator<ParsedRow> rows;
    final AutoCloseable closer;
    final String fileSeason;
    final boolean json;
    /** This file's index in {@code seenFiles}, once it has a key. */
    int fileIndex = -1;
    /** Accepted rows read ahead of the one queued, earliest event time first (then file order). */
    final PriorityQueue<Data> ahead = new PriorityQueue<>((a, b) -> a.eventTime() != b.eventTime()
        ? Long.compare(a.eventTime(), b.eventTime()) : Long.compare(a.line(), b.line()));
    long lastRead = Long.MIN_VALUE;

    Reader(SourceKind source, Path path, ParserFactory parsers) {
      this.source = source;
      this.path = path;
      this.fileSeason = DataLayout.seasonOfFile(path).orElse(null);
      this.json = path.getFileName().toString().endsWith(".json");
      if (json) {
        this.rows = parsers.json(source, path).iterator();
        this.closer = () -> { };
      } else {
        CsvSource csv = new CsvSource(path);
        RowParser parser = parsers.create(source);
        this.rows = new java.util.Iterator<>() {
          @Override
          public boolean hasNext() {
            return csv.hasNext();
          }

          @Override
          public ParsedRow next() {
            SourceRow row = csv.next();
            return new ParsedRow(row, parser.parse(row));
          }
        };
        this.closer = csv;
      }
    }

    void close() {
      try {
        closer.close();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }

    /**
     * Queues this file's next accepted row in event-time order; rejected rows on the way become dead items. Files
     * are sorted by game date, not by the event time within a date (a 13:00 ET game's box score ends before a
     * 19:00 ET one listed earlier in the file), so rows are read ahead until one is {@link #REORDER_WINDOW_MS}
     * later than the earliest held row, and the earliest is released first. A row more out of order than that is
     * released when its turn comes and counted as late.
     */
    void advance() {
      while (rows.hasNext() && (ahead.isEmpty() || lastRead < ahead.peek().eventTime() + REORDER_WINDOW_MS)) {
        readOne();
      }
      if (!ahead.isEmpty()) {
        queue.add(new Pending(ahead.poll(), this));
      } else {
        close();
      }
    }

    /** Reads one row: an accepted record joins {@code ahead}, a rejected one becomes a dead item. */
    private void readOne() {
      ReplaySummary.Counts counts = summary.of(source.cliName());
      ParsedRow pr = rows.next();
      SourceRow row = pr.row();
      Parsed<? extends SpecificRecord> parsed = pr.parsed();
      if (parsed instanceof Parsed.Ok<? extends SpecificRecord> ok) {
        RecordFacts facts = RecordFacts.of(ok.value(), gameDates);
        String season = facts.season() != null ? facts.season() : fileSeason;
        if (!selection.selects(season, facts.date())) {
          counts.skipped++;
          return;
        }
        counts.read++;
        String duplicateOf = duplicate(facts.uniqueKey(), ok.value(), row);
        if (duplicateOf != null) {
          reject(row, "duplicate key " + facts.uniqueKey() + " with other values (first at " + duplicateOf + ")",
              season, facts.date());
          return;
        }
        if (json) {
          // A record from a JSON capture is not bounded by the CSV line limit: keep it under the producer's limit.
          int size = encodedSize(ok.value());
          if (size > MAX_RECORD_BYTES) {
            reject(row, String.format("record of %,d bytes is larger than the limit of %,d bytes", size,
                MAX_RECORD_BYTES), season, facts.date());
            return;
          }
        }
        counts.accepted++;
        if (ok.value() instanceof dev.nbaprops.avro.raw.PropLine line) {
          summary.propMatched(line.getMatchRule());
        }
        Data d = new Data(source, ok.key(), ok.value(), ok.eventTime(), season, facts.date(), facts.gameId(),
            row.file(), row.lineNumber());
        ahead.add(d);
        lastRead = Math.max(lastRead, d.eventTime());
        return;
      }
      String reason = ((Parsed.Rejected<? extends SpecificRecord>) parsed).reason();
      String season = row.get("season") != null ? row.get("season") : fileSeason;
      LocalDate date = bestEffortDate(row);
      if (!selection.selects(season, date)) {
        counts.skipped++;
        return;
      }
      counts.read++;
      reject(row, reason, season, date);
    }

    /** Where the key was first seen when this record has other values, else null (new key or same values). */
    private String duplicate(String key, SpecificRecord value, SourceRow row) {
      if (key == null) {
        return null;
      }
      java.nio.ByteBuffer k = java.nio.ByteBuffer.wrap(sha256.digest((source.cliName() + "|" + key)
          .getBytes(java.nio.charset.StandardCharsets.UTF_8)));
      KeyHash h = new KeyHash(k.getLong(), k.getLong());
      long digest = digest(value, sha256).getLong();
      Seen first = seenKeys.get(h);
      if (first == null) {
        if (fileIndex < 0) {
          fileIndex = seenFiles.size();
          seenFiles.add(path.getFileName().toString());
        }
        seenKeys.put(h, new Seen(digest, fileIndex, row.lineNumber()));
        return null;
      }
      return first.digest() == digest ? null : seenFiles.get(first.file()) + ":" + first.line();
    }

    private void reject(SourceRow row, String reason, String season, LocalDate date) {
      summary.of(source.cliName()).deadLettered++;
      DeadLetter letter = DeadLetter.newBuilder().setSource(source.cliName()).setSourceFile(row.file())
          .setLineNumber(row.lineNumber()).setReason(Excerpt.reason(reason)).setRaw(Excerpt.raw(row.line())).setRejectedAt(Instant.now()).build();
      dead.add(new Dead(source, letter, season, date));
    }
  }

  /**
   * Largest record accepted from a JSON capture (CSV records are bounded by {@link CsvSource#MAX_LINE_BYTES}); well
   * under the producer's default {@code max.request.size} of 1 MB, so one record can never fail a transaction.
   */
  static final int MAX_RECORD_BYTES = 256 * 1024;

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static int encodedSize(SpecificRecord value) {
    return ((dev.nbaprops.serde.AvroCodec) dev.nbaprops.serde.AvroCodec.of(value.getClass())).encode(value).length;
  }

  private static java.security.MessageDigest sha256() {
    try {
      return java.security.MessageDigest.getInstance("SHA-256");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** SHA-256 of the record's Avro encoding: equal exactly when the values are equal. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static java.nio.ByteBuffer digest(SpecificRecord value, java.security.MessageDigest sha256) {
    byte[] bytes = ((dev.nbaprops.serde.AvroCodec) dev.nbaprops.serde.AvroCodec.of(value.getClass())).encode(value);
    return java.nio.ByteBuffer.wrap(sha256.digest(bytes));
  }

  private static LocalDate bestEffortDate(SourceRow row) {
    for (String col : List.of("game_date", "event_date", "snapshot_ts")) {
      String v = row.get(col);
      if (v != null && v.length() >= 10) {
        try {
          return LocalDate.parse(v.substring(0, 10));
        } catch (RuntimeException ignored) {
          // try the next column
        }
      }
    }
    return null;
  }

  /** game_id -> game date from the schedule files (to date prop lines by their game). */
  private static Map<String, LocalDate> gameDates(DataLayout layout) {
    Map<String, LocalDate> out = new HashMap<>();
    for (Path f : layout.files(SourceKind.SCHEDULE)) {
      ScheduleIndex.readFile(f).forEach(g -> out.put(g.gameId(), g.date()));
    }
    return out;
  }

  @Override
  public void close() {
    readers.forEach(Reader::close);
  }
}
