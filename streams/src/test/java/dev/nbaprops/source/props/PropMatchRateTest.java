package dev.nbaprops.source.props;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nbaprops.avro.raw.PropLine;
import dev.nbaprops.source.CsvSource;
import dev.nbaprops.source.Parsed;
import dev.nbaprops.source.SourceRow;
import dev.nbaprops.testing.TestData;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Measures the matcher against the ground truth the shared props file carries ({@code nba_game_id},
 * {@code nba_player_id}); those columns are read here only, never by the matcher or the parser.
 *
 * <p>"Matchable" = rows whose ground-truth player id is non-empty and whose ground-truth game has box scores.
 * Required: at least 99% of matchable rows matched, zero matched to another player, and zero rows matched to
 * another game than the ground truth.
 */
class PropMatchRateTest {
  static final String PROPS = "props/pra_lines_2023-24.csv.gz";

  /** The measured figures (printed, and used by docs/prop-feeds.md). */
  record Figures(String data, int rows, int parsedOk, int rejected,
                 int gtGameRows, int gameSame, int gameWrong, int gameUnmatched, int noGtGameRows,
                 int noGtGameMatched,
                 int matchable, int playerSame, int playerWrong, int playerUnmatched,
                 int gtNoBoxRows, int gtNoBoxSame, int gtNoBoxWrong,
                 int noGtPlayerRows, int noGtPlayerMatched,
                 Map<String, Integer> rules, Map<String, Integer> unmatchedReasons,
                 Map<String, Integer> extraMatches, Map<String, Integer> rejections, long loadMillis,
                 long parseMillis) {
    double playerRate() {
      return matchable == 0 ? 0 : 100.0 * playerSame / matchable;
    }

    String report() {
      StringBuilder b = new StringBuilder();
      b.append("prop matching on ").append(data).append(": ").append(rows).append(" rows; directory + schedule "
          + "loaded in ").append(loadMillis).append(" ms, all rows read, matched and parsed in ").append(parseMillis)
          .append(" ms (parser: ").append(parsedOk).append(" ok, ").append(rejected).append(" rejected)\n");
      b.append(String.format("  games:   %d rows with a ground-truth game: %d same, %d wrong, %d unmatched;"
          + " %d rows without one: %d matched%n", gtGameRows, gameSame, gameWrong, gameUnmatched, noGtGameRows,
          noGtGameMatched));
      b.append(String.format("  players: %d matchable rows: %d matched (%.2f%%), %d wrong, %d unmatched%n",
          matchable, playerSame, playerRate(), playerWrong, playerUnmatched));
      b.append(String.format("           ground truth in games without box scores: %d rows, %d same, %d wrong%n",
          gtNoBoxRows, gtNoBoxSame, gtNoBoxWrong));
      b.append(String.format("           rows without a ground-truth player: %d, matched by us: %d%n",
          noGtPlayerRows, noGtPlayerMatched));
      b.append("  rules used (rows): ").append(rules).append('\n');
      b.append("  unmatched matchable rows by reason:\n");
      unmatchedReasons.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
          .limit(40).forEach(e -> b.append("    ").append(e.getValue()).append("  ").append(e.getKey())
              .append('\n'));
      b.append("  matched in games with box scores where the ground truth has no player (did not play):\n");
      extraMatches.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
          .forEach(e -> b.append("    ").append(e.getValue()).append("  ").append(e.getKey()).append('\n'));
      b.append("  parser rejections by reason:\n");
      rejections.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
          .limit(40).forEach(e -> b.append("    ").append(e.getValue()).append("  ").append(e.getKey())
              .append('\n'));
      return b.toString();
    }
  }

  static Figures measure(Path dataDir, String label) {
    return measure(dataDir, label, Aliases.bundled());
  }

