package dev.nbaprops.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nbaprops.source.DataLayout;
import dev.nbaprops.source.SourceKind;
import dev.nbaprops.testing.TestData;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The merged timeline on real data: order, selection, coverage, and bad rows dead-lettered with reasons. */
class TimelineTest {
  static final List<SourceKind> NO_PROPS = List.of(SourceKind.SCHEDULE, SourceKind.GAME_LINES, SourceKind.BOX_SCORES,
      SourceKind.SHOTS);

  static List<Timeline.Item> all(Path data, Selection selection, ReplaySummary summary) {
    List<Timeline.Item> out = new ArrayList<>();
    DataLayout layout = new DataLayout(data);
    try (Timeline t = new Timeline(layout, selection, SourceParsers.forLayout(layout), summary)) {
      while (t.hasNext()) {
        out.add(t.next());
      }
    }
    return out;
  }

  /**
   * The files are sorted by game date, not by time within a date; the timeline releases every source in event-time
   * order anyway (box scores and shots at their game's end, from the real tip-off times), with nothing late, and
   * a 13:00 ET game's rows come out before a 19:00 ET game's that the file lists first.
   */
  @Test
  void eachSourceComesOutInEventTimeOrderWhateverTheFileOrderWithinADate() {
    DataLayout layout = new DataLayout(TestData.slice());
    Selection sel = Selection.of(List.of(SourceKind.values()), List.of("2023-24"), null, null, List.of());
    ReplaySummary sum = new ReplaySummary();
    Map<SourceKind, Long> last = new java.util.EnumMap<>(SourceKind.class);
    int outOfFileOrder = 0;
    long previousBoxLine = -1;
    try (Timeline t = new Timeline(layout, sel, SourceParsers.forLayout(layout), sum)) {
      while (t.hasNext()) {
        if (t.next() instanceof Timeline.Data d) {
          Long before = last.put(d.source(), d.eventTime());
          assertThat(before == null || before <= d.eventTime()).as("%s at %s:%d", d.source(), d.file(), d.line())
              .isTrue();
          if (d.source() == SourceKind.BOX_SCORES) {
            outOfFileOrder += d.line() < previousBoxLine ? 1 : 0;
            previousBoxLine = d.line();
          }
        }
      }
    }
    sum.bySource().forEach((source, c) -> assertThat(c.late).as(source + " late rows").isZero());
    assertThat(outOfFileOrder).as("box-score rows released before rows listed earlier in the file").isPositive();
  }

  @Test
  void everySourceMergedInEventTimeOrderWithScheduleFirstAndGamesAtTheirEnd() {
    ReplaySummary summary = new ReplaySummary();
    List<Timeline.Item> items = all(TestData.slice(), Selection.of(NO_PROPS, List.of(), null, null, List.of()), summary);
    List<Timeline.Data> data = items.stream().filter(i -> i instanceof Timeline.Data).map(i -> (Timeline.Data) i).toList();
    assertThat(data).hasSize(406 + 406 + 4439 + 4367 + 36242 + 35793);
    for (int i = 1; i < data.size(); i++) {
      assertThat(data.get(i).eventTime()).isGreaterThanOrEqualTo(data.get(i - 1).eventTime());
    }
    // Real game 0022300061 (DEN-LAL, 2023-10-24): schedule entry, then its game line, ..., then box scores and shots.
    int sched = indexOf(data, SourceKind.SCHEDULE, "0022300061");
    int line = indexOf(data, SourceKind.GAME_LINES, "0022300061");
    int box = data.indexOf(data.stream().filter(d -> d.source() == SourceKind.BOX_SCORES && d.date().equals(
        LocalDate.of(2023, 10, 24))).findFirst().orElseThrow());
    assertThat(sched).isLessThan(line);
    assertThat(line).isLessThan(box);
    assertThat(summary.of("box_scores").late).isZero();
  }

  private static int indexOf(List<Timeline.Data> data, SourceKind s, String key) {
    for (int i = 0; i < data.size(); i++) {
      if (data.get(i).source() == s && data.get(i).key().equals(key)) {
        return i;
      }
    }
    throw new AssertionError(s + " " + key + " not found");
  }

