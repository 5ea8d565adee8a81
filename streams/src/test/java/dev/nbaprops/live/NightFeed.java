package dev.nbaprops.live;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.nbaprops.source.CsvSource;
import dev.nbaprops.source.DataLayout;
import dev.nbaprops.source.SourceKind;
import dev.nbaprops.source.EventTimes;
import dev.nbaprops.source.SourceRow;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One real night (of 2023-24, or of the synthetic season of {@code testing.SyntheticSeason}) as the live feeds would have served it, built from the real rows of a data directory
 * (the bundled slice or ../shared): the liveData scoreboard and box scores (shape of the NBA's public
 * {@code cdn.nba.com/static/json/liveData} documents) and The Odds API v4 events and event odds (shape of its
 * documentation), as a function of the time of the request.
 *
 * <p>What is real and what is not (fixtures/live/README.md says the same): final box-score values, teams, ids,
 * names, schedule and final scores, and every prop line with its bookmaker, prices and snapshot time are the real
 * rows. The data has no tip-off times, so every game tips off at the nominal 19:00 ET of docs/features.md and is
 * final 150 minutes later; in-progress payloads are <b>synthetic</b>: each counting stat of the final line scaled
 * by the elapsed fraction of the game (rounded down; points, rebounds recomputed from their parts). Fields the
 * data does not have (jersey numbers, starters, fouls drawn, paint points, ...) are left out of the payloads.
 */
public final class NightFeed {
  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  static final Duration GAME_LENGTH = Duration.ofMinutes(150);

  final LocalDate date;
  final Instant tipOff;
  final Instant finalAt;
  /** game id -> schedule row. */
  final Map<String, SourceRow> games = new TreeMap<>();
  /** game id -> its player rows in file order. */
  final Map<String, List<SourceRow>> players = new HashMap<>();
  /** event id -> prop rows of the night's games. */
  final Map<String, List<SourceRow>> props = new TreeMap<>();
  /** event id -> game id. */
  final Map<String, String> eventGame = new HashMap<>();
  /** Corrections served from a given time on: game id -> player id -> column -> value (tests' synthetic fixes). */
  final Map<String, Map<Long, Map<String, String>>> corrections = new HashMap<>();

  public NightFeed(Path dataDir, LocalDate date) {
    this.date = date;
    // Each game's own times are its real ones (gameTimeUTC = the listed tip-off, commence_time = listed + 15
    // minutes, the contract's start). The night's clock (status, in-game polls) is one for all games: it goes
    // live at the last game's start, so no feed shows a game in progress before its start (nor, therefore,
    // moves a line's start earlier: OddsPoller) and the live night equals the replay of it.
    String season = date.getMonthValue() >= 8 ? date.getYear() + "-" + String.format("%02d", (date.getYear() + 1) % 100)
        : (date.getYear() - 1) + "-" + String.format("%02d", date.getYear() % 100);
    for (Path schedule : new DataLayout(dataDir).files(SourceKind.SCHEDULE)) {
      try (CsvSource s = new CsvSource(schedule)) {
        while (s.hasNext()) {
          SourceRow r = s.next();
          if (date.toString().equals(r.get("game_date"))) {
            games.put(r.get("game_id"), r);
          }
        }
      }
    }
    Instant last = EventTimes.defaultStart(date);
    for (String gameId : games.keySet()) {
      Instant start = EventTimes.start(date, listed(gameId));
      last = start.isAfter(last) ? start : last;
    }
    this.tipOff = last;
    this.finalAt = tipOff.plus(GAME_LENGTH);
    try (CsvSource s = new CsvSource(dataDir.resolve("box_scores/player_box_" + season + ".csv.gz"))) {
      while (s.hasNext()) {
        SourceRow r = s.next();
        if (games.containsKey(r.get("game_id"))) {
          players.computeIfAbsent(r.get("game_id"), k -> new ArrayList<>()).add(r);
        }
      }
    }
    Path propsFile = dataDir.resolve("props/pra_lines_" + season + ".csv.gz");
    if (propsFile.toFile().exists()) {
      try (CsvSource s = new CsvSource(propsFile)) {
        while (s.hasNext()) {
          SourceRow r = s.next();
          if (r.get("nba_game_id") != null && games.containsKey(r.get("nba_game_id"))) {
            props.computeIfAbsent(r.get("event_id"), k -> new ArrayList<>()).add(r);
            eventGame.put(r.get("event_id"), r.get("nba_game_id"));
          }
        }
      }
    }
  }

