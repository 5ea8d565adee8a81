package dev.nbaprops.live;

import dev.nbaprops.source.EventTimes;
import dev.nbaprops.source.props.ScheduleIndex;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The games the live run follows, and the in-game state of each: what the scoreboard announced, and the last
 * live box score fetched (in progress or final), queryable through {@link LiveHttpHandler}. In-progress lines
 * live only here; only a final box score becomes raw-topic records. Thread-safe.
 */
public final class LiveGames {
  private final Map<String, Tracked> games = new TreeMap<>();

  private static final class Tracked {
    final String gameId;
    LocalDate date;
    Instant tipOff;
    String home;
    String away;
    int scoreboardStatus;
    LiveBoxScoreParser.Game box;
    Instant boxFetchedAt;
    Instant lastBoxPoll;
    Instant finalSince;
    /** When a feed first showed the game in progress or final (status >= 2): its start at the latest. */
    Instant liveSince;

    Tracked(String gameId) {
      this.gameId = gameId;
    }

    int status() {
      return box != null ? Math.max(box.status(), scoreboardStatus) : scoreboardStatus;
    }
  }

  /** Only regular-season (002) and playoff (004) games are followed: the backfill has no other game types. */
  public static boolean tracked(String gameId) {
    return gameId != null && gameId.matches("00[24]\\d{7}");
  }

  public synchronized void fromScoreboard(ScoreboardParser.Game g, Instant fetchedAt) {
    if (!tracked(g.gameId())) {
      return;
    }
    Tracked t = games.computeIfAbsent(g.gameId(), Tracked::new);
    t.date = g.gameDate();
    t.tipOff = g.tipOff();
    t.home = g.homeTricode();
    t.away = g.awayTricode();
    t.scoreboardStatus = g.status();
    if (g.status() >= 2 && t.liveSince == null) {
      t.liveSince = fetchedAt;
    }
  }

  /**
   * The latest a game can have started, by the league's feeds: when a scoreboard or box score first showed it in
   * progress (or final); empty while it has only been seen scheduled. A prop line's start is never later than this
   * (contract: the feed's own start and status win).
   */
  public synchronized Optional<Instant> startedBy(String gameId) {
    Tracked t = games.get(gameId);
    return t == null ? Optional.empty() : Optional.ofNullable(t.liveSince);
  }

  public synchronized void fromBoxScore(LiveBoxScoreParser.Game g, Instant fetchedAt) {
    Tracked t = games.computeIfAbsent(g.gameId(), Tracked::new);
    t.box = g;
    t.boxFetchedAt = fetchedAt;
    if (t.date == null) {
      t.date = g.gameDate();
    }
    t.home = g.homeTricode();
    t.away = g.awayTricode();
    if (g.isFinal() && t.finalSince == null) {
      t.finalSince = fetchedAt;
    }
    if (g.status() >= 2 && t.liveSince == null) {
      t.liveSince = fetchedAt;
    }
  }

  public synchronized void polled(String gameId, Instant at) {
    Tracked t = games.get(gameId);
    if (t != null) {
      t.lastBoxPoll = at;
    }
  }

  /**
   * Games whose box score is due: in progress (or past tip-off and not final yet) every {@code liveInterval};
   * final, every {@code finalRecheck} for {@code finalWatch} after the final was first seen (stat corrections).
   * A game not started yet is polled from its tip-off ({@code gameTimeUTC}, else 19:15 ET on its date).
   * Games past their final watch are dropped from the list (and from the in-game state).
   */
  public synchronized List<String> due(Instant now, Duration liveInterval, Duration finalRecheck, Duration finalWatch) {
    List<String> out = new ArrayList<>();
    games.values().removeIf(t -> t.finalSince != null && !now.isBefore(t.finalSince.plus(finalWatch)));
    for (Tracked t : games.values()) {
      Duration every;
      if (t.finalSince != null) {
        every = finalRecheck;
      } else {
        Instant start = t.tipOff != null ? t.tipOff
            : t.date != null ? EventTimes.defaultStart(t.date) : Instant.EPOCH;
        if (t.status() <= 1 && now.isBefore(start)) {
          continue;
        }
        every = liveInterval;
      }
      if (t.lastBoxPoll == null || !now.isBefore(t.lastBoxPoll.plus(every))) {
        out.add(t.gameId);
      }
    }
    return out;
  }

