package dev.nbaprops.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nbaprops.avro.raw.PropLine;
import dev.nbaprops.source.DataLayout;
import dev.nbaprops.source.SourceKind;
import dev.nbaprops.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Captured JSON responses of both prop feeds replay onto the same raw topic as the CSV extract, with their
 * source. The fixtures are real 2023-24 lines recast into the feeds' shapes (fixtures/props/README.md).
 */
class PropFeedReplayTest {
  @Test
  void oddsApiAndBettingProsCapturesLandOnThePropTopicWithTheirSource(@TempDir Path tmp) throws Exception {
    Path data = tmp.resolve("data");
    Files.createDirectories(data.resolve("props/captures"));
    Files.createDirectories(data.resolve("schedule"));
    Files.createDirectories(data.resolve("box_scores"));
    Path slice = TestData.slice();
    Files.copy(slice.resolve("schedule/games_2021-22_to_2023-24.csv.gz"), data.resolve("schedule/games_2021-22_to_2023-24.csv.gz"));
    Files.copy(slice.resolve("box_scores/player_box_2023-24.csv.gz"), data.resolve("box_scores/player_box_2023-24.csv.gz"));
    Path fixtures = TestData.projectRoot().resolve("streams/src/test/resources/fixtures/props");
    Files.copy(fixtures.resolve("odds_api_historical_event_odds_LAL_at_DEN_2023-10-24.json"),
        data.resolve("props/captures/odds_api_LAL_at_DEN.json"));
    String bp = Files.readString(fixtures.resolve("bettingpros_props_LAL_at_DEN_2023-10-24.json"));
    Files.writeString(data.resolve("props/captures/bettingpros_LAL_at_DEN.json"),
        "{\"fetched_at\": \"2023-10-24T22:00:00Z\", \"response\": " + bp + "}");
    Files.writeString(data.resolve("props/captures/bettingpros_no_envelope.json"), bp);

    ReplaySummary summary = new ReplaySummary();
    Selection props = Selection.of(List.of(SourceKind.PROPS), List.of(), null, null, List.of());
    List<Timeline.Item> items = TimelineTest.all(data, props, summary);
    List<PropLine> lines = items.stream().filter(i -> i instanceof Timeline.Data)
        .map(i -> (PropLine) ((Timeline.Data) i).value()).toList();
    assertThat(lines).extracting(PropLine::getSource).contains("ODDS_API", "BETTINGPROS");
    assertThat(lines).allSatisfy(l -> assertThat(l.getGameId()).isEqualTo("0022300061"));
    assertThat(lines).allSatisfy(l -> assertThat(l.getPlayerId()).isNotNull());
    assertThat(items.stream().filter(i -> i instanceof Timeline.Dead).map(i -> ((Timeline.Dead) i).letter().getReason()))
        .anyMatch(r -> r.contains("envelope"));
    assertThat(summary.of("props").read).isEqualTo(summary.of("props").accepted + summary.of("props").deadLettered);
    assertThat(new DataLayout(data).files(SourceKind.PROPS)).hasSize(3);
  }
}
