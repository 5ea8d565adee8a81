package dev.nbaprops.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nbaprops.source.CsvSource;
import dev.nbaprops.source.SourceRow;
import dev.nbaprops.avro.state.SeasonStart;
import dev.nbaprops.source.SourceKind;
import dev.nbaprops.testing.TestData;
import dev.nbaprops.testing.TopologyHarness;
import dev.nbaprops.topology.season.SeasonStartStage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AppConfigTest {
  @Test
  void theEmbeddedBrokersJvmOptionsAreSplitAtSpaces() {
    assertThat(AppConfig.defaults().embeddedKafkaJvmOptions()).containsExactly("-XX:TieredStopAtLevel=1");
    assertThat(AppConfig.defaults().with(Map.of(AppConfig.EMBEDDED_KAFKA_JVM_OPTIONS, "  "))
        .embeddedKafkaJvmOptions()).isEmpty();
    assertThat(AppConfig.defaults().with(Map.of(AppConfig.EMBEDDED_KAFKA_JVM_OPTIONS, " -Xss1m  -XX:+UseSerialGC"))
        .embeddedKafkaJvmOptions()).containsExactly("-Xss1m", "-XX:+UseSerialGC");
  }

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

  /** No season is configured by default; the setting is an override that still validates. */
  @Test
  void seasonStartsAreAnOptionalOverride() {
    assertThat(AppConfig.DEFAULT_SEASON_STARTS).isEmpty();
    assertThat(AppConfig.defaults().seasonStarts()).isEmpty();
    assertThat(AppConfig.defaults().with(Map.of(AppConfig.SEASON_STARTS, " 2031-32=2031-10-21 , 2023-24=2023-10-24"))
        .seasonStarts()).isEqualTo(Map.of("2031-32", LocalDate.of(2031, 10, 21), "2023-24", LocalDate.of(2023, 10, 24)));
    assertThatThrownBy(() -> AppConfig.defaults().with(Map.of(AppConfig.SEASON_STARTS, "2023=2023-10-24")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("seasons.first.game.dates");
    assertThatThrownBy(() -> AppConfig.defaults().with(Map.of(AppConfig.SEASON_STARTS, "2023-24")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("seasons.first.game.dates");
  }

  /**
   * Without the setting, the topology derives each season's first game date from the schedule entries alone: the
   * earliest regular-season date of each season, computed here independently from the CSV (all three real seasons
   * when ../shared is present, else the slice's two), and the dates the removed default list had.
   */
  @Test
  void withoutTheSettingTheScheduleGivesTheRealFirstDates() {
    Path data = TestData.shared().orElse(TestData.slice());
    Path schedule = data.resolve("schedule/games_2021-22_to_2023-24.csv.gz");
    Map<String, LocalDate> first = new HashMap<>();
    try (CsvSource s = new CsvSource(schedule)) {
      while (s.hasNext()) {
        SourceRow r = s.next();
        if (r.get("game_id").startsWith("002")) {
          first.merge(r.get("season"), LocalDate.parse(r.get("game_date")), (a, b) -> a.isBefore(b) ? a : b);
        }
      }
    }
    assertThat(first).containsAllEntriesOf(Map.of("2022-23", LocalDate.of(2022, 10, 18),
        "2023-24", LocalDate.of(2023, 10, 24)));
    if (first.containsKey("2021-22")) {
      assertThat(first.get("2021-22")).isEqualTo(LocalDate.of(2021, 10, 19));
    }
    List<SourceKind> scheduleOnly = List.of(SourceKind.SCHEDULE);
    try (TopologyHarness h = TopologyHarness.create()) {
      h.pipeTimeline(TestData.timeline(data, scheduleOnly, List.of()));
      var store = h.driver().getKeyValueStore(SeasonStartStage.STORE);
      first.forEach((season, date) -> {
        SeasonStart s = (SeasonStart) store.get(season);
        assertThat(s.getFirstGameDate()).as(season).isEqualTo(date);
        assertThat(s.getSource()).as(season).isEqualTo(SeasonStartStage.SCHEDULE);
      });
    }
  }
}
