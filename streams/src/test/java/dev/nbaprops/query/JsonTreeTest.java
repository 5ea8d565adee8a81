package dev.nbaprops.query;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nbaprops.source.SourceKind;
import dev.nbaprops.testing.TestData;
import dev.nbaprops.testing.TopologyHarness;
import java.time.LocalDate;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/**
 * {@link Json#tree} builds the answer's nodes straight from a store value; it must give the very tree the general
 * path gives ({@code valueToTree} of {@link Json#plain}): same field order, same node types (an int stays an int, a
 * NaN a double), for a real row of every table (the first days of 2023-24 in the slice, every source).
 */
class JsonTreeTest {
  @Test
  void theDirectTreeOfEveryTablesRowsIsTheGeneralOne() {
    try (TopologyHarness h = TopologyHarness.create()) {
      h.pipeTimeline(TestData.timeline(TestData.slice(), List.of(SourceKind.values()), List.of("2023-24"),
          LocalDate.of(2023, 10, 24), LocalDate.of(2023, 11, 3)));
      long compared = 0;
      for (var table : h.tables().entrySet()) {
        assertThat(table.getValue()).as(table.getKey()).isNotEmpty();
        for (SpecificRecord row : table.getValue().values()) {
          assertThat(Json.tree(row)).isEqualTo(Json.COMPACT.valueToTree(Json.plain(row)));
          assertThat(Json.tree(row).toString()).isEqualTo(Json.COMPACT.valueToTree(Json.plain(row)).toString());
          compared++;
        }
      }
      assertThat(compared).isGreaterThan(1000);
    }
  }
}
