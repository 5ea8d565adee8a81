package dev.nbaprops.live;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nbaprops.avro.raw.PlayerBoxScore;
import dev.nbaprops.source.BoxScoreParser;
import dev.nbaprops.source.EventTimes;
import dev.nbaprops.source.GameStarts;
import dev.nbaprops.source.Parsed;
import dev.nbaprops.source.Seasons;
import dev.nbaprops.source.SourceRow;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The NBA's live box score ({@code cdn.nba.com/static/json/liveData/boxscore/boxscore_<gameId>.json}):
 * {@code {meta, game: {gameId, gameCode "YYYYMMDD/AWYHOM", gameStatus (1 scheduled, 2 in progress, 3 final),
 * gameStatusText, period, gameClock, gameEt, homeTeam, awayTeam}}}, each team {@code {teamId, teamTricode, score,
 * players: [{personId, name, firstName, familyName, played "1"/"0", statistics: {...}}]}}.
 *
 * <p>Each player who played becomes the same columns as a row of {@code box_scores/player_box_<season>.csv.gz}
 * and goes through {@link BoxScoreParser}, so live and backfill records are built and validated by the same code
 * (and get the same event time: the game's end, from the feed's {@code gameTimeUTC} as its listed tip-off). A malformed document throws
 * {@link FeedException} ({@code MALFORMED}); a bad player line is a {@link Parsed.Rejected} with the reason.
 */
public final class LiveBoxScoreParser {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern GAME_CODE = Pattern.compile("(\\d{4})(\\d{2})(\\d{2})/.*");
  private static final Pattern DURATION = Pattern.compile("PT(?:(\\d+)M)?(?:(\\d+(?:\\.\\d+)?)S)?");

  /** One player's line as the feed gives it (in progress or final), and what the backfill parser made of it. */
  public record PlayerLine(long personId, String name, String team, Map<String, String> columns,
                           Parsed<PlayerBoxScore> parsed) {}

  /** A parsed live box score. */
  public record Game(String gameId, int status, String statusText, int period, String clock, LocalDate gameDate,
                     String homeTricode, int homeScore, String awayTricode, int awayScore, List<PlayerLine> players) {
    public boolean isFinal() {
      return status == 3;
    }
  }

  private LiveBoxScoreParser() {}

  public static Game parse(String json) throws FeedException {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (java.io.IOException e) {
      throw new FeedException(FeedException.Kind.MALFORMED, "live box score is not JSON: "
          + e.getMessage().lines().findFirst().orElse(""), null, e);
    }
    JsonNode g = root == null ? null : root.get("game");
    if (g == null || !g.isObject()) {
      throw new FeedException(FeedException.Kind.MALFORMED, "not a liveData box score: no 'game' object");
    }
    String gameId = need(g, "gameId").asText();
    if (!gameId.matches("\\d{10}")) {
      throw new FeedException(FeedException.Kind.MALFORMED, "gameId must be 10 digits, got '" + gameId + "'");
    }
    int status = need(g, "gameStatus").asInt(-1);
    LocalDate date = gameDate(g);
    JsonNode home = need(g, "homeTeam");
    JsonNode away = need(g, "awayTeam");
    String homeTri = need(home, "teamTricode").asText();
    String awayTri = need(away, "teamTricode").asText();
    int homeScore = home.path("score").asInt(0);
    int awayScore = away.path("score").asInt(0);
    List<PlayerLine> players = new ArrayList<>();
    String seasonType = seasonType(gameId);
    // gameTimeUTC is the listed time (as the schedule's tipoff_utc): the start is 15 minutes later.
    Instant listed = gameTime(g);
    GameStarts starts = (id, d) -> EventTimes.start(d, listed);
    addTeam(players, gameId, date, seasonType, status, home, away, "H", homeScore, awayScore, starts);
    addTeam(players, gameId, date, seasonType, status, away, home, "A", awayScore, homeScore, starts);
    return new Game(gameId, status, g.path("gameStatusText").asText(""), g.path("period").asInt(0),
        g.path("gameClock").asText(""), date, homeTri, homeScore, awayTri, awayScore, players);
  }

