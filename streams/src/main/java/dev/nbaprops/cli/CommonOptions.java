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

  @Option(names = "--config", description = "Properties file of settings (see docs/configuration.md).")
  Path configFile;

  @Option(names = "--set", description = "Override any setting: --set key=value (repeatable).")
  Map<String, String> sets = new LinkedHashMap<>();

  AppConfig load() {
    Map<String, String> o = new HashMap<>(sets);
    if (stateDir != null) {
      o.put(AppConfig.STATE_DIR, stateDir.toString());
    }
    if (port != null) {
      o.put(AppConfig.QUERY_PORT, port.toString());
    }
    if (bootstrapServers != null) {
      o.put(AppConfig.BOOTSTRAP_SERVERS, bootstrapServers);
    }
    AppConfig cfg = AppConfig.load(configFile, o);
    System.setProperty("nba.log.dir", cfg.stateDir().resolve("logs").toString());
    return cfg;
  }
}
