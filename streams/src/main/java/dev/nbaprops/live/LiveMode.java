package dev.nbaprops.live;

import dev.nbaprops.source.DataLayout;
import dev.nbaprops.source.props.PropMatcher;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A live run put together from the {@code live.*} settings: the scoreboard, box-score and (with an API key) odds
 * pollers, their shared game list and in-game state, the outbox with its change detector, the runner, and the
 * HTTP handler with health and metrics. The sink is given: Kafka in the app, anything in tests.
 */
public final class LiveMode implements AutoCloseable {
  private final LiveGames games = new LiveGames();
  private final Outbox outbox;
  private final LiveRunner runner;
  private final LiveMetrics metrics;
  private final LiveHttpHandler handler;
  private final LiveSink sink;
  private final List<String> notes = new ArrayList<>();
  /** The outbox's write-ahead log, beside the change state file. */
  public static final String JOURNAL_FILE = "outbox.journal";

  /**
   * @param stateFile where the change detector keeps what was sent (null: in memory)
   * @param matcherDataDir the data directory the prop matcher reads (schedule and box scores)
   */
  public LiveMode(LiveConfig cfg, LiveSink sink, Path stateFile, Path matcherDataDir, Clock clock) {
    this.sink = sink;
    HttpFeed nba = new HttpFeed(cfg.duration(LiveConfig.HTTP_TIMEOUT), cfg.secret(LiveConfig.NBA_API_KEY).isEmpty()
        ? Map.of() : Map.of(cfg.getString(LiveConfig.NBA_API_KEY_HEADER), cfg.secret(LiveConfig.NBA_API_KEY)), clock);
    this.outbox = new Outbox(sink, new ChangeDetector(stateFile), cfg.duration(LiveConfig.FLUSH_INTERVAL),
        stateFile == null ? null : stateFile.resolveSibling(JOURNAL_FILE));
    List<Poller> pollers = new ArrayList<>();
    pollers.add(new ScoreboardPoller(cfg.getString(LiveConfig.SCOREBOARD_URL), cfg.duration(LiveConfig.SCOREBOARD_INTERVAL),
        nba, games, outbox));
    pollers.add(new BoxScorePoller(cfg.getString(LiveConfig.BOXSCORE_URL), cfg.duration(LiveConfig.BOXSCORE_INTERVAL),
        cfg.duration(LiveConfig.BOXSCORE_FINAL_RECHECK), cfg.duration(LiveConfig.BOXSCORE_FINAL_WATCH), nba, games,
        outbox));
    String key = cfg.secret(LiveConfig.ODDS_API_KEY);
    if (key.isEmpty() && System.getenv("ODDS_API_KEY") != null) {
      key = System.getenv("ODDS_API_KEY");
    }
    if (!cfg.getBoolean(LiveConfig.ODDS_ENABLED)) {
      notes.add("odds poller off (live.odds.enabled=false)");
    } else if (key.isEmpty()) {
      notes.add("odds poller off: no Odds API key (--odds-api-key, live.odds.api.key or $ODDS_API_KEY)");
    } else {
      Supplier<PropMatcher> matcher = dev.nbaprops.replay.SourceParsers.memoize(() -> PropMatcher.load(new DataLayout(matcherDataDir)));
      OddsPoller.Settings s = new OddsPoller.Settings(cfg.getString(LiveConfig.ODDS_BASE_URL).replaceAll("/+$", ""),
          key, cfg.getString(LiveConfig.ODDS_REGIONS), cfg.getString(LiveConfig.ODDS_MARKETS),
          cfg.getString(LiveConfig.ODDS_BOOKMAKERS), cfg.duration(LiveConfig.ODDS_INTERVAL),
          cfg.duration(LiveConfig.ODDS_LOOKAHEAD), cfg.duration(LiveConfig.ODDS_STOP_AFTER_START));
      pollers.add(new OddsPoller(s, new HttpFeed(cfg.duration(LiveConfig.HTTP_TIMEOUT), Map.of(), clock), games,
          matcher, outbox));
    }
    this.runner = new LiveRunner(pollers, outbox, new Backoff(cfg.duration(LiveConfig.RETRY_INITIAL),
        cfg.duration(LiveConfig.RETRY_MAX), cfg.duration(LiveConfig.RETRY_AFTER_MAX)), clock);
    this.metrics = new LiveMetrics(pollers.stream().map(Poller::health).toList(), outbox, games);
    this.handler = new LiveHttpHandler(metrics, games, clock);
  }

  public LiveRunner runner() {
    return runner;
  }

  public LiveGames games() {
    return games;
  }

  public Outbox outbox() {
    return outbox;
  }

  public LiveMetrics metrics() {
    return metrics;
  }

  /** Mount on the query API at {@link LiveHttpHandler#PATH}. */
  public LiveHttpHandler handler() {
    return handler;
  }

  /** Start-up remarks (e.g. a poller that is off and why). */
  public List<String> notes() {
    return notes;
  }

  public void start() {
    runner.start();
  }

  @Override
  public void close() {
    runner.close();
    outbox.close();
    sink.close();
  }
}