  static Figures measure(Path dataDir, String label, Aliases aliases) {
    long t0 = System.nanoTime();
    dev.nbaprops.source.DataLayout layout = new dev.nbaprops.source.DataLayout(dataDir);
    PropMatcher matcher = new PropMatcher(PlayerDirectory.load(layout), ScheduleIndex.load(layout), aliases);
    long loadMillis = (System.nanoTime() - t0) / 1_000_000;
    // Pass 1, timed: what the replay does (read, match with cold caches, build the records).
    PropsCsvParser parser = new PropsCsvParser(matcher);
    int ok = 0;
    int rej = 0;
    Map<String, Integer> rejections = new LinkedHashMap<>();
    long t1 = System.nanoTime();
    try (CsvSource src = new CsvSource(dataDir.resolve(PROPS))) {
      while (src.hasNext()) {
        Parsed<PropLine> parsed = parser.parse(src.next());
        if (parsed instanceof Parsed.Ok<PropLine>) {
          ok++;
        } else if (parsed instanceof Parsed.Rejected<PropLine> rj) {
          rej++;
          rejections.merge(rj.reason(), 1, Integer::sum);
        }
      }
    }
    long parseMillis = (System.nanoTime() - t1) / 1_000_000;
    // Pass 2: compare with the ground truth.
    int rows = 0;
    int gtGame = 0;
    int gameSame = 0;
    int gameWrong = 0;
    int gameUnmatched = 0;
    int noGtGame = 0;
    int noGtGameMatched = 0;
    int matchable = 0;
    int same = 0;
    int wrong = 0;
    int unmatched = 0;
    int gtNoBox = 0;
    int gtNoBoxSame = 0;
    int gtNoBoxWrong = 0;
    int noGtPlayer = 0;
    int noGtPlayerMatched = 0;
    Map<String, Integer> rules = new TreeMap<>();
    Map<String, Integer> reasons = new LinkedHashMap<>();
    Map<String, Integer> extra = new LinkedHashMap<>();
    try (CsvSource src = new CsvSource(dataDir.resolve(PROPS))) {
      while (src.hasNext()) {
        SourceRow r = src.next();
        rows++;
        // Ground truth: read for measuring only.
        String gtGameId = r.get("nba_game_id");
        String gtPlayer = r.get("nba_player_id");
        PropMatcher.GameMatch gm = matcher.matchGame(r.get("home_team"), r.get("away_team"),
            LocalDate.parse(r.get("event_date")), Instant.parse(r.get("snapshot_ts")));
        if (gtGameId != null) {
          gtGame++;
          if (!gm.matched()) {
            gameUnmatched++;
          } else if (gm.game().gameId().equals(gtGameId)) {
            gameSame++;
          } else {
            gameWrong++;
            System.out.println("WRONG GAME line " + r.lineNumber() + ": " + gm.game() + " vs " + gtGameId);
          }
        } else {
          noGtGame++;
          if (gm.matched()) {
            noGtGameMatched++;
          }
        }
        PropMatcher.Match m = matcher.withPlayer(gm, r.get("player_name"));
        if (m.matched()) {
          rules.merge(m.rule(), 1, Integer::sum);
        }
        Optional<ScheduleIndex.Game> gtG = gtGameId == null ? Optional.empty()
            : matcher.schedule().game(gtGameId);
        boolean hasBox = gtG.map(ScheduleIndex.Game::boxScoresAvailable).orElse(false);
        if (gtPlayer != null && hasBox) {
          matchable++;
          if (!m.matched()) {
            unmatched++;
            reasons.merge(m.reason(), 1, Integer::sum);
          } else if (m.playerId() == Long.parseLong(gtPlayer)) {
            same++;
          } else {
            wrong++;
            System.out.println("WRONG PLAYER line " + r.lineNumber() + ": '" + r.get("player_name") + "' -> "
                + m.player().name() + " (" + m.playerId() + ") vs " + gtPlayer + " by " + m.rule());
          }
        } else if (gtPlayer != null) {
          gtNoBox++;
          if (m.matched() && m.playerId() == Long.parseLong(gtPlayer)) {
            gtNoBoxSame++;
          } else if (m.matched()) {
            gtNoBoxWrong++;
          }
        } else {
          noGtPlayer++;
          if (m.matched()) {
            noGtPlayerMatched++;
          }
          if (m.matched() && hasBox) {
            extra.merge("'" + r.get("player_name") + "' -> " + m.player().name() + " (" + m.rule() + ")", 1,
                Integer::sum);
          }
        }
      }
    }
    return new Figures(label, rows, ok, rej, gtGame, gameSame, gameWrong, gameUnmatched, noGtGame,
        noGtGameMatched, matchable, same, wrong, unmatched, gtNoBox, gtNoBoxSame, gtNoBoxWrong, noGtPlayer,
        noGtPlayerMatched, rules, reasons, extra, rejections, loadMillis, parseMillis);
  }

  @Test
  void sliceMeetsTheTargets() {
    Figures f = measure(TestData.slice(), "data/nba-slice");
    System.out.println(f.report());
    assertThat(f.rows()).isGreaterThan(7000);
    assertThat(f.gameWrong()).isZero();
    assertThat(f.playerWrong()).isZero();
    assertThat(f.gtNoBoxWrong()).isZero();
    assertThat(f.playerRate()).isGreaterThanOrEqualTo(99.0);
    assertThat(f.parsedOk() + f.rejected()).isEqualTo(f.rows());
  }

  @Test
  void fullSharedPropsFileMeetsTheTargets() {
    Optional<Path> shared = TestData.shared();
    assumeTrue(shared.isPresent(), "../shared/data/nba is not present: full-file figures skipped");
    Figures f = measure(shared.get(), shared.get().toString());
    System.out.println(f.report());
    assertThat(f.rows()).isEqualTo(29_592);
    assertThat(f.gameWrong()).as("rows matched to another game than the ground truth").isZero();
    assertThat(f.gameSame()).isEqualTo(f.gtGameRows());
    assertThat(f.playerWrong()).as("rows matched to another player than the ground truth").isZero();
    assertThat(f.gtNoBoxWrong()).isZero();
    assertThat(f.playerRate()).isGreaterThanOrEqualTo(99.0);
    assertThat(f.parsedOk() + f.rejected()).isEqualTo(f.rows());
    // Rows whose game is in the schedule (every row with a ground-truth game): at least 99.5% become lines.
    assertThat((double) f.parsedOk() / f.gtGameRows()).as("lines of rows whose game is in the schedule")
        .isGreaterThanOrEqualTo(0.995);
  }

  /**
   * The surname rule on real names: with no alias table at all, the feed spellings the aliases exist for
   * ("Moe Wagner", "Nicolas Claxton", ...) fall to the later rules. Whatever they match must still be the
   * ground-truth player (0 wrong), and the surname rule must place most of them ("Moe Wagner" is Moritz, not
   * his brother Franz on the same team: the initial tells them apart).
   */
  @Test
  void withoutAliasesTheSurnameRuleMakesNoWrongMatch() {
    Optional<Path> shared = TestData.shared();
    assumeTrue(shared.isPresent(), "../shared/data/nba is not present: surname figures skipped");
    Figures f = measure(shared.get(), shared.get() + " (no alias table)",
        Aliases.none());
    System.out.println(f.report());
    assertThat(f.playerWrong()).as("rows matched to another player than the ground truth").isZero();
    assertThat(f.gtNoBoxWrong()).isZero();
    assertThat(f.rules()).containsKey(PropMatcher.SURNAME_ON_ROSTER);
    assertThat(f.rules().get(PropMatcher.SURNAME_ON_ROSTER)).isGreaterThan(100);
    assertThat(f.playerRate()).isGreaterThanOrEqualTo(99.9);
  }
}
