package dev.nbaprops.replay;

import dev.nbaprops.avro.raw.GameLine;
import dev.nbaprops.avro.raw.PlayerBoxScore;
import dev.nbaprops.avro.raw.PropLine;
import dev.nbaprops.avro.raw.ScheduleGame;
import dev.nbaprops.avro.raw.Shot;
import dev.nbaprops.source.Seasons;
import java.time.LocalDate;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/**
 * What the replay needs to know of a raw record: its season, game date and game (selection, coverage) and its
 * unique key within its source (duplicate detection; null where the source has none, as for shots).
 */
record RecordFacts(String season, LocalDate date, String uniqueKey, String gameId) {

  static RecordFacts of(SpecificRecord r, Map<String, LocalDate> gameDates) {
    if (r instanceof PlayerBoxScore b) {
      return new RecordFacts(b.getSeason(), b.getGameDate(), b.getGameId() + "|" + b.getPlayerId(), b.getGameId());
    }
    if (r instanceof ScheduleGame g) {
      return new RecordFacts(g.getSeason(), g.getGameDate(), g.getGameId(), g.getGameId());
    }
    if (r instanceof GameLine g) {
      return new RecordFacts(g.getSeason(), g.getGameDate(), g.getGameId(), g.getGameId());
    }
    if (r instanceof Shot s) {
      return new RecordFacts(s.getSeason(), s.getGameDate(), null, s.getGameId());
    }
    if (r instanceof PropLine p) {
      LocalDate date = p.getGameId() == null ? null : gameDates.get(p.getGameId());
      String season = p.getGameId() == null ? null : Seasons.seasonOfGameId(p.getGameId());
      if (date == null) {
        try {
          date = LocalDate.parse(p.getEventDate());
        } catch (RuntimeException e) {
          date = null;
        }
      }
      return new RecordFacts(season, date, p.getSource() + "|" + p.getEventId() + "|" + p.getPlayerName() + "|"
          + p.getBookmaker() + "|" + p.getMarket() + "|" + p.getSnapshotTs(), p.getGameId());
    }
    throw new IllegalArgumentException("not a raw record: " + r.getClass());
  }
}
