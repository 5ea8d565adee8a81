package dev.nbaprops.live;

import dev.nbaprops.config.AppConfig;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * The {@code live.*} settings (same sources as every setting: defaults, {@code --config} file, {@code --set}),
 * read from the app's {@link AppConfig}. Durations are ISO-8601 ({@code PT20S}). Defaults are the real public
 * endpoints and the polling schedule of docs/live.md.
 */
public final class LiveConfig extends AbstractConfig {
  public static final String SCOREBOARD_URL = "live.scoreboard.url";
  public static final String SCOREBOARD_INTERVAL = "live.scoreboard.interval";
  public static final String BOXSCORE_URL = "live.boxscore.url";
  public static final String BOXSCORE_INTERVAL = "live.boxscore.interval";
  public static final String BOXSCORE_FINAL_RECHECK = "live.boxscore.final.recheck.interval";
  public static final String BOXSCORE_FINAL_WATCH = "live.boxscore.final.watch";
  public static final String NBA_API_KEY = "live.nba.api.key";
  public static final String NBA_API_KEY_HEADER = "live.nba.api.key.header";
  public static final String ODDS_ENABLED = "live.odds.enabled";
  public static final String ODDS_BASE_URL = "live.odds.base.url";
  public static final String ODDS_API_KEY = "live.odds.api.key";
  public static final String ODDS_INTERVAL = "live.odds.interval";
  public static final String ODDS_REGIONS = "live.odds.regions";
  public static final String ODDS_MARKETS = "live.odds.markets";
  public static final String ODDS_BOOKMAKERS = "live.odds.bookmakers";
  public static final String ODDS_LOOKAHEAD = "live.odds.lookahead";
  public static final String ODDS_STOP_AFTER_START = "live.odds.stop.after.start";
  public static final String HTTP_TIMEOUT = "live.http.timeout";
  public static final String RETRY_INITIAL = "live.retry.initial";
  public static final String RETRY_MAX = "live.retry.max";
  public static final String RETRY_AFTER_MAX = "live.retry.after.max";
  public static final String FLUSH_INTERVAL = "live.flush.interval";
  public static final String DATA_DIR = "live.data.dir";

  private static final ConfigDef.Validator DURATION = (name, value) -> {
    try {
      if (Duration.parse(String.valueOf(value)).isNegative()) {
        throw new ConfigException(name, value, "must not be negative");
      }
    } catch (java.time.format.DateTimeParseException e) {
      throw new ConfigException(name, value, "not an ISO-8601 duration such as PT20S");
    }
  };

  public static final ConfigDef DEF = new ConfigDef()
      .define(SCOREBOARD_URL, Type.STRING,
          "https://cdn.nba.com/static/json/liveData/scoreboard/todaysScoreboard_00.json", Importance.HIGH,
          "Today's scoreboard (liveData scoreboard JSON).")
      .define(SCOREBOARD_INTERVAL, Type.STRING, "PT60S", DURATION, Importance.MEDIUM, "Scoreboard poll interval.")
      .define(BOXSCORE_URL, Type.STRING,
          "https://cdn.nba.com/static/json/liveData/boxscore/boxscore_{gameId}.json", Importance.HIGH,
          "Live box score URL template; {gameId} is replaced by the 10-digit game id.")
      .define(BOXSCORE_INTERVAL, Type.STRING, "PT20S", DURATION, Importance.MEDIUM,
          "Box score poll interval for games in progress (the CDN refreshes about every 10-30 s).")
      .define(BOXSCORE_FINAL_RECHECK, Type.STRING, "PT10M", DURATION, Importance.LOW,
          "After a game is final, re-fetch its box score this often (stat corrections).")
      .define(BOXSCORE_FINAL_WATCH, Type.STRING, "PT6H", DURATION, Importance.LOW,
          "How long after the final a game is still re-checked and kept in the in-game state.")
      .define(NBA_API_KEY, Type.PASSWORD, "", Importance.LOW,
          "Key for the NBA feeds (cdn.nba.com needs none; for a proxy or a licensed feed). Sent as the header below.")
      .define(NBA_API_KEY_HEADER, Type.STRING, "x-api-key", Importance.LOW, "Header that carries live.nba.api.key.")
      .define(ODDS_ENABLED, Type.BOOLEAN, true, Importance.MEDIUM,
          "Poll The Odds API (needs live.odds.api.key; without a key the odds poller is off).")
      .define(ODDS_BASE_URL, Type.STRING, "https://api.the-odds-api.com", Importance.HIGH, "The Odds API base URL.")
      .define(ODDS_API_KEY, Type.PASSWORD, "", Importance.HIGH, "The Odds API key (also read from $ODDS_API_KEY).")
      .define(ODDS_INTERVAL, Type.STRING, "PT5M", DURATION, Importance.MEDIUM,
          "Odds poll interval (each event-odds call costs quota: markets x regions per event).")
      .define(ODDS_REGIONS, Type.STRING, "us", Importance.LOW, "The Odds API regions.")
      .define(ODDS_MARKETS, Type.STRING, "player_points_rebounds_assists", Importance.MEDIUM,
          "Comma-separated player-prop markets.")
      .define(ODDS_BOOKMAKERS, Type.STRING, "", Importance.LOW, "Optional comma-separated bookmaker keys.")
      .define(ODDS_LOOKAHEAD, Type.STRING, "PT36H", DURATION, Importance.LOW,
          "Poll odds for events starting within this time from now.")
      .define(ODDS_STOP_AFTER_START, Type.STRING, "PT1H", DURATION, Importance.LOW,
          "Keep polling an event's odds this long after its commence_time (later lines never count; docs/features.md).")
      .define(HTTP_TIMEOUT, Type.STRING, "PT10S", DURATION, Importance.LOW, "Connect and request timeout of a fetch.")
      .define(RETRY_INITIAL, Type.STRING, "PT2S", DURATION, Importance.LOW, "First retry delay after a failure.")
      .define(RETRY_MAX, Type.STRING, "PT5M", DURATION, Importance.LOW, "Longest retry delay (Retry-After may exceed it).")
      .define(RETRY_AFTER_MAX, Type.STRING, "PT30M", DURATION, Importance.LOW,
          "Longest wait a server's Retry-After can impose (a longer one is clamped to this).")
      .define(FLUSH_INTERVAL, Type.STRING, "PT1S", DURATION, Importance.LOW, "How often queued records are produced.")
      .define(DATA_DIR, Type.STRING, "", Importance.MEDIUM,
          "Data directory whose schedule and box scores the prop matcher resolves names against (empty = the slice).");

  public LiveConfig(Map<String, ?> props) {
    super(DEF, props, false);
  }

  /** The live.* settings of the app's configuration. */
  public static LiveConfig from(AppConfig cfg) {
    Map<String, String> m = new HashMap<>();
    cfg.raw().forEach((k, v) -> {
      if (k.startsWith("live.")) {
        m.put(k, v);
      }
    });
    return new LiveConfig(m);
  }

  public Duration duration(String key) {
    return Duration.parse(getString(key));
  }

  public String secret(String key) {
    return getPassword(key) == null ? "" : getPassword(key).value();
  }
}
