package dev.nbaprops.query;

import dev.nbaprops.source.Teams;
import dev.nbaprops.topology.StoreCatalog;
import dev.nbaprops.topology.StoreCatalog.Entry;
import dev.nbaprops.topology.StoreCatalog.Partitioning;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * One route of the query API, declared once in {@link Routes}: method, path template, typed parameters with their
 * limits, summary, what it answers, who may call it, and its handler. Dispatch and validation ({@link HttpLayer}),
 * the OpenAPI description ({@link OpenApi}) and the table of docs/query-api.md ({@link ApiDocs}) are all derived
 * from these records.
 */
record Route(String method, String template, String summary, List<Param> params, Reply reply, Access access,
             Handler handler) {

  /** Who may call a route. */
  enum Access {
    /** No token (/health, the page's static files: they carry no data). */
    OPEN,
    /** The bearer token when one is configured; served by the user worker pool. */
    TOKEN,
    /** The token; called by the other instances and served by the peer worker pool. */
    INTERNAL,
    /**
     * The token; one key's row. Asked of an instance that does not own the key, the request is forwarded to the
     * owner, which serves it on its peer worker pool from its local stores only.
     */
    KEY
  }

  /** What a 200 carries, for OpenAPI and the docs: a table row, a page of rows, another JSON object, text, a stream. */
  record Reply(String kind, List<Entry> tables, String description) {
    static Reply row(List<Entry> tables) {
      return new Reply("row", tables, "one row of the table");
    }

    static Reply page(List<Entry> tables, String description) {
      return new Reply("page", tables, description);
    }

    static Reply object(String description) {
      return new Reply("object", List.of(), description);
    }

    static Reply text(String contentType, String description) {
      return new Reply(contentType, List.of(), description);
    }
  }

  interface Handler {
    Answer handle(Call call);
  }

  enum In { PATH, QUERY }

  /** A parameter: its type validates and converts it; {@code min}/{@code max} bound numbers and text lengths. */
  record Param(String name, In in, Type type, boolean required, String description, int min, int max, Object dflt) {
    static Param path(String name, Type type, String description) {
      return new Param(name, In.PATH, type, true, description, 0, 0, null);
    }

    static Param query(String name, Type type, boolean required, String description) {
      return new Param(name, In.QUERY, type, required, description, 0, 0, null);
    }

    static Param limit(int dflt, int max) {
      return new Param("limit", In.QUERY, Type.INT, false, "rows per page, 1 to " + max + " (default " + dflt + ")",
          1, max, dflt);
    }

    static Param after() {
      return new Param("after", In.QUERY, Type.PAGE_TOKEN, false,
          "continuation token: the `next` of the previous page (absent or null on the last page)", 0, 0, null);
    }

    static Param stale() {
      return query("stale", Type.BOOL, false, "true: a standby replica may answer while the owner restores");
    }

    Param bounded(int lo, int hi) {
      return new Param(name, in, type, required, description, lo, hi, dflt);
    }
  }

  /** Parameter types: each parses a raw value or answers 400 (404 for a well-formed unknown team or table). */
  enum Type {
    PLAYER_ID("integer", "int64"), GAME_ID("string", null), TEAM("string", null), DATE("string", "date"),
    TABLE("string", null), PLAYER_TABLE("string", null), TEAM_TABLE("string", null), GAME_TABLE("string", null),
    BOOL("boolean", null), INT("integer", "int32"), TEXT("string", null), PAGE_TOKEN("string", null),
    PARTITIONS("string", null);

    final String jsonType;
    final String format;

    Type(String jsonType, String format) {
      this.jsonType = jsonType;
      this.format = format;
    }
  }

  private static final Pattern PLAYER_ID = Pattern.compile("[1-9]\\d{0,17}");
  private static final Pattern GAME_ID = Pattern.compile("\\d{10}");
  private static final Pattern TEAM_ABBR = Pattern.compile("[A-Z]{2,3}");

  /** Validates and converts one raw value. */
  static Object parse(Param p, String raw) {
    String n = p.name();
    return switch (p.type()) {
      case PLAYER_ID -> {
        if (!PLAYER_ID.matcher(raw).matches()) {
          throw ApiError.badRequest(n + " must be a positive integer, got '" + raw + "'");
        }
        yield Long.parseLong(raw);
      }
      case GAME_ID -> {
        if (!GAME_ID.matcher(raw).matches()) {
          throw ApiError.badRequest(n + " must be 10 digits (e.g. 0022300061), got '" + raw + "'");
        }
        yield raw;
      }
      case TEAM -> team(raw);
      case DATE -> date(raw, n);
      case TABLE -> table(raw);
      case PLAYER_TABLE -> tableOf(raw, Partitioning.BY_PLAYER, "is not keyed by player");
      case TEAM_TABLE -> tableOf(raw, Partitioning.BY_SEASON_OF_DATE, "is not keyed by team and date");
      case GAME_TABLE -> tableOf(raw, Partitioning.BY_GAME, "is not keyed by game");
      case BOOL -> {
        if (!raw.equals("true") && !raw.equals("false")) {
          throw ApiError.badRequest(n + " must be true or false, got '" + raw + "'");
        }
        yield raw.equals("true");
      }
      case INT -> {
        int v;
        try {
          v = Integer.parseInt(raw);
        } catch (NumberFormatException e) {
          v = Integer.MIN_VALUE;
        }
        if (v < p.min() || v > p.max()) {
          throw ApiError.badRequest(n + " must be an integer from " + p.min() + " to " + p.max() + ", got '"
              + raw + "'");
        }
        yield v;
      }
      case TEXT -> {
        String t = raw.strip();
        if (t.length() < p.min() || t.length() > p.max()) {
          throw ApiError.badRequest(n + " must be " + p.min() + " to " + p.max() + " characters");
        }
        yield t;
      }
      case PAGE_TOKEN -> Page.decode(raw);
      case PARTITIONS -> {
        List<Integer> out = new ArrayList<>();
        for (String s : raw.split(",")) {
          try {
            int v = Integer.parseInt(s);
            if (v < 0 || v > 10_000) {
              throw new NumberFormatException();
            }
            out.add(v);
          } catch (NumberFormatException e) {
            throw ApiError.badRequest(n + " must be partition numbers separated by commas, got '" + raw + "'");
          }
        }
        yield new TreeSet<>(out);
      }
    };
  }

  static String team(String s) {
    if (!TEAM_ABBR.matcher(s).matches()) {
      throw ApiError.badRequest("team must be an NBA abbreviation in capitals (e.g. DEN), got '" + s + "'");
    }
    if (!Teams.known(s)) {
      throw ApiError.notFound("unknown team " + s + " (see /teams)");
    }
    return s;
  }

  static LocalDate date(String s, String name) {
    try {
      if (s.length() != 10 || s.charAt(4) != '-' || s.charAt(7) != '-') {
        throw new DateTimeParseException("shape", s, 0);
      }
      // By hand, not LocalDate.parse (its formatter was 3% of a key lookup): the digits, then LocalDate.of checks
      // the day exists (2023-02-30 is refused).
      return LocalDate.of(digits(s, 0, 4), digits(s, 5, 7), digits(s, 8, 10));
    } catch (java.time.DateTimeException e) { // DateTimeParseException too
      throw ApiError.badRequest(name + " must be YYYY-MM-DD, got '" + s + "'");
    }
  }

  private static int digits(String s, int from, int to) {
    int v = 0;
    for (int i = from; i < to; i++) {
      char ch = s.charAt(i);
      if (ch < '0' || ch > '9') {
        throw new DateTimeParseException("digit", s, i);
      }
      v = v * 10 + (ch - '0');
    }
    return v;
  }

  static Entry table(String name) {
    for (Entry e : StoreCatalog.ALL) {
      String shortName = e.table().substring(e.table().indexOf('.') + 1);
      if (e.store().equals(name) || e.table().equals(name) || shortName.equals(name)) {
        return e;
      }
    }
    throw ApiError.notFound("unknown table '" + name + "'; tables: " + String.join(", ",
        StoreCatalog.ALL.stream().map(Entry::store).toList()));
  }

  private static Entry tableOf(String name, Partitioning p, String what) {
    Entry e = table(name);
    if (e.partitioning() != p) {
      throw ApiError.badRequest("table " + e.table() + " " + what + " (key " + e.keyLayout() + "); see /tables");
    }
    return e;
  }

  /** Catalog tables of one partitioning (the values a table parameter takes on a route). */
  static List<Entry> tables(Partitioning p) {
    return StoreCatalog.ALL.stream().filter(e -> e.partitioning() == p).toList();
  }

  /** Continuation tokens: the last key of a page, base64url, so callers treat it as opaque. */
  static final class Page {
    private Page() {}

    static String encode(String key) {
      return key == null ? null : Base64.getUrlEncoder().withoutPadding().encodeToString(key.getBytes(StandardCharsets.UTF_8));
    }

    static String decode(String token) {
      try {
        String k = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
        if (k.isEmpty() || k.length() > 200) {
          throw new IllegalArgumentException();
        }
        return k;
      } catch (IllegalArgumentException e) {
        throw ApiError.badRequest("after must be the 'next' token of a previous page, got '" + token + "'");
      }
    }
  }

  /** One validated request: path and query values by name, the body for POST routes, the caller's headers. */
  static final class Call {
    final Map<String, Object> values = new LinkedHashMap<>();
    final Map<String, String> headers;
    final InputStream body;
    final long deadlineNanos;
    /** The request's path as sent and its decoded query parameters (to forward it to the owner of its key). */
    final String path;
    final Map<String, String> query;

    Call(Map<String, String> headers, InputStream body, long deadlineNanos, String path, Map<String, String> query) {
      this.headers = headers;
      this.body = body;
      this.deadlineNanos = deadlineNanos;
      this.path = path;
      this.query = query;
    }

    /** Whether another instance sent this request on (it is then answered here, never forwarded again). */
    boolean forwarded() {
      return header(InstanceRouter.FORWARDED) != null;
    }

    @SuppressWarnings("unchecked")
    <T> T get(String name) {
      return (T) values.get(name);
    }

    boolean has(String name) {
      return values.get(name) != null;
    }

    boolean flag(String name) {
      return Boolean.TRUE.equals(values.get(name));
    }

    boolean stale() {
      return flag("stale");
    }

    long player() {
      return (Long) values.get("player_id");
    }

    String header(String name) {
      return headers.get(name.toLowerCase(java.util.Locale.ROOT));
    }
  }
}