  private static void addTeam(List<PlayerLine> out, String gameId, LocalDate date, String seasonType, int status,
                              JsonNode team, JsonNode opp, String homeAway, int score, int oppScore,
                              GameStarts starts)
      throws FeedException {
    JsonNode players = team.get("players");
    if (players == null || !players.isArray()) {
      throw new FeedException(FeedException.Kind.MALFORMED, "team " + team.path("teamTricode").asText("?")
          + " has no players array");
    }
    for (JsonNode p : players) {
      if (!"1".equals(p.path("played").asText())) {
        continue; // DNP / inactive: the backfill lists appearances only
      }
      JsonNode s = p.path("statistics");
      Map<String, String> c = new LinkedHashMap<>();
      c.put("season", Seasons.seasonOfGameId(gameId));
      c.put("season_type", seasonType);
      c.put("game_id", gameId);
      c.put("game_date", date == null ? null : date.toString());
      c.put("team_id", text(team.get("teamId")));
      c.put("team_abbr", team.path("teamTricode").asText(null));
      c.put("opp_abbr", opp.path("teamTricode").asText(null));
      c.put("home_away", homeAway);
      c.put("wl", status == 3 ? (score > oppScore ? "W" : "L") : null);
      c.put("player_id", text(p.get("personId")));
      c.put("player_name", name(p));
      c.put("min", minutes(s.path("minutes").asText(null)));
      c.put("pts", text(s.get("points")));
      c.put("fgm", text(s.get("fieldGoalsMade")));
      c.put("fga", text(s.get("fieldGoalsAttempted")));
      c.put("fg3m", text(s.get("threePointersMade")));
      c.put("fg3a", text(s.get("threePointersAttempted")));
      c.put("ftm", text(s.get("freeThrowsMade")));
      c.put("fta", text(s.get("freeThrowsAttempted")));
      c.put("oreb", text(s.get("reboundsOffensive")));
      c.put("dreb", text(s.get("reboundsDefensive")));
      c.put("reb", text(s.get("reboundsTotal")));
      c.put("ast", text(s.get("assists")));
      c.put("stl", text(s.get("steals")));
      c.put("blk", text(s.get("blocks")));
      c.put("tov", text(s.get("turnovers")));
      c.put("pf", text(s.get("foulsPersonal")));
      c.put("plus_minus", wholeNumber(s.get("plusMinusPoints")));
      Map<String, String> fields = new LinkedHashMap<>();
      c.forEach((k, v) -> fields.put(k, v == null ? "" : v));
      String line = String.join(",", fields.values());
      Parsed<PlayerBoxScore> parsed = BoxScoreParser.parse(new SourceRow("boxscore_" + gameId + ".json",
          out.size() + 1, line, fields), starts);
      out.add(new PlayerLine(p.path("personId").asLong(), name(p), team.path("teamTricode").asText(""), fields,
          parsed));
    }
  }

  /** 002 regular season, 004 playoffs; other game types (preseason, play-in, Cup final) are not in the backfill. */
  static String seasonType(String gameId) {
    return switch (gameId.substring(0, 3)) {
      case "002" -> "Regular Season";
      case "004" -> "Playoffs";
      default -> "Other"; // the pollers skip these games (LiveGames.tracked)
    };
  }

  /** The US local game date: from gameCode (YYYYMMDD/...), else the date part of gameEt or gameTimeLocal. */
  /** The feed's start of the game ({@code gameTimeUTC}), or null when absent or not an instant. */
  static Instant gameTime(JsonNode g) {
    try {
      return g.hasNonNull("gameTimeUTC") ? Instant.parse(g.get("gameTimeUTC").asText()) : null;
    } catch (RuntimeException e) {
      return null; // no start from the feed: 19:15 ET on the game date (EventTimes)
    }
  }

  static LocalDate gameDate(JsonNode g) {
    Matcher m = GAME_CODE.matcher(g.path("gameCode").asText(""));
    if (m.matches()) {
      return LocalDate.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
    }
    for (String f : List.of("gameEt", "gameTimeLocal")) {
      String v = g.path(f).asText("");
      if (v.length() >= 10) {
        try {
          return LocalDate.parse(v.substring(0, 10));
        } catch (RuntimeException ignored) {
          // next field
        }
      }
    }
    return null;
  }

  /** "PT25M01.00S" -> "25.02" (decimal minutes, 2 places, like the backfill's playoff rows); null if absent. */
  static String minutes(String iso) {
    if (iso == null || iso.isBlank()) {
      return null;
    }
    Matcher m = DURATION.matcher(iso.strip());
    if (!m.matches()) {
      return iso; // BoxScoreParser rejects it with the column name
    }
    double min = (m.group(1) == null ? 0 : Integer.parseInt(m.group(1)))
        + (m.group(2) == null ? 0 : Double.parseDouble(m.group(2)) / 60.0);
    double rounded = Math.round(min * 100) / 100.0;
    return rounded == Math.rint(rounded) ? Long.toString((long) rounded) : Double.toString(rounded);
  }

  private static String name(JsonNode p) {
    String n = p.path("name").asText("");
    if (!n.isBlank()) {
      return n;
    }
    String full = (p.path("firstName").asText("") + " " + p.path("familyName").asText("")).strip();
    return full.isEmpty() ? null : full;
  }

  private static String text(JsonNode n) {
    if (n == null || n.isNull() || n.isMissingNode()) {
      return null;
    }
    return n.isIntegralNumber() ? Long.toString(n.asLong()) : n.asText();
  }

  private static String wholeNumber(JsonNode n) {
    if (n == null || n.isNull() || n.isMissingNode()) {
      return null;
    }
    return n.isNumber() ? Long.toString(Math.round(n.asDouble())) : n.asText();
  }

  private static JsonNode need(JsonNode obj, String field) throws FeedException {
    JsonNode n = obj.get(field);
    if (n == null || n.isNull()) {
      throw new FeedException(FeedException.Kind.MALFORMED, "live box score: missing '" + field + "'");
    }
    return n;
  }
}
