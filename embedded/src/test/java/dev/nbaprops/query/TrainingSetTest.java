package dev.nbaprops.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nbaprops.app.NbaPropsApp;
import dev.nbaprops.cli.Main;
import dev.nbaprops.config.AppConfig;
import dev.nbaprops.replay.ProgressBar;
import dev.nbaprops.replay.Replayer;
import dev.nbaprops.replay.Selection;
import dev.nbaprops.replay.SourceParsers;
import dev.nbaprops.source.DataLayout;
import dev.nbaprops.testing.TestData;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.Reader;
import java.io.StringReader;
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
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Training-set retrieval on the real app (embedded broker, Streams, the Connect sink writing DuckDB) with the bundled
 * real slice replayed: {@code POST /training-set} from the stores and {@code export --training-set} from the
 * warehouse give the same table for 10,000 real pairs (every real player-game of the slice, plus real players on
 * days after a game, most without one); NDJSON carries the same values; a 100,000-pair request streams (the server
 * stalls on a client that stops reading, instead of building the whole answer first).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TrainingSetTest {
  static final String TOKEN = "training-token";
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @TempDir
  static Path tmp;
  static AppConfig cfg;
  static NbaPropsApp app;
  static List<String> pairs;
  static Path pairsCsv;
  static String apiCsv;

  @BeforeAll
  static void replaySlice() throws Exception {
    cfg = AppConfig.defaults().with(Map.of(
        AppConfig.STATE_DIR, tmp.resolve("state").toString(),
        AppConfig.EMBEDDED_KAFKA_PORT, "0", AppConfig.EMBEDDED_CONTROLLER_PORT, "0",
        AppConfig.EMBEDDED_CONNECT_PORT, "0", AppConfig.QUERY_PORT, "0", AppConfig.QUERY_AUTH_TOKEN, TOKEN,
        AppConfig.PARTITIONS, "2", AppConfig.STREAM_THREADS, "1", AppConfig.COMMIT_INTERVAL_MS, "200",
        AppConfig.EMBEDDED_KAFKA_HEAP, "512m"));
    app = NbaPropsApp.start(cfg);
    app.awaitRunning(Duration.ofMinutes(2));
    Path data = TestData.slice();
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
    new Replayer(app.bootstrapServers(), Map.of()).replay(new Replayer.Options(data, Selection.all()),
        SourceParsers.forLayout(new DataLayout(data)),
        (label, total) -> new ProgressBar(quiet, label, total, false, Duration.ofHours(1)), note -> { });
    app.awaitDrained(Duration.ofMinutes(15), msg -> { });
    pairs = realPairs(10_000);
    pairsCsv = tmp.resolve("pairs.csv");
    Files.writeString(pairsCsv, "player_id,date\n" + String.join("\n", pairs) + "\n");
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.close();
    }
  }

  /** Every real (player, game date) of the slice, then real players the day after a game, shuffled. */
  static List<String> realPairs(int n) throws Exception {
    Set<String> played = new LinkedHashSet<>();
    for (String f : List.of("player_box_2022-23.csv.gz", "player_box_2023-24.csv.gz")) {
      try (Reader r = new InputStreamReader(new GZIPInputStream(Files.newInputStream(
          TestData.slice().resolve("box_scores").resolve(f))), StandardCharsets.UTF_8);
           CSVParser p = CSVParser.parse(r, CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).build())) {
        for (CSVRecord rec : p) {
          played.add(rec.get("player_id") + "," + rec.get("game_date"));
        }
      }
    }
    List<String> out = new ArrayList<>(played);
    for (String pg : played) {
      if (out.size() >= n) {
        break;
      }
      String[] kv = pg.split(",");
      out.add(kv[0] + "," + LocalDate.parse(kv[1]).plusDays(1));
    }
    assertThat(out).hasSize(n);
    Collections.shuffle(out, new Random(18));
    return out;
  }

  static HttpResponse<InputStream> post(String body, String contentType, String accept) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.queryPort() + "/training-set"))
        .header("Authorization", "Bearer " + TOKEN).header("Content-Type", contentType).header("Accept", accept)
        .timeout(Duration.ofMinutes(5)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofInputStream());
  }

  static List<CSVRecord> csv(String text) throws Exception {
    try (CSVParser p = CSVParser.parse(new StringReader(text), CSVFormat.DEFAULT.builder().setHeader()
        .setSkipHeaderRecord(true).build())) {
      assertThat(p.getHeaderNames()).isEqualTo(TrainingSet.columns());
      return p.getRecords();
    }
  }

  @Test
  @Order(1)
  void apiAnswersOneRowPerPairInOrderWithFeaturesAndLabels() throws Exception {
    HttpResponse<InputStream> r = post(Files.readString(pairsCsv), "text/csv", "text/csv");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
    try (InputStream in = r.body()) {
      apiCsv = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    List<CSVRecord> rows = csv(apiCsv);
    assertThat(rows).hasSize(pairs.size());
    int withFeatures = 0;
    int withLabel = 0;
    for (int i = 0; i < rows.size(); i++) {
      CSVRecord row = rows.get(i);
      assertThat(row.get("player_id") + "," + row.get("date")).isEqualTo(pairs.get(i));
      withFeatures += row.get("feature_version").isEmpty() ? 0 : 1;
      withLabel += row.get("pra").isEmpty() ? 0 : 1;
      if (!row.get("pra").isEmpty() && !row.get("pra_line").isEmpty()) {
        double pra = Double.parseDouble(row.get("pra"));
        double line = Double.parseDouble(row.get("pra_line"));
        assertThat(row.get("pra_result")).isEqualTo(pra > line ? "OVER" : pra < line ? "UNDER" : "PUSH");
      }
    }
    // Every real player-game has its feature row and its label; the extra days mostly have neither.
    assertThat(withLabel).isGreaterThanOrEqualTo(8_700);
    assertThat(withFeatures).isGreaterThanOrEqualTo(8_600);
    // Jokic on 2023-10-27: his second game of 2023-24; the row says so and carries the game's PRA.
    int i = pairs.indexOf("203999,2023-10-27");
    assertThat(rows.get(i).get("games_played_season")).isEqualTo("1");
    assertThat(rows.get(i).get("pts_avg_season")).isEqualTo("29.0");
    assertThat(rows.get(i).get("pra")).isNotEmpty();

    // The same pairs as JSON, answered as NDJSON: the same values.
    StringBuilder json = new StringBuilder("[");
    for (String p : pairs) {
      String[] kv = p.split(",");
      json.append(json.length() > 1 ? "," : "").append("{\"player_id\":").append(kv[0]).append(",\"date\":\"")
          .append(kv[1]).append("\"}");
    }
    HttpResponse<InputStream> nd = post(json.append(']').toString(), "application/json", "application/x-ndjson");
    assertThat(nd.statusCode()).isEqualTo(200);
    List<String> lines;
    try (BufferedReader br = new BufferedReader(new InputStreamReader(nd.body(), StandardCharsets.UTF_8))) {
      lines = br.lines().toList();
    }
    assertThat(lines).hasSize(pairs.size());
    for (int k = 0; k < lines.size(); k += 97) {
      JsonNode n = Json.COMPACT.readTree(lines.get(k));
      List<String> names = new ArrayList<>();
      n.fieldNames().forEachRemaining(names::add);
      assertThat(names).isEqualTo(TrainingSet.columns());
      for (String c : TrainingSet.columns()) {
        assertThat(TrainingSet.csvValue(n.get(c))).as(k + " " + c).isEqualTo(rows.get(k).get(c));
      }
    }
    // Refusals: a bad pair names its line; more than 100,000 pairs is refused.
    HttpResponse<InputStream> bad = post("player_id,date\n203999,2023-10-27\nabc,2023-10-27\n", "text/csv", "text/csv");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(new String(bad.body().readAllBytes(), StandardCharsets.UTF_8)).contains("line 3");
    StringBuilder tooMany = new StringBuilder("player_id,date\n");
    for (int k = 0; k <= TrainingSet.MAX_PAIRS; k++) {
      tooMany.append("203999,2023-10-27\n");
    }
    assertThat(post(tooMany.toString(), "text/csv", "text/csv").statusCode()).isEqualTo(400);
  }

  @Test
  @Order(2)
  void aHundredThousandPairsStreamWithoutTheAnswerInMemory() throws Exception {
    StringBuilder body = new StringBuilder("player_id,date\n");
    for (int k = 0; k < 10; k++) {
      for (String p : pairs) {
        body.append(p).append('\n');
      }
    }
    long before = trainingRowsServed();
    HttpResponse<InputStream> r = post(body.toString(), "text/csv", "text/csv");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Length")).as("streamed (chunked), not a built body").isEmpty();
    try (BufferedReader br = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
      assertThat(br.readLine()).isEqualTo(String.join(",", TrainingSet.columns()));
      assertThat(br.readLine()).startsWith(pairs.get(0) + ",");
      // The client stops reading: the server can only run ahead by what the socket buffers hold, far less than
      // the 100,000 rows (about 50 MB) it would have written had it built the answer first.
      Thread.sleep(1500);
      long whileStalled = trainingRowsServed() - before;
      assertThat(whileStalled).as("rows written while the client does not read").isLessThan(60_000);
      long n = 2;
      while (br.readLine() != null) {
        n++;
      }
      assertThat(n).isEqualTo(1 + 100_000);
    }
    assertThat(trainingRowsServed() - before).isEqualTo(100_000);
  }

  static long trainingRowsServed() throws Exception {
    String text = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.queryPort() + "/metrics"))
        .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString()).body();
    Matcher m = Pattern.compile("(?m)^nba_query_training_rows_total ([0-9.eE+]+)$").matcher(text);
    return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
  }

  @Test
  @Order(3)
  void cliFromTheWarehouseGivesTheSameTable() throws Exception {
    assertThat(apiCsv).as("the API answer of test 1").isNotNull();
    app.close(); // DuckDB: one writer process; the CLI exports after the app stops, as documented
    app = null;
    Path out = tmp.resolve("training.csv");
    int code = new CommandLine(new Main()).execute("export", "--training-set", pairsCsv.toString(), "--format", "csv",
        "--out", out.toString(), "--state-dir", tmp.resolve("state").toString());
    assertThat(code).isZero();
    List<CSVRecord> api = csv(apiCsv);
    List<CSVRecord> cli = csv(Files.readString(out));
    assertThat(cli).hasSize(api.size());
    int compared = 0;
    for (int i = 0; i < api.size(); i++) {
      for (String c : TrainingSet.columns()) {
        String a = api.get(i).get(c);
        String b = cli.get(i).get(c);
        if (!a.equals(b)) {
          // Numbers may be written differently (DuckDB vs Java); their values must be equal.
          assertThat(Double.parseDouble(b)).as(pairs.get(i) + " " + c + ": api " + a + ", cli " + b)
              .isEqualTo(Double.parseDouble(a));
        }
        compared++;
      }
    }
    assertThat(compared).isEqualTo(pairs.size() * TrainingSet.columns().size());

    Path parquet = tmp.resolve("training.parquet");
    assertThat(new CommandLine(new Main()).execute("export", "--training-set", pairsCsv.toString(), "--format",
        "parquet", "--out", parquet.toString(), "--state-dir", tmp.resolve("state").toString())).isZero();
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
         Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("SELECT count(*), count(feature_version), count(pra) FROM read_parquet('"
             + parquet + "')")) {
      rs.next();
      assertThat(rs.getLong(1)).isEqualTo(pairs.size());
      assertThat(rs.getLong(2)).isEqualTo(api.stream().filter(r -> !r.get("feature_version").isEmpty()).count());
      assertThat(rs.getLong(3)).isEqualTo(api.stream().filter(r -> !r.get("pra").isEmpty()).count());
    }
  }
}
