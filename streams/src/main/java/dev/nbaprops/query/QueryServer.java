package dev.nbaprops.query;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.nbaprops.avro.analytics.PlayerGameSummary;
import dev.nbaprops.avro.precompute.PlayerDailyCache;
import dev.nbaprops.config.AppConfig;
import dev.nbaprops.topology.ByPlayerPartitioner;
import dev.nbaprops.topology.StoreKeys;
import dev.nbaprops.topology.analytics.PlayerGameSummaryProcessor;
import dev.nbaprops.topology.analytics.TeamGameSummaryProcessor;
import org.apache.kafka.streams.processor.StreamPartitioner;
import dev.nbaprops.topology.precompute.PlayerDailyCacheProcessor;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The query API over the state stores (interactive queries). A key lookup is answered from the local store
 * when this instance owns the key's partition, and forwarded to the owning instance
 * ({@code application.server}, {@code queryMetadataForKey}) otherwise. While the stores are rebalancing or
 * restoring the answer is 503 with Retry-After, never an empty 200.
 *
 * <pre>
 *   GET /health                                      200 when Kafka Streams is RUNNING, else 503
 *   GET /players/{player_id}/daily-cache?date=D      player_daily_cache row (player_id, D)
 *   GET /players/{player_id}/games                   the player's player_game_summary rows, by date
 *   GET /games/{game_id}/teams/{team}/offense        team_offense_game_summary row (game_id, team_abbr)
 *   GET /games/{game_id}/teams/{team}/defense        team_defense_game_summary row (game_id, team_abbr)
 * </pre>
 */
