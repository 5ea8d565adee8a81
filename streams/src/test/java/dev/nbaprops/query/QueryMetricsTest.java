package dev.nbaprops.query;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nbaprops.avro.analytics.PlayerGameSummary;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.junit.jupiter.api.Test;

/** Kafka metric names and tags become valid Prometheus families; store values become plain JSON. */
class QueryMetricsTest {
  private static Metric metric(MetricName name, Object value) {
    return new Metric() {
      @Override
      public MetricName metricName() {
        return name;
      }

      @Override
      public Object metricValue() {
        return value;
      }
    };
  }

  @Test
  void kafkaMetricsAsPrometheusText() throws Exception {
    Map<MetricName, Metric> m = new LinkedHashMap<>();
    MetricName rate = new MetricName("process-rate", "stream-thread-metrics", "records per second",
        Map.of("thread-id", "app-StreamThread-1"));
    MetricName total = new MetricName("process-total", "stream-thread-metrics", "records processed",
        Map.of("thread-id", "app-StreamThread-1"));
    MetricName version = new MetricName("version", "app-info", "", Map.of("client-id", "x"));
    MetricName count = new MetricName("commit-count", "stream-task-metrics", "", Map.of("task-id", "0_1"));
    m.put(rate, metric(rate, 12.5));
    m.put(total, metric(total, 42.0));
    m.put(version, metric(version, "4.3.1")); // not numeric: left out
    m.put(count, metric(count, 3.0));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrometheusTextFormatWriter.create().write(out, new MetricSnapshots(QueryMetrics.kafkaStreams(m)));
    String text = out.toString();
    assertThat(text).contains("# TYPE kafka_streams_stream_thread_process_rate gauge")
        .contains("kafka_streams_stream_thread_process_rate{thread_id=\"app-StreamThread-1\"} 12.5")
        .contains("# TYPE kafka_streams_stream_thread_process_total counter")
        .contains("kafka_streams_stream_thread_process_total{thread_id=\"app-StreamThread-1\"} 42.0")
        .contains("kafka_streams_stream_task_commit_count_value{task_id=\"0_1\"} 3.0")
        .doesNotContain("4.3.1");
  }

  @Test
  void requestMetrics() {
    QueryMetrics qm = new QueryMetrics();
    qm.observe("/players/{player_id}/games", 200, 2_000_000);
    qm.observe("/players/{player_id}/games", 404, 1_000_000);
    String text = new String(qm.scrape());
    assertThat(text).contains("nba_query_requests_total{route=\"/players/{player_id}/games\",status=\"200\"} 1.0")
        .contains("nba_query_request_duration_seconds_bucket{route=\"/players/{player_id}/games\",le=\"0.0025\"} 2");
  }

  @Test
  void storeValuesAsPlainJson() {
    PlayerGameSummary s = PlayerGameSummary.newBuilder().setGameId("0022300061").setPlayerId(203999L)
        .setPlayerName("Nikola Jokić").setSeason("2023-24").setSeasonType("Regular Season")
        .setGameDate(LocalDate.of(2023, 10, 24)).setTeamAbbr("DEN").setOppAbbr("LAL").setHome(true).setMin(36.0)
        .setPts(29).setFgm(12).setFga(22).setFg3m(1).setFg3a(4).setFtm(4).setFta(5).setOreb(3).setDreb(10)
        .setReb(13).setAst(11).setStl(1).setBlk(1).setTov(2).setPf(2).setPlusMinus(null).setTsPct(null)
        .setPra(53).setPraLine(48.5).setPraResult("OVER").build();
    Object plain = Json.plain(ValueAndTimestamp.make(s, 1L));
    assertThat(plain).isInstanceOf(Map.class);
    Map<?, ?> row = (Map<?, ?>) plain;
    assertThat(row.get("game_date")).isEqualTo("2023-10-24");
    assertThat(row.get("player_name")).isEqualTo("Nikola Jokić");
    assertThat(row.get("pra_line")).isEqualTo(48.5);
    assertThat(Json.plain(List.of(new org.apache.avro.util.Utf8("a")))).isEqualTo(List.of("a"));
    assertThat(Json.tree(s).get("player_id").asLong()).isEqualTo(203999L);
    assertThat(LocalStores.fold("Jokić")).isEqualTo("jokic");
    assertThat(LocalStores.fieldText(ValueAndTimestamp.make(s, 1L), "game_date")).isEqualTo("2023-10-24");
    assertThat(LocalStores.fieldText(s, "player_name")).isEqualTo("Nikola Jokić");
    assertThat(LocalStores.fieldText(s, "plus_minus")).isEmpty();
    assertThat(LocalStores.segment("203999|2023-10-24|0022300061", 1)).isEqualTo("2023-10-24");
    assertThat(LocalStores.segment("203999|2023-10-24", 2)).isNull();
  }
}
