package dev.nbaprops.features;

import dev.nbaprops.avro.precompute.MlFeatureStore;
import dev.nbaprops.avro.precompute.PlayerDailyCache;
import dev.nbaprops.avro.state.PlayedGame;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.Schema;

/**
 * Every feature of player_daily_cache and ml_feature_store as data (docs/features.md): name, source, aggregation,
 * window, scope, null rule and doc. The model is Chronon's {@code GroupBy(keys, Aggregation(column, op, windows))}:
 * a feature whose aggregation is {@link Op#COUNT}, {@link Op#AVG}, {@link Op#SUM} or {@link Op#STD} over a
 * box-score column of the player's games before D is computed from its entry alone ({@link #compute}), and
 * {@link PlayerFeatures#dailyCache} and {@link FeatureVector#playerSide} set those fields by iterating the catalog.
 * The irregular ones ({@link Op#CUSTOM}) are computed by hand where their entry says, and catalogued all the same,
 * so that one list drives the Avro field docs (checked by FeatureCatalogTest), docs/features.md's tables (generated
 * by {@link #markdown}) and the parity tests' checked columns (FeatureCatalogCoverageTest).
 *
 * <p>Adding a windowed feature over a box-score column: one entry here, a nullable field with a default in
 * PlayerDailyCache.avsc (and MlFeatureStore.avsc when the feature row carries it) whose doc is the entry's doc,
 * the column in PlayedGame when it is not there yet, and the hand-written column in the batch references.
 */
public final class FeatureCatalog {
  private FeatureCatalog() {}

  /** The tables a feature can be a field of. */
  public enum Table {
    PLAYER_DAILY_CACHE("nba_precompute.player_daily_cache", PlayerDailyCache.getClassSchema()),
    ML_FEATURE_STORE("nba_precompute.ml_feature_store", MlFeatureStore.getClassSchema());

    public final String table;
    public final Schema schema;

    Table(String table, Schema schema) {
      this.table = table;
      this.schema = schema;
    }
  }

  /** Whose games (or which row) a feature is computed over. */
  public enum Scope { PLAYER, TEAM, OPPONENT, LEAGUE }

  /** The aggregation over the window's games; {@link #CUSTOM} is hand-written where the entry's doc says. */
  public enum Op {
    COUNT("count", "never null: 0 when the window has no game"),
    AVG("avg", "null when no game of the window has a value"),
    SUM("sum", "0 when no game of the window has a value"),
    STD("std (sample, n - 1)", "null when fewer than 2 games of the window have a value"),
    CUSTOM("custom", null);

    public final String label;
    /** The null rule of every feature with this aggregation. */
    public final String nullRule;

    Op(String label, String nullRule) {
      this.label = label;
      this.nullRule = nullRule;
    }

    /** An aggregation the catalog computes by itself. */
    public boolean regular() {
      return this != CUSTOM;
    }

    /** The Avro type of the value (int for a count, double otherwise); null for a custom feature. */
    public Schema.Type type() {
      return switch (this) {
        case COUNT -> Schema.Type.INT;
        case AVG, SUM, STD -> Schema.Type.DOUBLE;
        case CUSTOM -> null;
      };
    }

    /** Whether the aggregation can give null, so its field must be nullable. */
    public boolean canBeNull() {
      return this == AVG || this == STD;
    }
  }

  /** The games of the season before D a feature aggregates. */
  public record Window(Kind kind, int n, String label) {
    public enum Kind { LAST_GAMES, LAST_DAYS, SEASON, OTHER }

    /** The player's last {@code n} games of the season before D (fewer when he has fewer). */
    public static Window lastGames(int n) {
      return new Window(Kind.LAST_GAMES, n, "last " + n + " games");
    }

    /** The player's games dated in [D - n, D - 1]. */
    public static Window lastDays(int n) {
      return new Window(Kind.LAST_DAYS, n, n + " days [D - " + n + ", D - 1]");
    }

    /** Every game of the season before D. */
    public static Window season() {
      return new Window(Kind.SEASON, 0, "season");
    }

    /** A custom feature's window, as words (not computable). */
    public static Window other(String label) {
      return new Window(Kind.OTHER, 0, label);
    }

    /** The games of the window out of {@code prior} (the season's games before d, sorted by date and game id). */
    public List<PlayedGame> of(List<PlayedGame> prior, LocalDate d) {
      return switch (kind) {
        case LAST_GAMES -> PlayerFeatures.last(prior, n);
        case SEASON -> prior;
        case LAST_DAYS -> {
          LocalDate from = d.minusDays(n);
          yield prior.stream().filter(g -> !g.getGameDate().isBefore(from) && g.getGameDate().isBefore(d)).toList();
        }
        case OTHER -> throw new IllegalStateException("window '" + label + "' is not computable");
      };
    }
  }

