package dev.nbaprops.replay;

import dev.nbaprops.source.BoxScoreParser;
import dev.nbaprops.source.DataLayout;
import dev.nbaprops.source.GameLineParser;
import dev.nbaprops.source.ScheduleParser;
import dev.nbaprops.source.ShotParser;
import dev.nbaprops.source.SourceKind;
import dev.nbaprops.source.props.Aliases;
import dev.nbaprops.source.props.PlayerDirectory;
import dev.nbaprops.source.props.PropMatcher;
import dev.nbaprops.source.props.ScheduleIndex;
import dev.nbaprops.source.props.PropsCsvParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nbaprops.avro.raw.PropLine;
import dev.nbaprops.source.Parsed;
import dev.nbaprops.source.SourceRow;
import dev.nbaprops.source.props.BettingProsPropsParser;
import dev.nbaprops.source.props.OddsApiEventOddsParser;
import dev.nbaprops.source.Excerpt;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The row parser of each source for a data directory. Prop lines are matched to NBA game and player ids by
 * {@link PropMatcher}, built (once, on first use) from the directory's schedule and box scores; box scores and
 * shots are stamped with their game's end, from the schedule's listed tip-off ({@link ScheduleIndex}).
 */
public final class SourceParsers {
  private SourceParsers() {}

  public static Timeline.ParserFactory forLayout(DataLayout layout) {
    // Without schedule files every game starts at 19:15 ET; the matcher then says so for each prop line.
    Supplier<ScheduleIndex> schedule = memoize(() -> layout.files(SourceKind.SCHEDULE).isEmpty()
        ? ScheduleIndex.of(List.of()) : ScheduleIndex.load(layout));
    Supplier<PropMatcher> matcher = memoize(() -> new PropMatcher(PlayerDirectory.load(layout), schedule.get(),
        Aliases.bundled()));
    return new Timeline.ParserFactory() {
      @Override
      public Timeline.RowParser create(SourceKind source) {
        return switch (source) {
          case SCHEDULE -> ScheduleParser::parse;
          case GAME_LINES -> GameLineParser::parse;
          case BOX_SCORES -> row -> BoxScoreParser.parse(row, schedule.get());
          case SHOTS -> new ShotParser(schedule.get())::parse;
          case PROPS -> new PropsCsvParser(matcher.get())::parse;
        };
      }

      @Override
      public List<Timeline.ParsedRow> json(SourceKind source, Path file) {
        return source == SourceKind.PROPS ? propFeed(file, matcher.get()) : Timeline.ParserFactory.super.json(source, file);
      }
    };
  }

  /**
   * One captured prop-feed response: {@code odds_api_*.json} is The Odds API v4 event-odds response in its
   * historical wrapper ({@code timestamp} = snapshot time, {@code data} = the event); {@code bettingpros_*.json}
   * is the capture envelope {@code {"fetched_at": ISO instant, "response": <BettingPros v3 props response>}}
   * (the API response carries no snapshot time). Each line of the response is one item, numbered from 1.
   */
  static List<Timeline.ParsedRow> propFeed(Path file, PropMatcher matcher) {
    String name = file.getFileName().toString();
    List<Parsed<PropLine>> parsed;
    String raw = null;
    try {
      long size = Files.size(file);
      if (size == 0) {
        return fileFault(file, "empty file (0 bytes; expected one JSON response)", null);
      }
      if (size > MAX_CAPTURE_BYTES) {
        return fileFault(file, String.format("capture of %,d bytes is larger than the limit of %,d bytes (not read)",
            size, MAX_CAPTURE_BYTES), null);
      }
      byte[] bytes = Files.readAllBytes(file);
      String json;
      try {
        json = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
      } catch (CharacterCodingException e) {
        return fileFault(file, "not valid UTF-8 (" + e.getMessage() + ")", new String(bytes, StandardCharsets.UTF_8));
      }
      if (!json.isEmpty() && json.charAt(0) == '\uFEFF') {
        json = json.substring(1);
      }
      raw = json;
      if (name.startsWith("odds_api")) {
        parsed = new OddsApiEventOddsParser(matcher).parse(json);
      } else if (name.startsWith("bettingpros")) {
        JsonNode envelope = JSON.readTree(json);
        JsonNode fetched = envelope == null ? null : envelope.get("fetched_at");
        JsonNode response = envelope == null ? null : envelope.get("response");
        if (fetched == null || response == null) {
          parsed = List.of(Parsed.rejected("a BettingPros capture needs the envelope {\"fetched_at\": ..., "
              + "\"response\": ...} (the API response has no snapshot time)"));
        } else {
          parsed = new BettingProsPropsParser(matcher).parse(response.toString(), Instant.parse(fetched.asText()));
        }
      } else {
        parsed = List.of(Parsed.rejected("unknown prop feed file name (expected odds_api_*.json or bettingpros_*.json)"));
      }
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      return fileFault(file, "not JSON: " + e.getOriginalMessage().lines().findFirst().orElse("") + " (line "
          + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")", raw);
    } catch (IOException | RuntimeException e) {
      return fileFault(file, "unreadable prop feed capture: " + e, raw);
    }
    List<Timeline.ParsedRow> out = new ArrayList<>();
    for (int i = 0; i < parsed.size(); i++) {
      // A capture rejected as a whole keeps the start of the document as its raw copy.
      String itemRaw = parsed.size() == 1 && parsed.get(0) instanceof Parsed.Rejected<PropLine> ? raw : null;
      out.add(new Timeline.ParsedRow(new SourceRow(file.toString(), i + 1, itemRaw == null ? null
          : Excerpt.raw(itemRaw), Map.of()), parsed.get(i)));
    }
    return out;
  }

  /** Largest prop-feed capture read (one API response; real ones are under 1 MB). */
  static final long MAX_CAPTURE_BYTES = 32L * 1024 * 1024;

  private static List<Timeline.ParsedRow> fileFault(Path file, String reason, String raw) {
    return List.of(new Timeline.ParsedRow(new SourceRow(file.toString(), 1, Excerpt.raw(raw), Map.of()),
        Parsed.rejected("file " + file.getFileName() + ": " + reason)));
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  /** A supplier computing its value once, on first use (thread-safe). */
  public static <T> Supplier<T> memoize(Supplier<T> s) {
    return new Supplier<>() {
      private T value;

      @Override
      public synchronized T get() {
        if (value == null) {
          value = s.get();
        }
        return value;
      }
    };
  }
}
