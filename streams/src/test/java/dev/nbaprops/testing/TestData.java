package dev.nbaprops.testing;

import dev.nbaprops.avro.raw.PlayerBoxScore;
import dev.nbaprops.source.BoxScoreParser;
import dev.nbaprops.source.CsvSource;
import dev.nbaprops.source.Parsed;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Where the real data is: the bundled slice (always) and ../shared/data/nba (when present). */
public final class TestData {
  private TestData() {}

  public static Path projectRoot() {
    String prop = System.getProperty("project.root");
    Path p = prop != null ? Path.of(prop) : Path.of("").toAbsolutePath();
    while (p != null && !Files.isDirectory(p.resolve("data/nba-slice"))) {
      p = p.getParent();
    }
    if (p == null) {
      throw new IllegalStateException("cannot find the project root (data/nba-slice)");
    }
    return p;
  }

  /** The real slice committed in the repository: first four weeks of 2022-23 and of 2023-24. */
  public static Path slice() {
    return projectRoot().resolve("data/nba-slice");
  }

  /**
   * The full shared data set, if it is beside the project (a fresh clone elsewhere may not have it: the tests that
   * need it are then skipped with a message). Under {@code CI=true} its absence fails instead: CI must run the
   * full-season checks, not skip them.
   */
  public static Optional<Path> shared() {
    String env = System.getenv("NBA_SHARED_DATA");
    Path p = env != null ? Path.of(env) : projectRoot().resolve("../shared/data/nba").normalize();
    if (Files.isDirectory(p.resolve("box_scores"))) {
      return Optional.of(p);
    }
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      throw new IllegalStateException("CI=true but the shared data is not at " + p + " (put ../shared beside the"
          + " project or set NBA_SHARED_DATA): the full-season checks must run in CI, not be skipped");
    }
    return Optional.empty();
  }

  /**
   * Every accepted record of the given sources and seasons of a data directory, in replay (event-time) order,
   * exactly as {@code replay} would produce them.
   */
  public static List<dev.nbaprops.replay.Timeline.Data> timeline(Path data, List<dev.nbaprops.source.SourceKind> sources,
                                                                 List<String> seasons) {
    return timeline(data, sources, seasons, null, null);
  }

  /** The same, for game dates in [start, end] (null: open). */
  public static List<dev.nbaprops.replay.Timeline.Data> timeline(Path data, List<dev.nbaprops.source.SourceKind> sources,
      List<String> seasons, java.time.LocalDate start, java.time.LocalDate end) {
    dev.nbaprops.source.DataLayout layout = new dev.nbaprops.source.DataLayout(data);
    dev.nbaprops.replay.Selection sel = dev.nbaprops.replay.Selection.of(sources, seasons, start, end, List.of());
    List<dev.nbaprops.replay.Timeline.Data> items = new ArrayList<>();
    try (dev.nbaprops.replay.Timeline t = new dev.nbaprops.replay.Timeline(layout, sel,
        dev.nbaprops.replay.SourceParsers.forLayout(layout), new dev.nbaprops.replay.ReplaySummary())) {
      while (t.hasNext()) {
        if (t.next() instanceof dev.nbaprops.replay.Timeline.Data d) {
          items.add(d);
        }
      }
    }
    return items;
  }

  /**
   * The rows shuffled within each block of 7 days of {@code day} (a fixed seed): late and out-of-order arrivals
   * that stay within a week.
   */
  public static <T> List<T> shuffledWithinWeeks(List<T> rows, java.util.function.ToLongFunction<T> epochDay, long seed) {
    List<T> out = new ArrayList<>();
    java.util.Random rnd = new java.util.Random(seed);
    List<T> block = new ArrayList<>();
    long blockOf = Long.MIN_VALUE;
    for (T r : rows) {
      long b = Math.floorDiv(epochDay.applyAsLong(r), 7);
      if (b != blockOf && !block.isEmpty()) {
        java.util.Collections.shuffle(block, rnd);
        out.addAll(block);
        block.clear();
      }
      blockOf = b;
      block.add(r);
    }
    java.util.Collections.shuffle(block, rnd);
    out.addAll(block);
    return out;
  }

  /**
   * A SYNTHETIC Odds-API PRA line snapshot (-110 both ways) for a real game and player, for tests of late and
   * corrected lines.
   */
  public static dev.nbaprops.avro.raw.PropLine syntheticPraLine(String gameId, java.time.LocalDate date,
      String homeTeam, String awayTeam, String playerName, long playerId, String book, String snapshotTs,
      double line) {
    return dev.nbaprops.avro.raw.PropLine.newBuilder().setSource("ODDS_API")
        .setSnapshotTs(java.time.Instant.parse(snapshotTs)).setEventId("e").setEventDate(date.toString())
        .setHomeTeam(homeTeam).setAwayTeam(awayTeam).setPlayerName(playerName).setBookmaker(book)
        .setMarket("player_points_rebounds_assists").setLine(line).setOverPrice(-110).setUnderPrice(-110)
        .setGameId(gameId).setPlayerId(playerId).setGameDate(date)
        .setGameStart(sliceSchedule().startOf(gameId, date)).setGameStartSource("SCHEDULE").setMatchRule("exact")
        .build();
  }

  private static dev.nbaprops.source.props.ScheduleIndex sliceSchedule;

  /** The bundled slice's schedule (real listed tip-offs). */
  public static synchronized dev.nbaprops.source.props.ScheduleIndex sliceSchedule() {
    if (sliceSchedule == null) {
      sliceSchedule = dev.nbaprops.source.props.ScheduleIndex.load(slice());
    }
    return sliceSchedule;
  }

  /**
   * Every valid box score of a file, with its event time (the game's end by the schedule of the file's data
   * directory), in file order.
   */
  public static List<Parsed.Ok<PlayerBoxScore>> boxScores(Path file) {
    List<Parsed.Ok<PlayerBoxScore>> out = new ArrayList<>();
    dev.nbaprops.source.props.ScheduleIndex schedule = dev.nbaprops.source.props.ScheduleIndex.load(
        file.toAbsolutePath().getParent().getParent());
    try (CsvSource s = new CsvSource(file)) {
      while (s.hasNext()) {
        if (BoxScoreParser.parse(s.next(), schedule) instanceof Parsed.Ok<PlayerBoxScore> ok) {
          out.add(ok);
        }
      }
    }
    return out;
  }
}
