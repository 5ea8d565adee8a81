package dev.nbaprops.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.state.ValueAndTimestamp;

/**
 * JSON for the query API: records as objects with their schema's field names, dates as ISO strings, strings as
 * strings, nested records, arrays and maps recursively (so any table's Avro class renders without code per table).
 */
public final class Json {
  /**
   * Answers: compact (a date's rows are a few hundred records of 40-odd fields; indentation made up half of the
   * time spent writing them; pipe an answer through {@code jq} to read it), doubles written by Jackson's fast
   * writer (the shortest text that reads back as the same double).
   */
  public static final ObjectMapper MAPPER = new ObjectMapper(com.fasterxml.jackson.core.JsonFactory.builder()
      .enable(com.fasterxml.jackson.core.StreamWriteFeature.USE_FAST_DOUBLE_WRITER).build());
  /** Writer for instance-to-instance calls and newline-delimited JSON (the same as {@link #MAPPER}). */
  static final ObjectMapper COMPACT = MAPPER;

  private Json() {}

  public static Map<String, Object> of(SpecificRecord r) {
    return record(r);
  }

  private static Map<String, Object> record(GenericRecord r) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (Schema.Field f : r.getSchema().getFields()) {
      m.put(f.name(), plain(r.get(f.pos())));
    }
    return m;
  }

  private static Map<String, Object> record(SpecificRecord r) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (Schema.Field f : r.getSchema().getFields()) {
      m.put(f.name(), plain(r.get(f.pos())));
    }
    return m;
  }

  /** A store value (Avro record, possibly wrapped with its timestamp) as plain Java values Jackson writes. */
  public static Object plain(Object v) {
    if (v == null) {
      return null;
    }
    if (v instanceof ValueAndTimestamp<?> vt) {
      return plain(vt.value());
    }
    if (v instanceof SpecificRecord r) {
      return record(r);
    }
    if (v instanceof GenericRecord r) {
      return record(r);
    }
    if (v instanceof TemporalAccessor || v instanceof CharSequence || v instanceof Enum<?>) {
      return v.toString();
    }
    if (v instanceof ByteBuffer b) {
      ByteBuffer d = b.duplicate();
      byte[] bytes = new byte[d.remaining()];
      d.get(bytes);
      return Base64.getEncoder().encodeToString(bytes);
    }
    if (v instanceof byte[] bytes) {
      return Base64.getEncoder().encodeToString(bytes);
    }
    if (v instanceof Collection<?> c) {
      List<Object> out = new ArrayList<>(c.size());
      c.forEach(x -> out.add(plain(x)));
      return out;
    }
    if (v instanceof Map<?, ?> map) {
      Map<String, Object> out = new LinkedHashMap<>();
      map.forEach((k, x) -> out.put(String.valueOf(k), plain(x)));
      return out;
    }
    if (v instanceof org.apache.avro.generic.GenericFixed f) {
      return Base64.getEncoder().encodeToString(f.bytes());
    }
    if (v instanceof GenericContainer) {
      return v.toString(); // enum symbols
    }
    return v;
  }

  /** A store value as a JSON tree (the same tree whether read locally or received from another instance). */
  public static JsonNode tree(Object storeValue) {
    return node(storeValue);
  }

  /**
   * {@link #plain} straight into tree nodes (a date-wide answer renders a few hundred records: no intermediate maps
   * and no serialization pass); any other value goes the way of {@link #plain}.
   */
  private static JsonNode node(Object v) {
    if (v == null) {
      return com.fasterxml.jackson.databind.node.NullNode.instance;
    } else if (v instanceof ValueAndTimestamp<?> vt) {
      return node(vt.value());
    } else if (v instanceof GenericRecord r) {
      com.fasterxml.jackson.databind.node.ObjectNode o = COMPACT.getNodeFactory().objectNode();
      for (Schema.Field f : r.getSchema().getFields()) {
        o.set(f.name(), node(r.get(f.pos())));
      }
      return o;
    } else if (v instanceof Integer i) {
      return com.fasterxml.jackson.databind.node.IntNode.valueOf(i);
    } else if (v instanceof Long l) {
      return com.fasterxml.jackson.databind.node.LongNode.valueOf(l);
    } else if (v instanceof Double d) {
      return com.fasterxml.jackson.databind.node.DoubleNode.valueOf(d);
    } else if (v instanceof Boolean b) {
      return com.fasterxml.jackson.databind.node.BooleanNode.valueOf(b);
    } else if (v instanceof CharSequence || v instanceof TemporalAccessor || v instanceof Enum<?>) {
      return com.fasterxml.jackson.databind.node.TextNode.valueOf(v.toString());
    } else if (v instanceof Collection<?> c) {
      com.fasterxml.jackson.databind.node.ArrayNode a = COMPACT.getNodeFactory().arrayNode(c.size());
      c.forEach(x -> a.add(node(x)));
      return a;
    }
    return COMPACT.valueToTree(plain(v));
  }

  /**
   * A map that keeps the order its keys are given in. Response bodies use it (never {@code Map.of}, whose
   * iteration order changes from one JVM to the next), so every instance writes the same bytes.
   */
  public static Map<String, Object> ordered(Object... keysAndValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i + 1 < keysAndValues.length; i += 2) {
      m.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return m;
  }

  /** Compact JSON (calls between instances, newline-delimited JSON). */
  public static byte[] bytesCompact(Object value) {
    try {
      return COMPACT.writeValueAsBytes(value);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  public static byte[] bytes(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
