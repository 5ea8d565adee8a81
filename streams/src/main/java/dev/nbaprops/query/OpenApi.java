package dev.nbaprops.query;

import dev.nbaprops.query.Route.Access;
import dev.nbaprops.query.Route.Param;
import dev.nbaprops.query.Route.Reply;
import dev.nbaprops.serde.TableSpec;
import dev.nbaprops.topology.StoreCatalog.Entry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;

/**
 * The OpenAPI 3.0 description of the query API, served at {@code /openapi.json}, generated from the route table
 * ({@link Routes}): one operation per route with its typed parameters and limits; table rows typed by schemas
 * generated from the tables' Avro schemas, so a generated client gets typed rows.
 */
final class OpenApi {
  private OpenApi() {}

  static Map<String, Object> describe(List<Route> routes) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("openapi", "3.0.3");
    doc.put("info", Json.ordered("title", "nba-props-streams query API", "version", "2",
        "description", "Current and past features read from the Kafka Streams state stores while the app runs. Any"
            + " instance answers any query. 503 + Retry-After while stores rebalance or restore, or when the server is"
            + " busy (stale=true accepts a standby replica; X-Nba-Stale-Read and X-Nba-Offset-Lag then say so). Lists"
            + " are pages: pass the answer's `next` as `after` for the next one. See docs/query-api.md."));
    doc.put("servers", List.of(Json.ordered("url", "/")));
    doc.put("security", List.of(Json.ordered("bearer", List.of())));
    Map<String, Object> schemas = new LinkedHashMap<>();
    schemas.put("Error", Json.ordered("type", "object", "required", List.of("error", "code"), "properties",
        Json.ordered("error", Json.ordered("type", "string", "description", "what went wrong, for a person"),
            "code", Json.ordered("type", "string", "description", "bad_request, unauthorized, not_found,"
                + " method_not_allowed, too_large, unavailable, internal_error, ..."))));
    for (TableSpec t : TableSpec.all()) {
      Map<String, Object> s = schemaOf(t.schema());
      s.put("description", t.table() + " (key " + String.join(", ", t.key()) + ")");
      schemas.put(t.schema().getName(), s);
    }
    Map<String, Object> paths = new LinkedHashMap<>();
    for (Route r : routes) {
      @SuppressWarnings("unchecked")
      Map<String, Object> item = (Map<String, Object>) paths.computeIfAbsent(r.template(), k -> new LinkedHashMap<>());
      item.put(r.method().toLowerCase(), operation(r));
    }
    doc.put("paths", paths);
    doc.put("components", Json.ordered("securitySchemes", Json.ordered("bearer", Json.ordered("type", "http",
        "scheme", "bearer", "description", "query.auth.token: every route but /health and the page's static files"
            + " needs it when set (a non-loopback bind refuses to start without it)")), "schemas", schemas));
    return doc;
  }

  private static Map<String, Object> operation(Route r) {
    Map<String, Object> op = new LinkedHashMap<>();
    op.put("summary", r.summary());
    op.put("operationId", operationId(r));
    if (r.access() == Access.INTERNAL) {
      op.put("tags", List.of("internal"));
    }
    List<Object> params = new ArrayList<>();
    for (Param p : r.params()) {
      params.add(parameter(p));
    }
    op.put("parameters", params);
    if (r.method().equals("POST") && r.template().equals("/training-set")) {
      op.put("requestBody", Json.ordered("required", true, "content", Json.ordered(
          "text/csv", Json.ordered("schema", Json.ordered("type", "string", "description", "header player_id,date")),
          "application/json", Json.ordered("schema", Json.ordered("type", "array", "maxItems", TrainingSet.MAX_PAIRS,
              "items", Json.ordered("type", "object", "required", List.of("player_id", "date"), "properties",
                  Json.ordered("player_id", Json.ordered("type", "integer", "format", "int64"),
                      "date", Json.ordered("type", "string", "format", "date"))))))));
    }
    Map<String, Object> responses = new LinkedHashMap<>();
    responses.put("200", Json.ordered("description", r.reply().description(), "content", content(r.reply())));
    Map<String, Object> err = Json.ordered("application/json", Json.ordered("schema", ref("Error")));
    responses.put("400", Json.ordered("description", "invalid input", "content", err));
    if (r.access() != Access.OPEN) {
      responses.put("401", Json.ordered("description", "missing or wrong bearer token", "content", err));
    }
    responses.put("404", Json.ordered("description", "unknown player, team, table or row; or table not computed by"
        + " this topology", "content", err));
    responses.put("503", Json.ordered("description", "stores rebalancing or restoring, or the server busy: retry"
        + " after Retry-After seconds", "content", err));
    op.put("responses", responses);
    if (r.access() == Access.OPEN) {
      op.put("security", List.of());
    }
    return op;
  }

  private static String operationId(Route r) {
    StringBuilder b = new StringBuilder(r.method().toLowerCase());
    for (String part : r.template().split("[/{}._-]+")) {
      if (!part.isEmpty()) {
        b.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
      }
    }
    return b.length() == 3 ? b + "Root" : b.toString();
  }

  private static Map<String, Object> content(Reply reply) {
    switch (reply.kind()) {
      case "row":
        return Json.ordered("application/json", Json.ordered("schema", rowSchema(reply.tables())));
      case "page":
        return Json.ordered("application/json", Json.ordered("schema", Json.ordered("type", "object",
            "description", reply.description(), "properties", Json.ordered(
                "count", Json.ordered("type", "integer"),
                "rows", Json.ordered("type", "array", "items", rowSchema(reply.tables())),
                "next", Json.ordered("type", "string", "nullable", true, "description",
                    "continuation token: pass it as `after` for the next page; null on the last page")))));
      case "object":
        return Json.ordered("application/json", Json.ordered("schema", Json.ordered("type", "object",
            "description", reply.description())));
      default:
        return Json.ordered(reply.kind(), Json.ordered("schema", Json.ordered("type", "string",
            "description", reply.description())));
    }
  }

  private static Map<String, Object> rowSchema(List<Entry> tables) {
    List<Object> refs = new ArrayList<>();
    for (Entry e : tables) {
      refs.add(ref(TableSpec.byTable(e.table()).schema().getName()));
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> one = refs.size() == 1 ? (Map<String, Object>) refs.get(0) : Json.ordered("oneOf", refs);
    return one;
  }

  private static Map<String, Object> parameter(Param p) {
    Map<String, Object> schema = new LinkedHashMap<>();
    schema.put("type", p.type().jsonType);
    if (p.type().format != null) {
      schema.put("format", p.type().format);
    }
    switch (p.type()) {
      case PLAYER_ID -> schema.put("minimum", 1);
      case GAME_ID -> schema.put("pattern", "^\\d{10}$");
      case TEAM -> schema.put("pattern", "^[A-Z]{2,3}$");
      case INT -> {
        schema.put("minimum", p.min());
        schema.put("maximum", p.max());
        if (p.dflt() != null) {
          schema.put("default", p.dflt());
        }
      }
      case TEXT -> {
        schema.put("minLength", p.min());
        schema.put("maxLength", p.max());
      }
      case TABLE, PLAYER_TABLE, TEAM_TABLE, GAME_TABLE -> schema.put("description", "a catalog table (see /tables)");
      default -> { }
    }
    return Json.ordered("name", p.name(), "in", p.in() == Route.In.PATH ? "path" : "query", "required", p.required(),
        "schema", schema, "description", p.description());
  }

  private static Map<String, Object> ref(String name) {
    return Json.ordered("$ref", "#/components/schemas/" + name);
  }

  /** A JSON schema for an Avro schema, as {@link Json#plain} writes its values. */
  static Map<String, Object> schemaOf(Schema s) {
    switch (s.getType()) {
      case UNION: {
        List<Schema> types = s.getTypes().stream().filter(t -> t.getType() != Schema.Type.NULL).toList();
        Map<String, Object> m = types.size() == 1 ? schemaOf(types.get(0))
            : Json.ordered("oneOf", types.stream().map(OpenApi::schemaOf).toList());
        if (types.size() < s.getTypes().size()) {
          m.put("nullable", true);
        }
        return m;
      }
      case RECORD: {
        Map<String, Object> props = new LinkedHashMap<>();
        List<String> required = new ArrayList<>();
        for (Schema.Field f : s.getFields()) {
          Map<String, Object> fs = schemaOf(f.schema());
          if (f.doc() != null) {
            fs.put("description", f.doc());
          }
          props.put(f.name(), fs);
          if (!f.schema().isNullable()) {
            required.add(f.name());
          }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "object");
        if (!required.isEmpty()) {
          m.put("required", required);
        }
        m.put("properties", props);
        return m;
      }
      case ARRAY:
        return Json.ordered("type", "array", "items", schemaOf(s.getElementType()));
      case MAP:
        return Json.ordered("type", "object", "additionalProperties", schemaOf(s.getValueType()));
      case ENUM:
        return Json.ordered("type", "string", "enum", s.getEnumSymbols());
      case STRING:
        return Json.ordered("type", "string");
      case BOOLEAN:
        return Json.ordered("type", "boolean");
      case DOUBLE:
        return Json.ordered("type", "number", "format", "double");
      case FLOAT:
        return Json.ordered("type", "number", "format", "float");
      case INT:
        return s.getLogicalType() instanceof LogicalTypes.Date ? Json.ordered("type", "string", "format", "date")
            : Json.ordered("type", "integer", "format", "int32");
      case LONG:
        return s.getLogicalType() instanceof LogicalTypes.TimestampMillis
            || s.getLogicalType() instanceof LogicalTypes.TimestampMicros
            ? Json.ordered("type", "string", "format", "date-time") : Json.ordered("type", "integer", "format", "int64");
      case BYTES:
      case FIXED:
        return Json.ordered("type", "string", "format", "byte");
      default:
        return Json.ordered("type", "string");
    }
  }
}
