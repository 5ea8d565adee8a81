package dev.nbaprops.query;

import dev.nbaprops.query.Route.Access;
import dev.nbaprops.query.Route.Call;
import dev.nbaprops.query.Route.Param;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP layer of the query API on Jetty (core handlers, no servlets): connections and request headers are read
 * by Jetty's selectors without holding a thread, so slow or stalled clients cost a connection (bounded by
 * {@code query.max.connections}, closed after {@code query.idle.timeout.ms}), not a worker. A complete request is
 * matched against the route table, checked for the token, then run on one of two bounded pools: user requests on
 * {@code query.threads} workers with {@code query.queue} places, calls from other instances ({@code /internal/*})
 * on their own {@code query.peer.threads}. A full queue answers 503 with Retry-After at once; an answer not ready
 * within {@code query.request.timeout.ms} of the request's arrival is a 503 too. Open routes (/health, the page's
 * static files) and refusals (401, 404, 405) are answered on the I/O thread without queueing. Every error is JSON
 * {@code {"error": message, "code": code}}; unexpected failures never show their exception to the caller.
 */
final class HttpLayer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HttpLayer.class);
  static final String RETRY_AFTER = "1";

  /** Limits of the HTTP layer (AppConfig query.*). */
  record Limits(int userThreads, int userQueue, int peerThreads, long requestTimeoutMs, long idleTimeoutMs,
                int maxConnections, int maxBodyBytes, int maxHeaderBytes) {}

  private final Server server;
  private final ServerConnector connector;
  private final ThreadPoolExecutor users;
  private final ThreadPoolExecutor peers;
  private final ScheduledExecutorService timer;
  private final String token;
  private final Limits limits;
  private final QueryMetrics metrics;
  private final AtomicLong requestIds = new AtomicLong();
  private final Map<String, QueryServer.Mount> mounts = new ConcurrentHashMap<>();
  private volatile List<Route> routes = List.of();

  HttpLayer(String host, int port, String token, Limits limits, QueryMetrics metrics) {
    this.token = token;
    this.limits = limits;
    this.metrics = metrics;
    QueuedThreadPool io = new QueuedThreadPool(24, 4, 60_000);
    io.setName("query-http");
    io.setDaemon(true);
    server = new Server(io);
    HttpConfiguration hc = new HttpConfiguration();
    hc.setRequestHeaderSize(limits.maxHeaderBytes());
    hc.setSendServerVersion(false);
    hc.setSendXPoweredBy(false);
    connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(hc));
    connector.setHost(host);
    connector.setPort(port);
    connector.setIdleTimeout(limits.idleTimeoutMs());
    connector.setAcceptQueueSize(256);
    server.addConnector(connector);
    server.addBean(new NetworkConnectionLimit(limits.maxConnections(), connector));
    server.setErrorHandler(new JsonErrorHandler());
    server.setHandler(new Handler.Abstract() {
      @Override
      public boolean handle(Request request, Response response, Callback callback) {
        HttpLayer.this.handle(request, response, callback);
        return true;
      }
    });
    users = pool("query-api", limits.userThreads(), limits.userQueue());
    peers = pool("query-peer", limits.peerThreads(), 2 * limits.peerThreads());
    timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "query-deadline");
      t.setDaemon(true);
      return t;
    });
    try {
      connector.open(); // bind now: the port goes into application.server before Streams starts
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot bind the query API to " + host + ":" + port + " ("
          + e.getMessage() + "); pass --port to use another port", e);
    }
  }

  private static ThreadPoolExecutor pool(String name, int threads, int queue) {
    AtomicInteger n = new AtomicInteger();
    return new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queue), r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    }, new ThreadPoolExecutor.AbortPolicy());
  }

  int port() {
    return connector.getLocalPort();
  }

  String host() {
    return connector.getHost();
  }

  /** The pool that serves other instances' calls: the peer client's callbacks run there too. */
  java.util.concurrent.Executor peerPool() {
    return peers;
  }

  void mount(String prefix, QueryServer.Mount m) {
    mounts.put(prefix, m);
  }

  void start(List<Route> table) {
    this.routes = table;
    try {
      server.start();
    } catch (Exception e) {
      throw new IllegalStateException("cannot start the query API: " + e.getMessage(), e);
    }
  }

  // ---------------------------------------------------------------------------------------------------------

  /** One request and its single answer (whichever comes first: the worker's, or the time limit's 503). */
  private final class Exchange {
    final Request req;
    final Response resp;
    final Callback cb;
    final long t0 = System.nanoTime();
    final boolean head;
    final AtomicBoolean answered = new AtomicBoolean();
    volatile String label = "unmatched";
    volatile Future<?> work;
    volatile ScheduledFuture<?> deadline;

    Exchange(Request req, Response resp, Callback cb) {
      this.req = req;
      this.resp = resp;
      this.cb = cb;
      this.head = "HEAD".equals(req.getMethod());
    }

    /** Claims the right to answer; false when the time limit answered already. */
    boolean claim() {
      if (!answered.compareAndSet(false, true)) {
        return false;
      }
      ScheduledFuture<?> d = deadline;
      if (d != null) {
        d.cancel(false);
      }
      return true;
    }

    void send(Answer a) {
      if (claim()) {
        write(a);
      }
    }

    void write(Answer a) {
      int status = a.status();
      try {
        resp.setStatus(status);
        HttpFields.Mutable h = resp.getHeaders();
        h.put(HttpHeader.CONTENT_TYPE, a.contentType());
        a.headers().forEach(h::put);
        if (a.body() instanceof Answer.Streamer s) {
          if (head) {
            resp.write(true, BufferUtil.EMPTY_BUFFER, cb);
            return;
          }
          try (OutputStream out = Content.Sink.asOutputStream(resp)) {
            s.write(out);
          }
          cb.succeeded();
          return;
        }
        byte[] bytes = a.body() instanceof byte[] b ? b : a.body() instanceof Answer.Compact c
            ? Json.bytesCompact(c.value()) : Json.bytes(a.body());
        h.put(HttpHeader.CONTENT_LENGTH, bytes.length);
        resp.write(true, head ? BufferUtil.EMPTY_BUFFER : ByteBuffer.wrap(bytes), cb);
      } catch (Throwable e) {
        // A streamed answer failed after its status went out: abort the connection so the caller sees a cut
        // answer as an error, never as a complete table.
        LOG.warn("answer to {} {} failed while being written: {}", req.getMethod(), req.getHttpURI().getPath(),
            e.toString());
        status = 599;
        cb.failed(e);
      } finally {
        metrics.observe(label, status, System.nanoTime() - t0);
      }
    }
  }

  private void handle(Request req, Response resp, Callback cb) {
    Exchange x = new Exchange(req, resp, cb);
    try {
      route(x);
    } catch (ApiError e) {
      x.send(error(e));
    } catch (RuntimeException e) {
      x.send(internal(x, e));
    }
  }

  private void route(Exchange x) {
    String method = x.req.getMethod();
    String path = x.req.getHttpURI().getDecodedPath();
    if (path == null || path.isEmpty()) {
      path = "/";
    }
    String[] segs = segments(path);
    Map<String, String> pathValues = new HashMap<>();
    Route match = null;
    Set<String> allowed = new LinkedHashSet<>();
    for (Route r : routes) {
      Map<String, String> vals = matchTemplate(r.template(), segs);
      if (vals == null) {
        continue;
      }
      allowed.add(r.method());
      String m = x.head ? "GET" : method;
      if (match == null && r.method().equals(m)) {
        match = r;
        pathValues = vals;
      }
    }
    if (allowed.contains("GET")) {
      allowed.add("HEAD");
    }
    if (!allowed.isEmpty()) {
      allowed.add("OPTIONS");
    }
    if ("OPTIONS".equals(method) && !allowed.isEmpty()) {
      x.label = "OPTIONS";
      x.send(new Answer(204, new byte[0], "text/plain", new LinkedHashMap<>()).header("Allow", String.join(", ",
          allowed)));
      return;
    }
    if (match != null && match.access() == Access.OPEN) {
      x.label = match.template();
      x.send(match.handler().handle(call(x, match, pathValues)));
      return;
    }
    authorize(x);
    for (Map.Entry<String, QueryServer.Mount> m : mounts.entrySet()) {
      if (path.equals(m.getKey()) || path.startsWith(m.getKey() + "/")) {
        x.label = m.getKey() + "/*";
        QueryServer.MountReply r = m.getValue().answer(x.head ? "GET" : method, path);
        x.send(Answer.bytes(r.status(), r.body(), r.contentType()));
        return;
      }
    }
    if (allowed.isEmpty()) {
      throw ApiError.notFound("no such endpoint: " + path + " (see /openapi.json)");
    }
    if (match == null) {
      x.label = "method_not_allowed";
      x.send(Answer.error(405, "method_not_allowed", method + " is not supported here; allowed: "
          + String.join(", ", allowed)).header("Allow", String.join(", ", allowed)));
      return;
    }
    Route route = match;
    Map<String, String> values = pathValues;
    x.label = route.template();
    // Calls from other instances (their /internal reads, and key lookups they forward to the owner of the key) run
    // on the peer pool, where nothing waits on another instance: a user request waiting on another instance never
    // waits behind that instance's users. The forwarding mark counts on key routes only.
    ThreadPoolExecutor pool = route.access() == Access.INTERNAL || (route.access() == Access.KEY
        && x.req.getHeaders().contains(InstanceRouter.FORWARDED)) ? peers : users;
    try {
      x.work = pool.submit(() -> run(x, route, values));
    } catch (RejectedExecutionException e) {
      metrics.rejected("queue_full");
      throw ApiError.unavailable("the server is busy (" + (pool == peers ? "peer" : "request")
          + " queue full); retry shortly");
    }
    x.deadline = timer.schedule(() -> {
      if (x.claim()) {
        metrics.rejected("timeout");
        x.write(error(ApiError.unavailable("no answer within " + limits.requestTimeoutMs() + " ms; retry shortly")));
        Future<?> w = x.work;
        if (w != null) {
          w.cancel(true);
        }
      }
    }, limits.requestTimeoutMs(), TimeUnit.MILLISECONDS);
  }

  private void run(Exchange x, Route route, Map<String, String> pathValues) {
    if (x.answered.get()) {
      return; // the time limit answered while this waited in the queue
    }
    Answer a;
    try {
      a = route.handler().handle(call(x, route, pathValues));
    } catch (ApiError e) {
      a = error(e);
    } catch (RuntimeException e) {
      if (Thread.currentThread().isInterrupted() || x.answered.get()) {
        return;
      }
      a = internal(x, e);
    }
    x.send(a);
  }

  private Answer internal(Exchange x, RuntimeException e) {
    long id = requestIds.incrementAndGet();
    LOG.warn("query {} {} failed (request {})", x.req.getMethod(), x.req.getHttpURI().getPathQuery(), id, e);
    return Answer.error(500, "internal_error", "internal error (request " + id + "; the server log has the details)");
  }

  private static Answer error(ApiError e) {
    Answer a = Answer.error(e.status, e.code, e.getMessage());
    if (e.status == 503) {
      a.header("Retry-After", RETRY_AFTER);
    }
    if (e.status == 401) {
      a.header("WWW-Authenticate", "Bearer realm=\"nba-props\"");
    }
    return a;
  }

  private void authorize(Exchange x) {
    if (token.isEmpty()) {
      return;
    }
    String h = x.req.getHeaders().get(HttpHeader.AUTHORIZATION);
    byte[] expected = ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
    if (h == null || !MessageDigest.isEqual(expected, h.getBytes(StandardCharsets.UTF_8))) {
      x.label = "unauthorized";
      throw new ApiError(401, "unauthorized", "this endpoint needs 'Authorization: Bearer <query.auth.token>'");
    }
  }

  /** Validates the request against the route's parameters: path values, then the query string, then defaults. */
  private Call call(Exchange x, Route route, Map<String, String> pathValues) {
    Map<String, String> headers = new HashMap<>();
    for (HttpField f : x.req.getHeaders()) {
      headers.putIfAbsent(f.getLowerCaseName(), f.getValue());
    }
    InputStream body = InputStream.nullInputStream();
    if ("POST".equals(route.method())) {
      long len = x.req.getLength();
      if (len > limits.maxBodyBytes()) {
        throw new ApiError(413, "too_large", "the body is larger than " + limits.maxBodyBytes() + " bytes"
            + " (query.max.body.bytes)");
      }
      body = new Limited(Content.Source.asInputStream(x.req), limits.maxBodyBytes());
    }
    // The open routes (/health, the page) take no parameters: the page reads its own (?player=...) in the browser.
    Map<String, String> q = route.access() == Access.OPEN ? Map.of() : queryParams(x.req.getHttpURI().getQuery());
    Call c = new Call(headers, body, x.t0 + TimeUnit.MILLISECONDS.toNanos(limits.requestTimeoutMs()),
        x.req.getHttpURI().getPath(), q);
    Map<String, Param> byName = new LinkedHashMap<>();
    for (Param p : route.params()) {
      byName.put(p.name(), p);
      if (p.in() == Route.In.PATH) {
        c.values.put(p.name(), Route.parse(p, pathValues.get(p.name())));
      }
    }
    List<String> allowedQuery = new ArrayList<>();
    route.params().stream().filter(p -> p.in() == Route.In.QUERY).forEach(p -> allowedQuery.add(p.name()));
    for (String k : q.keySet()) {
      Param p = byName.get(k);
      if (p == null || p.in() != Route.In.QUERY) {
        throw ApiError.badRequest("unknown query parameter '" + k + "'" + (allowedQuery.isEmpty() ? ""
            : "; allowed: " + String.join(", ", allowedQuery)));
      }
    }
    for (Param p : route.params()) {
      if (p.in() != Route.In.QUERY) {
        continue;
      }
      String v = q.get(p.name());
      if (v == null || v.isEmpty()) {
        if (p.required()) {
          throw ApiError.badRequest("query parameter '" + p.name() + "' is required");
        }
        c.values.put(p.name(), p.dflt());
      } else {
        c.values.put(p.name(), Route.parse(p, v));
      }
    }
    return c;
  }

  static Map<String, String> queryParams(String raw) {
    Map<String, String> m = new LinkedHashMap<>();
    if (raw != null && !raw.isEmpty()) {
      for (String kv : raw.split("&")) {
        if (kv.isEmpty()) {
          continue;
        }
        int i = kv.indexOf('=');
        String k;
        String v;
        try {
          k = URLDecoder.decode(i < 0 ? kv : kv.substring(0, i), StandardCharsets.UTF_8);
          v = i < 0 ? "" : URLDecoder.decode(kv.substring(i + 1), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
          throw ApiError.badRequest("malformed query string");
        }
        if (m.put(k, v) != null) {
          throw ApiError.badRequest("query parameter '" + k + "' given twice");
        }
      }
    }
    return m;
  }

  private static final Map<String, String[]> TEMPLATES = new ConcurrentHashMap<>();

  private static String[] segments(String path) {
    String p = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    return p.equals("/") ? new String[0] : p.substring(1).split("/", -1);
  }

  /** The template's parameter values when {@code segs} matches it, else null. */
  static Map<String, String> matchTemplate(String template, String[] segs) {
    String[] t = TEMPLATES.computeIfAbsent(template, HttpLayer::segments);
    if (t.length != segs.length) {
      return null;
    }
    Map<String, String> vals = new HashMap<>();
    for (int i = 0; i < t.length; i++) {
      if (t[i].startsWith("{")) {
        if (segs[i].isEmpty()) {
          return null;
        }
        vals.put(t[i].substring(1, t[i].length() - 1), segs[i]);
      } else if (!t[i].equals(segs[i])) {
        return null;
      }
    }
    return vals;
  }

  /** A request body that refuses to read past the limit (413), for bodies without a Content-Length. */
  private static final class Limited extends java.io.FilterInputStream {
    private final long max;
    private long read;

    Limited(InputStream in, long max) {
      super(in);
      this.max = max;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      count(b < 0 ? 0 : 1);
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      count(Math.max(n, 0));
      return n;
    }

    private void count(int n) {
      read += n;
      if (read > max) {
        throw new ApiError(413, "too_large", "the body is larger than " + max + " bytes (query.max.body.bytes)");
      }
    }
  }

  /** Jetty's own refusals (header or URL too large, malformed request) as JSON, like every other error. */
  private static final class JsonErrorHandler extends ErrorHandler {
    @Override
    public boolean handle(Request request, Response response, Callback callback) {
      int status = response.getStatus() <= 0 ? 500 : response.getStatus();
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
      response.write(true, ByteBuffer.wrap(body(status)), callback);
      return true;
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
      fields.put(HttpHeader.CONTENT_TYPE, "application/json");
      return ByteBuffer.wrap(body(status));
    }

    private static byte[] body(int status) {
      String code = switch (status) {
        case 413 -> "too_large";
        case 414 -> "uri_too_long";
        case 431 -> "headers_too_large";
        case 400 -> "bad_request";
        default -> "http_" + status;
      };
      String msg = switch (status) {
        case 414 -> "the URL is too long (query.max.header.bytes)";
        case 431 -> "the request headers are too large (query.max.header.bytes)";
        case 400 -> "malformed HTTP request";
        default -> "request refused (" + status + ")";
      };
      return Json.bytes(Json.ordered("error", msg, "code", code));
    }
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      LOG.debug("stopping the query API: {}", e.toString());
    }
    users.shutdownNow();
    peers.shutdownNow();
    timer.shutdownNow();
  }

}