  /** Every distinct prop snapshot time of the night, in order. */
  public List<Instant> snapshotTimes() {
    TreeSet<Instant> t = new TreeSet<>();
    props.values().forEach(l -> l.forEach(r -> t.add(Instant.parse(r.get("snapshot_ts")))));
    return List.copyOf(t);
  }

  /** The poll times of a simulated night: morning, every snapshot, tip-off, three in-game polls, final, and two repeats. */
  public List<Instant> pollTimes() {
    TreeSet<Instant> t = new TreeSet<>();
    t.add(tipOff.minus(Duration.ofHours(9)));
    t.addAll(snapshotTimes());
    for (int i = 0; i <= 3; i++) {
      t.add(tipOff.plus(Duration.ofMinutes(1 + 40L * i)));
    }
    t.add(finalAt);
    t.add(finalAt.plus(Duration.ofMinutes(1)));
    t.add(finalAt.plus(Duration.ofMinutes(30)));
    return List.copyOf(t);
  }

  public void correct(String gameId, long playerId, Map<String, String> columns) {
    corrections.computeIfAbsent(gameId, k -> new HashMap<>()).put(playerId, columns);
  }

  // ---------------------------------------------------------------- NBA liveData

  int status(Instant now) {
    return now.isBefore(tipOff) ? 1 : now.isBefore(finalAt) ? 2 : 3;
  }

  double fraction(Instant now) {
    if (now.isBefore(tipOff)) {
      return 0;
    }
    return Math.min(1.0, (double) Duration.between(tipOff, now).toMillis() / GAME_LENGTH.toMillis());
  }

