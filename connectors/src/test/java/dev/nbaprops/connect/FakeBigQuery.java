package dev.nbaprops.connect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * A local stand-in for the BigQuery v2 REST API, just the calls {@link BigQueryWarehouse} makes through the real
 * client library, with state: datasets, tables (resource and rows), jobs and resumable upload sessions.
 *
 * <ul>
 *   <li>{@code datasets.get/insert}; {@code tables.get/insert/patch/delete} (insert and patch validate the schema
 *       the way BigQuery does: known types and modes, a DATE/TIMESTAMP partition field, at most four clustering
 *       fields of clusterable types, primary key columns that exist; a patch may only add NULLABLE fields and relax
 *       REQUIRED to NULLABLE).</li>
 *   <li>Load jobs by resumable upload ({@code POST /upload/bigquery/v2/projects/p/jobs?uploadType=resumable}, then
 *       {@code PUT} of the bytes to the session URL): newline-delimited JSON, each value checked against the
 *       destination column's type and mode, WRITE_TRUNCATE or WRITE_APPEND, CREATE_NEVER honoured.</li>
 *   <li>Query jobs ({@code jobs.insert}, {@code jobs.get}, {@code jobs.getQueryResults}, {@code jobs.cancel}) that
 *       run a {@code MERGE} of the connector's shape for real: ON key equalities, WHEN MATCHED UPDATE SET, WHEN NOT
 *       MATCHED INSERT; a target row matched by two source rows fails as in BigQuery. And a {@code DELETE} of the
 *       connector's shape, {@code WHERE (k1 = @a AND k2 = @b) OR ...} with named query parameters, each checked
 *       against its column's type.</li>
 * </ul>
 *
 * <p>Every request is recorded ({@link #requests}); unknown calls answer 501 and are listed in {@link #unhandled}.
 * {@link #failNext} scripts error responses (429, 503, ...), {@link #delayNext} slow responses, {@link #failNextJobs}
 * failed jobs and {@link #hangJobs} jobs that never finish. {@code -Dfake.trace} prints every request. Stored values are
 * typed: STRING String, INTEGER Long, FLOAT Double, BOOLEAN Boolean, DATE LocalDate, TIMESTAMP Instant.
 */
final class FakeBigQuery implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();

  private static final Pattern BQ = Pattern.compile("/bigquery/v2/projects/([^/]+)/(.*)");
  private static final Set<String> TYPES = Set.of("STRING", "INTEGER", "INT64", "FLOAT", "FLOAT64", "BOOLEAN", "BOOL",
      "DATE", "TIMESTAMP");
  private static final Set<String> CLUSTERABLE = Set.of("STRING", "INTEGER", "BOOLEAN", "DATE", "TIMESTAMP");
  private static final DateTimeFormatter BQ_TIMESTAMP = DateTimeFormatter.ofPattern(
      "uuuu-MM-dd HH:mm:ss[.SSSSSS][.SSS]");
  private static final DateTimeFormatter BQ_OFFSET_TIMESTAMP = DateTimeFormatter.ofPattern(
      "uuuu-MM-dd HH:mm:ss[.SSSSSS][.SSS]xxx");

  /** One recorded request. */
  record Request(String method, String path, String query, String body) {
    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("not JSON: " + body, e);
      }
    }
  }

  /** A table: its resource as the client sent it (plus output fields) and its rows. */
  static final class FakeTable {
    ObjectNode resource;
    final List<Map<String, Object>> rows = new ArrayList<>();

    FakeTable(ObjectNode resource) {
      this.resource = resource;
    }

    List<JsonNode> fields() {
      List<JsonNode> out = new ArrayList<>();
      resource.path("schema").path("fields").forEach(out::add);
      return out;
    }
  }

  /** A finished load: the destination table, the load configuration and the uploaded data. */
  record Load(String dataset, String table, JsonNode configuration, String data) {
    List<String> lines() {
      return Arrays.stream(data.split("\n")).filter(l -> !l.isBlank()).toList();
    }
  }

  private record Scripted(String method, Pattern path, int status, String reason, long delayMs, AtomicInteger left) {
  }

  private final HttpServer server;
  private final String project;
  private final Map<String, ObjectNode> datasets = new HashMap<>();
  private final Map<String, FakeTable> tables = new TreeMap<>();
  private final Map<String, ObjectNode> jobs = new LinkedHashMap<>();
  private final Map<String, Upload> uploads = new HashMap<>();
  private final List<Request> requests = new ArrayList<>();
  private final List<String> unhandled = new ArrayList<>();
  private final List<Scripted> scripted = new ArrayList<>();
  private final List<Load> loads = new ArrayList<>();
  private final List<String[]> jobFailures = new ArrayList<>();
  private String hangingJobType;
  private int sequence;

  private static final class Upload {
    final ObjectNode job;
    final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();

    Upload(ObjectNode job) {
      this.job = job;
    }
  }

  static {
    // The JDK server writes response headers and body separately: without TCP_NODELAY every call waits for the
    // client's delayed ACK (~40 ms).
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  FakeBigQuery(String project) throws IOException {
    this.project = project;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  /** The REST root URL, for {@code bigquery.endpoint}. */
  String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
  }

  @Override
  public void close() {
    server.stop(0);
  }

  // ---- test API ----

  /** The next {@code times} requests of this method whose path matches the regex answer this HTTP error. */
  synchronized void failNext(String method, String pathRegex, int status, String reason, int times) {
    scripted.add(new Scripted(method, Pattern.compile(pathRegex), status, reason, 0, new AtomicInteger(times)));
  }

  /** The next {@code times} matching requests are answered only after {@code delayMs}. */
  synchronized void delayNext(String method, String pathRegex, long delayMs, int times) {
    scripted.add(new Scripted(method, Pattern.compile(pathRegex), 0, null, delayMs, new AtomicInteger(times)));
  }

  /** The next {@code times} jobs (load or query) finish DONE with this error reason, without running. */
  synchronized void failNextJobs(String reason, String message, int times) {
    for (int i = 0; i < times; i++) {
      jobFailures.add(new String[] {reason, message});
    }
  }

  /** While set, new jobs of this type ({@code load} or {@code query}) stay RUNNING, doing nothing, until cancelled. */
  synchronized void hangJobs(String jobType) {
    hangingJobType = jobType;
  }

  synchronized void clearScripts() {
    scripted.clear();
    jobFailures.clear();
    hangingJobType = null;
  }

  synchronized List<Load> loads() {
    return List.copyOf(loads);
  }

  /** Recorded requests of this method (the effective one, after X-HTTP-Method-Override) whose path matches. */
  synchronized List<Request> requests(String method, String pathRegex) {
    Pattern p = Pattern.compile(pathRegex);
    return requests.stream().filter(r -> r.method.equals(method) && p.matcher(r.path).matches()).toList();
  }

  synchronized List<Request> requests() {
    return List.copyOf(requests);
  }

  synchronized List<String> unhandled() {
    return List.copyOf(unhandled);
  }

  synchronized void clearRequests() {
    requests.clear();
  }

  /** A dataset created in this location, as if by someone else. */
  synchronized void putDataset(String dataset, String location) {
    ObjectNode d = JSON.createObjectNode();
    d.putObject("datasetReference").put("projectId", project).put("datasetId", dataset);
    d.put("location", location);
    d.put("id", project + ":" + dataset);
    datasets.put(dataset, d);
  }

  synchronized FakeTable table(String dataset, String table) {
    return tables.get(dataset + "." + table);
  }

  synchronized List<String> tableNames() {
    return List.copyOf(tables.keySet());
  }

  /** A copy of the rows of a table ({@code dataset.table}), in storage order. */
  synchronized List<Map<String, Object>> rows(String qualifiedTable) {
    FakeTable t = tables.get(qualifiedTable);
    if (t == null) {
      throw new AssertionError("no table " + qualifiedTable + "; tables: " + tables.keySet());
    }
    // Rows stored before a column was added read it as NULL, as in BigQuery.
    List<Map<String, Object>> out = new ArrayList<>();
    for (Map<String, Object> r : t.rows) {
      Map<String, Object> row = new LinkedHashMap<>();
      t.fields().forEach(f -> row.put(f.path("name").asText(), r.get(f.path("name").asText())));
      out.add(row);
    }
    return out;
  }

  synchronized List<ObjectNode> jobs() {
    return List.copyOf(jobs.values());
  }

  // ---- HTTP ----

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String method = Objects.requireNonNullElse(exchange.getRequestHeaders().getFirst("X-HTTP-Method-Override"),
          exchange.getRequestMethod()).toUpperCase(Locale.ROOT);
      String path = exchange.getRequestURI().getRawPath();
      String query = Objects.requireNonNullElse(exchange.getRequestURI().getRawQuery(), "");
      byte[] body = exchange.getRequestBody().readAllBytes();
      if ("gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
          body = in.readAllBytes();
        }
      }
      Scripted script;
      synchronized (this) {
        requests.add(new Request(method, path, query, new String(body, StandardCharsets.UTF_8)));
        if (System.getProperty("fake.trace") != null) {
          System.out.println(System.currentTimeMillis() % 100000 + " " + method + " " + path + "?" + query);
        }
        script = scripted.stream().filter(s -> s.method.equals(method) && s.path.matcher(path).matches()
            && s.left.get() > 0).findFirst().orElse(null);
        if (script != null) {
          script.left.decrementAndGet();
        }
      }
      if (script != null && script.delayMs > 0) {
        sleep(script.delayMs);
      }
      if (script != null && script.status > 0) {
        sendError(exchange, script.status, script.reason, "scripted " + script.status + " (" + script.reason + ")");
        return;
      }
      Response response;
      synchronized (this) {
        response = route(method, path, query, body, exchange);
      }
      send(exchange, response);
    } catch (RuntimeException | Error e) {
      e.printStackTrace();
      throw e;
    }
  }

  private record Response(int status, JsonNode body, Map<String, String> headers) {
    static Response ok(JsonNode body) {
      return new Response(200, body, Map.of());
    }

    static Response error(int status, String reason, String message) {
      ObjectNode root = JSON.createObjectNode();
      ObjectNode error = root.putObject("error");
      error.put("code", status).put("message", message);
      error.putArray("errors").addObject().put("reason", reason).put("message", message).put("domain", "global");
      return new Response(status, root, Map.of());
    }
  }

  private Response route(String method, String path, String query, byte[] body, HttpExchange exchange)
      throws IOException {
    Matcher m;
    if ((m = Pattern.compile("/upload/bigquery/v2/projects/([^/]+)/jobs").matcher(path)).matches()
        && method.equals("POST") && query.contains("uploadType=resumable")) {
      ObjectNode job = (ObjectNode) JSON.readTree(body);
      String id = "u" + (++sequence);
      uploads.put(id, new Upload(job));
      return new Response(200, null, Map.of("Location", endpoint() + "upload/session/" + id));
    }
    if ((m = Pattern.compile("/upload/session/([^/]+)").matcher(path)).matches() && method.equals("PUT")) {
      return uploadChunk(m.group(1), body, exchange.getRequestHeaders().getFirst("Content-Range"));
    }
    m = BQ.matcher(path);
    if (!m.matches() || !m.group(1).equals(project)) {
      return unhandled(method, path);
    }
    String[] p = Arrays.stream(m.group(2).split("/")).map(s -> URLDecoder.decode(s, StandardCharsets.UTF_8))
        .toArray(String[]::new);
    if (p[0].equals("datasets")) {
      if (p.length == 1 && method.equals("POST")) {
        return insertDataset((ObjectNode) JSON.readTree(body));
      }
      if (p.length == 2 && method.equals("GET")) {
        ObjectNode d = datasets.get(p[1]);
        return d == null ? notFound("Dataset " + project + ":" + p[1]) : Response.ok(d);
      }
      if (p.length == 3 && p[2].equals("tables") && method.equals("POST")) {
        return insertTable(p[1], (ObjectNode) JSON.readTree(body));
      }
      if (p.length == 4 && p[2].equals("tables")) {
        String key = p[1] + "." + p[3];
        FakeTable t = tables.get(key);
        switch (method) {
          case "GET":
            return t == null ? notFound("Table " + project + ":" + key) : Response.ok(t.resource);
          case "PATCH":
          case "PUT":
            return t == null ? notFound("Table " + project + ":" + key)
                : patchTable(t, (ObjectNode) JSON.readTree(body));
          case "DELETE":
            if (t == null) {
              return notFound("Table " + project + ":" + key);
            }
            tables.remove(key);
            return new Response(204, null, Map.of());
          default:
            break;
        }
      }
    }
    if (p[0].equals("jobs")) {
      if (p.length == 1 && method.equals("POST")) {
        return insertJob((ObjectNode) JSON.readTree(body));
      }
      if (p.length == 2 && method.equals("GET")) {
        ObjectNode job = jobs.get(p[1]);
        return job == null ? notFound("Job " + project + ":" + p[1]) : Response.ok(job);
      }
      if (p.length == 3 && p[2].equals("cancel") && method.equals("POST")) {
        ObjectNode job = jobs.get(p[1]);
        if (job == null) {
          return notFound("Job " + project + ":" + p[1]);
        }
        ObjectNode status = (ObjectNode) job.get("status");
        if (!status.path("state").asText().equals("DONE")) {
          status.put("state", "DONE");
          fail(status, "stopped", "Job execution was cancelled: User requested cancellation");
        }
        return Response.ok(JSON.createObjectNode().put("kind", "bigquery#jobCancelResponse").set("job", job));
      }
    }
    if (p[0].equals("queries") && p.length == 2 && method.equals("GET")) {
      return queryResults(p[1]);
    }
    return unhandled(method, path);
  }

  private Response unhandled(String method, String path) {
    unhandled.add(method + " " + path);
    return Response.error(501, "notImplemented", "the fake does not implement " + method + " " + path);
  }

  private Response notFound(String what) {
    return Response.error(404, "notFound", "Not found: " + what);
  }

  private static Response invalid(String message) {
    return Response.error(400, "invalid", message);
  }

  private Response insertDataset(ObjectNode dataset) {
    String id = dataset.path("datasetReference").path("datasetId").asText();
    if (datasets.containsKey(id)) {
      return Response.error(409, "duplicate", "Already Exists: Dataset " + project + ":" + id);
    }
    dataset.put("id", project + ":" + id).put("kind", "bigquery#dataset");
    if (!dataset.hasNonNull("location")) {
      dataset.put("location", "US");
    }
    datasets.put(id, dataset);
    return Response.ok(dataset);
  }

  private Response insertTable(String dataset, ObjectNode table) {
    if (!datasets.containsKey(dataset)) {
      return notFound("Dataset " + project + ":" + dataset);
    }
    String id = table.path("tableReference").path("tableId").asText();
    String key = dataset + "." + id;
    if (tables.containsKey(key)) {
      return Response.error(409, "duplicate", "Already Exists: Table " + project + ":" + key);
    }
    String problem = checkSchema(table);
    if (problem != null) {
      return invalid(problem);
    }
    table.put("id", project + ":" + key).put("kind", "bigquery#table").put("type", "TABLE")
        .put("creationTime", Long.toString(System.currentTimeMillis())).put("etag", "e" + (++sequence));
    tables.put(key, new FakeTable(table));
    return Response.ok(table);
  }

  private String checkSchema(ObjectNode table) {
    Map<String, String> types = new HashMap<>();
    for (JsonNode f : table.path("schema").path("fields")) {
      String name = f.path("name").asText();
      String type = f.path("type").asText();
      String mode = f.path("mode").asText("NULLABLE");
      if (!TYPES.contains(type)) {
        return "field " + name + ": unknown type " + type;
      }
      if (!Set.of("NULLABLE", "REQUIRED").contains(mode)) {
        return "field " + name + ": unsupported mode " + mode;
      }
      if (types.put(name.toLowerCase(Locale.ROOT), legacy(type)) != null) {
        return "duplicate field " + name;
      }
    }
    JsonNode partitioning = table.path("timePartitioning");
    if (!partitioning.isMissingNode()) {
      String field = partitioning.path("field").asText();
      if (!Set.of("DATE", "TIMESTAMP").contains(types.get(field.toLowerCase(Locale.ROOT)))) {
        return "partitioning field " + field + " must be a top-level DATE or TIMESTAMP field";
      }
    }
    JsonNode clustering = table.path("clustering").path("fields");
    if (clustering.size() > 4) {
      return "too many clustering fields: " + clustering;
    }
    for (JsonNode c : clustering) {
      if (!CLUSTERABLE.contains(types.get(c.asText().toLowerCase(Locale.ROOT)))) {
        return "clustering field " + c.asText() + " is missing or of a type that cannot be clustered";
      }
    }
    for (JsonNode c : table.path("tableConstraints").path("primaryKey").path("columns")) {
      if (!types.containsKey(c.asText().toLowerCase(Locale.ROOT))) {
        return "primary key column " + c.asText() + " is not a field";
      }
    }
    return null;
  }

  private Response patchTable(FakeTable t, ObjectNode patch) {
    if (patch.has("schema")) {
      Map<String, JsonNode> before = new HashMap<>();
      t.fields().forEach(f -> before.put(f.path("name").asText().toLowerCase(Locale.ROOT), f));
      Set<String> after = new java.util.HashSet<>();
      for (JsonNode f : patch.path("schema").path("fields")) {
        String name = f.path("name").asText();
        after.add(name.toLowerCase(Locale.ROOT));
        JsonNode old = before.get(name.toLowerCase(Locale.ROOT));
        String mode = f.path("mode").asText("NULLABLE");
        if (old == null) {
          if (!mode.equals("NULLABLE")) {
            return invalid("Provided Schema does not match Table. Cannot add required field " + name);
          }
        } else {
          if (!legacy(old.path("type").asText()).equals(legacy(f.path("type").asText()))) {
            return invalid("Provided Schema does not match Table. Field " + name + " has changed type from "
                + old.path("type").asText() + " to " + f.path("type").asText());
          }
          if (old.path("mode").asText("NULLABLE").equals("NULLABLE") && mode.equals("REQUIRED")) {
            return invalid("Provided Schema does not match Table. Field " + name
                + " has changed mode from NULLABLE to REQUIRED");
          }
        }
      }
      for (String name : before.keySet()) {
        if (!after.contains(name)) {
          return invalid("Provided Schema does not match Table. Field " + name + " is missing in new schema");
        }
      }
      ObjectNode candidate = t.resource.deepCopy();
      candidate.set("schema", patch.get("schema"));
      String problem = checkSchema(candidate);
      if (problem != null) {
        return invalid(problem);
      }
      t.resource = candidate;
    }
    t.resource.put("etag", "e" + (++sequence));
    return Response.ok(t.resource);
  }

  private Response uploadChunk(String session, byte[] body, String contentRange) {
    Upload upload = uploads.get(session);
    if (upload == null) {
      return notFound("upload session " + session);
    }
    upload.bytes.writeBytes(body);
    Matcher m = Pattern.compile("bytes (?:\\d+-\\d+|\\*)/(\\d+|\\*)").matcher(String.valueOf(contentRange));
    if (!m.matches()) {
      return invalid("bad Content-Range " + contentRange);
    }
    if (m.group(1).equals("*") || Long.parseLong(m.group(1)) != upload.bytes.size()) {
      return new Response(308, null, Map.of("Range", "bytes=0-" + (upload.bytes.size() - 1)));
    }
    uploads.remove(session);
    ObjectNode job = upload.job;
    String jobId = job.path("jobReference").path("jobId").asText();
    if (jobs.containsKey(jobId)) {
      return Response.error(409, "duplicate", "Already Exists: Job " + project + ":" + jobId);
    }
    job.put("id", project + ":" + jobId).put("kind", "bigquery#job");
    ObjectNode status = job.putObject("status").put("state", "DONE");
    JsonNode load = job.path("configuration").path("load");
    String data = new String(upload.bytes.toByteArray(), StandardCharsets.UTF_8);
    if ("load".equals(hangingJobType)) {
      status.put("state", "RUNNING");
    } else if (!jobFailures.isEmpty()) {
      String[] failure = jobFailures.remove(0);
      fail(status, failure[0], failure[1]);
    } else {
      String error = runLoad(load, data);
      if (error != null) {
        fail(status, "invalid", error);
      } else {
        loads.add(new Load(load.path("destinationTable").path("datasetId").asText(),
            load.path("destinationTable").path("tableId").asText(), load, data));
      }
    }
    job.putObject("statistics").put("creationTime", Long.toString(System.currentTimeMillis()));
    jobs.put(jobId, job);
    return Response.ok(job);
  }

  /** Loads newline-delimited JSON into the destination table; the error message, or null. */
  private String runLoad(JsonNode load, String data) {
    if (!load.path("sourceFormat").asText().equals("NEWLINE_DELIMITED_JSON")) {
      return "the fake loads NEWLINE_DELIMITED_JSON only, got " + load.path("sourceFormat");
    }
    JsonNode ref = load.path("destinationTable");
    FakeTable t = tables.get(ref.path("datasetId").asText() + "." + ref.path("tableId").asText());
    if (t == null) {
      return "Not found: Table " + ref.path("datasetId").asText() + "." + ref.path("tableId").asText();
    }
    List<Map<String, Object>> rows = new ArrayList<>();
    String[] lines = data.split("\n");
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].isBlank()) {
        continue;
      }
      try {
        JsonNode line = JSON.readTree(lines[i]);
        Map<String, Object> row = new LinkedHashMap<>();
        Set<String> known = new java.util.HashSet<>();
        for (JsonNode f : t.fields()) {
          String name = f.path("name").asText();
          known.add(name);
          Object v = typed(f, line.get(name));
          if (v == null && f.path("mode").asText("NULLABLE").equals("REQUIRED")) {
            throw new IllegalArgumentException("Missing required field: " + name);
          }
          row.put(name, v);
        }
        line.fieldNames().forEachRemaining(n -> {
          if (!known.contains(n)) {
            throw new IllegalArgumentException("no such field: " + n);
          }
        });
        rows.add(row);
      } catch (IOException | RuntimeException e) {
        return "Error while reading data, error message: JSON table encountered too many errors. Row " + i
            + ": " + e.getMessage();
      }
    }
    String disposition = load.path("writeDisposition").asText("WRITE_APPEND");
    if (disposition.equals("WRITE_TRUNCATE")) {
      t.rows.clear();
    } else if (disposition.equals("WRITE_EMPTY") && !t.rows.isEmpty()) {
      return "table is not empty";
    }
    t.rows.addAll(rows);
    return null;
  }

  /** A JSON value as the column's typed value, rejecting what BigQuery would reject. */
  private static Object typed(JsonNode field, JsonNode v) {
    if (v == null || v.isNull()) {
      return null;
    }
    String name = field.path("name").asText();
    String type = legacy(field.path("type").asText());
    switch (type) {
      case "STRING":
        if (!v.isTextual()) {
          throw new IllegalArgumentException(name + ": expected a string, got " + v);
        }
        return v.asText();
      case "INTEGER":
        if (v.isIntegralNumber()) {
          return v.longValue();
        }
        if (v.isTextual() && v.asText().matches("-?\\d+")) {
          return Long.parseLong(v.asText());
        }
        throw new IllegalArgumentException(name + ": expected an integer, got " + v);
      case "FLOAT":
        if (v.isNumber()) {
          return v.doubleValue();
        }
        if (v.isTextual() && Set.of("NaN", "Infinity", "-Infinity").contains(v.asText())) {
          return Double.parseDouble(v.asText());
        }
        throw new IllegalArgumentException(name + ": expected a number, got " + v);
      case "BOOLEAN":
        if (!v.isBoolean()) {
          throw new IllegalArgumentException(name + ": expected a boolean, got " + v);
        }
        return v.booleanValue();
      case "DATE":
        try {
          return LocalDate.parse(v.asText());
        } catch (DateTimeParseException e) {
          throw new IllegalArgumentException(name + ": invalid DATE " + v);
        }
      case "TIMESTAMP":
        String s = v.asText();
        try {
          if (s.endsWith(" UTC")) {
            return LocalDateTime.parse(s.substring(0, s.length() - 4), BQ_TIMESTAMP).toInstant(ZoneOffset.UTC);
          }
          if (s.length() > 19 && s.charAt(10) == ' ') { // query parameters: 2024-01-16 20:30:00.123000+00:00
            return java.time.OffsetDateTime.parse(s, BQ_OFFSET_TIMESTAMP).toInstant();
          }
          return Instant.parse(s);
        } catch (DateTimeParseException e) {
          throw new IllegalArgumentException(name + ": invalid TIMESTAMP " + v);
        }
      default:
        throw new IllegalArgumentException(name + ": type " + type + " not supported by the fake");
    }
  }

  private Response insertJob(ObjectNode job) {
    String jobId = job.path("jobReference").path("jobId").asText();
    if (jobs.containsKey(jobId)) {
      return Response.error(409, "duplicate", "Already Exists: Job " + project + ":" + jobId);
    }
    JsonNode query = job.path("configuration").path("query");
    if (query.isMissingNode()) {
      return invalid("the fake runs query jobs only");
    }
    job.put("id", project + ":" + jobId).put("kind", "bigquery#job");
    ObjectNode status = job.putObject("status").put("state", "DONE");
    ObjectNode statistics = job.putObject("statistics").put("creationTime", Long.toString(System.currentTimeMillis()));
    if ("query".equals(hangingJobType)) {
      status.put("state", "RUNNING");
    } else if (!jobFailures.isEmpty()) {
      String[] failure = jobFailures.remove(0);
      fail(status, failure[0], failure[1]);
    } else {
      try {
        if (query.path("useLegacySql").asBoolean(true)) {
          throw new IllegalArgumentException("DML needs standard SQL (useLegacySql=false)");
        }
        String sql = query.path("query").asText();
        boolean delete = sql.strip().startsWith("DELETE");
        long affected = delete ? delete(sql, query) : merge(sql);
        statistics.putObject("query").put("statementType", delete ? "DELETE" : "MERGE")
            .put("numDmlAffectedRows", Long.toString(affected));
      } catch (IllegalArgumentException e) {
        fail(status, "invalidQuery", e.getMessage());
      }
    }
    jobs.put(jobId, job);
    return Response.ok(job);
  }

  private static void fail(ObjectNode status, String reason, String message) {
    status.putObject("errorResult").put("reason", reason).put("message", message);
    status.putArray("errors").addObject().put("reason", reason).put("message", message);
  }

  private Response queryResults(String jobId) {
    ObjectNode job = jobs.get(jobId);
    if (job == null) {
      return notFound("Job " + project + ":" + jobId);
    }
    if (!job.path("status").path("state").asText().equals("DONE")) {
      return Response.ok(JSON.createObjectNode().put("kind", "bigquery#getQueryResultsResponse")
          .put("jobComplete", false).set("jobReference", job.get("jobReference")));
    }
    JsonNode error = job.path("status").path("errorResult");
    if (!error.isMissingNode()) {
      return Response.error(400, error.path("reason").asText(), error.path("message").asText());
    }
    ObjectNode response = JSON.createObjectNode().put("kind", "bigquery#getQueryResultsResponse")
        .put("jobComplete", true).put("totalRows", "0")
        .put("numDmlAffectedRows", job.path("statistics").path("query").path("numDmlAffectedRows").asText("0"));
    response.set("jobReference", job.get("jobReference"));
    response.putObject("schema").putArray("fields");
    return Response.ok(response);
  }

  private static final Pattern MERGE = Pattern.compile("MERGE `([^`]+)` T USING `([^`]+)` S ON (.+?)"
      + "(?: WHEN MATCHED THEN UPDATE SET (.+?))? WHEN NOT MATCHED THEN INSERT \\((.+?)\\) VALUES \\((.+?)\\)");
  private static final Pattern ON = Pattern.compile("T\\.`([^`]+)` = S\\.`([^`]+)`");
  private static final Pattern SET = Pattern.compile("`([^`]+)` = S\\.`([^`]+)`");
  private static final Pattern COLUMN = Pattern.compile("(S\\.)?`([^`]+)`");

  /**
   * Runs a MERGE of the connector's shape on the stored rows; returns the number of rows inserted or updated.
   *
   * @throws IllegalArgumentException for SQL the fake does not understand, unknown tables or columns, a target row
   *     matched by several source rows, or a NULL in a REQUIRED column
   */
  private long merge(String sql) {
    Matcher m = MERGE.matcher(sql.strip().replaceAll("\\s+", " "));
    if (!m.matches()) {
      throw new IllegalArgumentException("the fake understands only the connector's MERGE shape: " + sql);
    }
    FakeTable target = table(m.group(1));
    FakeTable source = table(m.group(2));
    List<String[]> on = pairs(ON, m.group(3), " AND ");
    List<String[]> set = m.group(4) == null ? List.of() : pairs(SET, m.group(4), ", ");
    List<String> insertColumns = columns(m.group(5), false);
    List<String> insertValues = columns(m.group(6), true);
    if (insertColumns.size() != insertValues.size()) {
      throw new IllegalArgumentException("INSERT has " + insertColumns.size() + " columns and "
          + insertValues.size() + " values");
    }
    Set<String> targetColumns = names(target);
    Set<String> sourceColumns = names(source);
    for (String[] p : on) {
      require(targetColumns, p[0], m.group(1));
      require(sourceColumns, p[1], m.group(2));
    }
    for (String[] p : set) {
      require(targetColumns, p[0], m.group(1));
      require(sourceColumns, p[1], m.group(2));
    }
    insertColumns.forEach(c -> require(targetColumns, c, m.group(1)));
    insertValues.forEach(c -> require(sourceColumns, c, m.group(2)));

    // Statements are atomic: work on a copy, commit at the end.
    List<Map<String, Object>> working = new ArrayList<>();
    for (Map<String, Object> r : target.rows) {
      Map<String, Object> copy = new LinkedHashMap<>();
      target.fields().forEach(f -> copy.put(f.path("name").asText(), r.get(f.path("name").asText())));
      working.add(copy);
    }
    Map<Map<String, Object>, Integer> matchedBy = new IdentityHashMap<>();
    List<Map<String, Object>> inserts = new ArrayList<>();
    long affected = 0;
    for (Map<String, Object> s : source.rows) {
      List<Map<String, Object>> matches = working.stream().filter(t -> on.stream().allMatch(p ->
          t.get(p[0]) != null && t.get(p[0]).equals(s.get(p[1])))).toList();
      if (matches.isEmpty()) {
        Map<String, Object> row = new LinkedHashMap<>();
        target.fields().forEach(f -> row.put(f.path("name").asText(), null));
        for (int i = 0; i < insertColumns.size(); i++) {
          row.put(insertColumns.get(i), s.get(insertValues.get(i)));
        }
        inserts.add(row);
        affected++;
        continue;
      }
      for (Map<String, Object> t : matches) {
        if (matchedBy.merge(t, 1, Integer::sum) > 1) {
          throw new IllegalArgumentException("UPDATE/MERGE must match at most one source row for each target row");
        }
        for (String[] p : set) {
          t.put(p[0], s.get(p[1]));
        }
        affected++;
      }
    }
    working.addAll(inserts);
    for (Map<String, Object> row : working) {
      for (JsonNode f : target.fields()) {
        if (f.path("mode").asText("NULLABLE").equals("REQUIRED") && row.get(f.path("name").asText()) == null) {
          throw new IllegalArgumentException("Required field " + f.path("name").asText() + " cannot be null");
        }
      }
    }
    target.rows.clear();
    target.rows.addAll(working);
    return affected;
  }

  private static final Pattern DELETE = Pattern.compile("DELETE FROM `([^`]+)` WHERE (.+)");
  private static final Pattern DISJUNCT = Pattern.compile("\\((.+)\\)");
  private static final Pattern KEY_TERM = Pattern.compile("`([^`]+)` = @([A-Za-z_][A-Za-z0-9_]*)");

  /**
   * Runs a DELETE of the connector's shape, {@code DELETE FROM `p.d.t` WHERE (`k1` = @a AND `k2` = @b) OR ...},
   * with named query parameters, on the stored rows; returns the number of rows deleted.
   *
   * @throws IllegalArgumentException for SQL the fake does not understand, an unknown table or column, a parameter
   *     that is not declared, or one whose type is not the column's (BigQuery: no matching signature for =)
   */
  private long delete(String sql, JsonNode query) {
    Matcher m = DELETE.matcher(sql.strip().replaceAll("\\s+", " "));
    if (!m.matches()) {
      throw new IllegalArgumentException("the fake understands only the connector's DELETE shape: " + sql);
    }
    FakeTable target = table(m.group(1));
    Map<String, JsonNode> columns = new HashMap<>();
    target.fields().forEach(f -> columns.put(f.path("name").asText(), f));
    if (!query.path("parameterMode").asText().equals("NAMED")) {
      throw new IllegalArgumentException("@name parameters need parameterMode NAMED, got "
          + query.path("parameterMode"));
    }
    Map<String, JsonNode> parameters = new HashMap<>();
    for (JsonNode p : query.path("queryParameters")) {
      if (p.path("name").asText().isEmpty() || parameters.put(p.path("name").asText(), p) != null) {
        throw new IllegalArgumentException("query parameter without a name or declared twice: " + p);
      }
    }
    List<Map<String, Object>> conditions = new ArrayList<>();
    for (String disjunct : m.group(2).split(" OR ")) {
      Matcher d = DISJUNCT.matcher(disjunct.strip());
      if (!d.matches()) {
        throw new IllegalArgumentException("cannot parse '" + disjunct + "'");
      }
      Map<String, Object> condition = new LinkedHashMap<>();
      for (String term : d.group(1).split(" AND ")) {
        Matcher t = KEY_TERM.matcher(term.strip());
        if (!t.matches()) {
          throw new IllegalArgumentException("cannot parse '" + term + "'");
        }
        JsonNode column = columns.get(t.group(1));
        if (column == null) {
          throw new IllegalArgumentException("Unrecognized name: " + t.group(1) + " in " + m.group(1));
        }
        JsonNode parameter = parameters.get(t.group(2));
        if (parameter == null) {
          throw new IllegalArgumentException("Query parameter '" + t.group(2) + "' not found");
        }
        String type = legacy(parameter.path("parameterType").path("type").asText());
        String columnType = legacy(column.path("type").asText());
        if (!type.equals(columnType)) {
          throw new IllegalArgumentException("No matching signature for operator = for argument types: "
              + columnType + ", " + type);
        }
        ObjectNode field = JSON.createObjectNode().put("name", t.group(2)).put("type", type);
        condition.put(t.group(1), typed(field, parameter.path("parameterValue").path("value")));
      }
      conditions.add(condition);
    }
    int before = target.rows.size();
    target.rows.removeIf(row -> conditions.stream().anyMatch(c -> c.entrySet().stream().allMatch(e ->
        row.get(e.getKey()) != null && row.get(e.getKey()).equals(e.getValue()))));
    return before - target.rows.size();
  }

  private FakeTable table(String ref) {
    String[] parts = ref.split("\\.");
    if (parts.length != 3 || !parts[0].equals(project)) {
      throw new IllegalArgumentException("table reference " + ref + " is not project.dataset.table of " + project);
    }
    FakeTable t = tables.get(parts[1] + "." + parts[2]);
    if (t == null) {
      throw new IllegalArgumentException("Not found: Table " + ref);
    }
    return t;
  }

  private static List<String[]> pairs(Pattern pattern, String text, String separator) {
    List<String[]> out = new ArrayList<>();
    for (String part : text.split(Pattern.quote(separator))) {
      Matcher m = pattern.matcher(part.strip());
      if (!m.matches()) {
        throw new IllegalArgumentException("cannot parse '" + part + "'");
      }
      out.add(new String[] {m.group(1), m.group(2)});
    }
    return out;
  }

  private static List<String> columns(String text, boolean sourcePrefixed) {
    List<String> out = new ArrayList<>();
    for (String part : text.split(", ")) {
      Matcher m = COLUMN.matcher(part.strip());
      if (!m.matches() || (m.group(1) != null) != sourcePrefixed) {
        throw new IllegalArgumentException("cannot parse column '" + part + "'");
      }
      out.add(m.group(2));
    }
    return out;
  }

  private static Set<String> names(FakeTable t) {
    Set<String> out = new java.util.HashSet<>();
    t.fields().forEach(f -> out.add(f.path("name").asText()));
    return out;
  }

  private static void require(Set<String> columns, String column, String table) {
    if (!columns.contains(column)) {
      throw new IllegalArgumentException("Unrecognized name: " + column + " in " + table);
    }
  }

  /** Legacy type names, as the API returns them. */
  private static String legacy(String type) {
    return switch (type) {
      case "INT64" -> "INTEGER";
      case "FLOAT64" -> "FLOAT";
      case "BOOL" -> "BOOLEAN";
      default -> type;
    };
  }

  private static void send(HttpExchange exchange, Response response) throws IOException {
    response.headers.forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
    if (response.body == null) {
      exchange.sendResponseHeaders(response.status, -1);
      return;
    }
    byte[] bytes = JSON.writeValueAsBytes(response.body);
    exchange.getResponseHeaders().add("Content-Type", "application/json; charset=UTF-8");
    exchange.sendResponseHeaders(response.status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static void sendError(HttpExchange exchange, int status, String reason, String message) throws IOException {
    send(exchange, Response.error(status, reason, message));
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Column names of an ArrayNode of strings. */
  static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    ((ArrayNode) array).forEach(n -> out.add(n.asText()));
    return out;
  }
}
