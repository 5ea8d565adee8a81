package dev.nbaprops.query;

import dev.nbaprops.topology.StoreCatalog;
import dev.nbaprops.topology.StoreCatalog.Entry;
import dev.nbaprops.topology.StoreCatalog.Partitioning;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The OpenAPI 3.0 description of the query API, served at {@code /openapi.json}; table names come from the catalog. */
final class OpenApi {
  private OpenApi() {}

  static Map<String, Object> describe() {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("openapi", "3.0.3");
    doc.put("info", Json.ordered("title", "nba-props-streams query API", "version", "1",
        "description", "Current and past features read from the Kafka Streams state stores while the app runs. Any"
            + " instance answers any query. 503 + Retry-After while stores rebalance or restore (stale=true accepts a"
            + " standby replica; X-Nba-Stale-Read and X-Nba-Offset-Lag then say so). See docs/query-api.md."));
    doc.put("servers", List.of(Json.ordered("url", "/")));
    doc.put("security", List.of(Json.ordered("bearer", List.of())));
    Map<String, Object> components = new LinkedHashMap<>();
    components.put("securitySchemes", Json.ordered("bearer", Json.ordered("type", "http", "scheme", "bearer",
        "description", "Only when query.auth.token is set; /health and the web page's static files need none.")));
    components.put("schemas", Json.ordered(
        "Error", Json.ordered("type", "object", "properties", Json.ordered("error", Json.ordered("type", "string"))),
        "Row", Json.ordered("type", "object", "additionalProperties", true,
            "description", "One table row: the fields of the table's Avro schema (schemas/src/main/avro)."),
        "Rows", Json.ordered("type", "object", "properties", Json.ordered("count", Json.ordered("type", "integer"),
            "rows", Json.ordered("type", "array", "items", ref("Row"))))));
    doc.put("components", components);

    List<String> all = StoreCatalog.ALL.stream().map(Entry::store).toList();
    List<String> player = names(Partitioning.BY_PLAYER);
    List<String> team = names(Partitioning.BY_SEASON_OF_DATE);
    List<String> game = names(Partitioning.BY_GAME);
    Map<String, Object> paths = new LinkedHashMap<>();
    paths.put("/health", get("Kafka Streams state: 200 when RUNNING, else 503", List.of(), "object", false));
    paths.put("/metrics", get("Prometheus text exposition: Kafka Streams metrics and request metrics", List.of(),
        "text", true));
    paths.put("/openapi.json", get("This description", List.of(), "object", true));
    paths.put("/tables", get("The queryable tables: key layout, partitioning, whether this topology computes them",
        List.of(), "object", true));
    paths.put("/tables/{table}/rows", get("The row of exactly one key (key parts joined by '|', e.g. 203999|2023-10-27)",
        List.of(path("table", all), query("key", "string", true, "the table's key"), stale()), "Row", true));
    paths.put("/players", get("Players whose name contains q (case and accents ignored)", List.of(
        query("q", "string", true, "2 to 64 characters"), query("limit", "integer", false, "1-200, default 20"),
        stale()), "object", true));
    paths.put("/players/{player_id}", get("A player's identity, seasons and tables", List.of(playerId(), stale()),
        "object", true));
    paths.put("/players/{player_id}/games", get("The player's player_game_summary rows by date",
        List.of(playerId(), stale()), "Rows", true));
    paths.put("/players/{player_id}/daily-cache", get("player_daily_cache row (player_id, date)",
        List.of(playerId(), date(true), asOf(), stale()), "Row", true));
    paths.put("/players/{player_id}/{table}", get("The player's row for date D; with asOf=true the latest row at or"
        + " before D", List.of(playerId(), path("table", player), date(true), asOf(), stale()), "Row", true));
    paths.put("/players/{player_id}/{table}/history", get("The player's rows with from <= date <= to (both optional)",
        List.of(playerId(), path("table", player), query("from", "string", false, "YYYY-MM-DD"),
            query("to", "string", false, "YYYY-MM-DD"), stale()), "Rows", true));
    paths.put("/teams", get("The 30 teams", List.of(), "object", true));
    paths.put("/teams/{team}/{table}", get("The team's row for date D (asOf=true: latest at or before D)",
        List.of(team(), path("table", team), date(true), asOf(), stale()), "Row", true));
    paths.put("/teams/{team}/{table}/history", get("The team's rows with from <= date <= to",
        List.of(team(), path("table", team), query("from", "string", false, "YYYY-MM-DD"),
            query("to", "string", false, "YYYY-MM-DD"), stale()), "Rows", true));
    paths.put("/games/{game_id}/{table}", get("Both teams' rows of a game", List.of(gameId(), path("table", game),
        stale()), "Rows", true));
    paths.put("/games/{game_id}/teams/{team}/offense", get("team_offense_game_summary row", List.of(gameId(), team(),
        stale()), "Row", true));
    paths.put("/games/{game_id}/teams/{team}/defense", get("team_defense_game_summary row", List.of(gameId(), team(),
        stale()), "Row", true));
    paths.put("/dates/{date}/{table}", get("Every row of the table for that date (e.g. every player with a game),"
        + " gathered from all instances", List.of(pathDate(), path("table", all), stale()), "Rows", true));
    paths.put("/coverage", get("Per table: rows for the date, expected rows (from player_game_summary), missing keys",
        List.of(date(true), stale()), "object", true));
    doc.put("paths", paths);
    return doc;
  }