  @Test
  void propLinesAreMatchedAndSitBetweenTheirGamesScheduleEntryAndItsBoxScores() {
    ReplaySummary summary = new ReplaySummary();
    List<Timeline.Item> items = all(TestData.slice(), Selection.all(), summary);
    assertThat(summary.of("props").read).isEqualTo(7109);
    assertThat(summary.of("props").accepted).isEqualTo(7108);
    assertThat(items.stream().filter(i -> i instanceof Timeline.Dead d && d.source() == SourceKind.PROPS)
        .map(i -> ((Timeline.Dead) i).letter().getReason())).singleElement().asString().contains("J. Green");
    List<Timeline.Data> data = items.stream().filter(i -> i instanceof Timeline.Data).map(i -> (Timeline.Data) i).toList();
    // Real game 0022300061 (DEN-LAL, 2023-10-24): its first prop snapshot 2023-10-24T23:25:44Z, between the
    // game's schedule entry (noon ET the day before) and its box scores (its end: listed 19:30 ET + 15 min + 3 h).
    Timeline.Data firstProp = data.stream().filter(d -> d.source() == SourceKind.PROPS).findFirst().orElseThrow();
    var line = (dev.nbaprops.avro.raw.PropLine) firstProp.value();
    assertThat(line.getGameId()).isEqualTo("0022300061");
    assertThat(line.getSnapshotTs()).isEqualTo(java.time.Instant.parse("2023-10-24T23:25:44Z"));
    assertThat(firstProp.eventTime()).isEqualTo(line.getSnapshotTs().toEpochMilli());
    assertThat(data.indexOf(firstProp)).isGreaterThan(indexOf(data, SourceKind.SCHEDULE, "0022300061"));
    int firstBox = data.indexOf(data.stream().filter(d -> d.source() == SourceKind.BOX_SCORES
        && d.date().equals(LocalDate.of(2023, 10, 24))).findFirst().orElseThrow());
    assertThat(data.indexOf(firstProp)).isLessThan(firstBox);
  }

  @Test
  void selectionBySeasonDatesRangeAndSource() {
    Selection s1 = Selection.of(List.of(SourceKind.BOX_SCORES), List.of("2023-24"), null, null, List.of());
    assertThat(all(TestData.slice(), s1, new ReplaySummary())).hasSize(4367);
    Selection s2 = Selection.of(List.of(SourceKind.BOX_SCORES, SourceKind.SCHEDULE), List.of(),
        null, null, List.of(LocalDate.of(2023, 10, 24), LocalDate.of(2022, 10, 18)));
    ReplaySummary sum = new ReplaySummary();
    List<Timeline.Item> items = all(TestData.slice(), s2, sum);
    assertThat(items.stream().filter(i -> i.source() == SourceKind.SCHEDULE)).hasSize(2 + 2); // 2 games each day
    assertThat(sum.of("box_scores").read).isEqualTo(items.stream().filter(i -> i.source() == SourceKind.BOX_SCORES).count());
    assertThat(sum.of("box_scores").skipped).isEqualTo(4439 + 4367 - sum.of("box_scores").read);
    Selection s3 = Selection.of(List.of(SourceKind.SHOTS), List.of(), LocalDate.of(2023, 11, 1),
        LocalDate.of(2023, 11, 7), List.of());
    assertThat(all(TestData.slice(), s3, new ReplaySummary())).allSatisfy(i -> {
      LocalDate d = ((Timeline.Data) i).date();
      assertThat(d).isBetween(LocalDate.of(2023, 11, 1), LocalDate.of(2023, 11, 7));
    }).isNotEmpty();
  }

  /** Synthetic bad rows appended to copies of the real slice files, one per kind of problem. */
  @Test
  void badRowsAreDeadLetteredWithFileLineAndReasonAndNothingElseIsLost(@TempDir Path tmp) throws IOException {
    Path data = tmp.resolve("data");
    copyWith(TestData.slice(), data, "box_scores/player_box_2023-24.csv.gz", List.of(
        "2023-24,Regular Season,0022300061,2023-10-24,1610612743,DEN,LAL,H,W,203999,Nikola Jokić,36,30,12,22,3,5,3,4,3,10,13,11,1,1,2,2,15",
        "2023-24,Regular Season,0022300999,2023-11-20,1610612743,XXX,LAL,H,W,99999901,Unknown Team,30,10,4,8,0,1,2,2,1,2,3,4,0,0,1,2,5"));
    copyWith(TestData.slice(), data, "schedule/games_2021-22_to_2023-24.csv.gz", List.of(
        "2023-24,Regular Season,0022300998,2023-02-30,1610612743,DEN,1610612747,LAL,,,N,"));
    copyWith(TestData.slice(), data, "shots/shots_2023-24_regular.csv.gz", List.of(
        "2023-24,0022300061,2023-10-24,DEN,LAL,1610612743,203999,1,11,15,1,2PT,Jump Shot,Downtown,Center,C,Less Than 8 ft.,6,-1.3,11.75"));
    ReplaySummary sum = new ReplaySummary();
    List<Timeline.Item> items = all(data, Selection.of(NO_PROPS, List.of("2023-24"), null, null, List.of()), sum);
    Map<String, String> reasons = new TreeMap<>();
    items.stream().filter(i -> i instanceof Timeline.Dead).map(i -> ((Timeline.Dead) i).letter())
        .forEach(l -> reasons.put(l.getSource() + ":" + l.getLineNumber(), l.getReason()));
    assertThat(reasons).containsEntry("box_scores:4369",
        "duplicate key 0022300061|203999 with other values (first at player_box_2023-24.csv.gz:3)");
    assertThat(reasons).containsEntry("box_scores:4370", "unknown team team_abbr 'XXX'");
    assertThat(reasons).containsEntry("schedule:408", "game_date is not a YYYY-MM-DD date: '2023-02-30'");
    assertThat(reasons).containsEntry("shots:35795", "unknown zone_basic 'Downtown'");
    for (var c : sum.bySource().values()) {
      assertThat(c.read).isEqualTo(c.accepted + c.deadLettered);
    }
    assertThat(sum.of("box_scores").accepted).isEqualTo(4367);
  }

