package dev.nbaprops.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplayProgressTest {
  /** A file edited in place, even to the same size, is another replay: --resume never continues the old one. */
  @Test
  void identityChangesWithContentSelectionAndNotWithNothing(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("player_box_2023-24.csv");
    Files.writeString(f, "a,b\n1,2\n");
    String id = ReplayProgress.identity(Selection.all(), List.of(f));
    assertThat(ReplayProgress.identity(Selection.all(), List.of(f))).isEqualTo(id);
    Files.writeString(f, "a,b\n1,3\n"); // same size, other content
    assertThat(ReplayProgress.identity(Selection.all(), List.of(f))).isNotEqualTo(id);
    String other = ReplayProgress.identity(Selection.of(List.of(), List.of("2023-24"), null, null, List.of()), List.of(f));
    assertThat(other).isNotEqualTo(ReplayProgress.identity(Selection.all(), List.of(f)));
  }
}