  /** The scoreboard's games as schedule entries (for matching prop lines to games the data files do not have). */
  public synchronized List<ScheduleIndex.Game> scheduleGames() {
    List<ScheduleIndex.Game> out = new ArrayList<>();
    for (Tracked t : games.values()) {
      if (t.date != null && t.home != null && t.away != null) {
        out.add(new ScheduleIndex.Game(t.gameId, dev.nbaprops.source.Seasons.seasonOfGameId(t.gameId),
            LiveBoxScoreParser.seasonType(t.gameId), t.date, t.home, t.away, t.finalSince != null, t.tipOff));
      }
    }
    return out;
  }

  public synchronized int size() {
    return games.size();
  }

  /** In-game state of every followed game, by game id. */
  public synchronized List<Map<String, Object>> all() {
    return games.values().stream().map(LiveGames::json).toList();
  }

  public synchronized Optional<Map<String, Object>> game(String gameId) {
    Tracked t = games.get(gameId);
    return t == null ? Optional.empty() : Optional.of(json(t));
  }

  /** Counts by state: scheduled, in_progress, final. */
  public synchronized Map<String, Integer> counts() {
    Map<String, Integer> m = new TreeMap<>(Map.of("scheduled", 0, "in_progress", 0, "final", 0));
    for (Tracked t : games.values()) {
      m.merge(state(t.status()), 1, Integer::sum);
    }
    return m;
  }

  private static String state(int status) {
    return status >= 3 ? "final" : status == 2 ? "in_progress" : "scheduled";
  }

  private static final List<String> STAT_COLUMNS = List.of("min", "pts", "reb", "ast", "fgm", "fga", "fg3m", "fg3a",
      "ftm", "fta", "oreb", "dreb", "stl", "blk", "tov", "pf", "plus_minus");

  private static Map<String, Object> json(Tracked t) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("game_id", t.gameId);
    m.put("game_date", t.date == null ? null : t.date.toString());
    m.put("state", state(t.status()));
    m.put("tip_off", t.tipOff == null ? null : t.tipOff.toString());
    m.put("home_team", t.home);
    m.put("away_team", t.away);
    LiveBoxScoreParser.Game b = t.box;
    if (b != null) {
      m.put("game_status", b.status());
      m.put("status_text", b.statusText());
      m.put("period", b.period());
      m.put("game_clock", b.clock());
      m.put("home_score", b.homeScore());
      m.put("away_score", b.awayScore());
      m.put("box_score_fetched_at", t.boxFetchedAt == null ? null : t.boxFetchedAt.toString());
      m.put("final_since", t.finalSince == null ? null : t.finalSince.toString());
      List<Map<String, Object>> players = new ArrayList<>();
      for (LiveBoxScoreParser.PlayerLine p : b.players()) {
        Map<String, Object> pm = new LinkedHashMap<>();
        pm.put("player_id", p.personId());
        pm.put("player_name", p.name());
        pm.put("team_abbr", p.team());
        for (String c : STAT_COLUMNS) {
          pm.put(c, number(p.columns().get(c)));
        }
        if (p.parsed() instanceof dev.nbaprops.source.Parsed.Rejected<?> r) {
          pm.put("rejected", r.reason());
        }
        players.add(pm);
      }
      m.put("players", players);
    }
    return m;
  }

  private static Object number(String v) {
    if (v == null || v.isEmpty()) {
      return null;
    }
    try {
      return v.contains(".") ? (Object) Double.parseDouble(v) : (Object) Long.parseLong(v);
    } catch (NumberFormatException e) {
      return v;
    }
  }
}
