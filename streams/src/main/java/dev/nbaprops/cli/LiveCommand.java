package dev.nbaprops.cli;

import com.sun.net.httpserver.HttpServer;
import dev.nbaprops.app.NbaPropsApp;
import dev.nbaprops.config.AppConfig;
import dev.nbaprops.query.QueryServer;
import dev.nbaprops.live.KafkaLiveSink;
import dev.nbaprops.live.LiveConfig;
import dev.nbaprops.live.LiveHttpHandler;
import dev.nbaprops.live.LiveMode;
import dev.nbaprops.topics.TopicAdmin;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code live}: runs the app and polls the live feeds (scoreboard, live box scores, The Odds API player props)
 * into the same raw topics the replay uses; health, metrics and in-game state under {@code /live} on the query
 * API. docs/live.md describes schedules, formats, change detection and the retry policy.
 */
@Command(name = "live", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Start the app and poll the live feeds (NBA scoreboard and live box scores, The Odds API player",
        "props) into the raw topics until Ctrl-C; health, metrics and in-game state on /live of the query API."})
final class LiveCommand implements Callable<Integer> {
  @Mixin
  CommonOptions common;

  @Option(names = "--data", description = "Data directory the prop matcher resolves names against (default: the bundled slice).")
  Path data;

  @Option(names = "--scoreboard-url", description = "Scoreboard JSON URL (default: cdn.nba.com todaysScoreboard_00.json).")
  String scoreboardUrl;

  @Option(names = "--boxscore-url", description = "Live box score URL template with {gameId} (default: cdn.nba.com).")
  String boxscoreUrl;

  @Option(names = "--odds-url", description = "The Odds API base URL (default https://api.the-odds-api.com).")
  String oddsUrl;

  @Option(names = "--odds-api-key", description = "The Odds API key (else live.odds.api.key or $ODDS_API_KEY; none: no odds).")
  String oddsApiKey;

  @Option(names = "--nba-api-key", description = "Key sent to the NBA feed URLs (header live.nba.api.key.header); cdn.nba.com needs none.")
  String nbaApiKey;

  @Option(names = "--scoreboard-interval", description = "e.g. PT60S (default).")
  Duration scoreboardInterval;

  @Option(names = "--boxscore-interval", description = "e.g. PT20S (default), for games in progress.")
  Duration boxscoreInterval;

  @Option(names = "--odds-interval", description = "e.g. PT5M (default).")
  Duration oddsInterval;

  @Option(names = "--clock-start", description = "Play a past night: the pollers' clock reads this instant (e.g."
      + " 2023-10-30T12:00:00Z) at --clock-origin; for a local feed server serving that night (the soak).")
  java.time.Instant clockStart;

  @Option(names = "--clock-origin", description = "Wall-clock instant at which the clock reads --clock-start (default:"
      + " when the command starts), so that a feed server and this process share one clock.")
  java.time.Instant clockOrigin;

  @Option(names = "--speed", description = "With --clock-start: the clock and every live.* interval and retry delay run"
      + " this many times as fast as real time (default 1); fetch timeouts stay real time.")
  Double speed;

  @Option(names = "--produce-only", description = "Only poll and produce into --bootstrap-servers (the app runs elsewhere);"
      + " /live is served on --port.")
  boolean produceOnly;

