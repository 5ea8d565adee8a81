package dev.nbaprops.query;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.time.temporal.TemporalAccessor;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;

/** JSON for the query API: records as objects with their schema's field names, dates as ISO strings. */
public final class Json {
  public static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private Json() {}

  public static Map<String, Object> of(SpecificRecord r) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (Schema.Field f : r.getSchema().getFields()) {
      Object v = r.get(f.pos());
      m.put(f.name(), v instanceof TemporalAccessor || v instanceof CharSequence ? v.toString() : v);
    }
    return m;
  }

  public static byte[] bytes(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
