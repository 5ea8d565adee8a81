package dev.nbaprops.replay;

import dev.nbaprops.source.BoxScoreParser;
import dev.nbaprops.source.DataLayout;
import dev.nbaprops.source.GameLineParser;
import dev.nbaprops.source.ScheduleParser;
import dev.nbaprops.source.ShotParser;
import dev.nbaprops.source.SourceKind;

/** The row parser of each source for a data directory. */
public final class SourceParsers {
  private SourceParsers() {}

  public static Timeline.ParserFactory forLayout(DataLayout layout) {
    return source -> switch (source) {
      case SCHEDULE -> ScheduleParser::parse;
      case GAME_LINES -> GameLineParser::parse;
      case BOX_SCORES -> BoxScoreParser::parse;
      case SHOTS -> new ShotParser()::parse;
      case PROPS -> throw new UnsupportedOperationException("props: wired in once the prop matcher lands");
    };
  }
}
