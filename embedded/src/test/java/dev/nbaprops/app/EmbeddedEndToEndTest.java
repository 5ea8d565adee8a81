package dev.nbaprops.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nbaprops.avro.common.DeadLetter;
import dev.nbaprops.config.AppConfig;
import dev.nbaprops.query.Json;
import dev.nbaprops.replay.ProgressBar;
import dev.nbaprops.replay.Selection;
import dev.nbaprops.replay.SourceParsers;
import dev.nbaprops.source.DataLayout;
import dev.nbaprops.replay.ReplaySummary;
import dev.nbaprops.replay.Replayer;
import dev.nbaprops.serde.AvroCodec;
import dev.nbaprops.serde.TableSpec;
import org.apache.avro.specific.SpecificRecord;
import dev.nbaprops.testing.ReferenceSql;
import dev.nbaprops.testing.TestData;
import dev.nbaprops.testing.TopicReader;
import dev.nbaprops.topics.Topics;
import dev.nbaprops.warehouse.WarehouseExport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The walking skeleton end to end on the embedded default: a real KRaft broker (child JVM), the topology, a real
 * Connect worker with the sink writing DuckDB, the query API. Real slice data plus four synthetic bad rows.
 */
@TestMethodOrder(MethodOrderer.MethodName.class)
class EmbeddedEndToEndTest {
  /** Synthetic bad rows appended to a copy of the real 2023-24 slice: each must be dead-lettered. */
  static final List<String> SYNTHETIC_BAD_ROWS = List.of(
      "this line is not a box score",
      "2023-24,Regular Season,0022300999,2023-11-20,1610612743,DEN,LAL,H,W,,No Id,30,10,4,8,0,1,2,2,1,2,3,4,0,0,1,2,5",
      "2023-24,Regular Season,0022300999,2023-11-20,1610612743,DEN,LAL,H,W,99999901,Negative Minutes,-3,10,4,8,0,1,2,2,1,2,3,4,0,0,1,2,5",
      "2023-24,Regular Season,0022300999,2023-11-20,1610612743,DEN,LAL,H,W,99999902,Too Many Makes,30,10,9,8,0,1,2,2,1,2,3,4,0,0,1,2,5");

  @TempDir
  static Path tmp;

  private static AppConfig config(Path state) {
    return AppConfig.defaults().with(Map.of(
        AppConfig.STATE_DIR, state.toString(),
        AppConfig.EMBEDDED_KAFKA_PORT, "0", AppConfig.EMBEDDED_CONTROLLER_PORT, "0",
        AppConfig.EMBEDDED_CONNECT_PORT, "0", AppConfig.QUERY_PORT, "0",
        AppConfig.PARTITIONS, "2", AppConfig.STREAM_THREADS, "1", AppConfig.COMMIT_INTERVAL_MS, "200",
        AppConfig.EMBEDDED_KAFKA_HEAP, "512m"));
  }

