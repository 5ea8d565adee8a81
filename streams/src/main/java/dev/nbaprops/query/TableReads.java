package dev.nbaprops.query;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nbaprops.query.InstanceRouter.Fetched;
import dev.nbaprops.query.InstanceRouter.Gathered;
import dev.nbaprops.query.LocalStores.Part;
import dev.nbaprops.query.LocalStores.Row;
import dev.nbaprops.query.LocalStores.Scan;
import dev.nbaprops.query.Route.Call;
import dev.nbaprops.source.Teams;
import dev.nbaprops.topology.StoreCatalog;
import dev.nbaprops.topology.TableVersions;
import dev.nbaprops.topology.StoreCatalog.Entry;
import dev.nbaprops.topology.StoreCatalog.Partitioning;
import java.io.IOException;
import java.io.InputStream;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The store readers: each table route's reads (a key, a player's or team's rows over a date range, a game's rows,
 * a date's rows, player search), built on {@link InstanceRouter}. Every list is a page: at most {@code limit} rows
 * and a {@code next} continuation token (null on the last page).
 */
final class TableReads {
  /** Above every character of a key segment (digits, dates, team letters, '|'): the end of a prefix range. */
  static final String HIGH = "~";
  static final int PAGE_DEFAULT = 500;
  static final int PAGE_MAX = 1_000;
  static final int SEARCH_DEFAULT = 20;
  static final int SEARCH_MAX = 200;

  private final InstanceRouter router;
  private final DateAnswers dateAnswers;

  TableReads(InstanceRouter router, DateAnswers dateAnswers) {
    this.router = router;
    this.dateAnswers = dateAnswers;
  }

