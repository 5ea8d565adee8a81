package dev.nbaprops.query;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nbaprops.avro.precompute.MlFeatureStore;
import dev.nbaprops.query.InstanceRouter.Owner;
import dev.nbaprops.query.Route.Call;
import dev.nbaprops.topology.StoreCatalog;
import dev.nbaprops.topology.StoreCatalog.Entry;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.apache.avro.Schema;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;

/**
 * Training-set retrieval: for (player_id, date) pairs, the {@code ml_feature_store} row of (player, date) and the
 * label of the player's game that day ({@code pra}, {@code pra_line}, {@code pra_result} of
 * {@code player_game_summary}). Point in time: the feature row keyed (player, D) is computed only from games before
 * D and prop snapshots before the game's start (docs/features.md), so no feature comes from the game it labels or
 * a later one. A pair without a feature row (no game that day) keeps its place with empty feature and label
 * columns, so the answer has one row per pair, in the pairs' order.
 *
 * <p>The API ({@code POST /training-set}) streams the answer a chunk of pairs at a time (CSV or newline-delimited
 * JSON); the CLI ({@code export --training-set}, {@link dev.nbaprops.warehouse.TrainingSetExport}) answers the same
 * table from the warehouse. Both parse the pairs here and use {@link #columns()}.
 */
public final class TrainingSet {
  public static final int MAX_PAIRS = 100_000;
  /** Pairs looked up (and written) at a time: the memory an answer holds is one chunk, whatever the request size. */
  static final int CHUNK = 1_000;
  public static final List<String> LABELS = List.of("pra", "pra_line", "pra_result");
  private static final Pattern PLAYER_ID = Pattern.compile("[1-9]\\d{0,17}");

  /** One requested pair. */
  public record Pair(long playerId, LocalDate date) {}

  private TrainingSet() {}

  /** Every ml_feature_store column except its key (player_id, game_date), in schema order. */
  public static List<String> featureColumns() {
    List<String> out = new ArrayList<>();
    for (Schema.Field f : MlFeatureStore.getClassSchema().getFields()) {
      if (!f.name().equals("player_id") && !f.name().equals("game_date")) {
        out.add(f.name());
      }
    }
    return out;
  }

  /** The answer's columns: player_id, date, every feature column, then the labels. */
  public static List<String> columns() {
    List<String> out = new ArrayList<>(List.of("player_id", "date"));
    out.addAll(featureColumns());
    out.addAll(LABELS);
    return out;
  }

  // ---------------------------------------------------------------------------------------------------------
  // Pairs

  /** Pairs from a CSV body (header {@code player_id,date}) or JSON ({@code [{"player_id":..,"date":".."}, ...]}). */
  public static List<Pair> parse(InputStream in, boolean json) throws IOException {
    return json ? parseJson(in) : parseCsv(new InputStreamReader(in, StandardCharsets.UTF_8));
  }

  public static List<Pair> parseCsv(Reader r) throws IOException {
    List<Pair> out = new ArrayList<>();
    CSVFormat f = CSVFormat.DEFAULT.builder().setIgnoreSurroundingSpaces(true).setIgnoreEmptyLines(true).build();
    try (CSVParser p = CSVParser.parse(r, f)) {
      boolean header = true;
      for (CSVRecord rec : p) {
        if (header) {
          String first = rec.size() > 0 ? rec.get(0).replace("\uFEFF", "") : "";
          if (rec.size() != 2 || !first.equals("player_id") || !rec.get(1).equals("date")) {
            throw new IllegalArgumentException("the first line must be the header player_id,date");
          }
          header = false;
          continue;
        }
        if (rec.size() != 2) {
          throw new IllegalArgumentException("line " + rec.getRecordNumber() + ": expected player_id,date");
        }
        add(out, rec.get(0), rec.get(1), "line " + rec.getRecordNumber());
      }
      if (header) {
        throw new IllegalArgumentException("the first line must be the header player_id,date");
      }
    } catch (java.io.UncheckedIOException e) {
      throw new IllegalArgumentException("unreadable CSV: " + e.getCause().getMessage());
    }
    return out;
  }

