package dev.nbaprops.live;

import dev.nbaprops.avro.raw.ScheduleGame;
import dev.nbaprops.source.Parsed;
import dev.nbaprops.source.SourceKind;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Polls today's scoreboard: learns the games to follow ({@link LiveGames}) and produces each game's schedule
 * entry to {@code nba.raw.schedule} when it first appears and again when it turns final (with the final score),
 * exactly the record the replay produces from the schedule file.
 */
public final class ScoreboardPoller implements Poller {
  private final String url;
  private final HttpFeed http;
  private final LiveGames games;
  private final Outbox outbox;
  private final PollerHealth health;

  public ScoreboardPoller(String url, Duration interval, HttpFeed http, LiveGames games, Outbox outbox) {
    this.url = url;
    this.http = http;
    this.games = games;
    this.outbox = outbox;
    this.health = new PollerHealth("scoreboard", interval);
  }

  @Override
  public PollerHealth health() {
    return health;
  }

  @Override
  public int poll(Instant now) throws FeedException {
    List<ScoreboardParser.Game> parsed = ScoreboardParser.parse(http.get(url).body());
    List<LiveRecord> records = new ArrayList<>();
    for (ScoreboardParser.Game g : parsed) {
      if (!LiveGames.tracked(g.gameId())) {
        continue;
      }
      if (g.schedule() instanceof Parsed.Ok<ScheduleGame> ok) {
        // Only a game whose entry is valid is followed: a feed answering garbage adds dead letters, not games.
        games.fromScoreboard(g, now);
        records.add(new LiveRecord(SourceKind.SCHEDULE.topic(), ok.key(), ok.value(), ok.eventTime(),
            "schedule|" + g.gameId(), LiveRecord.digestOf(ok.value())));
      } else if (g.schedule() instanceof Parsed.Rejected<ScheduleGame> r) {
        records.add(DeadLetters.of(SourceKind.SCHEDULE.cliName(), HttpFeed.redact(url), 0, "game " + g.gameId()
            + ": " + r.reason(), null, now));
      }
    }
    return outbox.offer(records, now);
  }
}
