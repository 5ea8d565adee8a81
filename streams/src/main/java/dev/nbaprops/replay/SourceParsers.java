package dev.nbaprops.replay;

import dev.nbaprops.source.BoxScoreParser;
import dev.nbaprops.source.DataLayout;
import dev.nbaprops.source.GameLineParser;
import dev.nbaprops.source.ScheduleParser;
import dev.nbaprops.source.ShotParser;
import dev.nbaprops.source.SourceKind;
import dev.nbaprops.source.props.PropMatcher;
import dev.nbaprops.source.props.PropsCsvParser;
import java.util.function.Supplier;

/**
 * The row parser of each source for a data directory. Prop lines are matched to NBA game and player ids by
 * {@link PropMatcher}, built (once, on first use) from the directory's schedule and box scores.
 */
public final class SourceParsers {
  private SourceParsers() {}

  public static Timeline.ParserFactory forLayout(DataLayout layout) {
    Supplier<PropMatcher> matcher = memoize(() -> PropMatcher.load(layout));
    return source -> switch (source) {
      case SCHEDULE -> ScheduleParser::parse;
      case GAME_LINES -> GameLineParser::parse;
      case BOX_SCORES -> BoxScoreParser::parse;
      case SHOTS -> new ShotParser()::parse;
      case PROPS -> new PropsCsvParser(matcher.get())::parse;
    };
  }

  private static <T> Supplier<T> memoize(Supplier<T> s) {
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
