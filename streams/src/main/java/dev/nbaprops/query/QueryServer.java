package dev.nbaprops.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.nbaprops.config.AppConfig;
import dev.nbaprops.query.LocalStores.Part;
import dev.nbaprops.query.LocalStores.Row;
import dev.nbaprops.query.LocalStores.Scan;
import dev.nbaprops.source.Teams;
import dev.nbaprops.topology.StoreCatalog;
import dev.nbaprops.topology.StoreCatalog.Entry;
import dev.nbaprops.topology.StoreCatalog.Partitioning;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The query API over the state stores (interactive queries), generic over {@link StoreCatalog#ALL}. Whichever
 * instance receives a request builds the answer, so every instance answers the same bytes:
 * <ul>
 *   <li>key lookups (one key, a player's or game's rows, an as-of lookup) read the partition that owns the key
 *   ({@code queryMetadataForKey} with the catalog's partitioner): locally when this instance runs its active task,
 *   else from the owner ({@code application.server}) over {@code /internal/scan};</li>
 *   <li>date-wide queries (all rows of a date, coverage, player search, a team's history) gather every partition
 *   from every instance and answer only when each partition came from a queryable copy.</li>
 * </ul>
 * A partition that no instance can serve now (rebalance, restoration, an instance down) makes the answer 503 with
 * Retry-After, never a 500 or an empty 200. With {@code stale=true} the caller accepts a standby replica, and the
 * answer says so in {@code X-Nba-Stale-Read} and {@code X-Nba-Offset-Lag}. The routes are in docs/query-api.md
 * and served as OpenAPI at {@code /openapi.json}.
 */
public final class QueryServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(QueryServer.class);
  static final String FORWARDED = "X-Nba-Forwarded";
  static final String RETRY_AFTER_SECONDS = "1";
  private static final Pattern PLAYER = Pattern.compile("/players/([^/]+)(?:/([^/]+))?(/history)?");
  private static final Pattern TEAM = Pattern.compile("/teams/([^/]+)/([^/]+)(/history)?");
  private static final Pattern GAME = Pattern.compile("/games/([^/]+)/([^/]+)");
  private static final Pattern GAME_TEAM = Pattern.compile("/games/([^/]+)/teams/([^/]+)/(offense|defense)");
  private static final Pattern DATE = Pattern.compile("/dates/([^/]+)/([^/]+)");
  private static final Pattern TABLE_ROWS = Pattern.compile("/tables/([^/]+)/rows");
  private static final Pattern PLAYER_ID = Pattern.compile("[1-9]\\d{0,17}");
  private static final Pattern GAME_ID = Pattern.compile("\\d{10}");
  private static final Pattern TEAM_ABBR = Pattern.compile("[A-Z]{2,3}");
  private static final Pattern STATIC = Pattern.compile("/web/([a-z0-9-]+\\.(html|js|css|svg))");
  /** Above every character of a key segment (digits, dates, team letters, '|'): the end of a prefix range. */
  private static final String HIGH = "~";

  static {
    // The JDK server writes headers and body separately: without TCP_NODELAY, Nagle's algorithm and delayed ACKs
    // hold every keep-alive response about 40 ms. Read once, when the server classes load: set it before that.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  private final HttpServer server;
  private final ExecutorService executor;
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final AppConfig cfg;
  private final String token;
  private final QueryMetrics metrics = new QueryMetrics();
  private volatile KafkaStreams streams;
  private volatile LocalStores local;
  private HostInfo self;

  private QueryServer(HttpServer server, ExecutorService executor, AppConfig cfg) {
    this.server = server;
    this.executor = executor;
    this.cfg = cfg;
    this.token = cfg.queryAuthToken();
  }

  /** Binds the port now (so its number is known for application.server); serves after {@link #start()}. */
  public static QueryServer bind(String host, int port, AppConfig cfg) {
    try {
      HttpServer s = HttpServer.create(new InetSocketAddress(host, port), 128);
      ExecutorService pool = Executors.newFixedThreadPool(cfg.getInt(AppConfig.QUERY_THREADS), r -> {
        Thread t = new Thread(r, "query-api");
        t.setDaemon(true);
        return t;
      });
      s.setExecutor(pool);
      return new QueryServer(s, pool, cfg);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot bind the query API to " + host + ":" + port + " (" + e.getMessage()
          + "); pass --port to use another port", e);
    }
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** The instance's Kafka Streams and the topology it runs (which catalog stores exist in it). */
  public void attach(KafkaStreams streams, Topology topology) {
    this.streams = streams;
    this.local = new LocalStores(streams, topology.describe());
    this.self = new HostInfo(cfg.getString(AppConfig.QUERY_ADVERTISED_HOST), port());
    metrics.attach(() -> this.streams);
  }

  /** Serves {@code handler} under {@code path} (e.g. the live mode's {@code /live}); may be called after start. */
  public void mount(String path, com.sun.net.httpserver.HttpHandler handler) {
    server.createContext(path, handler);
  }

  public void start() {
    server.createContext("/", this::handle);
    server.start();
    LOG.info("query API on http://{}:{}", server.getAddress().getHostString(), port());
  }

  // ---------------------------------------------------------------------------------------------------------
  // HTTP

  /** An answer: status, JSON body (or raw bytes with a content type), extra headers. */
  private record Answer(int status, Object body, String contentType, Map<String, String> headers) {
    static Answer json(Object body) {
      return new Answer(200, body, "application/json", new LinkedHashMap<>());
    }

    Answer header(String k, String v) {
      headers.put(k, v);
      return this;
    }
  }

  /** An answer other than 200, with a message for the caller. */
  static final class ApiError extends RuntimeException {
    final int status;

    ApiError(int status, String message) {
      super(message, null, false, false);
      this.status = status;
    }
  }

  static ApiError badRequest(String m) {
    return new ApiError(400, m);
  }

  static ApiError notFound(String m) {
    return new ApiError(404, m);
  }

  /** The store cannot answer now; the caller should retry (503 with Retry-After). */
  static final class Unavailable extends RuntimeException {
    Unavailable(String message) {
      super(message, null, false, false);
    }
  }

  private final ThreadLocal<String> route = new ThreadLocal<>();

  private void handle(HttpExchange ex) throws IOException {
    long t0 = System.nanoTime();
    route.set("unmatched");
    int status = 500;
    try (ex) {
      Answer a;
      try {
        a = dispatch(ex);
      } catch (ApiError e) {
        a = error(e.status, e.getMessage());
      } catch (NumberFormatException e) {
        a = error(400, "malformed number: " + e.getMessage());
      } catch (Unavailable e) {
        a = error(503, e.getMessage()).header("Retry-After", RETRY_AFTER_SECONDS);
      } catch (RuntimeException e) {
        LOG.warn("query {} failed", ex.getRequestURI(), e);
        a = error(500, "internal error: " + e);
      }
      status = a.status();
      send(ex, a);
    } finally {
      metrics.observe(route.get(), status, System.nanoTime() - t0);
    }
  }

  private Answer dispatch(HttpExchange ex) {
    String path = ex.getRequestURI().getPath();
    if (!"GET".equals(ex.getRequestMethod())) {
      throw new ApiError(405, "only GET is supported");
    }
    Map<String, String> q = queryParams(ex.getRequestURI());
    if (path.equals("/health")) {
      route.set("/health");
      KafkaStreams.State st = streams == null ? KafkaStreams.State.CREATED : streams.state();
      Answer a = new Answer(st == KafkaStreams.State.RUNNING ? 200 : 503, Map.of("status", st.toString()),
          "application/json", new LinkedHashMap<>());
      return st == KafkaStreams.State.RUNNING ? a : a.header("Retry-After", RETRY_AFTER_SECONDS);
    }
    if (path.equals("/") || path.equals("/index.html") || STATIC.matcher(path).matches()) {
      route.set("/web");
      return staticFile(path.equals("/") || path.equals("/index.html") ? "index.html"
          : path.substring("/web/".length()));
    }
    authorize(ex);
    Matcher m;
    if (path.equals("/metrics")) {
      route.set("/metrics");
      allow(q);
      return new Answer(200, metrics.scrape(), QueryMetrics.CONTENT_TYPE, new LinkedHashMap<>());
    } else if (path.equals("/openapi.json")) {
      route.set("/openapi.json");
      allow(q);
      return Answer.json(OpenApi.describe());
    } else if (path.equals("/internal/scan")) {
      route.set("/internal/scan");
      return Answer.json(internalScan(q));
    } else if (path.equals("/tables")) {
      route.set("/tables");
      allow(q);
      return Answer.json(tables());
    } else if (path.equals("/teams")) {
      route.set("/teams");
      allow(q);
      List<Map<String, Object>> teams = new ArrayList<>();
      new TreeMap<>(Teams.all()).forEach((abbr, name) -> teams.add(Json.ordered("team_abbr", abbr, "name", name)));
      return Answer.json(Map.of("teams", teams));
    } else if (path.equals("/players")) {
      route.set("/players");
      return searchPlayers(q);
    } else if (path.equals("/coverage")) {
      route.set("/coverage");
      allow(q, "date", "stale");
      return coverage(date(required(q, "date"), "date"), stale(q));
    } else if ((m = TABLE_ROWS.matcher(path)).matches()) {
      route.set("/tables/{table}/rows");
      return keyRow(table(m.group(1)), q);
    } else if ((m = GAME_TEAM.matcher(path)).matches()) {
      route.set("/games/{game_id}/teams/{team}/{side}");
      allow(q, "stale");
      String game = gameId(m.group(1));
      String team = team(m.group(2));
      Entry e = m.group(3).equals("offense") ? StoreCatalog.TEAM_OFFENSE_GAME_SUMMARY
          : StoreCatalog.TEAM_DEFENSE_GAME_SUMMARY;
      return exact(e, game + "|" + team, stale(q), "no " + m.group(3) + " row for team " + team + " in game " + game);
    } else if ((m = GAME.matcher(path)).matches()) {
      route.set("/games/{game_id}/{table}");
      allow(q, "stale");
      return gameRows(gameId(m.group(1)), table(m.group(2)), stale(q));
    } else if ((m = DATE.matcher(path)).matches()) {
      route.set("/dates/{date}/{table}");
      allow(q, "stale");
      return dateRows(date(m.group(1), "date"), table(m.group(2)), stale(q));
    } else if ((m = TEAM.matcher(path)).matches()) {
      String team = team(m.group(1));
      Entry e = table(m.group(2));
      if (e.partitioning() != Partitioning.BY_SEASON_OF_DATE) {
        throw badRequest("table " + e.table() + " is not keyed by team and date (key " + e.keyLayout()
            + "); see /tables");
      }
      if (m.group(3) != null) {
        route.set("/teams/{team}/{table}/history");
        allow(q, "from", "to", "stale");
        return teamHistory(team, e, q);
      }
      route.set("/teams/{team}/{table}");
      allow(q, "date", "asOf", "stale");
      return teamRow(team, e, date(required(q, "date"), "date"), bool(q, "asOf"), stale(q));
    } else if ((m = PLAYER.matcher(path)).matches()) {
      long player = playerId(m.group(1));
      if (m.group(2) == null) {
        route.set("/players/{player_id}");
        allow(q, "stale");
        return playerSummary(player, stale(q));
      }
      if (m.group(2).equals("games") && m.group(3) == null) {
        route.set("/players/{player_id}/games");
        allow(q, "stale");
        return playerHistory(player, StoreCatalog.PLAYER_GAME_SUMMARY, null, null, stale(q), true);
      }
      if (m.group(2).equals("daily-cache") && m.group(3) == null) {
        route.set("/players/{player_id}/daily-cache");
        allow(q, "date", "asOf", "stale");
        return playerRow(player, StoreCatalog.PLAYER_DAILY_CACHE, date(required(q, "date"), "date"),
            bool(q, "asOf"), stale(q));
      }
      Entry e = table(m.group(2));
      if (e.partitioning() != Partitioning.BY_PLAYER) {
        throw badRequest("table " + e.table() + " is not keyed by player (key " + e.keyLayout() + "); see /tables");
      }
      if (m.group(3) != null) {
        route.set("/players/{player_id}/{table}/history");
        allow(q, "from", "to", "stale");
        LocalDate from = q.containsKey("from") ? date(q.get("from"), "from") : null;
        LocalDate to = q.containsKey("to") ? date(q.get("to"), "to") : null;
        if (from != null && to != null && to.isBefore(from)) {
          throw badRequest("'to' (" + to + ") is before 'from' (" + from + ")");
        }
        return playerHistory(player, e, from, to, stale(q), false);
      }
      route.set("/players/{player_id}/{table}");
      allow(q, "date", "asOf", "stale");
      return playerRow(player, e, date(required(q, "date"), "date"), bool(q, "asOf"), stale(q));
    }
    throw notFound("no such endpoint: " + path + " (see /openapi.json)");
  }

  private void authorize(HttpExchange ex) {
    if (token.isEmpty()) {
      return;
    }
    String h = ex.getRequestHeaders().getFirst("Authorization");
    byte[] expected = ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
    if (h == null || !MessageDigest.isEqual(expected, h.getBytes(StandardCharsets.UTF_8))) {
      route.set("unauthorized");
      ex.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"nba-props\"");
      throw new ApiError(401, "this endpoint needs 'Authorization: Bearer <query.auth.token>'");
    }
  }

  // ---------------------------------------------------------------------------------------------------------
  // Endpoints

  private Map<String, Object> tables() {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Entry e : StoreCatalog.ALL) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("table", e.table());
      m.put("store", e.store());
      m.put("key", e.keyLayout());
      m.put("partitioning", e.partitioning().toString());
      m.put("versioned_by_date", e.versionedByDate());
      m.put("computed", local().computed(e.store()));
      out.add(m);
    }
    return Map.of("tables", out);
  }

  /** {@code /tables/{table}/rows?key=K}: the row of exactly that key. */
  private Answer keyRow(Entry e, Map<String, String> q) {
    allow(q, "key", "stale");
    String key = required(q, "key");
    String[] parts = key.split("\\|", -1);
    int expected = e.keyLayout().split("\\|").length;
    if (parts.length != expected) {
      throw badRequest("key must be " + e.keyLayout() + " (" + expected + " parts separated by '|'), got '" + key + "'");
    }
    String[] names = e.keyLayout().split("\\|");
    for (int i = 0; i < parts.length; i++) {
      String n = names[i];
      if (n.endsWith("date")) {
        date(parts[i], n);
      } else if (n.equals("player_id")) {
        playerId(parts[i]);
      } else if (n.equals("game_id")) {
        gameId(parts[i]);
      } else if (n.equals("team_abbr")) {
        team(parts[i]);
      }
    }
    return exact(e, key, stale(q), "no row with key " + key + " in " + e.table());
  }

  private Answer exact(Entry e, String key, boolean stale, String notFound) {
    Fetched f = fromOwner(e, key, Scan.range(e.store(), key, key).stale(stale));
    if (f.rows.isEmpty()) {
      throw notFound(notFound);
    }
    return f.mark(Answer.json(f.rows.get(0).value()));
  }

  /** {@code /players/{id}/{table}?date=D[&asOf=true]}. */
  private Answer playerRow(long player, Entry e, LocalDate d, boolean asOf, boolean stale) {
    if (asOf && !e.versionedByDate() && e != StoreCatalog.PLAYER_GAME_SUMMARY) {
      throw badRequest("table " + e.table() + " is not versioned by date; asOf does not apply");
    }
    String prefix = player + "|";
    Scan s = asOf ? Scan.range(e.store(), prefix, prefix + d + "|" + HIGH).reverse(1)
        : Scan.range(e.store(), prefix + d, prefix + d + "|" + HIGH).limit(1);
    Fetched f = fromOwner(e, prefix, s.stale(stale));
    if (f.rows.isEmpty()) {
      requireKnownPlayer(player, stale);
      throw notFound("player " + player + " has no " + e.table() + " row " + (asOf ? "at or before " : "for ") + d
          + (e.table().startsWith("nba_precompute") ? " (no game that day, or not yet computed)" : ""));
    }
    return f.mark(Answer.json(f.rows.get(0).value()));
  }

  private Answer playerHistory(long player, Entry e, LocalDate from, LocalDate to, boolean stale, boolean legacy) {
    String prefix = player + "|";
    Scan s = Scan.range(e.store(), prefix + (from == null ? "" : from.toString()),
        prefix + (to == null ? HIGH : to + "|" + HIGH)).stale(stale);
    Fetched f = fromOwner(e, prefix, s);
    if (f.rows.isEmpty()) {
      if (legacy) {
        throw notFound("unknown player " + player + " (no games)");
      }
      requireKnownPlayer(player, stale);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("player_id", player);
    if (!legacy) {
      body.put("table", e.table());
      body.put("from", from == null ? null : from.toString());
      body.put("to", to == null ? null : to.toString());
      body.put("count", f.rows.size());
    }
    body.put("rows", values(f.rows));
    return f.mark(Answer.json(body));
  }

  /** {@code /players/{id}}: the player's identity and which tables have rows for him. */
  private Answer playerSummary(long player, boolean stale) {
    String prefix = player + "|";
    Fetched games = fromOwner(StoreCatalog.PLAYER_GAME_SUMMARY, prefix,
        Scan.range(StoreCatalog.PLAYER_GAME_SUMMARY.store(), prefix, prefix + HIGH).stale(stale));
    if (games.rows.isEmpty()) {
      throw notFound("unknown player " + player + " (no games)");
    }
    JsonNode last = games.rows.get(games.rows.size() - 1).value();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("player_id", player);
    body.put("player_name", last.path("player_name").asText());
    body.put("team_abbr", last.path("team_abbr").asText());
    body.put("games", games.rows.size());
    body.put("first_game_date", games.rows.get(0).value().path("game_date").asText());
    body.put("last_game_date", last.path("game_date").asText());
    List<String> seasons = new ArrayList<>(new TreeSet<>(games.rows.stream()
        .map(r -> r.value().path("season").asText()).toList()));
    body.put("seasons", seasons);
    Map<String, Object> tables = new LinkedHashMap<>();
    for (Entry e : StoreCatalog.ALL) {
      if (e.partitioning() == Partitioning.BY_PLAYER) {
        tables.put(e.table(), local().computed(e.store()) ? "/players/" + player + "/" + e.store() + "/history"
            : "not computed by this topology");
      }
    }
    body.put("tables", tables);
    return games.mark(Answer.json(body));
  }

  private void requireKnownPlayer(long player, boolean stale) {
    String prefix = player + "|";
    Entry pgs = StoreCatalog.PLAYER_GAME_SUMMARY;
    if (fromOwner(pgs, prefix, Scan.range(pgs.store(), prefix, prefix + HIGH).limit(1).stale(stale)).rows.isEmpty()) {
      throw notFound("unknown player " + player + " (no games)");
    }
  }

  /** {@code /teams/{team}/{table}?date=D[&asOf=true]}: team-by-date tables live in the partition of D's season. */
  private Answer teamRow(String team, Entry e, LocalDate d, boolean asOf, boolean stale) {
    String prefix = team + "|";
    if (!asOf) {
      Fetched f = fromOwner(e, prefix + d, Scan.range(e.store(), prefix + d, prefix + d + "|" + HIGH).limit(1)
          .stale(stale));
      if (f.rows.isEmpty()) {
        throw notFound("team " + team + " has no " + e.table() + " row for " + d + " (no game that day?)");
      }
      return f.mark(Answer.json(f.rows.get(0).value()));
    }
    // As of D: the latest row of D's season up to D; before the season's first row, the previous season's last.
    LocalDate until = d;
    for (int back = 0; back < 2; back++) {
      LocalDate seasonStart = LocalDate.of(Integer.parseInt(StoreCatalog.seasonOf(until).substring(0, 4)), 8, 1);
      Fetched f = fromOwner(e, prefix + until, Scan.range(e.store(), prefix + seasonStart, prefix + until + "|" + HIGH)
          .reverse(1).stale(stale));
      if (!f.rows.isEmpty()) {
        return f.mark(Answer.json(f.rows.get(0).value()));
      }
      until = seasonStart.minusDays(1);
    }
    throw notFound("team " + team + " has no " + e.table() + " row at or before " + d);
  }

  private Answer teamHistory(String team, Entry e, Map<String, String> q) {
    LocalDate from = q.containsKey("from") ? date(q.get("from"), "from") : null;
    LocalDate to = q.containsKey("to") ? date(q.get("to"), "to") : null;
    if (from != null && to != null && to.isBefore(from)) {
      throw badRequest("'to' (" + to + ") is before 'from' (" + from + ")");
    }
    String prefix = team + "|";
    Gathered g = gather(Scan.range(e.store(), prefix + (from == null ? "" : from.toString()),
        prefix + (to == null ? HIGH : to + "|" + HIGH)).stale(stale(q)));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("team_abbr", team);
    body.put("table", e.table());
    body.put("from", from == null ? null : from.toString());
    body.put("to", to == null ? null : to.toString());
    body.put("count", g.rows.size());
    body.put("rows", values(g.rows));
    return g.mark(Answer.json(body));
  }

  private Answer gameRows(String game, Entry e, boolean stale) {
    if (e.partitioning() != Partitioning.BY_GAME) {
      throw badRequest("table " + e.table() + " is not keyed by game (key " + e.keyLayout() + "); see /tables");
    }
    String prefix = game + "|";
    Fetched f = fromOwner(e, prefix, Scan.range(e.store(), prefix, prefix + HIGH).stale(stale));
    if (f.rows.isEmpty()) {
      throw notFound("no " + e.table() + " rows for game " + game);
    }
    return f.mark(Answer.json(Json.ordered("game_id", game, "table", e.table(), "rows", values(f.rows))));
  }

  /** {@code /dates/{D}/{table}}: every row of the table for that date, gathered from all instances. */
  private Answer dateRows(LocalDate d, Entry e, boolean stale) {
    Gathered g = gather(onDate(e, d, stale));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("table", e.table());
    body.put("date", d.toString());
    body.put("count", g.rows.size());
    body.put("rows", values(g.rows));
    return g.mark(Answer.json(body));
  }

  private static Scan onDate(Entry e, LocalDate d, boolean stale) {
    String[] names = e.keyLayout().split("\\|");
    Integer seg = null;
    for (int i = 0; i < names.length; i++) {
      if (names[i].endsWith("date")) {
        seg = i;
        break;
      }
    }
    return Scan.range(e.store(), null, null).stale(stale).onDate(seg, seg == null ? "game_date" : null, d.toString());
  }

  /**
   * {@code /coverage?date=D}: per table, how many rows exist for D and which expected ones are missing. Expected
   * rows follow from player_game_summary on D: every player who played (player tables), every team that played
   * (team-by-date tables), every team in every game (team game tables).
   */
  private Answer coverage(LocalDate d, boolean stale) {
    Gathered base = gather(onDate(StoreCatalog.PLAYER_GAME_SUMMARY, d, stale));
    Set<String> players = new TreeSet<>();
    Set<String> teams = new TreeSet<>();
    Set<String> teamGames = new TreeSet<>();
    Set<String> games = new TreeSet<>();
    for (Row r : base.rows) {
      players.add(r.value().path("player_id").asText());
      teams.add(r.value().path("team_abbr").asText());
      teamGames.add(r.value().path("game_id").asText() + "|" + r.value().path("team_abbr").asText());
      games.add(r.value().path("game_id").asText());
    }
    List<Map<String, Object>> tables = new ArrayList<>();
    long staleLag = base.staleLag;
    for (Entry e : StoreCatalog.ALL) {
      Map<String, Object> t = new LinkedHashMap<>();
      t.put("table", e.table());
      t.put("computed", local().computed(e.store()));
      if (!local().computed(e.store())) {
        t.put("note", "table not computed by this topology");
        tables.add(t);
        continue;
      }
      List<Row> rows = e == StoreCatalog.PLAYER_GAME_SUMMARY ? base.rows : gatherInto(onDate(e, d, stale), e, t);
      if (e != StoreCatalog.PLAYER_GAME_SUMMARY && t.containsKey("stale_lag")) {
        staleLag = Math.max(staleLag, (Long) t.remove("stale_lag"));
      }
      Set<String> expected = switch (e.partitioning()) {
        case BY_PLAYER -> players;
        case BY_SEASON_OF_DATE -> teams;
        case BY_GAME -> teamGames;
      };
      Set<String> present = new TreeSet<>();
      for (Row r : rows) {
        present.add(e.partitioning() == Partitioning.BY_GAME ? r.key() : LocalStores.segment(r.key(), 0));
      }
      t.put("rows", rows.size());
      t.put("expected_rows", expected.size());
      t.put("expected", e.partitioning() == Partitioning.BY_GAME ? "game_id|team_abbr of every team that played"
          : e.partitioning() == Partitioning.BY_PLAYER ? "player_id of every player with a game" : "team_abbr of every team with a game");
      List<String> missing = expected.stream().filter(k -> !present.contains(k)).toList();
      List<String> unexpected = present.stream().filter(k -> !expected.contains(k)).toList();
      t.put("missing_count", missing.size());
      t.put("missing", missing);
      t.put("unexpected_count", unexpected.size());
      t.put("unexpected", unexpected);
      t.put("complete", missing.isEmpty());
      tables.add(t);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("date", d.toString());
    body.put("games", games.size());
    body.put("players_with_game", players.size());
    body.put("teams_with_game", teams.size());
    body.put("tables", tables);
    Answer a = Answer.json(body);
    if (staleLag >= 0) {
      a.header("X-Nba-Stale-Read", "standby").header("X-Nba-Offset-Lag", Long.toString(staleLag));
    }
    return a;
  }

  private List<Row> gatherInto(Scan s, Entry e, Map<String, Object> t) {
    Gathered g = gather(s);
    if (g.staleLag >= 0) {
      t.put("stale_lag", g.staleLag);
    }
    return g.rows;
  }

  /** {@code /players?q=name}: players whose name contains q (accents and case ignored), from every instance. */
  private Answer searchPlayers(Map<String, String> q) {
    allow(q, "q", "limit", "stale");
    String text = required(q, "q").strip();
    if (text.length() < 2 || text.length() > 64) {
      throw badRequest("q must be 2 to 64 characters");
    }
    int limit = 20;
    if (q.containsKey("limit")) {
      try {
        limit = Integer.parseInt(q.get("limit"));
      } catch (NumberFormatException e) {
        limit = -1;
      }
      if (limit < 1 || limit > 200) {
        throw badRequest("limit must be an integer from 1 to 200");
      }
    }
    Entry pgs = StoreCatalog.PLAYER_GAME_SUMMARY;
    Gathered g = gather(Scan.range(pgs.store(), null, null).stale(stale(q))
        .matching("player_name", text, List.of("player_id", "player_name", "team_abbr", "game_date")));
    Map<Long, ObjectNode> byPlayer = new TreeMap<>();
    for (Row r : g.rows) { // key order: player, then date, so the last row per player is his latest game
      long id = r.value().path("player_id").asLong();
      ObjectNode p = byPlayer.computeIfAbsent(id, k -> Json.COMPACT.createObjectNode());
      int games = p.path("games").asInt(0) + 1;
      p.put("player_id", id);
      p.put("player_name", r.value().path("player_name").asText());
      p.put("team_abbr", r.value().path("team_abbr").asText());
      p.put("last_game_date", r.value().path("game_date").asText());
      p.put("games", games);
    }
    List<ObjectNode> players = new ArrayList<>(byPlayer.values());
    players.sort(Comparator.comparing((ObjectNode n) -> n.path("player_name").asText())
        .thenComparing(n -> n.path("player_id").asLong()));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("q", text);
    body.put("count", Math.min(players.size(), limit));
    body.put("players", players.subList(0, Math.min(players.size(), limit)));
    return g.mark(Answer.json(body));
  }

  // ---------------------------------------------------------------------------------------------------------
  // Reading partitions: from the owner of a key, or from every instance

  /** Rows from one partition; staleLag >= 0 when a standby answered. */
  private record Fetched(List<Row> rows, long staleLag, String readFrom) {
    Answer mark(Answer a) {
      a.header("X-Nba-Read-From", readFrom);
      return staleLag < 0 ? a : a.header("X-Nba-Stale-Read", "standby").header("X-Nba-Offset-Lag",
          Long.toString(staleLag));
    }
  }

  private record Gathered(List<Row> rows, long staleLag) {
    Answer mark(Answer a) {
      return staleLag < 0 ? a : a.header("X-Nba-Stale-Read", "standby").header("X-Nba-Offset-Lag",
          Long.toString(staleLag));
    }
  }

  private LocalStores local() {
    if (local == null) {
      throw new Unavailable("Kafka Streams is starting");
    }
    return local;
  }

  private void requireComputed(String store) {
    if (!local().computed(store)) {
      Entry e = StoreCatalog.ALL.stream().filter(x -> x.store().equals(store)).findFirst().orElseThrow();
      throw notFound("table not computed by this topology: " + e.table() + " (store " + store + ")");
    }
  }

  private void requireQueryable(boolean stale) {
    KafkaStreams.State st = streams == null ? KafkaStreams.State.CREATED : streams.state();
    if (st != KafkaStreams.State.RUNNING && !(stale && st == KafkaStreams.State.REBALANCING)) {
      throw new Unavailable("stores are not ready (Kafka Streams is " + st + ")");
    }
  }

  /** The partition owning {@code routingKey}, read on its active instance (or a standby when stale reads are allowed). */
  private Fetched fromOwner(Entry e, String routingKey, Scan s) {
    requireComputed(e.store());
    requireQueryable(s.stale());
    KeyQueryMetadata md;
    try {
      md = streams.queryMetadataForKey(e.store(), routingKey, e.partitioner());
    } catch (IllegalStateException | org.apache.kafka.streams.errors.InvalidStateStoreException ex) {
      throw new Unavailable("stores are not ready (" + ex.getMessage() + ")");
    }
    if (md == null || md == KeyQueryMetadata.NOT_AVAILABLE || md.activeHost() == null) {
      throw new Unavailable("the owner of this key is not known yet (rebalancing)");
    }
    int p = md.partition();
    Scan one = s.withPartitions(Set.of(p));
    List<HostInfo> hosts = new ArrayList<>();
    hosts.add(md.activeHost());
    if (s.stale()) {
      hosts.addAll(md.standbyHosts());
    }
    for (HostInfo h : hosts) {
      Map<Integer, Part> parts = h.equals(self) ? local().scan(one) : remote(h, one);
      Part part = parts.get(p);
      if (part != null) {
        return new Fetched(part.rows(), part.standby() ? part.lag() : -1, h.equals(self) ? "local" : h.host() + ":" + h.port());
      }
    }
    throw new Unavailable("partition " + p + " of " + e.store() + " is not queryable right now (its owner "
        + md.activeHost() + " is restoring, rebalancing or unreachable)" + (s.stale() ? ""
        : "; pass stale=true to accept a standby replica"));
  }

  /** Every partition of a store, each from an instance that can serve it now; 503 when any is missing. */
  private Gathered gather(Scan s) {
    requireComputed(s.store());
    requireQueryable(s.stale());
    Set<HostInfo> hosts = new LinkedHashSet<>();
    try {
      for (StreamsMetadata md : streams.metadataForAllStreamsClients()) {
        if (md.hostInfo() != null && md.hostInfo().port() > 0) {
          hosts.add(md.hostInfo());
        }
      }
    } catch (IllegalStateException | org.apache.kafka.streams.errors.InvalidStateStoreException ex) {
      throw new Unavailable("stores are not ready (" + ex.getMessage() + ")");
    }
    hosts.remove(self);
    List<CompletableFuture<Map<Integer, Part>>> calls = new ArrayList<>();
    for (HostInfo h : hosts) {
      calls.add(remoteAsync(h, s));
    }
    Map<Integer, Part> best = new TreeMap<>(local().scan(s));
    for (CompletableFuture<Map<Integer, Part>> c : calls) {
      c.join().forEach((p, part) -> best.merge(p, part, QueryServer::better));
    }
    int n = cfg.partitions();
    List<Integer> missing = new ArrayList<>();
    for (int p = 0; p < n; p++) {
      if (!best.containsKey(p)) {
        missing.add(p);
      }
    }
    if (!missing.isEmpty()) {
      throw new Unavailable("partitions " + missing + " of " + s.store() + " have no queryable copy right now"
          + " (rebalancing, restoring or an instance is down)" + (s.stale() ? "" : "; pass stale=true to accept standby replicas"));
    }
    List<Row> rows = new ArrayList<>();
    long lag = -1;
    for (Part part : best.values()) {
      rows.addAll(part.rows());
      if (part.standby()) {
        lag = Math.max(lag, Math.max(part.lag(), 0));
      }
    }
    rows.sort(Comparator.comparing(Row::key));
    return new Gathered(rows, lag);
  }

  private static Part better(Part a, Part b) {
    if (a.standby() != b.standby()) {
      return a.standby() ? b : a;
    }
    return a.lag() <= b.lag() ? a : b;
  }

  /** {@code /internal/scan}: what this instance can answer of a scan (called by the other instances). */
  private Map<String, Object> internalScan(Map<String, String> q) {
    String store = required(q, "store");
    if (StoreCatalog.ALL.stream().noneMatch(e -> e.store().equals(store))) {
      throw notFound("unknown store " + store);
    }
    Set<Integer> partitions = null;
    if (q.containsKey("partitions")) {
      partitions = new HashSet<>();
      for (String p : q.get("partitions").split(",")) {
        partitions.add(Integer.parseInt(p));
      }
    }
    Scan s = new Scan(store, partitions, q.get("from"), q.get("to"), bool(q, "reverse"),
        q.containsKey("limit") ? Integer.parseInt(q.get("limit")) : 0,
        q.containsKey("dateSegment") ? Integer.valueOf(q.get("dateSegment")) : null, q.get("dateField"), q.get("date"),
        q.get("matchField"), q.get("match"), q.containsKey("fields") ? List.of(q.get("fields").split(",")) : List.of(),
        bool(q, "stale"));
    Map<String, Object> parts = new LinkedHashMap<>();
    if (local != null) {
      local.scan(s).forEach((p, part) -> {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("standby", part.standby());
        m.put("lag", part.lag());
        List<Object> rows = new ArrayList<>();
        part.rows().forEach(r -> rows.add(List.of(r.key(), r.value())));
        m.put("rows", rows);
        parts.put(Integer.toString(p), m);
      });
    }
    return Map.of("partitions", parts);
  }

  private Map<Integer, Part> remote(HostInfo h, Scan s) {
    try {
      return remoteAsync(h, s).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Unavailable("interrupted");
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    }
  }

  /** Another instance's answer to a scan; an unreachable or failing instance contributes no partition. */
  private CompletableFuture<Map<Integer, Part>> remoteAsync(HostInfo h, Scan s) {
    StringBuilder qs = new StringBuilder("store=").append(enc(s.store()));
    if (s.partitions() != null) {
      qs.append("&partitions=").append(String.join(",", s.partitions().stream().map(String::valueOf).toList()));
    }
    param(qs, "from", s.from());
    param(qs, "to", s.to());
    if (s.reverse()) {
      qs.append("&reverse=true");
    }
    if (s.limit() > 0) {
      qs.append("&limit=").append(s.limit());
    }
    param(qs, "dateSegment", s.dateSegment() == null ? null : s.dateSegment().toString());
    param(qs, "dateField", s.dateField());
    param(qs, "date", s.date());
    param(qs, "matchField", s.matchField());
    param(qs, "match", s.matchText());
    param(qs, "fields", s.fields().isEmpty() ? null : String.join(",", s.fields()));
    if (s.stale()) {
      qs.append("&stale=true");
    }
    URI target = URI.create("http://" + h.host() + ":" + h.port() + "/internal/scan?" + qs);
    HttpRequest.Builder req = HttpRequest.newBuilder(target).header(FORWARDED, String.valueOf(self))
        .timeout(Duration.ofSeconds(5)).GET();
    if (!token.isEmpty()) {
      req.header("Authorization", "Bearer " + token);
    }
    return client.sendAsync(req.build(), HttpResponse.BodyHandlers.ofByteArray()).handle((r, err) -> {
      if (err != null) {
        metrics.remoteCall("unreachable");
        LOG.debug("instance {} unreachable: {}", h, err.toString());
        return Map.<Integer, Part>of();
      }
      if (r.statusCode() != 200) {
        metrics.remoteCall("status_" + r.statusCode());
        return Map.<Integer, Part>of();
      }
      try {
        Map<Integer, Part> out = new TreeMap<>();
        JsonNode parts = Json.COMPACT.readTree(r.body()).path("partitions");
        parts.fields().forEachRemaining(f -> {
          List<Row> rows = new ArrayList<>();
          for (JsonNode row : (ArrayNode) f.getValue().path("rows")) {
            rows.add(new Row(row.get(0).asText(), row.get(1)));
          }
          out.put(Integer.parseInt(f.getKey()), new Part(f.getValue().path("standby").asBoolean(),
              f.getValue().path("lag").asLong(), rows));
        });
        metrics.remoteCall("ok");
        return out;
      } catch (IOException | RuntimeException e) {
        metrics.remoteCall("bad_answer");
        LOG.warn("instance {} sent an unreadable scan answer: {}", h, e.toString());
        return Map.<Integer, Part>of();
      }
    });
  }

  private static void param(StringBuilder qs, String k, String v) {
    if (v != null) {
      qs.append('&').append(k).append('=').append(enc(v));
    }
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static List<JsonNode> values(List<Row> rows) {
    return rows.stream().map(Row::value).toList();
  }

  // ---------------------------------------------------------------------------------------------------------
  // Input validation

  private static Entry table(String name) {
    for (Entry e : StoreCatalog.ALL) {
      String shortName = e.table().substring(e.table().indexOf('.') + 1);
      if (e.store().equals(name) || e.table().equals(name) || shortName.equals(name)) {
        return e;
      }
    }
    throw notFound("unknown table '" + name + "'; tables: " + String.join(", ",
        StoreCatalog.ALL.stream().map(Entry::store).toList()));
  }

  private static long playerId(String s) {
    if (!PLAYER_ID.matcher(s).matches()) {
      throw badRequest("player_id must be a positive integer, got '" + s + "'");
    }
    return Long.parseLong(s);
  }

  private static String gameId(String s) {
    if (!GAME_ID.matcher(s).matches()) {
      throw badRequest("game_id must be 10 digits (e.g. 0022300061), got '" + s + "'");
    }
    return s;
  }

  private static String team(String s) {
    if (!TEAM_ABBR.matcher(s).matches()) {
      throw badRequest("team must be an NBA abbreviation in capitals (e.g. DEN), got '" + s + "'");
    }
    if (!Teams.known(s)) {
      throw notFound("unknown team " + s + " (see /teams)");
    }
    return s;
  }

  private static LocalDate date(String s, String name) {
    try {
      if (s.length() != 10) {
        throw new DateTimeParseException("length", s, 0);
      }
      return LocalDate.parse(s);
    } catch (DateTimeParseException e) {
      throw badRequest(name + " must be YYYY-MM-DD, got '" + s + "'");
    }
  }

  private static String required(Map<String, String> q, String name) {
    String v = q.get(name);
    if (v == null || v.isEmpty()) {
      throw badRequest("query parameter '" + name + "' is required");
    }
    return v;
  }

  private static boolean bool(Map<String, String> q, String name) {
    String v = q.get(name);
    if (v == null) {
      return false;
    }
    if (v.equals("true") || v.equals("false")) {
      return v.equals("true");
    }
    throw badRequest(name + " must be true or false, got '" + v + "'");
  }

  private static boolean stale(Map<String, String> q) {
    return bool(q, "stale");
  }

  private static void allow(Map<String, String> q, String... names) {
    Set<String> ok = Set.of(names);
    for (String k : q.keySet()) {
      if (!ok.contains(k)) {
        throw badRequest("unknown query parameter '" + k + "'" + (names.length == 0 ? "" : "; allowed: "
            + String.join(", ", names)));
      }
    }
  }

  private static Map<String, String> queryParams(URI uri) {
    Map<String, String> m = new LinkedHashMap<>();
    String raw = uri.getRawQuery();
    if (raw != null && !raw.isEmpty()) {
      for (String kv : raw.split("&")) {
        int i = kv.indexOf('=');
        String k;
        String v;
        try {
          k = URLDecoder.decode(i < 0 ? kv : kv.substring(0, i), StandardCharsets.UTF_8);
          v = i < 0 ? "" : URLDecoder.decode(kv.substring(i + 1), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
          throw badRequest("malformed query string");
        }
        if (m.put(k, v) != null) {
          throw badRequest("query parameter '" + k + "' given twice");
        }
      }
    }
    return m;
  }

  // ---------------------------------------------------------------------------------------------------------
  // Responses

  private static Answer error(int status, String message) {
    return new Answer(status, Map.of("error", message), "application/json", new LinkedHashMap<>());
  }

  private Answer staticFile(String name) {
    String type = name.endsWith(".html") ? "text/html; charset=utf-8" : name.endsWith(".js")
        ? "text/javascript; charset=utf-8" : name.endsWith(".css") ? "text/css; charset=utf-8" : "image/svg+xml";
    try (InputStream in = QueryServer.class.getResourceAsStream("/web/" + name)) {
      if (in == null) {
        throw notFound("no such file: /web/" + name);
      }
      return new Answer(200, in.readAllBytes(), type, new LinkedHashMap<>(Map.of("Cache-Control", "no-cache")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void send(HttpExchange ex, Answer a) throws IOException {
    byte[] bytes = a.body() instanceof byte[] b ? b : Json.bytes(a.body());
    ex.getResponseHeaders().add("Content-Type", a.contentType());
    a.headers().forEach((k, v) -> ex.getResponseHeaders().add(k, v));
    ex.sendResponseHeaders(a.status(), bytes.length);
    try (OutputStream os = ex.getResponseBody()) {
      os.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
