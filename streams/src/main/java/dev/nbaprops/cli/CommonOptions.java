package dev.nbaprops.cli;

import dev.nbaprops.config.AppConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** Options every command that runs the app shares; they override the config file, which overrides defaults. */
final class CommonOptions {
  @Option(names = "--state-dir", description = "All local state: broker, stores, warehouse (default ./state).")
  Path stateDir;

  @Option(names = "--port", description = "Query API port (default 7070).")
  Integer port;

  @Option(names = "--bootstrap-servers", description = "Use this Kafka cluster instead of the embedded broker.")
  String bootstrapServers;

  @Option(names = "--config", description = "Properties file of settings (README, \"Settings\").")
  Path configFile;

  @Option(names = "--insecure", description = "Serve the query API on a non-loopback query.host without a token"
      + " (otherwise the app refuses to start); logged as a warning.")
  boolean insecure;

  @Option(names = "--set", description = "Override any setting: --set key=value (repeatable).")
  Map<String, String> sets = new LinkedHashMap<>();

  /**
   * Points the log file at {@code <state dir>/logs}. Logging reads it once, when the first logger is made: Main calls
   * this before any command runs (a command may log before it loads its settings).
   */
  void pointLogsAtStateDir() {
    System.setProperty("nba.log.dir", Path.of(stateDirBeforeConfig()).resolve("logs").toAbsolutePath().toString());
  }

  AppConfig load() {
    pointLogsAtStateDir();
    Map<String, String> o = new HashMap<>(sets);
    if (stateDir != null) {
      o.put(AppConfig.STATE_DIR, stateDir.toString());
    }
    if (port != null) {
      o.put(AppConfig.QUERY_PORT, port.toString());
    }
    if (insecure) {
      o.put(AppConfig.QUERY_INSECURE, "true");
    }
    if (bootstrapServers != null) {
      o.put(AppConfig.BOOTSTRAP_SERVERS, bootstrapServers);
    }
    return AppConfig.load(configFile, o);
  }

  /** The state directory as the flags, then the config file, then the default say (without loading AppConfig). */
  private String stateDirBeforeConfig() {
    if (stateDir != null) {
      return stateDir.toString();
    }
    if (sets.containsKey(AppConfig.STATE_DIR)) {
      return sets.get(AppConfig.STATE_DIR);
    }
    if (configFile != null) {
      java.util.Properties p = new java.util.Properties();
      try (var r = java.nio.file.Files.newBufferedReader(configFile)) {
        p.load(r);
      } catch (java.io.IOException e) {
        return "./state"; // AppConfig.load reports the unreadable file
      }
      if (p.getProperty(AppConfig.STATE_DIR) != null) {
        return p.getProperty(AppConfig.STATE_DIR);
      }
    }
    return "./state";
  }
}
