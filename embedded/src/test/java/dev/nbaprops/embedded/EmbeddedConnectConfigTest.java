package dev.nbaprops.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nbaprops.config.AppConfig;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The app's {@code sink.*} settings reach the sink connector's configuration; {@code connect.*} stay the worker's. */
class EmbeddedConnectConfigTest {
  @Test
  void sinkSettingsOverrideTheBundledConnectorConfig() throws Exception {
    AppConfig cfg = AppConfig.defaults().with(Map.of("sink.duckdb.checkpoint.threshold", "16MB",
        "sink.duckdb.threads", "2", "connect.offset.flush.interval.ms", "5000"));
    Map<String, String> bundled = EmbeddedConnect.connectorConfig();
    assertThat(bundled).containsEntry("duckdb.checkpoint.threshold", "1GB").containsEntry("duckdb.threads", "1");

    Map<String, String> c = EmbeddedConnect.connectorConfig(Path.of("/w/warehouse.duckdb"), cfg.passThrough("sink."));

    assertThat(c).containsEntry("duckdb.checkpoint.threshold", "16MB").containsEntry("duckdb.threads", "2")
        .containsEntry("duckdb.path", "/w/warehouse.duckdb")
        .containsEntry("connector.class", bundled.get("connector.class"));
    // The worker's settings stay apart from the sink's, and the other way round.
    assertThat(cfg.passThrough("connect.")).containsOnlyKeys("offset.flush.interval.ms");
    assertThat(cfg.passThrough("sink.")).containsOnlyKeys("duckdb.checkpoint.threshold", "duckdb.threads");
  }

  @Test
  void theWarehousePathIsTheAppsEvenWhenASinkSettingNamesAnother() throws Exception {
    Map<String, String> c = EmbeddedConnect.connectorConfig(Path.of("/w/a.duckdb"),
        Map.of("duckdb.path", "/elsewhere/b.duckdb"));
    assertThat(c).containsEntry("duckdb.path", "/w/a.duckdb");
  }
}
