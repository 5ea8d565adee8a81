package dev.nbaprops.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nbaprops.avro.raw.PlayerBoxScore;
import dev.nbaprops.source.GameStarts;
import dev.nbaprops.source.Parsed;
import dev.nbaprops.testing.Parity;
import dev.nbaprops.testing.ReferenceSql;
import dev.nbaprops.testing.TestData;
import dev.nbaprops.testing.TopologyHarness;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/**
 * team_offense_game_summary and team_defense_game_summary from the topology equal an independent DuckDB SQL
 * aggregation of the same real box scores: every row, every field, equal row counts; a corrected player line
 * changes exactly its game's four team rows; replaying unchanged data emits nothing.
 */
class TeamGameSummaryParityTest {
  static List<Path> slice() {
    return List.of(TestData.slice().resolve("box_scores/player_box_2022-23.csv.gz"),
        TestData.slice().resolve("box_scores/player_box_2023-24.csv.gz"));
  }

  static List<Parsed.Ok<PlayerBoxScore>> read(List<Path> files) {
    List<Parsed.Ok<PlayerBoxScore>> rows = new ArrayList<>();
    files.forEach(f -> rows.addAll(TestData.boxScores(f)));
    return rows;
  }

  static void assertParity(Map<String, ? extends SpecificRecord> stream, Map<String, Map<String, Object>> ref) {
    assertThat(stream.keySet()).isEqualTo(ref.keySet());
    List<String> mismatches = new ArrayList<>();
    stream.forEach((k, row) -> mismatches.addAll(Parity.compare(k, row, ref.get(k),
        row.getSchema().getFields().stream().map(Schema.Field::name).toList())));
    assertThat(mismatches).isEmpty();
  }

  @Test
  void sliceMatchesBatchSqlAndReplaysAreNoOps() throws Exception {
    List<Parsed.Ok<PlayerBoxScore>> rows = read(slice());
    try (TopologyHarness h = TopologyHarness.create()) {
      h.pipe(rows);
      assertThat(h.offense()).hasSize(2 * 406);
      assertParity(h.offense(), ReferenceSql.teamGameSummary(slice(), false));
      assertParity(h.defense(), ReferenceSql.teamGameSummary(slice(), true));
      // A reader's check: DEN 119 - LAL 107 on 2023-10-24 (game 0022300061).
      assertThat(h.offense().get("0022300061|DEN").getPts()).isEqualTo(119);
      assertThat(h.defense().get("0022300061|DEN").getOppPts()).isEqualTo(107);
      long emits = h.teamEmits();
      h.pipe(rows);
      assertThat(h.teamEmits()).isEqualTo(emits);
    }
  }

  @Test
  void aCorrectedPlayerLineUpdatesItsGamesFourTeamRowsOnly() {
    List<Parsed.Ok<PlayerBoxScore>> rows = read(slice());
    try (TopologyHarness h = TopologyHarness.create()) {
      h.pipe(rows);
      var offense = Map.copyOf(h.offense());
      var defense = Map.copyOf(h.defense());
      PlayerBoxScore jokic = rows.stream().map(Parsed.Ok::value)
          .filter(b -> b.getPlayerId() == 203999L && b.getGameId().equals("0022300061")).findFirst().orElseThrow();
      // Synthetic correction: two more free throws made and attempted.
      h.pipe(PlayerBoxScore.newBuilder(jokic).setPts(jokic.getPts() + 2).setFtm(jokic.getFtm() + 2)
          .setFta(jokic.getFta() + 2).build(), GameStarts.NONE.endOf(null, LocalDate.of(2023, 11, 21)));
      assertThat(h.offense().get("0022300061|DEN").getPts()).isEqualTo(121);
      assertThat(h.defense().get("0022300061|LAL").getOppPts()).isEqualTo(121);
      assertThat(h.offense().get("0022300061|LAL")).isEqualTo(offense.get("0022300061|LAL"));
      assertThat(h.offense().entrySet().stream().filter(e -> !e.getValue().equals(offense.get(e.getKey()))).map(Map.Entry::getKey))
          .containsExactly("0022300061|DEN");
      assertThat(h.defense().entrySet().stream().filter(e -> !e.getValue().equals(defense.get(e.getKey()))).map(Map.Entry::getKey))
          .containsExactly("0022300061|LAL");
    }
  }

}