public final class QueryServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(QueryServer.class);
  private static final Pattern DAILY_CACHE = Pattern.compile("/players/(\\d{1,18})/daily-cache");
  private static final Pattern GAMES = Pattern.compile("/players/(\\d{1,18})/games");
  private static final Pattern TEAM_GAME = Pattern.compile("/games/(\\d{10})/teams/([A-Z]{2,3})/(offense|defense)");
  /** Team stores live in the tasks of the game-id partitions (the box scores are repartitioned by game). */
  private static final StreamPartitioner<String, Object> BY_GAME = (topic, key, value, n) -> java.util.Optional.of(
      java.util.Set.of(org.apache.kafka.common.utils.Utils.toPositive(org.apache.kafka.common.utils.Utils.murmur2(
          key.substring(0, key.indexOf('|')).getBytes(java.nio.charset.StandardCharsets.UTF_8))) % n));
  static final String FORWARDED = "X-Nba-Forwarded";

  private final HttpServer server;
  private final java.util.concurrent.ExecutorService executor;
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final AppConfig cfg;
  private volatile KafkaStreams streams;
  private HostInfo self;

  private QueryServer(HttpServer server, java.util.concurrent.ExecutorService executor, AppConfig cfg) {
    this.server = server;
    this.executor = executor;
    this.cfg = cfg;
  }

  /** Binds the port now (so its number is known for application.server); serves after {@link #start()}. */
  public static QueryServer bind(String host, int port, AppConfig cfg) {
    try {
      HttpServer s = HttpServer.create(new InetSocketAddress(host, port), 64);
      java.util.concurrent.ExecutorService pool = Executors.newFixedThreadPool(8, r -> {
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

  public void attach(KafkaStreams streams) {
    this.streams = streams;
    this.self = new HostInfo(cfg.getString(AppConfig.QUERY_ADVERTISED_HOST), port());
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

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      if (!"GET".equals(ex.getRequestMethod())) {
        send(ex, 405, error("only GET is supported"));
        return;
      }
      String path = ex.getRequestURI().getPath();
      Map<String, String> q = queryParams(ex.getRequestURI());
      Matcher m;
      if (path.equals("/health")) {
        KafkaStreams.State st = streams == null ? KafkaStreams.State.CREATED : streams.state();
        send(ex, st == KafkaStreams.State.RUNNING ? 200 : 503, Map.of("status", st.toString()));
      } else if ((m = DAILY_CACHE.matcher(path)).matches()) {
        long player = Long.parseLong(m.group(1));
        String d = q.get("date");
        if (d == null) {
          send(ex, 400, error("query parameter 'date' (YYYY-MM-DD) is required"));
          return;
        }
        LocalDate date;
        try {
          date = LocalDate.parse(d);
        } catch (DateTimeParseException e) {
          send(ex, 400, error("date must be YYYY-MM-DD, got '" + d + "'"));
          return;
        }
        keyLookup(ex, PlayerDailyCacheProcessor.CACHE_STORE, StoreKeys.playerDate(player, date),
            "player " + player + " has no daily-cache row for " + date + " (no game that day, or not yet computed)");
      } else if ((m = TEAM_GAME.matcher(path)).matches()) {
        String store = m.group(3).equals("offense") ? TeamGameSummaryProcessor.OFFENSE_STORE
            : TeamGameSummaryProcessor.DEFENSE_STORE;
        keyLookup(ex, store, m.group(1) + "|" + m.group(2), BY_GAME,
            "no " + m.group(3) + " row for team " + m.group(2) + " in game " + m.group(1));
      } else if ((m = GAMES.matcher(path)).matches()) {
        long player = Long.parseLong(m.group(1));
        prefixLookup(ex, PlayerGameSummaryProcessor.STORE, player);
      } else {
        send(ex, 404, error("no such endpoint: " + path));
      }
    } catch (Unavailable e) {
      ex.getResponseHeaders().add("Retry-After", "1");
      send(ex, 503, error(e.getMessage()));
    } catch (RuntimeException e) {
      LOG.warn("query {} failed", ex.getRequestURI(), e);
      send(ex, 500, error("internal error: " + e));
    }
  }

  private void keyLookup(HttpExchange ex, String store, String key, String notFound) throws IOException {
    keyLookup(ex, store, key, ByPlayerPartitioner.<Object>byStoreKey(), notFound);
  }

  private void keyLookup(HttpExchange ex, String store, String key, StreamPartitioner<String, Object> partitioner,
                         String notFound) throws IOException {
    KeyQueryMetadata md = metadata(store, key, partitioner);
    if (!md.activeHost().equals(self)) {
      forward(ex, md.activeHost());
      return;
    }
    SpecificRecord row = this.<SpecificRecord>localStore(store, md.partition()).get(key);
    if (row == null) {
      send(ex, 404, error(notFound));
    } else {
      send(ex, 200, Json.of(row));
    }
  }

  private void prefixLookup(HttpExchange ex, String store, long player) throws IOException {
    String prefix = StoreKeys.playerPrefix(player);
    KeyQueryMetadata md = metadata(store, prefix);
    if (!md.activeHost().equals(self)) {
      forward(ex, md.activeHost());
      return;
    }
    List<Map<String, Object>> rows = new ArrayList<>();
    try (KeyValueIterator<String, SpecificRecord> it =
             this.<SpecificRecord>localStore(store, md.partition()).prefixScan(prefix, new StringSerializer())) {
      while (it.hasNext()) {
        KeyValue<String, SpecificRecord> kv = it.next();
        rows.add(Json.of(kv.value));
      }
    }
    if (rows.isEmpty()) {
      send(ex, 404, error("unknown player " + player + " (no games)"));
    } else {
      send(ex, 200, Map.of("player_id", player, "rows", rows));
    }
  }

  private KeyQueryMetadata metadata(String store, String key) {
    return metadata(store, key, ByPlayerPartitioner.<Object>byStoreKey());
  }

  private KeyQueryMetadata metadata(String store, String key, StreamPartitioner<String, Object> partitioner) {
    if (streams == null || streams.state() != KafkaStreams.State.RUNNING) {
      throw new Unavailable("stores are not ready (Kafka Streams is "
          + (streams == null ? "starting" : streams.state()) + ")");
    }
    KeyQueryMetadata md = streams.queryMetadataForKey(store, key, partitioner);
    if (md == null || md == KeyQueryMetadata.NOT_AVAILABLE) {
      throw new Unavailable("the owner of this key is not known yet (rebalancing)");
    }
    return md;
  }

  private <V> ReadOnlyKeyValueStore<String, V> localStore(String store, int partition) {
    try {
      return streams.store(StoreQueryParameters.<ReadOnlyKeyValueStore<String, V>>fromNameAndType(store,
          QueryableStoreTypes.keyValueStore()).withPartition(partition));
    } catch (InvalidStateStoreException e) {
      throw new Unavailable("store " + store + " is migrating or restoring: " + e.getMessage());
    }
  }

  private void forward(HttpExchange ex, HostInfo owner) throws IOException {
    if (ex.getRequestHeaders().containsKey(FORWARDED)) {
      throw new Unavailable("ownership is moving between instances");
    }
    URI target = URI.create("http://" + owner.host() + ":" + owner.port() + ex.getRequestURI());
    try {
      HttpResponse<byte[]> r = client.send(HttpRequest.newBuilder(target).header(FORWARDED, self.toString())
          .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
      r.headers().firstValue("Retry-After").ifPresent(v -> ex.getResponseHeaders().add("Retry-After", v));
      ex.getResponseHeaders().add("Content-Type", "application/json");
      ex.getResponseHeaders().add("X-Nba-Served-By", owner.toString());
      ex.sendResponseHeaders(r.statusCode(), r.body().length);
      ex.getResponseBody().write(r.body());
    } catch (IOException e) {
      throw new Unavailable("owning instance " + owner + " is unreachable: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Unavailable("interrupted");
    }
  }

  private static Map<String, String> queryParams(URI uri) {
    Map<String, String> m = new LinkedHashMap<>();
    String raw = uri.getQuery();
    if (raw != null) {
      for (String kv : raw.split("&")) {
        int i = kv.indexOf('=');
        if (i > 0) {
          m.put(kv.substring(0, i), kv.substring(i + 1));
        }
      }
    }
    return m;
  }

  private static Map<String, String> error(String message) {
    return Map.of("error", message);
  }

  private static void send(HttpExchange ex, int status, Object body) throws IOException {
    byte[] bytes = Json.bytes(body);
    ex.getResponseHeaders().add("Content-Type", "application/json");
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream os = ex.getResponseBody()) {
      os.write(bytes);
    }
  }

  /** The store cannot answer now; the caller should retry. */
  static final class Unavailable extends RuntimeException {
    Unavailable(String message) {
      super(message, null, false, false);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
