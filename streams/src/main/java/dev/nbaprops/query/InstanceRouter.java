package dev.nbaprops.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.nbaprops.query.LocalStores.Part;
import dev.nbaprops.query.LocalStores.Row;
import dev.nbaprops.query.LocalStores.Scan;
import dev.nbaprops.topology.StoreCatalog.Entry;
import dev.nbaprops.topology.TableVersions;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.CompletableResponseListener;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The metadata and routing service, as in Confluent's interactive-query examples: which instance owns a key
 * ({@code queryMetadataForKey} with the catalog's partitioner), reading a partition there (locally, or over
 * {@code /internal/*} from the owner), gathering every partition from every instance for date-wide reads, and
 * stale reads from standby replicas. A partition no instance can serve now makes the read fail with 503, never an
 * empty answer.
 */
final class InstanceRouter {
  private static final Logger LOG = LoggerFactory.getLogger(InstanceRouter.class);
  static final String FORWARDED = "X-Nba-Forwarded";
  /** Largest row limit of one /internal/scan answer (per partition). */
  static final int INTERNAL_MAX_ROWS = 5_000;
  /** Largest number of key ranges of one /internal/rows call. */
  static final int INTERNAL_MAX_RANGES = 5_000;
  /** Largest answer read from another instance (5,000 rows of a wide table are about 10 MB). */
  private static final int MAX_PEER_ANSWER_BYTES = 64 << 20;

  private final HttpClient client;
  private final String token;
  private final int partitions;
  private final QueryMetrics metrics;
  /** Kept owners per store, by partition (see {@link #keyMetadata}). */
  private final java.util.concurrent.ConcurrentHashMap<String, KeptOwner[]> owners =
      new java.util.concurrent.ConcurrentHashMap<>();
  private volatile KafkaStreams streams;
  private volatile StoreReader local;
  private volatile HostInfo self;

  InstanceRouter(String token, int partitions, QueryMetrics metrics) {
    this.token = token;
    this.partitions = partitions;
    this.metrics = metrics;
    // Jetty's client (the server is Jetty too): pooled HTTP/1.1 connections to each instance; on this machine the
    // JDK's HttpClient cost more CPU per routed lookup than the lookup itself (bench/RESULTS.md).
    QueuedThreadPool pool = new QueuedThreadPool(32, 2);
    pool.setName("query-peer-client");
    pool.setDaemon(true);
    this.client = new HttpClient();
    client.setExecutor(pool);
    client.setConnectTimeout(2_000);
    client.setFollowRedirects(false);
    client.setMaxConnectionsPerDestination(64);
    client.setUserAgentField(null);
    try {
      client.start();
    } catch (Exception e) {
      throw new IllegalStateException("cannot start the HTTP client for calls to other instances: " + e, e);
    }
  }

  /** Stops the client for calls to other instances. */
  void close() {
    try {
      client.stop();
    } catch (Exception e) {
      LOG.debug("stopping the peer HTTP client: {}", e.toString());
    }
  }

  void attach(KafkaStreams streams, StoreReader local, HostInfo self) {
    owners.clear();
    this.streams = streams;
    this.local = local;
    this.self = self;
  }

  /**
   * Whether this instance is RUNNING and the only one of the application, so every active task (every partition of
   * every store) is here: an answer read from local stores alone is then the whole answer.
   */
  boolean aloneAndRunning() {
    KafkaStreams s = streams;
    if (s == null || s.state() != KafkaStreams.State.RUNNING) {
      return false;
    }
    try {
      for (StreamsMetadata md : s.metadataForAllStreamsClients()) {
        if (md.hostInfo() != null && !md.hostInfo().equals(self)) {
          return false;
        }
      }
      return true;
    } catch (IllegalStateException | InvalidStateStoreException e) {
      return false;
    }
  }

  StoreReader local() {
    if (local == null) {
      throw ApiError.unavailable("Kafka Streams is starting");
    }
    return local;
  }

  HostInfo self() {
    return self;
  }

  int partitions() {
    return partitions;
  }

  /** Rows of one partition (at most the scan's limit), whether it has more, and who answered. */
  record Fetched(List<Row> rows, boolean more, long staleLag, String readFrom) {
    Answer mark(Answer a) {
      a.header("X-Nba-Read-From", readFrom);
      return staleLag < 0 ? a : a.header("X-Nba-Stale-Read", "standby").header("X-Nba-Offset-Lag",
          Long.toString(staleLag));
    }
  }

  /** Rows of every partition in key order (at most the limit), and whether more follow. */
  record Gathered(List<Row> rows, boolean more, long staleLag) {
    Answer mark(Answer a) {
      return staleLag < 0 ? a : a.header("X-Nba-Stale-Read", "standby").header("X-Nba-Offset-Lag",
          Long.toString(staleLag));
    }

    String next() {
      return more && !rows.isEmpty() ? Route.Page.encode(rows.get(rows.size() - 1).key()) : null;
    }
  }

  void requireComputed(String store) {
    if (!local().computed(store)) {
      throw ApiError.notFound("table not computed by this topology: " + Route.table(store).table() + " (store "
          + store + ")");
    }
  }

  private void requireQueryable(boolean stale) {
    KafkaStreams.State st = streams == null ? KafkaStreams.State.CREATED : streams.state();
    if (st != KafkaStreams.State.RUNNING && !(stale && st == KafkaStreams.State.REBALANCING)) {
      throw ApiError.unavailable("stores are not ready (Kafka Streams is " + st + ")");
    }
  }

  /** The partition owning {@code routingKey} and the hosts that may answer for it (active first). */
  record Owner(int partition, List<HostInfo> hosts, HostInfo active) {}

  Owner owner(Entry e, String routingKey, boolean stale) {
    requireComputed(e.store());
    requireQueryable(stale);
    KeyQueryMetadata md = keyMetadata(e, routingKey);
    if (md == null || md == KeyQueryMetadata.NOT_AVAILABLE || md.activeHost() == null) {
      throw ApiError.unavailable("the owner of this key is not known yet (rebalancing)");
    }
    List<HostInfo> hosts = new ArrayList<>();
    hosts.add(md.activeHost());
    if (stale) {
      hosts.addAll(md.standbyHosts());
    }
    return new Owner(md.partition(), hosts, md.activeHost());
  }

  /** A kept answer of {@code queryMetadataForKey} for one partition of one store, and when it was asked. */
  private record KeptOwner(KeyQueryMetadata md, long epoch, long at) {}

  /**
   * {@code queryMetadataForKey}, kept per (store, partition) under the same rule as {@link LocalStores.Placement}
   * (while {@link TableVersions#epoch()} stays and for at most a second): Kafka Streams copies its metadata of every
   * store on each call, which was the largest cost of a key lookup (bench/RESULTS.md). The key's partition comes
   * from the catalog's partitioner, the same one the call is given.
   */
  private KeyQueryMetadata keyMetadata(Entry e, String routingKey) {
    int partition = e.partitionOf(routingKey, partitions);
    KeptOwner[] kept = owners.computeIfAbsent(e.store(), k -> new KeptOwner[partitions]);
    KeptOwner k = kept[partition];
    long epoch = TableVersions.epoch();
    long now = System.nanoTime();
    if (k != null && k.epoch() == epoch && now - k.at() < LocalStores.PLACEMENT_TTL_NANOS) {
      return k.md();
    }
    KeyQueryMetadata md;
    try {
      md = streams.queryMetadataForKey(e.store(), routingKey, e.partitioner());
    } catch (IllegalStateException | InvalidStateStoreException ex) {
      throw ApiError.unavailable("stores are not ready (" + ex.getMessage() + ")");
    }
    if (md != null && md != KeyQueryMetadata.NOT_AVAILABLE && md.activeHost() != null && md.partition() == partition) {
      kept[partition] = new KeptOwner(md, epoch, now);
    }
    return md;
  }

  private ApiError notQueryable(Entry e, Owner o, boolean stale) {
    return ApiError.unavailable("partition " + o.partition() + " of " + e.store() + " is not queryable right now (its"
        + " owner " + o.active() + " is restoring, rebalancing or unreachable)" + (stale ? ""
        : "; pass stale=true to accept a standby replica"));
  }

  /** The partition owning {@code routingKey}, read on its active instance (or a standby when stale reads are allowed). */
  Fetched fromOwner(Entry e, String routingKey, Scan s) {
    return fromOwner(e, routingKey, s, false);
  }

  /**
   * As {@link #fromOwner(Entry, String, Scan)}; with {@code localOnly} (a request another instance forwarded here,
   * served on the peer pool, where nothing may wait on another instance) a partition not answerable here is a 503,
   * and the forwarding instance reads it itself.
   */
  Fetched fromOwner(Entry e, String routingKey, Scan s, boolean localOnly) {
    Owner o = owner(e, routingKey, s.stale());
    Scan one = s.withPartitions(Set.of(o.partition()));
    for (HostInfo h : o.hosts()) {
      if (localOnly && !h.equals(self)) {
        continue;
      }
      Map<Integer, Part> parts = h.equals(self) ? local().scan(one) : join(remoteScan(h, one));
      Part part = parts.get(o.partition());
      if (part != null) {
        return new Fetched(part.rows(), part.more(), part.standby() ? part.lag() : -1,
            h.equals(self) ? "local" : h.host() + ":" + h.port());
      }
    }
    throw notQueryable(e, o, s.stale());
  }

  /**
   * A key lookup ({@code Access.KEY}) answered by the instance owning the key's partition: the same request is sent
   * there (its path, its decoded query encoded again, the token, {@link #FORWARDED}) and its answer passed on as
   * bytes, as in Confluent's interactive-query examples. The owner serves it on its peer pool from its local stores
   * only, and never sends it on. Null (read here, as for any other read) when this instance is the owner, when the
   * request was forwarded here already, for stale reads (their standby fallback is {@link #fromOwner}'s), and when
   * the owner answered something else than the row (200) or that there is none (404), e.g. a 503 because it could
   * not answer from its own stores. An owner that does not answer in time is a 503 here at once: reading it over
   * {@code /internal/scan} would wait the same time again.
   */
  Answer forwardToOwner(Route.Call c, Entry e, String routingKey) {
    if (c.forwarded() || c.stale()) {
      return null;
    }
    Owner o = owner(e, routingKey, false);
    HostInfo h = o.active();
    if (h.equals(self)) {
      return null;
    }
    long waitMs = Math.min(5_000, TimeUnit.NANOSECONDS.toMillis(c.deadlineNanos - System.nanoTime()));
    if (waitMs <= 0) {
      throw ApiError.unavailable("no time left to ask the owner of this key (" + h + ")");
    }
    StringBuilder target = new StringBuilder(c.path);
    char sep = '?';
    for (Map.Entry<String, String> q : c.query.entrySet()) {
      target.append(sep).append(enc(q.getKey())).append('=').append(enc(q.getValue()));
      sep = '&';
    }
    Request req;
    try {
      req = client.newRequest("http://" + h.host() + ":" + h.port() + target).method(HttpMethod.GET)
          .timeout(waitMs, TimeUnit.MILLISECONDS)
          .headers(hs -> {
            hs.put(FORWARDED, String.valueOf(self));
            if (!token.isEmpty()) {
              hs.put(HttpHeader.AUTHORIZATION, "Bearer " + token);
            }
            String accept = c.header("Accept");
            if (accept != null) {
              hs.put(HttpHeader.ACCEPT, accept);
            }
          });
    } catch (IllegalArgumentException ex) {
      LOG.debug("cannot forward {} to {}: {}", c.path, h, ex.toString());
      return null;
    }
    ContentResponse r;
    try {
      r = new CompletableResponseListener(req, MAX_PEER_ANSWER_BYTES).send().get();
    } catch (ExecutionException ex) {
      metrics.remoteCall("unreachable");
      LOG.debug("instance {} unreachable: {}", h, ex.getCause() == null ? ex : ex.getCause().toString());
      throw notQueryable(e, o, false);
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
      req.abort(ex);
      throw ApiError.unavailable("interrupted");
    }
    if (r.getStatus() != 200 && r.getStatus() != 404) {
      metrics.remoteCall("status_" + r.getStatus());
      return null;
    }
    metrics.remoteCall("forwarded");
    String type = r.getHeaders().get(HttpHeader.CONTENT_TYPE);
    Answer a = Answer.bytes(r.getStatus(), r.getContent(), type == null ? "application/json" : type);
    r.getHeaders().forEach(f -> {
      if (f.getName().regionMatches(true, 0, "X-Nba-", 0, 6)) {
        a.header(f.getName(), f.getValue());
      }
    });
    return a.header("X-Nba-Read-From", h.host() + ":" + h.port());
  }

  /** For each range of one partition, its first row (null when none); from the owner or, with stale, a standby. */
  List<JsonNode> firstRows(Entry e, Owner o, List<String[]> ranges, boolean stale) {
    for (HostInfo h : o.hosts()) {
      List<JsonNode> rows = h.equals(self) ? local().firstRows(e.store(), o.partition(), ranges, stale)
          : remoteRows(h, e, o.partition(), ranges, stale);
      if (rows != null) {
        return rows;
      }
    }
    throw notQueryable(e, o, stale);
  }

  /** A key range over every partition, at most {@code s.limit()} rows in key order. */
  Gathered gather(Scan s) {
    requireComputed(s.store());
    return gather(s.store(), s.stale(), s.limit(), parts -> local().scan(s.withPartitions(parts)),
        h -> remoteScan(h, s));
  }

  /** Every row of a table dated {@code d} with keys after {@code after}, at most {@code limit}, from every instance. */
  Gathered gatherDate(Entry e, LocalDate d, String after, int limit, boolean stale) {
    requireComputed(e.store());
    return gather(e.store(), stale, limit, parts -> local().rowsOn(e, d, after, limit, parts, stale),
        h -> remoteDate(h, e, d, after, limit, stale));
  }

  /** Every row of a table dated {@code d}, page by page (a report over one date; the pages are bounded). */
  Gathered gatherAllOfDate(Entry e, LocalDate d, boolean stale) {
    List<Row> rows = new ArrayList<>();
    long lag = -1;
    String after = null;
    while (true) {
      Gathered g = gatherDate(e, d, after, INTERNAL_MAX_ROWS, stale);
      rows.addAll(g.rows());
      lag = Math.max(lag, g.staleLag());
      if (!g.more()) {
        return new Gathered(rows, false, lag);
      }
      after = g.rows().get(g.rows().size() - 1).key();
    }
  }

  private Gathered gather(String store, boolean stale, int limit, Function<Set<Integer>, Map<Integer, Part>> localRead,
                          Function<HostInfo, CompletableFuture<Map<Integer, Part>>> remoteRead) {
    requireQueryable(stale);
    Set<HostInfo> hosts = new LinkedHashSet<>();
    try {
      for (StreamsMetadata md : streams.metadataForAllStreamsClients()) {
        if (md.hostInfo() != null && md.hostInfo().port() > 0) {
          hosts.add(md.hostInfo());
        }
      }
    } catch (IllegalStateException | InvalidStateStoreException ex) {
      throw ApiError.unavailable("stores are not ready (" + ex.getMessage() + ")");
    }
    hosts.remove(self);
    List<CompletableFuture<Map<Integer, Part>>> calls = new ArrayList<>();
    for (HostInfo h : hosts) {
      calls.add(remoteRead.apply(h));
    }
    Map<Integer, Part> best = new TreeMap<>(localRead.apply(null));
    for (CompletableFuture<Map<Integer, Part>> c : calls) {
      join(c).forEach((p, part) -> best.merge(p, part, InstanceRouter::better));
    }
    List<Integer> missing = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      if (!best.containsKey(p)) {
        missing.add(p);
      }
    }
    if (!missing.isEmpty()) {
      throw ApiError.unavailable("partitions " + missing + " of " + store + " have no queryable copy right now"
          + " (rebalancing, restoring or an instance is down)" + (stale ? "" : "; pass stale=true to accept standby replicas"));
    }
    List<Row> rows = new ArrayList<>();
    long lag = -1;
    boolean more = false;
    for (Part part : best.values()) {
      rows.addAll(part.rows());
      more |= part.more();
      if (part.standby()) {
        lag = Math.max(lag, Math.max(part.lag(), 0));
      }
    }
    rows.sort(Comparator.comparing(Row::key));
    if (rows.size() > limit) {
      rows = new ArrayList<>(rows.subList(0, limit));
      more = true;
    }
    return new Gathered(rows, more, lag);
  }

  private static Part better(Part a, Part b) {
    if (a.standby() != b.standby()) {
      return a.standby() ? b : a;
    }
    return a.lag() <= b.lag() ? a : b;
  }

  private static <T> T join(CompletableFuture<T> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ApiError.unavailable("interrupted");
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    }
  }

  // ---------------------------------------------------------------------------------------------------------
  // Calls to other instances (they answer on their peer pool)

  private CompletableFuture<Map<Integer, Part>> remoteScan(HostInfo h, Scan s) {
    StringBuilder qs = new StringBuilder("store=").append(enc(s.store())).append("&limit=").append(s.limit());
    if (s.partitions() != null) {
      qs.append("&partitions=").append(String.join(",", s.partitions().stream().map(String::valueOf).toList()));
    }
    param(qs, "from", s.from());
    param(qs, "to", s.to());
    if (s.reverse()) {
      qs.append("&reverse=true");
    }
    param(qs, "match", s.matchText());
    if (s.stale()) {
      qs.append("&stale=true");
    }
    return remoteParts(h, qs);
  }

  private CompletableFuture<Map<Integer, Part>> remoteDate(HostInfo h, Entry e, LocalDate d, String after, int limit,
                                                           boolean stale) {
    StringBuilder qs = new StringBuilder("store=").append(enc(e.store())).append("&limit=").append(limit)
        .append("&date=").append(d);
    param(qs, "after", after);
    if (stale) {
      qs.append("&stale=true");
    }
    return remoteParts(h, qs);
  }

  private Request request(HostInfo h, String pathAndQuery, long timeoutSeconds) {
    return client.newRequest("http://" + h.host() + ":" + h.port() + pathAndQuery)
        .timeout(timeoutSeconds, TimeUnit.SECONDS)
        .headers(hs -> {
          hs.put(FORWARDED, String.valueOf(self));
          if (!token.isEmpty()) {
            hs.put(HttpHeader.AUTHORIZATION, "Bearer " + token);
          }
        });
  }

  /** Another instance's answer to a scan; an unreachable or failing instance contributes no partition. */
  private CompletableFuture<Map<Integer, Part>> remoteParts(HostInfo h, StringBuilder qs) {
    Request req = request(h, "/internal/scan?" + qs, 5).method(HttpMethod.GET);
    return new CompletableResponseListener(req, MAX_PEER_ANSWER_BYTES).send().handle((r, err) -> {
      if (err != null) {
        metrics.remoteCall("unreachable");
        LOG.debug("instance {} unreachable: {}", h, err.toString());
        return Map.<Integer, Part>of();
      }
      if (r.getStatus() != 200) {
        metrics.remoteCall("status_" + r.getStatus());
        return Map.<Integer, Part>of();
      }
      try {
        Map<Integer, Part> out = new TreeMap<>();
        JsonNode parts = Json.COMPACT.readTree(r.getContent()).path("partitions");
        parts.fields().forEachRemaining(f -> {
          List<Row> rows = new ArrayList<>();
          for (JsonNode row : (ArrayNode) f.getValue().path("rows")) {
            rows.add(new Row(row.get(0).asText(), row.get(1)));
          }
          out.put(Integer.parseInt(f.getKey()), new Part(f.getValue().path("standby").asBoolean(),
              f.getValue().path("lag").asLong(), rows, f.getValue().path("more").asBoolean()));
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

  /** {@code POST /internal/rows} on another instance: the first row of each range of one partition, or null. */
  private List<JsonNode> remoteRows(HostInfo h, Entry e, int partition, List<String[]> ranges, boolean stale) {
    List<List<String>> rs = ranges.stream().map(r -> List.of(r[0], r[1])).toList();
    byte[] body = Json.bytesCompact(Json.ordered("store", e.store(), "partition", partition, "stale", stale,
        "ranges", rs));
    Request req = request(h, "/internal/rows", 10).method(HttpMethod.POST)
        .body(new BytesRequestContent("application/json", body));
    try {
      ContentResponse r = new CompletableResponseListener(req, MAX_PEER_ANSWER_BYTES).send().get();
      if (r.getStatus() != 200) {
        metrics.remoteCall("status_" + r.getStatus());
        return null;
      }
      JsonNode rows = Json.COMPACT.readTree(r.getContent()).path("rows");
      if (!rows.isArray() || rows.size() != ranges.size()) {
        metrics.remoteCall("bad_answer");
        return null;
      }
      List<JsonNode> out = new ArrayList<>(rows.size());
      rows.forEach(n -> out.add(n.isNull() ? null : n));
      metrics.remoteCall("ok");
      return out;
    } catch (ExecutionException | IOException ex) {
      metrics.remoteCall("unreachable");
      return null;
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
      throw ApiError.unavailable("interrupted");
    }
  }

  private static void param(StringBuilder qs, String k, String v) {
    if (v != null) {
      qs.append('&').append(k).append('=').append(enc(v));
    }
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
