package dev.nbaprops.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nbaprops.testing.TestData;
import dev.nbaprops.topology.StoreCatalog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * docs/query-api.md cannot drift from the routes: its endpoint table is the one {@link ApiDocs} generates from the
 * route table (set NBA_WRITE_DOCS=1 to rewrite it after changing a route), and the OpenAPI document describes the
 * same routes with typed row schemas generated from the Avro schemas.
 */
class QueryApiDocsTest {
  @Test
  void docsTableIsTheRouteTable() throws Exception {
    Path doc = TestData.projectRoot().resolve("docs/query-api.md");
    String text = Files.readString(doc);
    int b = text.indexOf(ApiDocs.BEGIN);
    int e = text.indexOf(ApiDocs.END);
    assertThat(b).as("docs/query-api.md has the generated-table markers").isNotNegative();
    assertThat(e).isGreaterThan(b);
    String current = text.substring(b + ApiDocs.BEGIN.length(), e).strip();
    String generated = ApiDocs.markdown().strip();
    if (!current.equals(generated) && "1".equals(System.getenv("NBA_WRITE_DOCS"))) {
      Files.writeString(doc, text.substring(0, b + ApiDocs.BEGIN.length()) + "\n" + generated + "\n" + text.substring(e));
      current = generated;
    }
    assertThat(current).as("docs/query-api.md's route table differs from Routes.java; run the test with"
        + " NBA_WRITE_DOCS=1 to regenerate it").isEqualTo(generated);
  }

  @Test
  void openApiHasEveryRouteAndTypedRows() {
    List<Route> routes = Routes.describe();
    JsonNode api = Json.MAPPER.valueToTree(OpenApi.describe(routes));
    Set<String> seen = new HashSet<>();
    for (Route r : routes) {
      JsonNode op = api.path("paths").path(r.template()).path(r.method().toLowerCase());
      assertThat(op.isObject()).as(r.method() + " " + r.template()).isTrue();
      assertThat(op.path("operationId").asText()).isNotBlank();
      assertThat(seen.add(op.path("operationId").asText())).as("unique operationId").isTrue();
      for (Route.Param p : r.params()) {
        boolean found = false;
        for (JsonNode q : op.path("parameters")) {
          found |= q.path("name").asText().equals(p.name());
        }
        assertThat(found).as(r.template() + " documents " + p.name()).isTrue();
      }
    }
    // Every table has a typed schema from its Avro schema: fields, types, nullability.
    JsonNode features = api.path("components").path("schemas").path("MlFeatureStore");
    assertThat(features.path("properties").path("player_id").path("format").asText()).isEqualTo("int64");
    assertThat(features.path("properties").path("game_date").path("format").asText()).isEqualTo("date");
    assertThat(features.path("properties").path("pts_avg_last_5").path("type").asText()).isEqualTo("number");
    assertThat(features.path("properties").path("pts_avg_last_5").path("nullable").asBoolean()).isTrue();
    assertThat(features.path("required").toString()).contains("player_id").doesNotContain("pts_avg_last_5");
    for (StoreCatalog.Entry e : StoreCatalog.ALL) {
      assertThat(api.toString()).contains("#/components/schemas/"
          + dev.nbaprops.serde.TableSpec.byTable(e.table()).schema().getName());
    }
    JsonNode rowRef = api.path("paths").path("/players/{player_id}/daily-cache").path("get").path("responses")
        .path("200").path("content").path("application/json").path("schema").path("$ref");
    assertThat(rowRef.asText()).isEqualTo("#/components/schemas/PlayerDailyCache");
    JsonNode limit = null;
    for (JsonNode q : api.path("paths").path("/dates/{date}/{table}").path("get").path("parameters")) {
      if (q.path("name").asText().equals("limit")) {
        limit = q;
      }
    }
    assertThat(limit).isNotNull();
    assertThat(limit.path("schema").path("maximum").asInt()).isEqualTo(TableReads.PAGE_MAX);
  }
}
