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
    assertThat(rows.get(0).fields()).isEqualTo(java.util.Map.of("a", "1", "b", "2")).hasSize(2);
    assertThat(rows.get(1).fields()).isEmpty();
    assertThat(rows.get(1).line()).isEqualTo("broken");
    assertThat(rows.get(2).get("b")).isEqualTo("4,5");
  }

  @Test
  void aRepeatedColumnNameReadsTheLastColumnAndFieldCountsAreChecked(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("x.csv");
    Files.writeString(f, "a,b,a\n1,2,3\n1,2\n1,2,3,4\n\"1\",\"2,x\",3\n");
    List<SourceRow> rows = new ArrayList<>();
    try (CsvSource s = new CsvSource(f)) {
      s.forEachRemaining(rows::add);
    }
    assertThat(rows.get(0).fields()).isEqualTo(java.util.Map.of("a", "3", "b", "2"));
    assertThat(rows.get(1).problem()).isEqualTo("unparseable line (2 fields, the header has 3)");
    assertThat(rows.get(2).problem()).isEqualTo("unparseable line (4 fields, the header has 3)");
    assertThat(rows.get(3).get("b")).isEqualTo("2,x");
    assertThat(rows.get(3).get("a")).isEqualTo("3");
  }

  @Test
  void readsTheRealGzippedSlice() {
    Path f = TestData.slice().resolve("box_scores/player_box_2023-24.csv.gz");
    assertThat(CsvSource.countRows(f)).isEqualTo(4367);
    assertThat(TestData.boxScores(f)).hasSize(4367);
  }

  @Test
  void aLineAtTheLimitIsReadAndALongerOneIsSkippedWithItsStartKept(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("x.csv");
    String atLimit = "a," + "b".repeat(CsvSource.MAX_LINE_BYTES - 2);
    String over = "c," + "d".repeat(CsvSource.MAX_LINE_BYTES);
    Files.writeString(f, "\uFEFFh1,h2\r\n" + atLimit + "\r\n" + over + "\n1,2");
    List<SourceRow> rows = new ArrayList<>();
    try (CsvSource s = new CsvSource(f)) {
      assertThat(s.header()).containsExactly("h1", "h2");
      s.forEachRemaining(rows::add);
    }
    assertThat(rows).hasSize(3);
    assertThat(rows.get(0).problem()).isNull();
    assertThat(rows.get(0).get("h2")).hasSize(CsvSource.MAX_LINE_BYTES - 2);
    assertThat(rows.get(1).problem()).isEqualTo("line of 65,538 bytes is longer than the limit of 65,536 bytes (not read)");
    assertThat(rows.get(1).line()).hasSize(CsvSource.MAX_LINE_BYTES);
    assertThat(rows.get(2).get("h2")).isEqualTo("2");
    assertThat(rows.get(2).lineNumber()).isEqualTo(4);
  }

  @Test
  void bytesThatAreNotUtf8AreRejectedNotReplaced(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("x.csv");
    Files.write(f, new byte[] {'h', ',', 'i', '\n', 'J', (byte) 0xC3, (byte) 0xA9, ',', '1', '\n', 'x', (byte) 0xE9, ',', '2', '\n'});
    List<SourceRow> rows = new ArrayList<>();
    try (CsvSource s = new CsvSource(f)) {
      s.forEachRemaining(rows::add);
    }
    assertThat(rows.get(0).get("h")).isEqualTo("J\u00e9");
    assertThat(rows.get(1).problem()).isEqualTo("invalid UTF-8 at byte 2 of the line");
    assertThat(rows.get(1).fields()).isEmpty();
  }
}
