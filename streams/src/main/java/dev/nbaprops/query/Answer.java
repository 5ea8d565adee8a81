package dev.nbaprops.query;

import java.io.IOException;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a route answers: a status, a body (a value written as JSON, or raw bytes with their content type, or a
 * {@link Streamer} that writes the body as it is produced), and extra headers.
 */
record Answer(int status, Object body, String contentType, Map<String, String> headers) {
  /** Writes a body of unknown length as it is produced (chunked); it flushes as it goes. */
  interface Streamer {
    void write(OutputStream out) throws IOException;
  }

  static Answer json(Object body) {
    return new Answer(200, body, "application/json", new LinkedHashMap<>());
  }

  static Answer bytes(int status, byte[] body, String contentType) {
    return new Answer(status, body, contentType, new LinkedHashMap<>());
  }

  static Answer stream(String contentType, Streamer s) {
    return new Answer(200, s, contentType, new LinkedHashMap<>());
  }

  static Answer error(int status, String code, String message) {
    return new Answer(status, Json.ordered("error", message, "code", code), "application/json", new LinkedHashMap<>());
  }

  /** A JSON body written without indentation (calls between instances). */
  record Compact(Object value) {}

  Answer compact() {
    return new Answer(status, new Compact(body), contentType, headers);
  }

  Answer header(String k, String v) {
    headers.put(k, v);
    return this;
  }
}
