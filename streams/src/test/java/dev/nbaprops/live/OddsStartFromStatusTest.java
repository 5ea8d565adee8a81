package dev.nbaprops.live;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nbaprops.avro.raw.PropLine;
import dev.nbaprops.source.Parsed;
import dev.nbaprops.testing.TestData;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Live mode takes a game's start from the feeds (docs/contract.md): a line's start is its event's commence_time, or
 * the moment the league's scoreboard or box score first showed the game in progress when that is earlier. The
 * game and player are real (0022300061, Nikola Jokic); the lines and the feed times are SYNTHETIC.
 */
class OddsStartFromStatusTest {
  static final Instant COMMENCE = Instant.parse("2023-10-24T23:45:00Z");

  static PropLine line() {
    return PropLine.newBuilder(TestData.syntheticPraLine("0022300061", LocalDate.of(2023, 10, 24), "Denver Nuggets",
        "Los Angeles Lakers", "Nikola Jokic", 203999L, "DraftKings", "2023-10-24T23:40:00Z", 50.5))
        .setGameStart(COMMENCE).setGameStartSource("FEED").build();
  }

  static ScoreboardParser.Game scoreboard(int status) {
    return new ScoreboardParser.Game("0022300061", status, LocalDate.of(2023, 10, 24),
        Instant.parse("2023-10-24T23:30:00Z"), "DEN", "LAL", 0, 0, Parsed.rejected("not needed here"));
  }

  static PropLine recorded(LiveGames games) {
    List<LiveRecord> out = OddsPoller.records(List.of(Parsed.ok("203999", line(), 0L)), "http://odds",
        Instant.parse("2023-10-24T23:50:00Z"), games);
    return (PropLine) out.get(0).value();
  }

  @Test
  void aGameSeenInProgressBeforeItsCommenceTimeStartedThen() {
    LiveGames games = new LiveGames();
    games.fromScoreboard(scoreboard(1), Instant.parse("2023-10-24T23:00:00Z"));
    assertThat(recorded(games).getGameStart()).as("scheduled only: commence_time").isEqualTo(COMMENCE);

    Instant seenLive = Instant.parse("2023-10-24T23:38:00Z");
    games.fromScoreboard(scoreboard(2), seenLive);
    games.fromScoreboard(scoreboard(2), Instant.parse("2023-10-24T23:42:00Z")); // the first sighting counts
    PropLine p = recorded(games);
    assertThat(p.getGameStart()).isEqualTo(seenLive);
    assertThat(p.getGameStartSource()).isEqualTo("FEED");
    // A sighting after the commence time leaves commence_time as the start.
    LiveGames late = new LiveGames();
    late.fromScoreboard(scoreboard(2), Instant.parse("2023-10-24T23:55:00Z"));
    assertThat(recorded(late).getGameStart()).isEqualTo(COMMENCE);
  }
}