  private static List<Pair> parseJson(InputStream in) throws IOException {
    List<Pair> out = new ArrayList<>();
    try (JsonParser p = Json.COMPACT.getFactory().createParser(in)) {
      JsonToken t = p.nextToken();
      if (t == JsonToken.START_OBJECT) { // {"pairs": [...]}
        if (p.nextToken() != JsonToken.FIELD_NAME || !"pairs".equals(p.currentName())) {
          throw new IllegalArgumentException("JSON body must be [{\"player_id\": N, \"date\": \"YYYY-MM-DD\"}, ...]"
              + " or {\"pairs\": [...]}");
        }
        t = p.nextToken();
      }
      if (t != JsonToken.START_ARRAY) {
        throw new IllegalArgumentException("JSON body must be an array of {\"player_id\": N, \"date\": \"YYYY-MM-DD\"}");
      }
      int i = 0;
      while (p.nextToken() != JsonToken.END_ARRAY) {
        JsonNode n = Json.COMPACT.readTree(p);
        i++;
        String where = "pair " + i;
        if (n.isObject() && n.size() == 2 && n.has("player_id") && n.has("date")) {
          add(out, n.get("player_id").asText(), n.get("date").asText(), where);
        } else if (n.isArray() && n.size() == 2) {
          add(out, n.get(0).asText(), n.get(1).asText(), where);
        } else {
          throw new IllegalArgumentException(where + ": expected {\"player_id\": N, \"date\": \"YYYY-MM-DD\"}");
        }
      }
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException("malformed JSON at line " + e.getLocation().getLineNr());
    }
    return out;
  }

  private static void add(List<Pair> out, String id, String date, String where) {
    if (out.size() >= MAX_PAIRS) {
      throw new IllegalArgumentException("at most " + MAX_PAIRS + " pairs per request");
    }
    if (!PLAYER_ID.matcher(id).matches()) {
      throw new IllegalArgumentException(where + ": player_id must be a positive integer, got '" + id + "'");
    }
    LocalDate d;
    try {
      if (date.length() != 10) {
        throw new IllegalArgumentException();
      }
      d = LocalDate.parse(date);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(where + ": date must be YYYY-MM-DD, got '" + date + "'");
    }
    out.add(new Pair(Long.parseLong(id), d));
  }

  // ---------------------------------------------------------------------------------------------------------
  // The answer row

  /** The answer row of one pair, in {@link #columns()} order; {@code feature}/{@code label} null when absent. */
  static ObjectNode row(Pair p, JsonNode feature, JsonNode label) {
    ObjectNode o = Json.COMPACT.createObjectNode();
    o.put("player_id", p.playerId());
    o.put("date", p.date().toString());
    for (String c : featureColumns()) {
      o.set(c, feature == null ? null : feature.get(c));
    }
    for (String c : LABELS) {
      o.set(c, label == null ? null : label.get(c));
    }
    // set(name, null) stores a NullNode: every column is present.
    return o;
  }

  static String csvValue(JsonNode v) {
    return v == null || v.isNull() || v.isMissingNode() ? "" : v.asText();
  }

  // ---------------------------------------------------------------------------------------------------------
  // POST /training-set

  static final class Endpoint {
    private final InstanceRouter router;
    private final QueryMetrics metrics;

    Endpoint(InstanceRouter router, QueryMetrics metrics) {
      this.router = router;
      this.metrics = metrics;
    }

