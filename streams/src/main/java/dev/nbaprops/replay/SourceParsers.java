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
import java.io.IOException;
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
    try {
      String json = Files.readString(file);
      if (name.startsWith("odds_api")) {
        parsed = new OddsApiEventOddsParser(matcher).parse(json);
      } else if (name.startsWith("bettingpros")) {
        JsonNode envelope = JSON.readTree(json);
        JsonNode fetched = envelope.get("fetched_at");
        JsonNode response = envelope.get("response");
        if (fetched == null || response == null) {
          parsed = List.of(Parsed.rejected("a BettingPros capture needs the envelope {\"fetched_at\": ..., "
              + "\"response\": ...} (the API response has no snapshot time)"));
        } else {
          parsed = new BettingProsPropsParser(matcher).parse(response.toString(), Instant.parse(fetched.asText()));
        }
      } else {
        parsed = List.of(Parsed.rejected("unknown prop feed file name (expected odds_api_*.json or bettingpros_*.json)"));
      }
    } catch (IOException | RuntimeException e) {
      parsed = List.of(Parsed.rejected("unreadable prop feed capture: " + e.getMessage()));
    }
    List<Timeline.ParsedRow> out = new ArrayList<>();
    for (int i = 0; i < parsed.size(); i++) {
      out.add(new Timeline.ParsedRow(new SourceRow(file.toString(), i + 1, null, Map.of()), parsed.get(i)));
    }
    return out;
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
