package dev.nbaprops.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A row read from a CSV file (numbers read in place) and the same row as a plain map read alike. */
class RowReaderTest {
  private static final List<String> VALUES = List.of("0", "1", "7", "007", "150", "151", "-0", "-1", "+5", "1.0",
      "1.5", "1e1", " 3", "3 ", "NaN", "x", "", "1000000", "1000001", "999999999999999999", "9999999999999999999",
      "1610612747", "-1610612747", "0000000000", "2023-24");

  @Test
  void csvRowsReadLikeMapRows(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("x.csv");
    Files.writeString(f, "a,x,b\n" + String.join("\n", VALUES.stream().map(v -> "1," + v + ",2").toList()) + "\n");
    List<SourceRow> rows = new ArrayList<>();
    try (CsvSource s = new CsvSource(f)) {
      s.forEachRemaining(rows::add);
    }
    assertThat(rows).hasSize(VALUES.size());
    for (int i = 0; i < VALUES.size(); i++) {
      SourceRow csv = rows.get(i);
      assertThat(csv.fields()).isInstanceOf(CsvSource.RowFields.class);
      Map<String, String> m = new HashMap<>(Map.of("a", "1", "x", VALUES.get(i), "b", "2"));
      SourceRow plain = new SourceRow("x.csv", csv.lineNumber(), csv.line(), m);
      List<Function<RowReader, Object>> reads = List.of(r -> r.count("x", 150), r -> r.count("x"), r -> r.id("x"),
          r -> r.optInt("x", -150, 150), r -> r.nonNegative("x", 80), r -> r.optDouble("x"));
      for (Function<RowReader, Object> read : reads) {
        assertThat(outcome(csv, read)).as("'%s'", VALUES.get(i)).isEqualTo(outcome(plain, read));
      }
    }
    assertThat(outcome(rows.get(0), r -> r.count("x", 150))).isEqualTo(0);
    assertThat(outcome(rows.get(7), r -> r.count("x", 150))).isEqualTo("negative x (-1)");
    assertThat(outcome(rows.get(21), r -> r.id("x"))).isEqualTo(1610612747L);
  }

  private static Object outcome(SourceRow row, Function<RowReader, Object> read) {
    try {
      return read.apply(new RowReader(row));
    } catch (RowReader.BadRow e) {
      return e.getMessage();
    }
  }
}