  Answer tables() {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Entry e : StoreCatalog.ALL) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("table", e.table());
      m.put("store", e.store());
      m.put("key", e.keyLayout());
      m.put("partitioning", e.partitioning().toString());
      m.put("versioned_by_date", e.versionedByDate());
      m.put("computed", router.local().computed(e.store()));
      out.add(m);
    }
    return Answer.json(Json.ordered("tables", out));
  }

  Answer teams() {
    List<Map<String, Object>> teams = new ArrayList<>();
    new TreeMap<>(Teams.all()).forEach((abbr, name) -> teams.add(Json.ordered("team_abbr", abbr, "name", name)));
    return Answer.json(Json.ordered("teams", teams));
  }

  /** {@code /tables/{table}/rows?key=K}: the row of exactly that key. */
  Answer keyRow(Call c) {
    Entry e = c.get("table");
    String key = c.get("key");
    String[] parts = key.split("\\|", -1);
    String[] names = e.keyLayout().split("\\|");
    if (parts.length != names.length) {
      throw ApiError.badRequest("key must be " + e.keyLayout() + " (" + names.length + " parts separated by '|'), got '"
          + key + "'");
    }
    for (int i = 0; i < parts.length; i++) {
      String n = names[i];
      Route.Type t = n.endsWith("date") ? Route.Type.DATE : n.equals("player_id") ? Route.Type.PLAYER_ID
          : n.equals("game_id") ? Route.Type.GAME_ID : n.equals("team_abbr") ? Route.Type.TEAM : null;
      if (t != null) {
        Route.parse(Route.Param.path(n, t, ""), parts[i]);
      }
    }
    return exact(c, e, key, "no row with key " + key + " in " + e.table());
  }

  Answer gameTeam(Call c, boolean offense) {
    String game = c.get("game_id");
    String team = c.get("team");
    Entry e = offense ? StoreCatalog.TEAM_OFFENSE_GAME_SUMMARY : StoreCatalog.TEAM_DEFENSE_GAME_SUMMARY;
    return exact(c, e, game + "|" + team, "no " + (offense ? "offense" : "defense") + " row for team " + team
        + " in game " + game);
  }

  private Answer exact(Call c, Entry e, String key, String notFound) {
    Answer there = router.forwardToOwner(c, e, key);
    if (there != null) {
      return there;
    }
    Fetched f = router.fromOwner(e, key, Scan.range(e.store(), key, key, 1).stale(c.stale()), c.forwarded());
    if (f.rows().isEmpty()) {
      throw ApiError.notFound(notFound);
    }
    return f.mark(Answer.json(f.rows().get(0).value()));
  }

  /** {@code /players/{id}/{table}?date=D[&asOf=true]}. */
  Answer playerRow(Call c, Entry e) {
    long player = c.player();
    LocalDate d = c.get("date");
    boolean asOf = c.flag("asOf");
    if (asOf && !e.versionedByDate() && e != StoreCatalog.PLAYER_GAME_SUMMARY) {
      throw ApiError.badRequest("table " + e.table() + " is not versioned by date; asOf does not apply");
    }
    String prefix = player + "|";
    Answer there = router.forwardToOwner(c, e, prefix);
    if (there != null) {
      return there;
    }
    // Keys player|date are read by a point read; player|date|game (a game's row) by the range of the date.
    boolean pointKey = e.keyLayout().indexOf('|') == e.keyLayout().lastIndexOf('|');
    Scan s = asOf ? Scan.range(e.store(), prefix, prefix + d + "|" + HIGH, 1).descending()
        : Scan.range(e.store(), prefix + d, pointKey ? prefix + d : prefix + d + "|" + HIGH, 1);
    Fetched f = router.fromOwner(e, prefix, s.stale(c.stale()), c.forwarded());
    if (f.rows().isEmpty()) {
      requireKnownPlayer(player, c.stale(), c.forwarded());
      throw ApiError.notFound("player " + player + " has no " + e.table() + " row " + (asOf ? "at or before " : "for ")
          + d + (e.table().startsWith("nba_precompute") ? " (no game that day, or not yet computed)" : ""));
    }
    return f.mark(Answer.json(f.rows().get(0).value()));
  }

  private static LocalDate[] range(Call c) {
    LocalDate from = c.get("from");
    LocalDate to = c.get("to");
    if (from != null && to != null && to.isBefore(from)) {
      throw ApiError.badRequest("'to' (" + to + ") is before 'from' (" + from + ")");
    }
    return new LocalDate[] {from, to};
  }

  /** The start key of a page: the range start, or just after the previous page's last key. */
  private static String pageStart(String from, String prefix, Call c) {
    String after = c.get("after");
    if (after == null) {
      return from;
    }
    if (!after.startsWith(prefix)) {
      throw ApiError.badRequest("after is not a 'next' token of this query");
    }
    String next = after + "\0";
    return next.compareTo(from) > 0 ? next : from;
  }

  private static int limit(Call c) {
    Integer l = c.get("limit");
    return l == null ? PAGE_DEFAULT : l;
  }

  /** {@code /players/{id}/{table}/history} and (legacy) {@code /players/{id}/games}. */
  Answer playerHistory(Call c, Entry e, boolean legacy) {
    long player = c.player();
    LocalDate[] r = legacy ? new LocalDate[2] : range(c);
    String prefix = player + "|";
    String from = prefix + (r[0] == null ? "" : r[0].toString());
    String to = prefix + (r[1] == null ? HIGH : r[1] + "|" + HIGH);
    int limit = limit(c);
    Fetched f = router.fromOwner(e, prefix, Scan.range(e.store(), pageStart(from, prefix, c), to, limit)
        .stale(c.stale()));
    if (f.rows().isEmpty() && !c.has("after")) {
      if (legacy) {
        throw ApiError.notFound("unknown player " + player + " (no games)");
      }
      requireKnownPlayer(player, c.stale(), false);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("player_id", player);
    if (!legacy) {
      body.put("table", e.table());
      body.put("from", r[0] == null ? null : r[0].toString());
      body.put("to", r[1] == null ? null : r[1].toString());
      body.put("count", f.rows().size());
    }
    body.put("rows", values(f.rows()));
    body.put("next", f.more() ? Route.Page.encode(f.rows().get(f.rows().size() - 1).key()) : null);
    return f.mark(Answer.json(body));
  }

  /** {@code /players/{id}}: the player's identity and which tables have rows for him. */
  Answer playerSummary(Call c) {
    long player = c.player();
    String prefix = player + "|";
    Entry pgs = StoreCatalog.PLAYER_GAME_SUMMARY;
    Fetched games = router.fromOwner(pgs, prefix, Scan.range(pgs.store(), prefix, prefix + HIGH,
        InstanceRouter.INTERNAL_MAX_ROWS).stale(c.stale()));
    if (games.rows().isEmpty()) {
      throw ApiError.notFound("unknown player " + player + " (no games)");
    }
    List<Row> rows = games.rows();
    JsonNode last = rows.get(rows.size() - 1).value();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("player_id", player);
    body.put("player_name", last.path("player_name").asText());
    body.put("team_abbr", last.path("team_abbr").asText());
    body.put("games", rows.size());
    body.put("first_game_date", rows.get(0).value().path("game_date").asText());
    body.put("last_game_date", last.path("game_date").asText());
    body.put("seasons", new ArrayList<>(new TreeSet<>(rows.stream().map(x -> x.value().path("season").asText()).toList())));
    Map<String, Object> tables = new LinkedHashMap<>();
    for (Entry e : StoreCatalog.ALL) {
      if (e.partitioning() == Partitioning.BY_PLAYER) {
        tables.put(e.table(), router.local().computed(e.store()) ? "/players/" + player + "/" + e.store() + "/history"
            : "not computed by this topology");
      }
    }
    body.put("tables", tables);
    return games.mark(Answer.json(body));
  }

  private void requireKnownPlayer(long player, boolean stale, boolean localOnly) {
    String prefix = player + "|";
    Entry pgs = StoreCatalog.PLAYER_GAME_SUMMARY;
    if (router.fromOwner(pgs, prefix, Scan.range(pgs.store(), prefix, prefix + HIGH, 1).stale(stale), localOnly)
        .rows().isEmpty()) {
      throw ApiError.notFound("unknown player " + player + " (no games)");
    }
  }

  /** {@code /teams/{team}/{table}?date=D[&asOf=true]}: team-by-date tables live in the partition of D's season. */
  Answer teamRow(Call c) {
    String team = c.get("team");
    Entry e = c.get("table");
    LocalDate d = c.get("date");
    String prefix = team + "|";
    if (!c.flag("asOf")) {
      Fetched f = router.fromOwner(e, prefix + d, Scan.range(e.store(), prefix + d, prefix + d + "|" + HIGH, 1)
          .stale(c.stale()));
      if (f.rows().isEmpty()) {
        throw ApiError.notFound("team " + team + " has no " + e.table() + " row for " + d + " (no game that day?)");
      }
      return f.mark(Answer.json(f.rows().get(0).value()));
    }
    // As of D: the latest row of D's season up to D; before the season's first row, the previous season's last.
    LocalDate until = d;
    for (int back = 0; back < 2; back++) {
      LocalDate seasonStart = LocalDate.of(Integer.parseInt(StoreCatalog.seasonOf(until).substring(0, 4)), 8, 1);
      Fetched f = router.fromOwner(e, prefix + until, Scan.range(e.store(), prefix + seasonStart,
          prefix + until + "|" + HIGH, 1).descending().stale(c.stale()));
      if (!f.rows().isEmpty()) {
        return f.mark(Answer.json(f.rows().get(0).value()));
      }
      until = seasonStart.minusDays(1);
    }
    throw ApiError.notFound("team " + team + " has no " + e.table() + " row at or before " + d);
  }

  /** {@code /teams/{team}/{table}/history}: a team's rows live in the partitions of their seasons: gathered. */
  Answer teamHistory(Call c) {
    String team = c.get("team");
    Entry e = c.get("table");
    LocalDate[] r = range(c);
    String prefix = team + "|";
    String from = prefix + (r[0] == null ? "" : r[0].toString());
    Gathered g = router.gather(Scan.range(e.store(), pageStart(from, prefix, c),
        prefix + (r[1] == null ? HIGH : r[1] + "|" + HIGH), limit(c)).stale(c.stale()));
    return page(g, "team_abbr", team, "table", e.table(), "from", r[0] == null ? null : r[0].toString(),
        "to", r[1] == null ? null : r[1].toString());
  }

  /** A page of gathered rows: the fields {@code head} (name, value, ...), then count, rows and the next token. */
  private static Answer page(Gathered g, Object... head) {
    Map<String, Object> body = Json.ordered(head);
    body.put("count", g.rows().size());
    body.put("rows", values(g.rows()));
    body.put("next", g.next());
    return g.mark(Answer.json(body));
  }

  Answer gameRows(Call c) {
    String game = c.get("game_id");
    Entry e = c.get("table");
    String prefix = game + "|";
    Fetched f = router.fromOwner(e, prefix, Scan.range(e.store(), prefix, prefix + HIGH, 64).stale(c.stale()));
    if (f.rows().isEmpty()) {
      throw ApiError.notFound("no " + e.table() + " rows for game " + game);
    }
    return f.mark(Answer.json(Json.ordered("game_id", game, "table", e.table(), "rows", values(f.rows()))));
  }

  /** {@code /dates/{D}/{table}}: the rows of the table for that date, a page at a time, from all instances. */
  Answer dateRows(Call c) {
    LocalDate d = c.get("date");
    Entry e = c.get("table");
    String after = c.get("after");
    int limit = limit(c);
    // Kept answers: only when this instance holds every partition (its stores are the whole answer) and the
    // read is not stale (standby stores change without a counter). Version and epoch are read before the rows.
    boolean keep = dateAnswers.enabled() && !c.stale() && router.aloneAndRunning();
    String key = e.store() + "|" + d + "|" + limit + "|" + (after == null ? "" : after);
    long epoch = TableVersions.epoch();
    long version = TableVersions.version(e.store(), d.toString());
    if (keep) {
      byte[] body = dateAnswers.get(key, epoch, version);
      if (body != null) {
        return Answer.bytes(200, body, "application/json");
      }
    }
    Gathered g = router.gatherDate(e, d, after, limit, c.stale());
    Answer a = page(g, "table", e.table(), "date", d.toString());
    if (!keep || !a.headers().isEmpty()) {
      return a;
    }
    byte[] body = Json.bytes(a.body());
    dateAnswers.put(key, epoch, version, body);
    return Answer.bytes(200, body, "application/json");
  }

  /** {@code /players?q=name}: players whose name contains q; each instance folds its rows into one per player. */
  Answer searchPlayers(Call c) {
    String text = c.get("q");
    Integer l = c.get("limit");
    int limit = l == null ? SEARCH_DEFAULT : l;
    Entry pgs = StoreCatalog.PLAYER_GAME_SUMMARY;
    Gathered g = router.gather(Scan.range(pgs.store(), null, null, InstanceRouter.INTERNAL_MAX_ROWS).stale(c.stale())
        .matching("player_name", text, List.of(), true));
    List<JsonNode> players = new ArrayList<>(values(g.rows()));
    players.sort(Comparator.comparing((JsonNode n) -> n.path("player_name").asText())
        .thenComparing(n -> n.path("player_id").asLong()));
    String after = c.get("after");
    int start = 0;
    if (after != null) {
      while (start < players.size() && sortKey(players.get(start)).compareTo(after) <= 0) {
        start++;
      }
    }
    List<JsonNode> page = players.subList(start, Math.min(players.size(), start + limit));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("q", text);
    body.put("count", page.size());
    body.put("players", page);
    body.put("next", start + limit < players.size() ? Route.Page.encode(sortKey(page.get(page.size() - 1))) : null);
    return g.mark(Answer.json(body));
  }

  private static String sortKey(JsonNode player) {
    return player.path("player_name").asText() + "\u0000" + String.format("%020d", player.path("player_id").asLong());
  }

  // ---------------------------------------------------------------------------------------------------------
  // The other instances' side

  /** {@code GET /internal/scan}: what this instance can answer of a scan; {@code limit} is required and bounded. */
  Answer internalScan(Call c) {
    Entry e = c.get("store");
    int limit = c.get("limit");
    Set<Integer> parts = c.get("partitions");
    Map<Integer, Part> result;
    if (c.has("date")) {
      result = router.local().rowsOn(e, c.get("date"), c.get("after"), limit, parts, c.stale());
    } else {
      Scan s = Scan.range(e.store(), c.get("from"), c.get("to"), limit).withPartitions(parts).stale(c.stale())
          .after(c.get("after"));
      if (c.flag("reverse")) {
        s = s.descending();
      }
      if (c.has("match")) {
        if (e != StoreCatalog.PLAYER_GAME_SUMMARY) {
          throw ApiError.badRequest("match applies to player-game-summary only");
        }
        s = s.matching("player_name", c.get("match"), List.of(), true);
      }
      result = router.local().scan(s);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    result.forEach((p, part) -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("standby", part.standby());
      m.put("lag", part.lag());
      m.put("more", part.more());
      List<Object> rows = new ArrayList<>();
      part.rows().forEach(r -> rows.add(List.of(r.key(), r.value())));
      m.put("rows", rows);
      out.put(Integer.toString(p), m);
    });
    return Answer.json(Json.ordered("partitions", out)).compact();
  }

  /** {@code POST /internal/rows}: the first row of each key range of one partition (training-set lookups). */
  Answer internalRows(Call c) {
    JsonNode req;
    try (InputStream in = c.body) {
      req = Json.COMPACT.readTree(in);
    } catch (IOException | RuntimeException e) {
      throw ApiError.badRequest("body must be JSON {store, partition, stale, ranges: [[from, to], ...]}");
    }
    if (req == null || !req.path("ranges").isArray() || !req.path("partition").isInt()) {
      throw ApiError.badRequest("body must be JSON {store, partition, stale, ranges: [[from, to], ...]}");
    }
    Entry e = Route.table(req.path("store").asText());
    JsonNode ranges = req.path("ranges");
    if (ranges.size() > InstanceRouter.INTERNAL_MAX_RANGES) {
      throw ApiError.badRequest("at most " + InstanceRouter.INTERNAL_MAX_RANGES + " ranges per call");
    }
    List<String[]> rs = new ArrayList<>(ranges.size());
    for (JsonNode r : ranges) {
      if (!r.isArray() || r.size() != 2 || !r.get(0).isTextual() || !r.get(1).isTextual()) {
        throw ApiError.badRequest("each range must be [from, to]");
      }
      rs.add(new String[] {r.get(0).asText(), r.get(1).asText()});
    }
    List<JsonNode> rows = router.local().firstRows(e.store(), req.path("partition").asInt(), rs,
        req.path("stale").asBoolean());
    if (rows == null) {
      throw ApiError.unavailable("partition " + req.path("partition").asInt() + " of " + e.store()
          + " is not queryable here now");
    }
    return Answer.json(Json.ordered("rows", rows)).compact();
  }

  static List<JsonNode> values(List<Row> rows) {
    return rows.stream().map(Row::value).toList();
  }
}
