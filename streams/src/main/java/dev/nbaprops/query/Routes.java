package dev.nbaprops.query;

import static dev.nbaprops.query.Route.Param.after;
import static dev.nbaprops.query.Route.Param.limit;
import static dev.nbaprops.query.Route.Param.path;
import static dev.nbaprops.query.Route.Param.query;
import static dev.nbaprops.query.Route.Param.stale;

import dev.nbaprops.query.Route.Access;
import dev.nbaprops.query.Route.Param;
import dev.nbaprops.query.Route.Reply;
import dev.nbaprops.query.Route.Type;
import dev.nbaprops.topology.StoreCatalog;
import dev.nbaprops.topology.StoreCatalog.Partitioning;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The route table of the query API: every route declared once, in match order (a literal path segment is declared
 * before a parameter in the same place). {@link HttpLayer} dispatches and validates from it, {@link OpenApi}
 * describes it and {@link ApiDocs} writes the table of docs/query-api.md from it.
 */
final class Routes {
  private static final Pattern STATIC = Pattern.compile("[a-z0-9-]+\\.(html|js|css|svg)");

  private Routes() {}

  /** The declarations alone (handlers that refuse to run), for OpenAPI and the docs without a running app. */
  static List<Route> describe() {
    return table(null, null, null, null, null, () -> KafkaStreams.State.CREATED);
  }