  static void copyWith(Path from, Path to, String rel, List<String> extra) throws IOException {
    Files.createDirectories(to.resolve(rel).getParent());
    String text;
    try (var in = new GZIPInputStream(Files.newInputStream(from.resolve(rel)))) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(to.resolve(rel)))) {
      out.write((text + String.join("\n", extra) + "\n").getBytes(StandardCharsets.UTF_8));
    }
  }

  @Test
  void dryRunReportsTheKnownGapsOfTheSharedData(@TempDir Path tmp) throws IOException {
    assumeTrue(TestData.shared().isPresent(), "../shared/data/nba not present; full coverage check skipped");
    Path shared = TestData.shared().get();
    CoverageReport r = CoverageReport.build(shared, Selection.of(NO_PROPS, List.of(), null, null, List.of()),
        SourceParsers.forLayout(new DataLayout(shared)));
    var s2324 = r.bySeason().get("2023-24");
    long gamesWithoutBox = s2324.values().stream().filter(d -> d.missing(r.bySeason().isEmpty() ? null
        : java.util.EnumSet.copyOf(NO_PROPS)).contains(SourceKind.BOX_SCORES)).count();
    assertThat(gamesWithoutBox).isEqualTo(41); // the 2023-24 playoffs after 2024-04-22 (README: 11 of 82 games)
    assertThat(r.bySeason().get("2021-22").values().stream().mapToLong(d -> d.rows(SourceKind.SHOTS)).sum()).isZero();
    assertThat(s2324.values().stream().mapToLong(d -> d.rows(SourceKind.SHOTS)).sum()).isEqualTo(218_701);
    assertThat(s2324.values().stream().mapToLong(d -> d.rows(SourceKind.SCHEDULE)).sum()).isEqualTo(1312);
    Path csv = tmp.resolve("coverage.csv");
    r.writeCsv(csv);
    List<String> lines = Files.readAllLines(csv);
    assertThat(lines.get(0)).isEqualTo(
        "season,date,games,box_score_rows,shots,prop_lines,game_lines,rejected,missing,games_missing");
    assertThat(lines).contains("2023-24,2024-06-17,1,0,0,0,1,0,box_scores;shots,box_scores:1;shots:1");
    // Gaps are found per game and whatever sources are selected: box scores alone, 2023-24 playoffs.
    CoverageReport boxOnly = CoverageReport.build(shared, Selection.of(List.of(SourceKind.BOX_SCORES),
        List.of("2023-24"), null, null, List.of()), SourceParsers.forLayout(new DataLayout(shared)));
    assertThat(boxOnly.bySeason().get("2023-24").values().stream()
        .mapToLong(d -> d.gamesWithout(SourceKind.BOX_SCORES).size()).sum()).isEqualTo(71);
  }

  @Test
  void pacerCompressesEventTimeGaps() throws Exception {
    Replayer.Pacer p = new Replayer.Pacer(3600); // one hour of event time per second
    assertThat(p.waitMillis(0)).isZero();
    long w = p.waitMillis(3_600_000L); // one event-hour later: due about 1 s after the first
    assertThat(w).isBetween(500L, 1000L); // about 1 s after the first, less the time this test took
    assertThat(CoverageReport.ranges(List.of(LocalDate.of(2024, 1, 1), LocalDate.of(2024, 1, 2),
        LocalDate.of(2024, 1, 4)))).isEqualTo("2024-01-01..2024-01-02, 2024-01-04");
  }
}
