package dev.nbaprops.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * State made by an earlier build (a changelog of a store this build no longer has) is found at start-up, and the
 * start refused unless state.allow.retired.stores (NbaPropsApp; checked by hand on the slice's state of 275faed).
 */
class RetiredStoresTest {
  @Test
  void aChangelogOfARetiredStoreIsNamedWithWhatReplacedIt() {
    Set<String> topics = Set.of("nba.raw.shot", "nba-props-streams-player-game-summary-changelog",
        "nba-props-streams-player-shot-by-id-changelog", "other-app-player-game-zones-changelog");
    assertThat(NbaTopology.retiredStoreProblems(topics, "nba-props-streams")).singleElement().asString()
        .contains("player-shot-by-id").contains("player-game-shots").contains("zone fields");
    assertThat(NbaTopology.retiredStoreProblems(topics, "other-app")).singleElement().asString()
        .contains("player-game-zones");
  }

  @Test
  void stateOfThisBuildGivesNoWarning() {
    Set<String> topics = Set.of("nba-props-streams-player-game-shots-changelog",
        "nba-props-streams-player-game-summary-changelog");
    assertThat(NbaTopology.retiredStoreProblems(topics, "nba-props-streams")).isEmpty();
  }

  @Test
  void noRetiredStoreIsInTheTopology() {
    org.apache.kafka.streams.TopologyDescription d = NbaTopology.build(java.util.Map.of()).describe();
    java.util.Set<String> stores = new java.util.HashSet<>();
    d.subtopologies().forEach(s -> s.nodes().forEach(n -> {
      if (n instanceof org.apache.kafka.streams.TopologyDescription.Processor p) {
        stores.addAll(p.stores());
      }
    }));
    assertThat(stores).isNotEmpty().doesNotContainAnyElementsOf(NbaTopology.RETIRED_STORES.keySet());
  }
}