  /** The slice with every source (schedule, game lines, props, shots, box scores) and the bad box-score rows. */
  private static Path dataWithBadRows() throws IOException {
    Path data = tmp.resolve("data");
    Files.createDirectories(data.resolve("box_scores"));
    for (String dir : List.of("schedule", "odds", "props", "shots")) {
      Files.createDirectories(data.resolve(dir));
      try (var files = Files.list(TestData.slice().resolve(dir))) {
        for (Path f : files.toList()) {
          Files.copy(f, data.resolve(dir).resolve(f.getFileName()));
        }
      }
    }
    Files.copy(TestData.slice().resolve("box_scores/player_box_2022-23.csv.gz"),
        data.resolve("box_scores/player_box_2022-23.csv.gz"));
    String text;
    try (var in = new GZIPInputStream(Files.newInputStream(TestData.slice().resolve("box_scores/player_box_2023-24.csv.gz")))) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(data.resolve("box_scores/player_box_2023-24.csv.gz")))) {
      out.write((text + String.join("\n", SYNTHETIC_BAD_ROWS) + "\n").getBytes(StandardCharsets.UTF_8));
    }
    return data;
  }

  private static ReplaySummary replay(NbaPropsApp app, Path data) {
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
    return new Replayer(app.bootstrapServers(), Map.of()).replay(new Replayer.Options(data, Selection.all()),
        SourceParsers.forLayout(new DataLayout(data)),
        (label, total) -> new ProgressBar(quiet, label, total, false, Duration.ofHours(1)), note -> { });
  }

  @Test
  void replayTwiceThenQueryThenExport() throws Exception {
    Path state = tmp.resolve("state");
    Path data = dataWithBadRows();
    AppConfig cfg = config(state);
    Map<String, Map<String, Object>> reference = ReferenceSql.playerDailyCache(List.of(
        TestData.slice().resolve("box_scores/player_box_2022-23.csv.gz"),
        TestData.slice().resolve("box_scores/player_box_2023-24.csv.gz")));

    // First run: replay, wait until every derived row is in the warehouse, query the API.
    try (NbaPropsApp app = NbaPropsApp.start(cfg)) {
      app.awaitRunning(Duration.ofMinutes(2));
      ReplaySummary s = replay(app, data);
      assertThat(s.of("box_scores").read).isEqualTo(4439 + 4367 + 4);
      assertThat(s.of("box_scores").produced).isEqualTo(4439 + 4367);
      assertThat(s.of("box_scores").accepted).isEqualTo(4439 + 4367);
      assertThat(s.of("box_scores").deadLettered).isEqualTo(4);
      app.awaitDrained(Duration.ofMinutes(15), msg -> { });

      List<DeadLetter> boxLetters = deadLetters(app.bootstrapServers()).stream()
          .filter(d -> d.getSource().equals("box_scores")).toList();
      assertThat(boxLetters).extracting(DeadLetter::getReason).containsExactlyInAnyOrder(
          "unparseable line (1 fields, the header has 28)", "missing player_id",
          "negative or invalid min (-3)", "FGM > FGA (9 > 8)");
      // The real slice's own reject: one ambiguous prop name (J. Green, two Greens on HOU).
      assertThat(deadLetters(app.bootstrapServers())).hasSize(4 + (int) s.of("props").deadLettered);
      assertThat(boxLetters).allSatisfy(d -> {
        assertThat(d.getLineNumber()).isGreaterThan(4368L);
        assertThat(SYNTHETIC_BAD_ROWS).contains(d.getRaw());
      });

      HttpClient http = HttpClient.newHttpClient();
      String base = "http://localhost:" + app.queryPort();
      assertThat(get(http, base + "/health").statusCode()).isEqualTo(200);
      HttpResponse<String> row = get(http, base + "/players/203999/daily-cache?date=2023-10-27");
      assertThat(row.statusCode()).isEqualTo(200);
      JsonNode json = Json.MAPPER.readTree(row.body());
      assertThat(json.get("pts_avg_season").asDouble()).isEqualTo(29.0); // his one prior game: 29 points
      assertThat(json.get("games_played_season").asInt()).isEqualTo(1);
      assertThat(json.get("days_rest").asInt()).isEqualTo(2);
      assertThat(json.get("cache_date").asText()).isEqualTo("2023-10-27");
      assertThat(get(http, base + "/players/203999/daily-cache?date=2023-10-25").statusCode()).isEqualTo(404);
      assertThat(get(http, base + "/players/203999/daily-cache?date=10/27/2023").statusCode()).isEqualTo(400);
      assertThat(get(http, base + "/players/203999/daily-cache").statusCode()).isEqualTo(400);
      assertThat(get(http, base + "/players/1/games").statusCode()).isEqualTo(404);
      // Team rows live in the game-id partitions: DEN 119 - LAL 107 on 2023-10-24.
      HttpResponse<String> den = get(http, base + "/games/0022300061/teams/DEN/offense");
      assertThat(den.statusCode()).isEqualTo(200);
      assertThat(Json.MAPPER.readTree(den.body()).get("pts").asInt()).isEqualTo(119);
      assertThat(Json.MAPPER.readTree(get(http, base + "/games/0022300061/teams/DEN/defense").body())
          .get("opp_pts").asInt()).isEqualTo(107);
      assertThat(get(http, base + "/games/0022300061/teams/BOS/offense").statusCode()).isEqualTo(404);
      assertThat(Json.MAPPER.readTree(get(http, base + "/players/203999/games").body()).get("rows").size())
          .isEqualTo(15 + 12); // his real games in the two four-week windows
    }
    Map<String, Map<String, Object>> firstRun = warehouse(cfg.warehousePath());
    assertThat(firstRun.keySet()).isEqualTo(reference.keySet());
    for (Map.Entry<String, Map<String, Object>> e : reference.entrySet()) {
      Map<String, Object> w = firstRun.get(e.getKey());
      for (String col : List.of("games_played_season", "days_rest", "back_to_back", "is_bootstrap")) {
        assertThat(String.valueOf(w.get(col))).as(e.getKey() + " " + col).isEqualTo(String.valueOf(e.getValue().get(col)));
      }
      for (String col : List.of("pts_avg_last_5", "pts_avg_last_10", "pts_avg_season", "pts_std_last_10",
          "pra_avg_last_10", "quality_score")) {
        Object ref = e.getValue().get(col);
        if (ref == null) {
          assertThat(w.get(col)).as(e.getKey() + " " + col).isNull();
        } else {
          assertThat(((Number) w.get(col)).doubleValue()).as(e.getKey() + " " + col)
              .isCloseTo(((Number) ref).doubleValue(), org.assertj.core.data.Offset.offset(1e-9));
        }
      }
    }

    // Second run on the same state: the replay changes nothing and duplicates nothing; the topology emits no
    // derived record at all (unchanged inputs are recognised), so the warehouse cannot have changed either.
    try (NbaPropsApp app = NbaPropsApp.start(cfg)) {
      app.awaitRunning(Duration.ofMinutes(2));
      long derivedBefore = derivedRecords(app.bootstrapServers());
      assertThat(derivedBefore).isGreaterThanOrEqualTo(2L * (4439 + 4367) + 4L * 406);
      replay(app, data);
      app.awaitDrained(Duration.ofMinutes(15), msg -> { });
      assertThat(derivedRecords(app.bootstrapServers())).isEqualTo(derivedBefore);
    }
    assertThat(warehouse(cfg.warehousePath())).isEqualTo(firstRun);
    assertThat(count(cfg.warehousePath(), "nba_analytics.player_game_summary")).isEqualTo(4439 + 4367);

    // Third run: a (synthetic) league correction of one real line: Jokic's 2023-11-06 game gets 2 more points and
    // moves to 2023-11-09. The warehouse follows the topics exactly: corrected rows replaced, the old date's
    // daily-cache row deleted (tombstone), one row per key.
    Path corrected = tmp.resolve("corrected");
    Files.createDirectories(corrected.resolve("box_scores"));
    String slice2324;
    try (var in = new GZIPInputStream(Files.newInputStream(TestData.slice().resolve("box_scores/player_box_2023-24.csv.gz")))) {
      slice2324 = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    String original = slice2324.lines().filter(l -> l.contains(",2023-11-06,") && l.contains(",203999,"))
        .findFirst().orElseThrow();
    String[] f = original.split(",", -1);
    f[3] = "2023-11-09";
    f[12] = Integer.toString(Integer.parseInt(f[12]) + 2); // pts
    f[17] = Integer.toString(Integer.parseInt(f[17]) + 2); // ftm
    f[18] = Integer.toString(Integer.parseInt(f[18]) + 2); // fta
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(corrected.resolve("box_scores/player_box_2023-24.csv.gz")))) {
      out.write(slice2324.replace(original, String.join(",", f)).getBytes(StandardCharsets.UTF_8));
    }
    try (NbaPropsApp app = NbaPropsApp.start(cfg)) {
      app.awaitRunning(Duration.ofMinutes(2));
      replay(app, corrected);
      app.awaitDrained(Duration.ofMinutes(15), msg -> { });
      // Every derived table, all sources: the warehouse equals the topic value for value.
      Map<String, Map<String, SpecificRecord>> topics = new java.util.LinkedHashMap<>();
      for (TableSpec spec : TableSpec.all()) {
        topics.put(spec.table(), latest(app.bootstrapServers(), spec.topic(), spec.recordClass()));
      }
      assertThat(topics).hasSize(10);
      assertThat(topics.get("nba_analytics.team_offense_game_summary")).hasSize(2 * 406);
      assertThat(topics.get("nba_precompute.player_daily_cache")).doesNotContainKey("203999|2023-11-06")
          .containsKey("203999|2023-11-09");
      topics.forEach((table, rows) -> assertThat(rows).as(table + " has rows").isNotEmpty());
      app.close();
      for (var e : topics.entrySet()) {
        assertWarehouseEqualsTopic(cfg.warehousePath(), e.getKey(), e.getValue());
      }
    }
    assertThat(count(cfg.warehousePath(), "nba_precompute.player_daily_cache")).isEqualTo(reference.size());

    // Export for analysts: CSV with a header row, and Parquet.
    Path csv = tmp.resolve("daily_cache.csv");
    assertThat(WarehouseExport.export(cfg.warehousePath(), "nba_precompute.player_daily_cache",
        WarehouseExport.Format.CSV, csv)).isEqualTo(reference.size());
    List<String> lines = Files.readAllLines(csv);
    assertThat(lines.get(0)).startsWith("player_id,cache_date,season,game_id,player_name,team_abbr,games_played_season");
    assertThat(lines).hasSize(reference.size() + 1);
    Path parquet = tmp.resolve("daily_cache.parquet");
    WarehouseExport.export(cfg.warehousePath(), "nba_precompute.player_daily_cache", WarehouseExport.Format.PARQUET, parquet);
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("SELECT count(*), count(DISTINCT (player_id, cache_date)) FROM '" + parquet + "'")) {
      rs.next();
      assertThat(rs.getLong(1)).isEqualTo(reference.size());
      assertThat(rs.getLong(2)).isEqualTo(reference.size());
    }
  }

  private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static List<DeadLetter> deadLetters(String bootstrap) {
    List<DeadLetter> out = new ArrayList<>();
    TopicReader.readAll(bootstrap, List.of(Topics.DEAD_LETTER),
        r -> out.add(AvroCodec.of(DeadLetter.class).decode(r.value())));
    return out;
  }


  private static <T extends SpecificRecord> Map<String, SpecificRecord> latest(String bootstrap, String topic, Class<T> type) {
    return new HashMap<>(TopicReader.latest(bootstrap, topic, type));
  }

  /** Every row of the warehouse table equals the topic's latest value of its key, column by column; one per key. */
  private static void assertWarehouseEqualsTopic(Path db, String table, Map<String, SpecificRecord> topic) throws Exception {
    TableSpec spec = TableSpec.byTable(table);
    Map<String, Map<String, Object>> rows = new HashMap<>();
    try (Connection c = readOnly(db); Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("SELECT * FROM " + table)) {
      ResultSetMetaData md = rs.getMetaData();
      while (rs.next()) {
        Map<String, Object> row = new HashMap<>();
        for (int i = 1; i <= md.getColumnCount(); i++) {
          row.put(md.getColumnLabel(i), rs.getObject(i));
        }
        String key = String.join("|", spec.key().stream().map(k -> normalize(row.get(k))).toList());
        assertThat(rows.put(key, row)).as("duplicate row for " + key).isNull();
      }
    }
    assertThat(rows.keySet()).as(table + " keys").isEqualTo(topic.keySet());
    List<String> diffs = new ArrayList<>();
    topic.forEach((k, v) -> {
      for (org.apache.avro.Schema.Field fld : v.getSchema().getFields()) {
        String a = normalize(v.get(fld.pos()));
        String b = normalize(rows.get(k).get(fld.name()));
        if (!a.equals(b)) {
          diffs.add(table + " " + k + " " + fld.name() + ": topic=" + a + " warehouse=" + b);
        }
      }
    });
    assertThat(diffs).isEmpty();
  }

  private static String normalize(Object v) {
    if (v == null) {
      return "null";
    }
    if (v instanceof java.sql.Date d) {
      return d.toLocalDate().toString();
    }
    if (v instanceof Number n && !(v instanceof Double) && !(v instanceof Float)) {
      return Long.toString(n.longValue());
    }
    if (v instanceof Double d) {
      return Double.toString(d);
    }
    return v.toString();
  }

  /** Committed data records in the derived topics (read_committed). */
  private static long derivedRecords(String bootstrap) {
    return TopicReader.count(bootstrap, Topics.derived());
  }

  private static long count(Path db, String table) throws Exception {
    try (Connection c = readOnly(db); Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("SELECT count(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static Connection readOnly(Path db) throws Exception {
    Properties p = new Properties();
    p.setProperty("duckdb.read_only", "true");
    return DriverManager.getConnection("jdbc:duckdb:" + db, p);
  }

  /** player_daily_cache rows in the warehouse, keyed "player_id|cache_date". */
  private static Map<String, Map<String, Object>> warehouse(Path db) throws Exception {
    Map<String, Map<String, Object>> out = new HashMap<>();
    try (Connection c = readOnly(db); Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("SELECT * FROM nba_precompute.player_daily_cache")) {
      ResultSetMetaData md = rs.getMetaData();
      while (rs.next()) {
        Map<String, Object> row = new HashMap<>();
        for (int i = 1; i <= md.getColumnCount(); i++) {
          row.put(md.getColumnLabel(i), rs.getObject(i));
        }
        Object prev = out.put(row.get("player_id") + "|" + row.get("cache_date"), row);
        assertThat(prev).as("duplicate warehouse row").isNull();
      }
    }
    return out;
  }
}