    Answer answer(Call c) {
      String type = c.header("Content-Type") == null ? "text/csv" : c.header("Content-Type").toLowerCase();
      boolean jsonIn = type.startsWith("application/json");
      if (!jsonIn && !type.startsWith("text/csv") && !type.startsWith("text/plain")) {
        throw new ApiError(415, "unsupported_media_type", "send the pairs as text/csv (header player_id,date) or"
            + " application/json");
      }
      String accept = c.header("Accept") == null ? "text/csv" : c.header("Accept").toLowerCase();
      boolean ndjson = accept.contains("application/x-ndjson");
      if (!ndjson && !accept.contains("text/csv") && !accept.contains("*/*")) {
        throw new ApiError(406, "not_acceptable", "the answer is text/csv or application/x-ndjson (Accept)");
      }
      List<Pair> pairs;
      try (InputStream in = c.body) {
        pairs = parse(in, jsonIn);
      } catch (IllegalArgumentException e) {
        throw ApiError.badRequest(e.getMessage());
      } catch (IOException e) {
        throw ApiError.badRequest("could not read the request body");
      }
      boolean stale = c.stale();
      router.requireComputed(StoreCatalog.ML_FEATURE_STORE.store());
      router.requireComputed(StoreCatalog.PLAYER_GAME_SUMMARY.store());
      // The first chunk before the status is sent: a store that cannot answer now is a 503, not a cut answer.
      List<ObjectNode> first = lookup(pairs.subList(0, Math.min(CHUNK, pairs.size())), stale);
      List<String> columns = columns();
      return Answer.stream(ndjson ? "application/x-ndjson" : "text/csv; charset=utf-8", out -> {
        BufferedWriter w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 64 << 10);
        CSVPrinter csv = ndjson ? null : new CSVPrinter(w, CSVFormat.DEFAULT.builder().setRecordSeparator("\n").build());
        if (csv != null) {
          csv.printRecord(columns);
        }
        List<ObjectNode> chunk = first;
        for (int from = 0; from < pairs.size(); from += CHUNK) {
          if (from > 0) {
            chunk = lookup(pairs.subList(from, Math.min(from + CHUNK, pairs.size())), stale);
          }
          for (ObjectNode row : chunk) {
            if (csv != null) {
              List<String> vals = new ArrayList<>(columns.size());
              for (String col : columns) {
                vals.add(csvValue(row.get(col)));
              }
              csv.printRecord(vals);
            } else {
              w.write(Json.COMPACT.writeValueAsString(row));
              w.write('\n');
            }
          }
          w.flush();
          out.flush();
          metrics.trainingRows(chunk.size());
        }
        w.flush();
      });
    }

    /** The answer rows of a chunk of pairs: one batch of reads per (store, partition), wherever it lives. */
    List<ObjectNode> lookup(List<Pair> pairs, boolean stale) {
      Entry features = StoreCatalog.ML_FEATURE_STORE;
      Entry labels = StoreCatalog.PLAYER_GAME_SUMMARY;
      Map<Integer, List<Integer>> byPartition = new TreeMap<>();
      Map<Integer, String> routingKey = new HashMap<>();
      for (int i = 0; i < pairs.size(); i++) {
        String player = Long.toString(pairs.get(i).playerId());
        int p = features.partitionOf(player, router.partitions());
        byPartition.computeIfAbsent(p, k -> new ArrayList<>()).add(i);
        routingKey.putIfAbsent(p, player + "|");
      }
      JsonNode[] f = new JsonNode[pairs.size()];
      JsonNode[] l = new JsonNode[pairs.size()];
      for (Map.Entry<Integer, List<Integer>> e : byPartition.entrySet()) {
        List<String[]> fr = new ArrayList<>();
        List<String[]> lr = new ArrayList<>();
        for (int i : e.getValue()) {
          String k = pairs.get(i).playerId() + "|" + pairs.get(i).date();
          fr.add(new String[] {k, k});
          lr.add(new String[] {k + "|", k + "|" + TableReads.HIGH});
        }
        Owner of = router.owner(features, routingKey.get(e.getKey()), stale);
        Owner ol = router.owner(labels, routingKey.get(e.getKey()), stale);
        List<JsonNode> fv = router.firstRows(features, of, fr, stale);
        List<JsonNode> lv = router.firstRows(labels, ol, lr, stale);
        for (int j = 0; j < e.getValue().size(); j++) {
          f[e.getValue().get(j)] = fv.get(j);
          l[e.getValue().get(j)] = lv.get(j);
        }
      }
      List<ObjectNode> out = new ArrayList<>(pairs.size());
      for (int i = 0; i < pairs.size(); i++) {
        out.add(row(pairs.get(i), f[i], l[i]));
      }
      return out;
    }
  }

  /** For tests and tools: the answer row of a pair from in-memory rows (JSON of the Avro records). */
  public static Map<String, Object> rowOf(Pair p, Object featureRecord, Object labelRecord) {
    ObjectNode o = row(p, featureRecord == null ? null : Json.tree(featureRecord),
        labelRecord == null ? null : Json.tree(labelRecord));
    Map<String, Object> m = new java.util.LinkedHashMap<>();
    o.fields().forEachRemaining(e -> m.put(e.getKey(), csvValue(e.getValue())));
    return m;
  }
}
