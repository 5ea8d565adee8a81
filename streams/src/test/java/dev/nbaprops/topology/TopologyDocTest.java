package dev.nbaprops.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * docs/topology.md carries the topology's own {@code describe()} between two markers, so the drawing a reader
 * sees is the one that runs. After a change of the wiring: {@code mvn -pl streams test -Dtest=TopologyDocTest
 * -Ddocs.update=true} rewrites the block, and the diff shows what changed.
 */
class TopologyDocTest {
  static final String BEGIN = "<!-- topology.describe() begin -->";
  static final String END = "<!-- topology.describe() end -->";

  @Test
  void docsShowTheTopologyThatRuns() throws Exception {
    Path doc = Path.of("..", "docs", "topology.md");
    String described = NbaTopology.build(Map.of()).describe().toString().strip();
    String text = Files.readString(doc);
    int b = text.indexOf(BEGIN);
    int e = text.indexOf(END);
    assertThat(b).as("docs/topology.md has the begin marker").isGreaterThanOrEqualTo(0);
    assertThat(e).as("docs/topology.md has the end marker").isGreaterThan(b);
    String block = "\n```\n" + described + "\n```\n";
    if (Boolean.getBoolean("docs.update")) {
      Files.writeString(doc, text.substring(0, b + BEGIN.length()) + block + text.substring(e));
      text = Files.readString(doc);
      b = text.indexOf(BEGIN);
      e = text.indexOf(END);
    }
    assertThat(text.substring(b + BEGIN.length(), e))
        .as("docs/topology.md shows an old topology: rerun with -Ddocs.update=true and commit the diff")
        .isEqualTo(block);
  }
}