  /**
   * What a feature reads. {@code columns}: box-score columns of the player's games (PlayedGame fields, summed when
   * several); {@code table} and {@code field}: another table's field the feature row copies; otherwise
   * {@code text} describes a hand-written input.
   */
  public record Source(String text, List<String> columns, String table, String field, List<Integer> positions) {
    /** A box-score column of the player's games, or the sum of several ({@code pts + reb + ast}). */
    public static Source box(String... columns) {
      List<Integer> positions = new ArrayList<>();
      for (String c : columns) {
        Schema.Field f = PlayedGame.getClassSchema().getField(c);
        if (f == null) {
          throw new IllegalArgumentException("'" + c + "' is not a column of the player's games (PlayedGame in"
              + " schemas/src/main/avro/state/PlayerSeasonHistory.avsc): add it there first");
        }
        positions.add(f.pos());
      }
      return new Source(String.join(" + ", columns), List.of(columns), null, null, List.copyOf(positions));
    }

    /** The games themselves (a count). */
    public static Source games() {
      return new Source("games", List.of(), null, null, List.of());
    }

    /** A field of another table, copied as it is. */
    public static Source copy(String table, String field) {
      return new Source(table + "." + field, List.of(), table, field, List.of());
    }

    /** A hand-written input, as words. */
    public static Source of(String text) {
      return new Source(text, List.of(), null, null, List.of());
    }

    /** The value of one game: the column (or the sum of the columns); null when one of them is null. */
    Double value(PlayedGame g) {
      double s = 0;
      for (int pos : positions) {
        Object v = g.get(pos);
        if (v == null) {
          return null; // e.g. a history row written before the column existed
        }
        s += ((Number) v).doubleValue();
      }
      return s;
    }
  }

  /** One feature. */
  public record Feature(String name, Source source, Op op, Window window, Scope scope, String nullRule, String doc,
                        Set<Table> tables) {
    public Feature {
      if (op.regular() && (window.kind() == Window.Kind.OTHER || (op != Op.COUNT && source.columns().isEmpty()))) {
        throw new IllegalArgumentException(name + ": a " + op.label + " needs a computable window and a box-score"
            + " column");
      }
      tables = Collections.unmodifiableSet(EnumSet.copyOf(tables));
    }

    public boolean in(Table t) {
      return tables.contains(t);
    }

    /** A feature {@link #compute} computes (a regular aggregation), as opposed to a hand-written one. */
    public boolean computed() {
      return op.regular();
    }

    /** The value over the player's games of the season before d (sorted by date and game id). */
    public Object compute(List<PlayedGame> prior, LocalDate d) {
      List<PlayedGame> games = window.of(prior, d);
      if (op == Op.COUNT) {
        return games.size();
      }
      List<Double> xs = new ArrayList<>(games.size());
      for (PlayedGame g : games) {
        Double v = source.value(g);
        if (v != null) {
          xs.add(v);
        }
      }
      return switch (op) {
        case AVG -> PlayerFeatures.mean(xs, Double::doubleValue);
        case SUM -> xs.stream().mapToDouble(Double::doubleValue).sum();
        case STD -> PlayerFeatures.sampleStd(xs, Double::doubleValue);
        default -> throw new IllegalStateException(name + ": " + op.label + " is not computed here");
      };
    }
  }

  private static final Set<Table> CACHE = EnumSet.of(Table.PLAYER_DAILY_CACHE);
  private static final Set<Table> BOTH = EnumSet.of(Table.PLAYER_DAILY_CACHE, Table.ML_FEATURE_STORE);
  private static final Set<Table> FEATURES = EnumSet.of(Table.ML_FEATURE_STORE);
  /** The table a feature row copies shot-zone features from ({@link Source#copy}). */
  public static final String SHOT_ZONES = "player_shot_zone_analysis";
  private static final String TEAM_CONTEXT = "opponent's upcoming_team_game_context";
  private static final String TEAM_ZONES = "opponent's team_defense_zone_analysis";
  private static final String PRA_LINE = "PRA prop snapshots before the game's start";

  private static Feature agg(String name, Op op, Source source, Window window, Set<Table> tables, String doc) {
    return new Feature(name, source, op, window, Scope.PLAYER, op.nullRule, doc, tables);
  }

  private static Feature custom(String name, Source source, Window window, Scope scope, Set<Table> tables,
                                String nullRule, String doc) {
    return new Feature(name, source, Op.CUSTOM, window, scope, nullRule, doc, tables);
  }

