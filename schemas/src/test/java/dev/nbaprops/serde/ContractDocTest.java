package dev.nbaprops.serde;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/contract.md states the derived tables and their keys for readers; the schemas ({@code x-table},
 * {@code x-key}, read by {@link TableSpec}) state them for the code. The two must say the same: a table added,
 * renamed or re-keyed on one side only fails here.
 */
class ContractDocTest {
  /** A row of the contract's table list: | `dataset.table` | `k1`, `k2` | one row for each ... |. */
  private static final Pattern ROW = Pattern.compile("^\\| `(nba_\\w+\\.\\w+)` \\| ([^|]+) \\|", Pattern.MULTILINE);

  static Map<String, List<String>> documented(String text) {
    int from = text.indexOf("\n## Tables\n");
    assertThat(from).as("docs/contract.md has a '## Tables' section").isGreaterThanOrEqualTo(0);
    int to = text.indexOf("\n## ", from + 1);
    String section = text.substring(from, to < 0 ? text.length() : to);
    Map<String, List<String>> out = new LinkedHashMap<>();
    Matcher m = ROW.matcher(section);
    while (m.find()) {
      List<String> key = Arrays.stream(m.group(2).split(","))
          .map(k -> k.strip().replace("`", "")).toList();
      assertThat(out.put(m.group(1), key)).as("%s listed twice in docs/contract.md", m.group(1)).isNull();
    }
    return out;
  }

  @Test
  void theContractListsExactlyTheSchemasTablesWithTheirKeys() throws Exception {
    Map<String, List<String>> doc = documented(Files.readString(Path.of("..", "docs", "contract.md")));
    Map<String, List<String>> schemas = new LinkedHashMap<>();
    TableSpec.all().forEach(t -> schemas.put(t.table(), t.key()));
    assertThat(doc).as("tables and keys (in order) of docs/contract.md against the schemas' x-table / x-key")
        .containsExactlyInAnyOrderEntriesOf(schemas);
  }

  @Test
  void aTableMissingOrReKeyedInTheDocIsSeen() {
    String doc = """
        intro
        ## Tables
        | table | key (in order) | one row for each |
        |---|---|---|
        | `nba_analytics.player_game_summary` | `player_id`, `game_id` | player who played |

        ## Time
        | `nba_precompute.not_a_table` | `x` | outside the section: ignored |
        """;
    Map<String, List<String>> parsed = documented(doc);
    assertThat(parsed).containsExactly(Map.entry("nba_analytics.player_game_summary", List.of("player_id", "game_id")));
    assertThat(parsed.get("nba_analytics.player_game_summary"))
        .isNotEqualTo(TableSpec.byTable("nba_analytics.player_game_summary").key());
  }
}
