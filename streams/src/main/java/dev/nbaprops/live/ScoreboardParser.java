package dev.nbaprops.live;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nbaprops.avro.raw.ScheduleGame;
import dev.nbaprops.source.Parsed;
import dev.nbaprops.source.ScheduleParser;
import dev.nbaprops.source.Seasons;
import dev.nbaprops.source.SourceRow;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The NBA's live scoreboard ({@code cdn.nba.com/static/json/liveData/scoreboard/todaysScoreboard_00.json}):
 * {@code {meta, scoreboard: {gameDate, games: [{gameId, gameCode, gameStatus, gameStatusText, period, gameClock,
 * gameTimeUTC, gameEt, homeTeam: {teamId, teamTricode, score, ...}, awayTeam: {...}}]}}}.
 *
 * <p>Each game becomes the columns of a row of {@code schedule/games_*.csv.gz} and goes through
 * {@link ScheduleParser} (same record, same validation, same event time {@code EventTimes.scheduled}). Scores are
 * set only once the game is final, with {@code player_box_available = Y}: before that they are in-game state,
 * not schedule facts, so a schedule record changes at most twice (announced, final).
 */
public final class ScoreboardParser {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One game of the scoreboard. {@code tipOff} is {@code gameTimeUTC} (null when absent). */
  public record Game(String gameId, int status, LocalDate gameDate, Instant tipOff, String homeTricode,
                     String awayTricode, int homeScore, int awayScore, Parsed<ScheduleGame> schedule) {}

  private ScoreboardParser() {}

  public static List<Game> parse(String json) throws FeedException {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (java.io.IOException e) {
      throw new FeedException(FeedException.Kind.MALFORMED, "scoreboard is not JSON: "
          + e.getMessage().lines().findFirst().orElse(""), null, e);
    }
    JsonNode games = root == null ? null : root.path("scoreboard").get("games");
    if (games == null || !games.isArray()) {
      throw new FeedException(FeedException.Kind.MALFORMED, "not a liveData scoreboard: no scoreboard.games array");
    }
    List<Game> out = new ArrayList<>();
    int i = 0;
    for (JsonNode g : games) {
      i++;
      String gameId = g.path("gameId").asText("");
      int status = g.path("gameStatus").asInt(-1);
      LocalDate date = LiveBoxScoreParser.gameDate(g);
      JsonNode home = g.path("homeTeam");
      JsonNode away = g.path("awayTeam");
      Map<String, String> c = new LinkedHashMap<>();
      boolean idOk = gameId.matches("\\d{10}");
      c.put("season", idOk ? Seasons.seasonOfGameId(gameId) : "");
      c.put("season_type", idOk ? LiveBoxScoreParser.seasonType(gameId) : "");
      c.put("game_id", gameId);
      c.put("game_date", date == null ? "" : date.toString());
      c.put("home_team_id", home.path("teamId").asText(""));
      c.put("home_team_abbr", home.path("teamTricode").asText(""));
      c.put("away_team_id", away.path("teamId").asText(""));
      c.put("away_team_abbr", away.path("teamTricode").asText(""));
      boolean fin = status == 3;
      c.put("home_pts", fin ? home.path("score").asText("") : "");
      c.put("away_pts", fin ? away.path("score").asText("") : "");
      c.put("player_box_available", fin ? "Y" : "N");
      Instant tip = LiveBoxScoreParser.gameTime(g);
      c.put("tipoff_utc", tip == null ? "" : tip.toString());
      Parsed<ScheduleGame> parsed = ScheduleParser.parse(new SourceRow("todaysScoreboard_00.json", i,
          String.join(",", c.values()), c));
      out.add(new Game(gameId, status, date, tip, home.path("teamTricode").asText(""),
          away.path("teamTricode").asText(""), home.path("score").asInt(0), away.path("score").asInt(0), parsed));
    }
    return out;
  }
}