  /** Every feature, in the order docs/features.md lists them. */
  public static final List<Feature> ALL = List.of(
      agg("games_played_season", Op.COUNT, Source.games(), Window.season(), BOTH,
          "the player's games in the season before D"),
      agg("pts_avg_last_5", Op.AVG, Source.box("pts"), Window.lastGames(5), BOTH,
          "mean pts over the last 5 games before D"),
      agg("pts_avg_last_10", Op.AVG, Source.box("pts"), Window.lastGames(10), BOTH,
          "mean pts over the last 10 games before D"),
      agg("pts_avg_season", Op.AVG, Source.box("pts"), Window.season(), BOTH,
          "mean pts over all season games before D"),
      agg("pts_std_last_10", Op.STD, Source.box("pts"), Window.lastGames(10), BOTH,
          "sample std (n-1) of pts over the last 10 games; null when fewer than 2"),
      agg("min_avg_last_10", Op.AVG, Source.box("min"), Window.lastGames(10), BOTH,
          "mean minutes over the last 10 games"),
      agg("reb_avg_last_10", Op.AVG, Source.box("reb"), Window.lastGames(10), BOTH,
          "mean reb over the last 10 games"),
      agg("ast_avg_last_10", Op.AVG, Source.box("ast"), Window.lastGames(10), BOTH,
          "mean ast over the last 10 games"),
      agg("pra_avg_last_10", Op.AVG, Source.box("pts", "reb", "ast"), Window.lastGames(10), BOTH,
          "mean pts+reb+ast over the last 10 games"),
      custom("days_rest", Source.of("game_date"), Window.other("previous game"), Scope.PLAYER, BOTH,
          "null for the first game of the season",
          "(D - previous game date in the season) - 1; null for the first game"),
      custom("back_to_back", Source.of("days_rest"), Window.other("previous game"), Scope.PLAYER, BOTH,
          "null when days_rest is null", "days_rest == 0 (null for the first game)"),
      agg("games_in_window_last_5", Op.COUNT, Source.games(), Window.lastGames(5), BOTH,
          "games in the last-5 window"),
      agg("games_in_window_last_10", Op.COUNT, Source.games(), Window.lastGames(10), BOTH,
          "games in the last-10 window"),
      custom("is_bootstrap", Source.of("the season's first game date"), Window.other("-"), Scope.LEAGUE, BOTH,
          "never null", "D is less than 7 days after the season's first game date"),
      custom("quality_score", Source.of("games_in_window of every window"), Window.other("-"), Scope.PLAYER, BOTH,
          "never null", "smallest games_in_window / N across the windows the row uses, in [0,1]"),
      custom("home", Source.of("the schedule / box score of the game on D"), Window.other("game on D"),
          Scope.PLAYER, BOTH, "null when unknown", "the game on D is at home"),
      agg("games_last_7_days", Op.COUNT, Source.games(), Window.lastDays(7), BOTH, "games in [D-7, D-1]"),
      agg("minutes_last_7_days", Op.SUM, Source.box("min"), Window.lastDays(7), BOTH, "minutes in [D-7, D-1]"),
      agg("min_avg_last_5", Op.AVG, Source.box("min"), Window.lastGames(5), BOTH,
          "mean minutes over the last 5 games"),
      custom("pts_trend", Source.of("pts_avg_last_5, pts_avg_season"), Window.other("last 5 games / season"),
          Scope.PLAYER, BOTH, "null when either is null", "pts_avg_last_5 - pts_avg_season"),
      custom("min_trend", Source.of("min_avg_last_5, min_avg_last_10"), Window.other("last 5 / last 10 games"),
          Scope.PLAYER, CACHE, "null when either is null", "min_avg_last_5 - min_avg_last_10"),
      custom("usage_per_36_last_5", Source.of("fga, fta, tov, min"), Window.lastGames(5), Scope.PLAYER, BOTH,
          "null without minutes", "sum(fga + 0.44*fta + tov) * 36 / sum(min), last 5 games"),
      custom("usage_per_36_season", Source.of("fga, fta, tov, min"), Window.season(), Scope.PLAYER, BOTH,
          "null without minutes", "sum(fga + 0.44*fta + tov) * 36 / sum(min), season before D"),
      custom("ts_pct_last_10", Source.of("pts, fga, fta"), Window.lastGames(10), Scope.PLAYER, BOTH,
          "null without attempts", "sum(pts) / (2 * (sum(fga) + 0.44 * sum(fta))), last 10 games"),
      agg("fg3m_avg_last_5", Op.AVG, Source.box("fg3m"), Window.lastGames(5), BOTH, "mean fg3m (made threes) over the last 5 games before D"),
      agg("fg3m_avg_last_10", Op.AVG, Source.box("fg3m"), Window.lastGames(10), BOTH, "mean fg3m (made threes) over the last 10 games before D"),
      custom("paint_rate_last_10", Source.copy(SHOT_ZONES, "paint_rate_last_10"), Window.lastGames(10),
          Scope.PLAYER, FEATURES, "null without shots", "share of shots in the paint, last 10"),
      custom("mid_range_rate_last_10", Source.copy(SHOT_ZONES, "mid_range_rate_last_10"), Window.lastGames(10),
          Scope.PLAYER, FEATURES, "null without shots", "mid-range share of shots, last 10"),
      custom("three_rate_last_10", Source.copy(SHOT_ZONES, "three_rate_last_10"), Window.lastGames(10),
          Scope.PLAYER, FEATURES, "null without shots", "three share of shots, last 10"),
      custom("paint_fg_pct_last_10", Source.copy(SHOT_ZONES, "paint_fg_pct_last_10"), Window.lastGames(10),
          Scope.PLAYER, FEATURES, "null without paint attempts", "paint FG%, last 10"),
      custom("three_fg_pct_last_10", Source.copy(SHOT_ZONES, "three_fg_pct_last_10"), Window.lastGames(10),
          Scope.PLAYER, FEATURES, "null without three attempts", "three FG%, last 10"),
      custom("opp_paint_vs_league", Source.of(TEAM_ZONES + ".paint_vs_league"), Window.other("15 games / season"),
          Scope.OPPONENT, FEATURES, "null without the opponent's context or attempts",
          "opponent defense: paint FG% allowed over its last 15 games - league paint FG% of the season before D"),
      custom("opp_mid_range_vs_league", Source.of(TEAM_ZONES + ".mid_range_vs_league"),
          Window.other("15 games / season"), Scope.OPPONENT, FEATURES, "null without the opponent's context or attempts",
          "opponent defense: mid-range FG% allowed over its last 15 games - league mid-range FG% of the season before D"),
      custom("opp_three_vs_league", Source.of(TEAM_ZONES + ".three_vs_league"), Window.other("15 games / season"),
          Scope.OPPONENT, FEATURES, "null without the opponent's context or attempts",
          "opponent defense: three FG% allowed over its last 15 games - league three FG% of the season before D"),
      custom("team_pace_last_10", Source.of(TEAM_CONTEXT + ".opp_pace_last_10"), Window.lastGames(10), Scope.TEAM,
          FEATURES, "null without the opponent's context or team games", "own team pace, last 10"),
      custom("opp_pace_last_10", Source.of(TEAM_CONTEXT + ".pace_last_10"), Window.lastGames(10), Scope.OPPONENT,
          FEATURES, "null without the opponent's context or games", "opponent pace, last 10"),
      custom("league_pace_season", Source.of(TEAM_CONTEXT + ".league_pace_season"), Window.season(), Scope.LEAGUE,
          FEATURES, "null without the opponent's context or league games", "league pace, season before D"),
      custom("opp_def_rating_last_10", Source.of(TEAM_CONTEXT + ".def_rating_last_10"), Window.lastGames(10),
          Scope.OPPONENT, FEATURES, "null without the opponent's context or games",
          "opponent defensive rating, last 10"),
      custom("prop_line", Source.of(PRA_LINE), Window.other("before the start"), Scope.PLAYER, FEATURES,
          "null without a line", "PRA consensus line before the game's start"),
      custom("prop_opening_line", Source.of(PRA_LINE), Window.other("before the start"), Scope.PLAYER, FEATURES,
          "null without a line", "PRA opening line"),
      custom("prop_line_movement", Source.of(PRA_LINE), Window.other("before the start"), Scope.PLAYER, FEATURES,
          "null without a line", "consensus - opening"),
      custom("prop_bookmaker_count", Source.of(PRA_LINE), Window.other("before the start"), Scope.PLAYER, FEATURES,
          "null without a line", "bookmakers with a line"),
      custom("line_source", Source.of(PRA_LINE), Window.other("before the start"), Scope.PLAYER, FEATURES,
          "null without a line", "ODDS_API, or BETTINGPROS when the Odds API has no line before the start"),
      custom("pra_avg_last_10_minus_line", Source.of("pra_avg_last_10, prop_line"), Window.lastGames(10),
          Scope.PLAYER, FEATURES, "null when either is null", "pra_avg_last_10 - prop_line"),
      custom("fatigue_score", Source.of("back_to_back, games_last_7_days, minutes_last_7_days"),
          Window.other("7 days"), Scope.PLAYER, FEATURES, "never null (a missing input counts as 0)",
          "0.4 * back_to_back + 0.3 * min(games_last_7_days, 4) / 4 + 0.3 * min(minutes_last_7_days, 144) / 144"
              + " (no previous game = not back-to-back)"),
      custom("shot_zone_mismatch_score", Source.of("*_rate_last_10, opp_*_vs_league"),
          Window.other("10 games / 15 games"), Scope.OPPONENT, FEATURES, "null when an input is null",
          "sum over zones of rate_last_10 * opp_zone_vs_league: how much better than the league the opponent lets"
              + " teams shoot where this player shoots"),
      custom("pace_score", Source.of("team_pace_last_10, opp_pace_last_10, league_pace_season"),
          Window.other("10 games / season"), Scope.OPPONENT, FEATURES, "null when an input is null",
          "(team_pace_last_10 + opp_pace_last_10) / 2 - league_pace_season"),
      custom("usage_spike_score", Source.of("usage_per_36_last_5, usage_per_36_season"),
          Window.other("5 games / season"), Scope.PLAYER, FEATURES, "null when either is null",
          "usage_per_36_last_5 - usage_per_36_season"),
      custom("has_shot_profile", Source.of(SHOT_ZONES + ".shot_games_in_window"), Window.lastGames(10),
          Scope.PLAYER, FEATURES, "never null", "source flag: the player has shot data in the window"),
      custom("has_opp_context", Source.of(TEAM_CONTEXT), Window.other("-"), Scope.OPPONENT, FEATURES, "never null",
          "source flag: the opponent's team context (zones, pace) was available"),
      custom("has_prop_line", Source.of(PRA_LINE), Window.other("before the start"), Scope.PLAYER, FEATURES,
          "never null", "source flag: a prop line before the game's start"),
      custom("opp_games_in_window", Source.of(TEAM_ZONES + ".games_in_window"), Window.other("last 15 games"),
          Scope.OPPONENT, FEATURES, "null without the opponent's context", "opponent games in its last-15 zone window"),
      custom("team_games_in_window", Source.of(TEAM_CONTEXT + ".games_in_window_last_10"), Window.lastGames(10),
          Scope.OPPONENT, FEATURES, "null without the opponent's context", "opponent games in its last-10 pace window"));