  @Override
  public Integer call() throws Exception {
    AppConfig cfg = common.load().with(overrides());
    if (!cfg.explicitlySet(AppConfig.PROFILE)) {
      cfg = cfg.with(Map.of(AppConfig.PROFILE, AppConfig.Profile.LIVE.setting())); // fresh rows over throughput
    }
    LiveConfig live = LiveConfig.from(cfg);
    Clock clock = clock();
    Path dataDir = data != null ? data : !live.getString(LiveConfig.DATA_DIR).isBlank()
        ? Path.of(live.getString(LiveConfig.DATA_DIR)) : ReplayCommand.defaultData();
    Path stateFile = cfg.stateDir().resolve("live").resolve("sent.tsv");
    String txId = "nba-live-" + cfg.getString(AppConfig.APPLICATION_ID);
    CountDownLatch stop = new CountDownLatch(1);
    if (produceOnly) {
      if (cfg.embeddedKafka()) {
        throw new IllegalArgumentException("--produce-only needs --bootstrap-servers (a Kafka cluster to produce to)");
      }
      String bs = cfg.getString(AppConfig.BOOTSTRAP_SERVERS);
      try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bs))) {
        TopicAdmin.ensureTopics(admin, cfg.partitions(), cfg.replication());
      }
      LiveMode mode = new LiveMode(live, new KafkaLiveSink(bs, txId, cfg.passThrough("producer.")), stateFile, dataDir,
          clock);
      QueryServer.checkExposure(cfg); // /live carries no store data, but the same rule: no open port without a token
      HttpServer http = HttpServer.create(new InetSocketAddress(cfg.getString(AppConfig.QUERY_HOST),
          cfg.getInt(AppConfig.QUERY_PORT)), 16);
      http.createContext(LiveHttpHandler.PATH, mode.handler().requireToken(cfg.queryAuthToken()));
      http.start();
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        System.err.println("stopping (Ctrl-C)...");
        stop.countDown();
        mode.close();
        http.stop(0);
      }, "shutdown"));
      mode.notes().forEach(System.out::println);
      mode.start();
      printWhereToLook(http.getAddress().getPort(), bs);
      stop.await();
      return 0;
    }
    System.out.printf("starting (state in %s)%n", cfg.stateDir());
    NbaPropsApp app = NbaPropsApp.start(cfg);
    LiveMode mode;
    try {
      app.awaitRunning(cfg.appStartTimeout());
      mode = new LiveMode(live, new KafkaLiveSink(app.bootstrapServers(), txId, cfg.passThrough("producer.")),
          stateFile, dataDir, clock);
    } catch (Exception e) {
      app.close();
      throw e;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      System.err.println("stopping (Ctrl-C)...");
      stop.countDown();
      mode.close(); // stop polling and send what is queued while Kafka is still up
      app.close();
    }, "shutdown"));
    app.mount(LiveHttpHandler.PATH, mode.handler());
    mode.notes().forEach(System.out::println);
    mode.start();
    printWhereToLook(app.queryPort(), app.bootstrapServers());
    stop.await();
    return 0;
  }

  /** The real clock, or with --clock-start a night played from that instant at --speed (docs/reliability.md, soak). */
  private Clock clock() {
    if (clockStart == null) {
      if (speed != null || clockOrigin != null) {
        throw new IllegalArgumentException("--speed and --clock-origin need --clock-start (the night to play)");
      }
      return Clock.systemUTC();
    }
    Clock c = new dev.nbaprops.live.ScaledClock(clockStart, clockOrigin != null ? clockOrigin : java.time.Instant.now(),
        speed == null ? 1.0 : speed, Clock.systemUTC());
    System.out.printf("simulated clock: %s at %s, %sx real time%n", clockStart,
        clockOrigin != null ? clockOrigin : "start", speed == null ? 1.0 : speed);
    return c;
  }

  private Map<String, String> overrides() {
    Map<String, String> o = new java.util.HashMap<>();
    put(o, LiveConfig.SCOREBOARD_URL, scoreboardUrl);
    put(o, LiveConfig.BOXSCORE_URL, boxscoreUrl);
    put(o, LiveConfig.ODDS_BASE_URL, oddsUrl);
    put(o, LiveConfig.ODDS_API_KEY, oddsApiKey);
    put(o, LiveConfig.NBA_API_KEY, nbaApiKey);
    put(o, LiveConfig.SCOREBOARD_INTERVAL, scoreboardInterval);
    put(o, LiveConfig.BOXSCORE_INTERVAL, boxscoreInterval);
    put(o, LiveConfig.ODDS_INTERVAL, oddsInterval);
    return o;
  }

  private static void put(Map<String, String> o, String key, Object v) {
    if (v != null) {
      o.put(key, v.toString());
    }
  }

  private static void printWhereToLook(int port, String bootstrap) {
    System.out.println();
    System.out.println("Live mode is polling. Where to look:");
    System.out.printf("  poller health  http://localhost:%d/live/health%n", port);
    System.out.printf("  metrics        http://localhost:%d/live/metrics%n", port);
    System.out.printf("  in-game state  http://localhost:%d/live/games%n", port);
    System.out.printf("  kafka          %s (raw topics nba.raw.*, rejects in nba.dlq)%n", bootstrap);
    System.out.println("Press Ctrl-C to stop.");
  }
}