  private static List<String> names(Partitioning p) {
    List<String> out = new ArrayList<>();
    for (Entry e : StoreCatalog.ALL) {
      if (e.partitioning() == p) {
        out.add(e.store());
      }
    }
    return out;
  }

  private static Map<String, Object> ref(String name) {
    return Json.ordered("$ref", "#/components/schemas/" + name);
  }

  private static Map<String, Object> get(String summary, List<Map<String, Object>> params, String schema,
                                         boolean secured) {
    Map<String, Object> responses = new LinkedHashMap<>();
    Map<String, Object> ok = new LinkedHashMap<>();
    ok.put("description", "OK");
    ok.put("content", schema.equals("text") ? Json.ordered("text/plain", Json.ordered("schema", Json.ordered("type", "string")))
        : Json.ordered("application/json", Json.ordered("schema", schema.equals("object") ? Json.ordered("type", "object")
            : ref(schema))));
    responses.put("200", ok);
    Map<String, Object> err = Json.ordered("application/json", Json.ordered("schema", ref("Error")));
    responses.put("400", Json.ordered("description", "invalid input", "content", err));
    if (secured) {
      responses.put("401", Json.ordered("description", "missing or wrong bearer token", "content", err));
    }
    responses.put("404", Json.ordered("description", "unknown player, team, table or row; or table not computed by this"
        + " topology", "content", err));
    responses.put("503", Json.ordered("description", "stores rebalancing or restoring: retry after Retry-After seconds",
        "content", err));
    Map<String, Object> op = new LinkedHashMap<>();
    op.put("summary", summary);
    op.put("parameters", params);
    op.put("responses", responses);
    if (!secured) {
      op.put("security", List.of());
    }
    return Json.ordered("get", op);
  }

  private static Map<String, Object> path(String name, List<String> values) {
    return Json.ordered("name", name, "in", "path", "required", true,
        "schema", Json.ordered("type", "string", "enum", values),
        "description", "store name, or the table name (e.g. nba_precompute.player_daily_cache or player_daily_cache)");
  }

  private static Map<String, Object> query(String name, String type, boolean required, String description) {
    return Json.ordered("name", name, "in", "query", "required", required, "schema", Json.ordered("type", type),
        "description", description);
  }

  private static Map<String, Object> playerId() {
    return Json.ordered("name", "player_id", "in", "path", "required", true,
        "schema", Json.ordered("type", "integer", "format", "int64", "minimum", 1));
  }

  private static Map<String, Object> team() {
    return Json.ordered("name", "team", "in", "path", "required", true,
        "schema", Json.ordered("type", "string", "pattern", "^[A-Z]{2,3}$"), "description", "NBA abbreviation, e.g. DEN");
  }

  private static Map<String, Object> gameId() {
    return Json.ordered("name", "game_id", "in", "path", "required", true,
        "schema", Json.ordered("type", "string", "pattern", "^\\d{10}$"));
  }

  private static Map<String, Object> pathDate() {
    return Json.ordered("name", "date", "in", "path", "required", true, "schema", Json.ordered("type", "string", "format", "date"));
  }

  private static Map<String, Object> date(boolean required) {
    return Json.ordered("name", "date", "in", "query", "required", required,
        "schema", Json.ordered("type", "string", "format", "date"));
  }

  private static Map<String, Object> asOf() {
    return query("asOf", "boolean", false, "true: the latest row at or before date (versioned tables)");
  }

  private static Map<String, Object> stale() {
    return query("stale", "boolean", false, "true: a standby replica may answer while the owner restores");
  }
}