  static List<Route> table(TableReads reads, Coverage coverage, TrainingSet.Endpoint training, QueryMetrics metrics,
                           Supplier<Object> openApi, Supplier<KafkaStreams.State> state) {
    List<Route> r = new ArrayList<>();
    Param date = query("date", Type.DATE, true, "YYYY-MM-DD");
    Param asOf = query("asOf", Type.BOOL, false, "true: the latest row at or before date (versioned tables)");
    Param from = query("from", Type.DATE, false, "YYYY-MM-DD: rows dated on or after it");
    Param to = query("to", Type.DATE, false, "YYYY-MM-DD: rows dated on or before it");
    Param player = path("player_id", Type.PLAYER_ID, "NBA player id, e.g. 203999");
    Param team = path("team", Type.TEAM, "NBA abbreviation in capitals, e.g. DEN");
    Param game = path("game_id", Type.GAME_ID, "10 digits, e.g. 0022300061");
    String tableName = "store name or table name (player-daily-cache, nba_precompute.player_daily_cache,"
        + " player_daily_cache)";
    Param limit = limit(TableReads.PAGE_DEFAULT, TableReads.PAGE_MAX);
    List<StoreCatalog.Entry> playerTables = Route.tables(Partitioning.BY_PLAYER);
    List<StoreCatalog.Entry> teamTables = Route.tables(Partitioning.BY_SEASON_OF_DATE);
    List<StoreCatalog.Entry> gameTables = Route.tables(Partitioning.BY_GAME);

    r.add(new Route("GET", "/health", "Kafka Streams state: 200 when RUNNING, else 503 with Retry-After. Never needs"
        + " the token.", List.of(), Reply.object("{\"status\": \"RUNNING\"}"), Access.OPEN, c -> {
          KafkaStreams.State st = state.get();
          Answer a = Answer.json(Json.ordered("status", st.toString()));
          return st == KafkaStreams.State.RUNNING ? a
              : new Answer(503, a.body(), a.contentType(), a.headers()).header("Retry-After", HttpLayer.RETRY_AFTER);
        }));
    r.add(new Route("GET", "/", "The web page (static files, no data; its data calls carry the token)", List.of(),
        Reply.text("text/html", "HTML"), Access.OPEN, c -> staticFile("index.html")));
    r.add(new Route("GET", "/index.html", "The web page", List.of(), Reply.text("text/html", "HTML"), Access.OPEN,
        c -> staticFile("index.html")));
    r.add(new Route("GET", "/web/{file}", "The page's scripts and styles", List.of(path("file", Type.TEXT,
        "file name").bounded(1, 64)), Reply.text("text/plain", "a static file"), Access.OPEN,
        c -> staticFile(c.get("file"))));
    r.add(new Route("GET", "/metrics", "Prometheus text exposition: Kafka Streams metrics and request metrics",
        List.of(), Reply.text("text/plain", "Prometheus text format 0.0.4"), Access.TOKEN,
        c -> Answer.bytes(200, metrics.scrape(), QueryMetrics.CONTENT_TYPE)));
    r.add(new Route("GET", "/openapi.json", "This API as OpenAPI 3.0 (row schemas from the Avro schemas)", List.of(),
        Reply.object("OpenAPI document"), Access.TOKEN, c -> Answer.json(openApi.get())));
    r.add(new Route("GET", "/tables", "The queryable tables: key layout, partitioning, whether this topology computes"
        + " them", List.of(), Reply.object("{\"tables\": [...]}"), Access.TOKEN, c -> reads.tables()));
    r.add(new Route("GET", "/tables/{table}/rows", "The row of exactly one key (parts joined by `|`, URL-encoded as"
        + " `%7C`)", List.of(path("table", Type.TABLE, tableName), query("key", Type.TEXT, true,
        "the store key, e.g. 203999|2023-10-27").bounded(1, 200), stale()), Reply.row(StoreCatalog.ALL),
        Access.KEY, reads == null ? null : reads::keyRow));
    r.add(new Route("GET", "/teams", "The 30 teams", List.of(), Reply.object("{\"teams\": [...]}"), Access.TOKEN,
        c -> reads.teams()));
    r.add(new Route("GET", "/players", "Players whose name contains q (case and accents ignored): id, latest name"
        + " and team, last game date, games", List.of(query("q", Type.TEXT, true, "2 to 64 characters").bounded(2, 64),
        Param.limit(TableReads.SEARCH_DEFAULT, TableReads.SEARCH_MAX), after(), stale()),
        Reply.object("{\"q\", \"count\", \"players\": [...], \"next\"}"), Access.TOKEN,
        reads == null ? null : reads::searchPlayers));
    r.add(new Route("GET", "/coverage", "Per table: rows for the date, expected rows (from player_game_summary),"
        + " missing and unexpected keys", List.of(date, stale()), Reply.object("coverage report"), Access.TOKEN,
        coverage == null ? null : coverage::report));
    r.add(new Route("GET", "/players/{player_id}", "Name, team, seasons, first/last game date, and the player tables",
        List.of(player, stale()), Reply.object("player summary"), Access.TOKEN,
        reads == null ? null : reads::playerSummary));
    r.add(new Route("GET", "/players/{player_id}/games", "The player's player_game_summary rows by date",
        List.of(player, limit, after(), stale()), Reply.page(List.of(StoreCatalog.PLAYER_GAME_SUMMARY),
        "{\"player_id\", \"rows\", \"next\"}"), Access.TOKEN,
        c -> reads.playerHistory(c, StoreCatalog.PLAYER_GAME_SUMMARY, true)));
    r.add(new Route("GET", "/players/{player_id}/daily-cache", "player_daily_cache row (player_id, date)",
        List.of(player, date, asOf, stale()), Reply.row(List.of(StoreCatalog.PLAYER_DAILY_CACHE)), Access.KEY,
        c -> reads.playerRow(c, StoreCatalog.PLAYER_DAILY_CACHE)));
    r.add(new Route("GET", "/players/{player_id}/{table}", "The player's row for the date; with asOf=true the latest"
        + " row at or before it", List.of(player, path("table", Type.PLAYER_TABLE, tableName), date, asOf, stale()),
        Reply.row(playerTables), Access.KEY, c -> reads.playerRow(c, c.get("table"))));
    r.add(new Route("GET", "/players/{player_id}/{table}/history", "The player's rows with from <= date <= to, in"
        + " date order", List.of(player, path("table", Type.PLAYER_TABLE, tableName), from, to, limit, after(),
        stale()), Reply.page(playerTables, "{\"player_id\", \"table\", \"from\", \"to\", \"count\", \"rows\", \"next\"}"),
        Access.TOKEN, c -> reads.playerHistory(c, c.get("table"), false)));
    r.add(new Route("GET", "/teams/{team}/{table}", "Team-by-date tables: the team's row for the date (asOf=true:"
        + " latest at or before)", List.of(team, path("table", Type.TEAM_TABLE, tableName), date, asOf, stale()),
        Reply.row(teamTables), Access.TOKEN, reads == null ? null : reads::teamRow));
    r.add(new Route("GET", "/teams/{team}/{table}/history", "The team's rows over a date range (e.g. zone defense"
        + " over time), from all instances", List.of(team, path("table", Type.TEAM_TABLE, tableName), from, to,
        limit, after(), stale()), Reply.page(teamTables, "{\"team_abbr\", \"table\", \"from\", \"to\", \"count\","
        + " \"rows\", \"next\"}"), Access.TOKEN, reads == null ? null : reads::teamHistory));
    r.add(new Route("GET", "/games/{game_id}/teams/{team}/offense", "One team's team_offense_game_summary row",
        List.of(game, team, stale()), Reply.row(List.of(StoreCatalog.TEAM_OFFENSE_GAME_SUMMARY)), Access.KEY,
        c -> reads.gameTeam(c, true)));
    r.add(new Route("GET", "/games/{game_id}/teams/{team}/defense", "One team's team_defense_game_summary row",
        List.of(game, team, stale()), Reply.row(List.of(StoreCatalog.TEAM_DEFENSE_GAME_SUMMARY)), Access.KEY,
        c -> reads.gameTeam(c, false)));
    r.add(new Route("GET", "/games/{game_id}/{table}", "Both teams' rows of a game",
        List.of(game, path("table", Type.GAME_TABLE, tableName), stale()),
        Reply.page(gameTables, "{\"game_id\", \"table\", \"rows\"}"), Access.TOKEN,
        reads == null ? null : reads::gameRows));
    r.add(new Route("GET", "/dates/{date}/{table}", "The table's rows for the date (e.g. every player with a game),"
        + " from all instances, in key order", List.of(path("date", Type.DATE, "YYYY-MM-DD"),
        path("table", Type.TABLE, tableName), limit, after(), stale()), Reply.page(StoreCatalog.ALL,
        "{\"table\", \"date\", \"count\", \"rows\", \"next\"}"), Access.TOKEN, reads == null ? null : reads::dateRows));
    r.add(new Route("POST", "/training-set", "Training rows: for each (player_id, date) of the body (CSV with header"
        + " `player_id,date`, or JSON; at most " + TrainingSet.MAX_PAIRS + " pairs) the ml_feature_store row and the"
        + " label pra, pra_line, pra_result; streamed as CSV (`Accept: text/csv`) or NDJSON"
        + " (`application/x-ndjson`)", List.of(stale()), Reply.text("text/csv", "columns player_id, date, every"
        + " ml_feature_store column but its key, pra, pra_line, pra_result"), Access.TOKEN,
        training == null ? null : training::answer));
    r.add(new Route("GET", "/internal/scan", "Instance to instance: this instance's partitions of a key range or a"
        + " date (limit required)", List.of(query("store", Type.TABLE, true, "store name"),
        new Param("limit", Route.In.QUERY, Type.INT, true, "rows per partition, 1 to " + InstanceRouter.INTERNAL_MAX_ROWS,
            1, InstanceRouter.INTERNAL_MAX_ROWS, null),
        query("partitions", Type.PARTITIONS, false, "comma-separated partitions (default: all answerable here)"),
        query("from", Type.TEXT, false, "first key").bounded(1, 200),
        query("to", Type.TEXT, false, "last key").bounded(1, 200),
        query("reverse", Type.BOOL, false, "true: descending key order"),
        query("date", Type.DATE, false, "the rows dated D (instead of a key range)"),
        query("after", Type.TEXT, false, "keys after this one").bounded(1, 200),
        query("match", Type.TEXT, false, "player search text (player-game-summary)").bounded(2, 64), stale()),
        Reply.object("{\"partitions\": {\"N\": {\"standby\", \"lag\", \"more\", \"rows\": [[key, row], ...]}}}"),
        Access.INTERNAL, reads == null ? null : reads::internalScan));
    r.add(new Route("POST", "/internal/rows", "Instance to instance: the first row of each key range of one"
        + " partition (at most " + InstanceRouter.INTERNAL_MAX_RANGES + " ranges)", List.of(),
        Reply.object("{\"rows\": [...]}"), Access.INTERNAL, reads == null ? null : reads::internalRows));
    return List.copyOf(r);
  }

  private static Answer staticFile(String name) {
    if (!STATIC.matcher(name).matches()) {
      throw ApiError.notFound("no such file: /web/" + name);
    }
    String type = name.endsWith(".html") ? "text/html; charset=utf-8" : name.endsWith(".js")
        ? "text/javascript; charset=utf-8" : name.endsWith(".css") ? "text/css; charset=utf-8" : "image/svg+xml";
    try (InputStream in = Routes.class.getResourceAsStream("/web/" + name)) {
      if (in == null) {
        throw ApiError.notFound("no such file: /web/" + name);
      }
      return Answer.bytes(200, in.readAllBytes(), type).header("Cache-Control", "no-cache");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Route templates by method, for the Allow header. */
  static Map<String, List<String>> methodsByTemplate(List<Route> routes) {
    Map<String, List<String>> m = new LinkedHashMap<>();
    routes.forEach(r -> m.computeIfAbsent(r.template(), k -> new ArrayList<>()).add(r.method()));
    return m;
  }
}