  private static Map<String, Object> meta(String request) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("version", 1);
    m.put("code", 200);
    m.put("request", request);
    return m;
  }

  @SuppressWarnings("unchecked")
  public String scoreboard(Instant now) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("meta", meta("todaysScoreboard_00.json (fixture)"));
    ((Map<String, Object>) root.get("meta")).put("time",
        DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSS").withZone(ZoneOffset.UTC).format(now));
    List<Object> list = new ArrayList<>();
    for (String id : games.keySet()) {
      Map<String, Object> g = gameHeader(id, now);
      g.put("homeTeam", team(id, true, now, false));
      g.put("awayTeam", team(id, false, now, false));
      list.add(g);
    }
    Map<String, Object> sb = new LinkedHashMap<>();
    sb.put("gameDate", date.toString());
    sb.put("leagueId", "00");
    sb.put("leagueName", "National Basketball Association");
    sb.put("games", list);
    root.put("scoreboard", sb);
    return write(root);
  }

  public String boxScore(String gameId, Instant now) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("meta", meta("boxscore_" + gameId + ".json (fixture)"));
    Map<String, Object> g = gameHeader(gameId, now);
    g.put("homeTeam", team(gameId, true, now, true));
    g.put("awayTeam", team(gameId, false, now, true));
    root.put("game", g);
    return write(root);
  }

  private Map<String, Object> gameHeader(String id, Instant now) {
    SourceRow s = games.get(id);
    int st = status(now);
    double f = fraction(now);
    int period = st == 1 ? 0 : st == 3 ? 4 : Math.min(4, 1 + (int) (f * 4));
    double left = st == 2 ? Math.max(0, (period - f * 4) * 12) : 0;
    Map<String, Object> g = new LinkedHashMap<>();
    g.put("gameId", id);
    g.put("gameCode", date.toString().replace("-", "") + "/" + s.get("away_team_abbr") + s.get("home_team_abbr"));
    g.put("gameStatus", st);
    g.put("gameStatusText", st == 1 ? "7:00 pm ET" : st == 3 ? "Final" : "Q" + period + " " + clockText(left));
    g.put("period", period);
    g.put("gameClock", st == 1 ? "" : iso(left));
    g.put("gameTimeUTC", (listed(id) == null ? EventTimes.defaultStart(date) : listed(id)).toString());
    g.put("gameEt", date + "T19:00:00Z");
    g.put("regulationPeriods", 4);
    return g;
  }

  private Map<String, Object> team(String gameId, boolean home, Instant now, boolean withPlayers) {
    SourceRow s = games.get(gameId);
    String abbr = s.get(home ? "home_team_abbr" : "away_team_abbr");
    Map<String, Object> t = new LinkedHashMap<>();
    t.put("teamId", Long.parseLong(s.get(home ? "home_team_id" : "away_team_id")));
    t.put("teamTricode", abbr);
    List<Object> ps = new ArrayList<>();
    int score = 0;
    int order = 0;
    for (SourceRow r : players.getOrDefault(gameId, List.of())) {
      if (!abbr.equals(r.get("team_abbr"))) {
        continue;
      }
      Map<String, String> v = values(gameId, r, now);
      score += Integer.parseInt(v.get("pts"));
      ps.add(player(r, v, ++order));
    }
    if (status(now) == 3 && !hasCorrection(gameId, now)) {
      score = Integer.parseInt(s.get(home ? "home_pts" : "away_pts")); // the schedule's real final score
    }
    t.put("score", status(now) == 1 ? 0 : score);
    if (withPlayers) {
      t.put("players", status(now) == 1 ? List.of() : ps);
    }
    return t;
  }

  private boolean hasCorrection(String gameId, Instant now) {
    return corrections.containsKey(gameId);
  }

  /** The line's values at {@code now}: the real final line when final, else scaled (synthetic). */
  Map<String, String> values(String gameId, SourceRow r, Instant now) {
    Map<String, String> v = new LinkedHashMap<>();
    double f = status(now) == 3 ? 1.0 : fraction(now);
    for (String c : List.of("fgm", "fga", "fg3m", "fg3a", "ftm", "fta", "oreb", "dreb", "ast", "stl", "blk", "tov",
        "pf")) {
      v.put(c, Integer.toString((int) Math.floor(Integer.parseInt(r.get(c)) * f + 1e-9)));
    }
    v.put("min", Double.toString(Double.parseDouble(r.get("min")) * f));
    v.put("plus_minus", r.get("plus_minus") == null ? null : Integer.toString((int) Math.round(
        Integer.parseInt(r.get("plus_minus")) * f)));
    if (f == 1.0) {
      v.put("pts", r.get("pts"));
      v.put("reb", r.get("reb"));
      Map<String, String> fix = corrections.getOrDefault(gameId, Map.of()).get(Long.parseLong(r.get("player_id")));
      if (fix != null) {
        v.putAll(fix);
      }
    } else {
      v.put("pts", Integer.toString(2 * i(v, "fgm") + i(v, "fg3m") + i(v, "ftm")));
      v.put("reb", Integer.toString(i(v, "oreb") + i(v, "dreb")));
    }
    return v;
  }

  private static Map<String, Object> player(SourceRow r, Map<String, String> v, int order) {
    String name = r.get("player_name");
    int sp = name.indexOf(' ');
    String first = sp < 0 ? name : name.substring(0, sp);
    String family = sp < 0 ? "" : name.substring(sp + 1);
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("assists", i(v, "ast"));
    s.put("blocks", i(v, "blk"));
    s.put("fieldGoalsAttempted", i(v, "fga"));
    s.put("fieldGoalsMade", i(v, "fgm"));
    s.put("fieldGoalsPercentage", pct(i(v, "fgm"), i(v, "fga")));
    s.put("foulsPersonal", i(v, "pf"));
    s.put("freeThrowsAttempted", i(v, "fta"));
    s.put("freeThrowsMade", i(v, "ftm"));
    s.put("freeThrowsPercentage", pct(i(v, "ftm"), i(v, "fta")));
    double min = Double.parseDouble(v.get("min"));
    s.put("minutes", iso(min));
    s.put("minutesCalculated", "PT" + String.format(Locale.ROOT, "%02d", (int) Math.round(min)) + "M");
    if (v.get("plus_minus") != null) {
      s.put("plusMinusPoints", (double) i(v, "plus_minus"));
    }
    s.put("points", i(v, "pts"));
    s.put("reboundsDefensive", i(v, "dreb"));
    s.put("reboundsOffensive", i(v, "oreb"));
    s.put("reboundsTotal", i(v, "reb"));
    s.put("steals", i(v, "stl"));
    s.put("threePointersAttempted", i(v, "fg3a"));
    s.put("threePointersMade", i(v, "fg3m"));
    s.put("threePointersPercentage", pct(i(v, "fg3m"), i(v, "fg3a")));
    s.put("turnovers", i(v, "tov"));
    s.put("twoPointersAttempted", i(v, "fga") - i(v, "fg3a"));
    s.put("twoPointersMade", i(v, "fgm") - i(v, "fg3m"));
    s.put("twoPointersPercentage", pct(i(v, "fgm") - i(v, "fg3m"), i(v, "fga") - i(v, "fg3a")));
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("status", "ACTIVE");
    p.put("order", order);
    p.put("personId", Long.parseLong(r.get("player_id")));
    p.put("played", "1");
    p.put("statistics", s);
    p.put("name", name);
    p.put("nameI", first.charAt(0) + ". " + family);
    p.put("firstName", first);
    p.put("familyName", family);
    return p;
  }

  // ---------------------------------------------------------------- The Odds API v4

  public String oddsEvents(Instant now) {
    List<Object> out = new ArrayList<>();
    for (String ev : props.keySet()) {
      out.add(eventHeader(ev));
    }
    return write(out);
  }

  public String eventOdds(String eventId, Instant now) {
    List<SourceRow> rows = props.get(eventId);
    if (rows == null) {
      return null;
    }
    Instant latest = null;
    for (SourceRow r : rows) {
      Instant t = Instant.parse(r.get("snapshot_ts"));
      if (!t.isAfter(now) && (latest == null || t.isAfter(latest))) {
        latest = t;
      }
    }
    Map<String, Object> ev = eventHeader(eventId);
    Map<String, Map<String, Object>> books = new LinkedHashMap<>();
    if (latest != null) {
      for (SourceRow r : rows) {
        if (!Instant.parse(r.get("snapshot_ts")).equals(latest)) {
          continue;
        }
        String title = r.get("bookmaker");
        Map<String, Object> b = books.computeIfAbsent(title, k -> {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("key", title.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", ""));
          m.put("title", title);
          m.put("markets", new ArrayList<>());
          return m;
        });
        b.put("last_update", latest.toString());
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> markets = (List<Map<String, Object>>) b.get("markets");
        Map<String, Object> market = markets.stream().filter(m -> m.get("key").equals(r.get("market"))).findFirst()
            .orElseGet(() -> {
              Map<String, Object> m = new LinkedHashMap<>();
              m.put("key", r.get("market"));
              m.put("outcomes", new ArrayList<>());
              markets.add(m);
              return m;
            });
        market.put("last_update", latest.toString());
        @SuppressWarnings("unchecked")
        List<Object> outcomes = (List<Object>) market.get("outcomes");
        double point = Double.parseDouble(r.get("line"));
        if (r.get("over_price") != null) {
          outcomes.add(outcome("Over", r.get("player_name"), r.get("over_price"), point));
        }
        if (r.get("under_price") != null) {
          outcomes.add(outcome("Under", r.get("player_name"), r.get("under_price"), point));
        }
      }
    }
    ev.put("bookmakers", new ArrayList<>(books.values()));
    return write(ev);
  }

  /** A game's listed tip-off from the schedule row, or null when it has none. */
  private Instant listed(String gameId) {
    SourceRow s = games.get(gameId);
    String t = s == null ? null : s.get("tipoff_utc");
    return t == null || t.isBlank() ? null : Instant.parse(t);
  }

  private Map<String, Object> eventHeader(String eventId) {
    SourceRow any = props.get(eventId).get(0);
    Map<String, Object> ev = new LinkedHashMap<>();
    ev.put("id", eventId);
    ev.put("sport_key", "basketball_nba");
    ev.put("sport_title", "NBA");
    String gameId = eventGame.get(eventId);
    ev.put("commence_time", (gameId == null ? tipOff : EventTimes.start(date, listed(gameId))).toString());
    ev.put("home_team", any.get("home_team"));
    ev.put("away_team", any.get("away_team"));
    return ev;
  }

  private static Map<String, Object> outcome(String side, String player, String price, double point) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("name", side);
    o.put("description", player);
    o.put("price", (int) Math.round(Double.parseDouble(price)));
    o.put("point", point);
    return o;
  }

  // ---------------------------------------------------------------- helpers

  private static int i(Map<String, String> v, String c) {
    return Integer.parseInt(v.get(c));
  }

  private static double pct(int made, int att) {
    return att == 0 ? 0.0 : Math.round(1000.0 * made / att) / 1000.0;
  }

  static String iso(double minutes) {
    int m = (int) Math.floor(minutes + 1e-9);
    double sec = Math.round((minutes - m) * 60 * 100) / 100.0;
    if (sec >= 60) {
      m++;
      sec = 0;
    }
    return String.format(Locale.ROOT, "PT%02dM%05.2fS", m, sec);
  }

  private static String clockText(double minutesLeft) {
    int m = (int) minutesLeft;
    int s = (int) Math.round((minutesLeft - m) * 60);
    return String.format(Locale.ROOT, "%d:%02d", m, Math.min(s, 59));
  }

  static String write(Object o) {
    try {
      return JSON.writeValueAsString(o) + "\n";
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
