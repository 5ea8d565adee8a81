package dev.nbaprops.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nbaprops.source.CsvSource;
import dev.nbaprops.source.SourceRow;
import dev.nbaprops.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AppConfigTest {
  @Test
  void defaultsRunLocally() {
    AppConfig c = AppConfig.defaults();
    assertThat(c.embeddedKafka()).isTrue();
    assertThat(c.getInt(AppConfig.QUERY_PORT)).isEqualTo(7070);
    assertThat(c.getString(AppConfig.QUERY_HOST)).isEqualTo("127.0.0.1");
    assertThat(c.warehousePath()).isEqualTo(c.stateDir().resolve("warehouse.duckdb"));
    assertThat(c.precomputeInterval()).isEqualTo(java.time.Duration.ofSeconds(1))
        .isEqualTo(dev.nbaprops.topology.NbaTopology.DEFAULT_PRECOMPUTE_INTERVAL);
    assertThat(c.with(Map.of(AppConfig.PRECOMPUTE_INTERVAL_MS, "250")).precomputeInterval())
        .isEqualTo(java.time.Duration.ofMillis(250));
  }

  @Test
  void fileThenOverridesAndPassThrough(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("app.properties");
    Files.writeString(f, "query.port=8080\ntopics.partitions=8\nstreams.max.poll.records=123\n");
    AppConfig c = AppConfig.load(f, Map.of("query.port", "9090"));
    assertThat(c.getInt(AppConfig.QUERY_PORT)).isEqualTo(9090);
    assertThat(c.partitions()).isEqualTo(8);
    assertThat(c.passThrough("streams.")).containsEntry("max.poll.records", "123").doesNotContainKey("threads");
  }

  @Test
  void badValuesFailWithTheSettingName() {
    assertThatThrownBy(() -> AppConfig.defaults().with(Map.of(AppConfig.PARTITIONS, "0")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("topics.partitions");
    assertThatThrownBy(() -> AppConfig.defaults().with(Map.of(AppConfig.SEASON_STARTS, "2023-24=yesterday")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("seasons.first.game.dates");
  }

  /** The configured first game dates are the real ones: the earliest date per season in the schedule. */
  @Test
  void seasonStartsMatchTheRealSchedule() {
    Path schedule = TestData.shared().orElse(TestData.slice()).resolve("schedule/games_2021-22_to_2023-24.csv.gz");
    Map<String, LocalDate> first = new HashMap<>();
    try (CsvSource s = new CsvSource(schedule)) {
      while (s.hasNext()) {
        SourceRow r = s.next();
        first.merge(r.get("season"), LocalDate.parse(r.get("game_date")), (a, b) -> a.isBefore(b) ? a : b);
      }
    }
    assertThat(first).isNotEmpty();
    first.forEach((season, date) -> assertThat(AppConfig.defaults().seasonStarts().get(season)).as(season).isEqualTo(date));
  }
}
