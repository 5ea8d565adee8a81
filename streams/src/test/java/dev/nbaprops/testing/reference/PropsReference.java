package dev.nbaprops.testing.reference;

import java.nio.file.Path;
import java.util.List;

/**
 * The one independent definition of the PRA prop snapshots the references use (PraLineParityTest, the feature and the
 * context tables), as DuckDB CTEs straight over the raw files, following docs/contract.md; no production class,
 * constant or function is used.
 *
 * <ul>
 *   <li>Game and player are the props CSV's ground-truth ids ({@code nba_game_id}, {@code nba_player_id}), never the
 *       project's matcher. A row whose ground-truth player id is empty (misspelt, reversed or abbreviated names:
 *       "Danilo Galinari", "Huerter Kevin", "Mil. Bridges", "Z. Nnaji") is filled by this reference's own match
 *       against the game's pool: the players who played in it plus, where the caller has them, the players expected
 *       for it; by normalised name (accents, punctuation and a Jr/Sr/II/III/IV suffix dropped), at the first level
 *       that has any candidate, filled only when that level has exactly one: 1 equal; 2 the same words in another
 *       order; 3 the first word a prefix of the first name and the same surname; 4 within 2 edits; 5 the same first
 *       initial and surname ("Kenyon Martin Jr." for the box score's "KJ Martin"); 6 this reference's one alias, a
 *       legal name no rule can reach ("Edrice Femi Adebayo" for "Bam Adebayo"; a bare surname would take the wrong
 *       player: "Bruce Brown", who did not play 0022300564, is not Kendall Brown, who did). A parenthesised note is
 *       dropped first ("Daniel Theis (IND)"). A row with no player after that is dropped.
 *   <li>A snapshot is one bookmaker's line for a player, game and market at one instant; a row repeated identically
 *       in the source is the same snapshot, counted once.
 *   <li>The game's start (docs/contract.md) = schedule {@code tipoff_utc} + 15 minutes; for a game without a time,
 *       19:15 America/New_York on its date. A snapshot is pre-game when strictly before the start.
 *   <li>The line of a (game, player): the source with a pre-game snapshot, ODDS_API (the props CSV) before any other
 *       (the caller's already attributed snapshots, e.g. BETTINGPROS); over that source's pre-game snapshots: each
 *       bookmaker's last snapshot (the median of its lines at that instant), the consensus = median across bookmakers,
 *       the opening = median of the lines at the earliest snapshot, and the number of bookmakers.
 * </ul>
 */
public final class PropsReference {
  public static final String PRA = "player_points_rebounds_assists";

  private PropsReference() {}

  /**
   * The inputs of {@link #ctes}.
   *
   * @param propsCsv the props CSV files (The Odds API, with ground-truth ids); may be empty
   * @param scheduleCsv the schedule CSV files (game_id, game_date, tipoff_utc)
   * @param played SQL of a relation (game_id, player_id, player_name) of who played, e.g. over the caller's box CTE
   * @param expected SQL of a relation (game_id, player_id, player_name) of who is expected for each game, or null
   * @param attributed SQL of a relation (source, game_id, player_id, bookmaker, market, snapshot_ms, line) of snapshots
   *     of other sources whose ids are already ground truth (e.g. BettingPros captures), or null
   */
  public record Inputs(List<Path> propsCsv, List<Path> scheduleCsv, String played, String expected,
                       String attributed) {
    public Inputs(List<Path> propsCsv, List<Path> scheduleCsv, String played) {
      this(propsCsv, scheduleCsv, played, null, null);
    }
  }

  /** A player name normalised for matching: lower case, no accents or punctuation, no generational suffix. */
  static String normalised(String column) {
    String noNotes = "regexp_replace(lower(strip_accents(" + column + ")), '\\([^)]*\\)', ' ', 'g')";
    String letters = "trim(regexp_replace(regexp_replace(" + noNotes + ", '[^a-z ]', '', 'g'), ' +', ' ', 'g'))";
    return "trim(regexp_replace(" + letters + ", ' (jr|sr|ii|iii|iv)$', ''))";
  }

