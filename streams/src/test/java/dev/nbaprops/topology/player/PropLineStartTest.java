package dev.nbaprops.topology.player;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nbaprops.avro.raw.PropLine;
import dev.nbaprops.avro.state.PlayerGameProps;
import dev.nbaprops.testing.TestData;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which start a player's stored lines of a game keep, whatever order the lines arrive in (SYNTHETIC lines). */
class PropLineStartTest {
  static PropLine line(String start, String source) {
    return PropLine.newBuilder(TestData.syntheticPraLine("0022300061", LocalDate.of(2023, 10, 24), "Denver Nuggets",
        "Los Angeles Lakers", "Nikola Jokic", 203999L, "DraftKings", "2023-10-24T23:00:00Z", 50.5))
        .setGameStart(start == null ? null : Instant.parse(start)).setGameStartSource(source).build();
  }

  static PlayerGameProps fold(PropLine... lines) {
    PlayerGameProps current = null;
    for (PropLine p : lines) {
      current = PlayerGameStage.withStart(PlayerGameProps.newBuilder().setPlayerId(203999L).setGameId("0022300061")
          .setGameDate(LocalDate.of(2023, 10, 24)).setSnapshots(List.of()), current, p).build();
    }
    return current;
  }

  @Test
  void aFeedStartWinsTheEarliestFeedStartIsKeptAndTheScheduleFollowsCorrections() {
    PropLine schedule = line("2023-10-24T23:45:00Z", "SCHEDULE");
    PropLine feed = line("2023-10-24T23:40:00Z", "FEED");
    PropLine earlierFeed = line("2023-10-24T23:38:00Z", "FEED");
    PropLine laterFeed = line("2023-10-24T23:50:00Z", "FEED");
    for (PlayerGameProps p : List.of(fold(schedule, feed), fold(feed, schedule), fold(feed, laterFeed, schedule))) {
      assertThat(p.getGameStart()).isEqualTo(Instant.parse("2023-10-24T23:40:00Z"));
      assertThat(p.getGameStartFromFeed()).isTrue();
    }
    assertThat(fold(laterFeed, earlierFeed, feed).getGameStart()).isEqualTo(Instant.parse("2023-10-24T23:38:00Z"));
    // Schedule starts only: the latest one (a corrected tip-off time); a line without a start keeps what is stored.
    PlayerGameProps moved = fold(schedule, line("2023-10-25T00:15:00Z", "SCHEDULE"), line(null, null));
    assertThat(moved.getGameStart()).isEqualTo(Instant.parse("2023-10-25T00:15:00Z"));
    assertThat(moved.getGameStartFromFeed()).isFalse();
    assertThat(fold(line(null, null)).getGameStart()).isNull();
    // A default start (19:15 ET, a line from a feed with no schedule) never moves a known start.
    PropLine byDefault = line("2023-10-24T23:15:00Z", "DEFAULT");
    assertThat(fold(schedule, byDefault).getGameStart()).isEqualTo(Instant.parse("2023-10-24T23:45:00Z"));
    assertThat(fold(byDefault, schedule).getGameStartSource()).isEqualTo("SCHEDULE");
    assertThat(fold(byDefault).getGameStartSource()).isEqualTo("DEFAULT");
  }
}
