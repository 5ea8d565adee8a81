package dev.nbaprops.source;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nbaprops.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvSourceTest {
  @Test
  void quotedFieldsWithCommasAreOneField() {
    // The real props file quotes names such as "Portis, Bobby" (RFC 4180).
    assertThat(CsvSource.parse("2024-01-01T00:00:00Z,e1,\"Portis, Bobby\",5.5"))
        .containsExactly("2024-01-01T00:00:00Z", "e1", "Portis, Bobby", "5.5");
    assertThat(CsvSource.parse("a,,c,")).containsExactly("a", "", "c", "");
  }

  @Test
  void keepsLineNumbersAndTheRawLineAndFlagsShortLines(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("x.csv");
    Files.writeString(f, "a,b\n1,2\n\nbroken\n3,\"4,5\"\n");
    List<SourceRow> rows = new ArrayList<>();
    try (CsvSource s = new CsvSource(f)) {
      s.forEachRemaining(rows::add);
    }
    assertThat(rows).extracting(SourceRow::lineNumber).containsExactly(2L, 4L, 5L);
    assertThat(rows.get(0).get("b")).isEqualTo("2");
    assertThat(rows.get(1).fields()).isEmpty();
    assertThat(rows.get(1).line()).isEqualTo("broken");
    assertThat(rows.get(2).get("b")).isEqualTo("4,5");
  }

  @Test
  void readsTheRealGzippedSlice() {
    Path f = TestData.slice().resolve("box_scores/player_box_2023-24.csv.gz");
    assertThat(CsvSource.countRows(f)).isEqualTo(4367);
    assertThat(TestData.boxScores(f)).hasSize(4367);
  }
}