  /**
   * CTEs, to follow {@code WITH} or a comma, that define (beside helper CTEs named {@code props_*}):
   * <ul>
   *   <li>{@code props_snapshots(source, game_id, player_id, bookmaker, market, snapshot_ms, start_ms, line)}:
   *       every PRA snapshot with its resolved ids (start_ms null when the schedule lacks the game);
   *   <li>{@code props_pre}: the same columns, the pre-game snapshots (snapshot_ms &lt; start_ms);
   *   <li>{@code props_lines(game_id, player_id, line_source, consensus_line, opening_line, bookmaker_count)}: one
   *       row per (game, player) with a pre-game snapshot.
   * </ul>
   */
  public static String ctes(Inputs in) {
    String odds = in.propsCsv().isEmpty()
        ? "SELECT NULL::VARCHAR AS snapshot_ts, NULL::VARCHAR AS nba_game_id, NULL::VARCHAR AS nba_player_id,"
            + " NULL::VARCHAR AS player_name, NULL::VARCHAR AS bookmaker, NULL::VARCHAR AS market,"
            + " NULL::VARCHAR AS line WHERE false"
        : "SELECT * FROM read_csv([" + SqlParts.list(in.propsCsv()) + "], header = true, all_varchar = true)";
    String pool = "SELECT game_id, player_id, player_name FROM (" + in.played() + ")"
        + (in.expected() == null ? "" : " UNION ALL SELECT game_id, player_id, player_name FROM (" + in.expected() + ")");
    String attributed = in.attributed() == null ? ""
        : " UNION ALL SELECT source, game_id, player_id, bookmaker, market, snapshot_ms, line FROM (" + in.attributed()
            + ")";
    return """
        props_starts AS (
          SELECT game_id, CASE WHEN tipoff_utc IS NOT NULL THEN epoch_ms(CAST(tipoff_utc AS TIMESTAMPTZ)) + 15 * 60 * 1000
                               ELSE epoch_ms(timezone('America/New_York', CAST(game_date AS DATE) + TIME '19:15')) END
                 AS start_ms
          FROM read_csv([%1$s], header = true, all_varchar = true)
        ), props_raw AS (
          SELECT *, row_number() OVER () AS rn FROM (%2$s) WHERE nba_game_id IS NOT NULL
        ), props_norm AS (
          SELECT rn, nba_game_id, %3$s AS n FROM props_raw WHERE nba_player_id IS NULL
        ), props_pool AS (
          SELECT DISTINCT game_id, player_id, %4$s AS n FROM (%5$s)
        ), props_scored AS (
          SELECT r.rn, b.player_id, CASE
              WHEN b.n = r.n THEN 1
              WHEN list_sort(string_split(b.n, ' ')) = list_sort(string_split(r.n, ' ')) THEN 2
              WHEN starts_with(split_part(b.n, ' ', 1), split_part(r.n, ' ', 1))
                   AND split_part(b.n, ' ', -1) = split_part(r.n, ' ', -1) THEN 3
              WHEN levenshtein(b.n, r.n) <= 2 THEN 4
              WHEN left(b.n, 1) = left(r.n, 1) AND split_part(b.n, ' ', -1) = split_part(r.n, ' ', -1) THEN 5
              WHEN r.n = 'edrice femi adebayo' AND b.n = 'bam adebayo' THEN 6
            END AS level
          FROM props_norm r JOIN props_pool b ON b.game_id = r.nba_game_id
        ), props_best AS (
          SELECT rn, min(level) AS level FROM props_scored WHERE level IS NOT NULL GROUP BY rn
        ), props_filled AS (
          SELECT s.rn, min(s.player_id) AS pid FROM props_scored s JOIN props_best USING (rn, level)
          GROUP BY s.rn HAVING count(DISTINCT s.player_id) = 1
        ), props_all AS (
          SELECT 'ODDS_API' AS source, r.nba_game_id AS game_id,
                 COALESCE(CAST(r.nba_player_id AS BIGINT), f.pid) AS player_id, r.bookmaker, r.market,
                 epoch_ms(CAST(r.snapshot_ts AS TIMESTAMPTZ)) AS snapshot_ms, CAST(r.line AS DOUBLE) AS line
          FROM props_raw r LEFT JOIN props_filled f USING (rn)%6$s
        ), props_snapshots AS (
          SELECT DISTINCT a.source, a.game_id, a.player_id, a.bookmaker, a.market, a.snapshot_ms, s.start_ms, a.line
          FROM props_all a LEFT JOIN props_starts s USING (game_id)
          WHERE a.player_id IS NOT NULL AND a.market = '%7$s'
        ), props_pre AS (
          SELECT * FROM props_snapshots WHERE snapshot_ms < start_ms
        ), props_source AS (
          SELECT game_id, player_id,
                 CASE WHEN bool_or(source = 'ODDS_API') THEN 'ODDS_API' ELSE min(source) END AS line_source
          FROM props_pre GROUP BY game_id, player_id
        ), props_own AS (
          SELECT p.* FROM props_pre p JOIN props_source s ON s.game_id = p.game_id AND s.player_id = p.player_id
            AND s.line_source = p.source
        ), props_book AS (
          SELECT game_id, player_id, bookmaker, median(line) AS line FROM (
            SELECT * FROM props_own QUALIFY snapshot_ms = max(snapshot_ms) OVER (PARTITION BY game_id, player_id, bookmaker))
          GROUP BY game_id, player_id, bookmaker
        ), props_cons AS (
          SELECT game_id, player_id, median(line) AS consensus_line, CAST(count(*) AS INTEGER) AS bookmaker_count
          FROM props_book GROUP BY game_id, player_id
        ), props_opening AS (
          SELECT game_id, player_id, median(line) AS opening_line FROM (
            SELECT * FROM props_own QUALIFY snapshot_ms = min(snapshot_ms) OVER (PARTITION BY game_id, player_id))
          GROUP BY game_id, player_id
        ), props_lines AS (
          SELECT s.game_id, s.player_id, s.line_source, c.consensus_line, o.opening_line, c.bookmaker_count
          FROM props_source s JOIN props_cons c USING (game_id, player_id) JOIN props_opening o USING (game_id, player_id)
        )""".formatted(SqlParts.list(in.scheduleCsv()), odds, normalised("player_name"), normalised("player_name"),
        pool, attributed, PRA);
  }
}