  /**
   * The fields of each table that are not features (keys and the row's identity), so that a test can tell a new
   * field without a catalog entry from these.
   */
  public static final Map<Table, Set<String>> IDENTITY = Map.of(
      Table.PLAYER_DAILY_CACHE, Set.of("player_id", "cache_date", "season", "game_id", "player_name", "team_abbr",
          "opp_abbr"),
      Table.ML_FEATURE_STORE, Set.of("player_id", "game_date", "season", "game_id", "feature_version", "team_abbr",
          "opp_abbr"));

  /** The features of one table, in catalog order. */
  public static List<Feature> of(Table t) {
    return ALL.stream().filter(f -> f.in(t)).toList();
  }

  /** A feature by name. */
  public static Feature named(String name) {
    return ALL.stream().filter(f -> f.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no feature " + name + " in the catalog"));
  }

  /** docs/features.md's table of one table's features: one row per feature, from the catalog alone. */
  public static String markdown(Table t) {
    StringBuilder b = new StringBuilder();
    b.append("| # | feature | source | aggregation | window | scope | null rule | definition |\n");
    b.append("|---|---|---|---|---|---|---|---|\n");
    int i = 0;
    for (Feature f : of(t)) {
      i++;
      b.append("| ").append(i).append(" | `").append(f.name()).append("` | ")
          .append(cell(f.source().text())).append(" | ").append(f.op().label).append(" | ")
          .append(cell(f.window().label())).append(" | ").append(f.scope().name().toLowerCase()).append(" | ")
          .append(cell(f.nullRule())).append(" | ").append(cell(f.doc())).append(" |\n");
    }
    return b.toString();
  }

  private static String cell(String s) {
    return s.replace("|", "\\|").replace("*", "\\*");
  }

  /**
   * The field positions in {@code t}'s schema of {@code features}; fails, naming the feature, when one has no
   * field there.
   */
  static int[] positions(Table t, List<Feature> features) {
    int[] out = new int[features.size()];
    for (int i = 0; i < out.length; i++) {
      Schema.Field field = t.schema.getField(features.get(i).name());
      if (field == null) {
        throw new IllegalStateException("catalog feature " + features.get(i).name() + " has no field in " + t.table
            + " (add it to the table's .avsc, nullable with a default)");
      }
      out[i] = field.pos();
    }
    return out;
  }
}
