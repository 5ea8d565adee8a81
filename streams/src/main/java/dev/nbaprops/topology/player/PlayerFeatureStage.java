package dev.nbaprops.topology.player;

import dev.nbaprops.avro.analytics.PlayerGameSummary;
import dev.nbaprops.avro.precompute.MlFeatureStore;
import dev.nbaprops.avro.precompute.PlayerCompositeFactors;
import dev.nbaprops.avro.precompute.PlayerDailyCache;
import dev.nbaprops.avro.precompute.PlayerShotZoneAnalysis;
import dev.nbaprops.avro.state.PlayedGame;
import dev.nbaprops.avro.state.PlayerGameProps;
import dev.nbaprops.avro.state.SeasonStart;
import dev.nbaprops.avro.state.TeamGameContext;
import dev.nbaprops.features.FeatureVector;
import dev.nbaprops.features.PlayerFeatures;
import dev.nbaprops.features.PropConsensus;
import dev.nbaprops.source.Seasons;
import dev.nbaprops.topology.StoreCatalog;
import dev.nbaprops.topology.StoreKeys;
import dev.nbaprops.topology.TableStore;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The player feature stage, in the player's task: for every date D on which a player has a game, from the
 * player's games of the same season strictly before D,
 * <ul>
 *   <li>nba_precompute.player_daily_cache (the pinned player metrics and the rest of the snapshot,
 *       {@link PlayerFeatures}) and nba_precompute.player_shot_zone_analysis (last-10 zone profile);</li>
 *   <li>nba_precompute.ml_feature_store: the player side (with the PRA line from snapshots before the game's
 *       start) joined with the opponent's team context on D, and nba_precompute.player_composite_factors.</li>
 * </ul>
 *
 * <p>Inputs, all in the player's task: the player's game summaries and the prop snapshots of his played games
 * ({@link PlayerGameStage}); the seasons' first game dates and the team contexts, which the season stage sends to
 * every player task (30 teams times a season's dates is small: each task keeps the whole table,
 * {@link #TEAM_CONTEXT_STORE}, and joins locally instead of through a foreign-key join). A team context's
 * retraction arrives as a null value (the only input that retracts).
 *
 * <p>State: {@link #HISTORY_STORE} holds each player's season games, one entry a game (key
 * player|season|date|game: a new game is one small write, a season's games one range read; the lists of recently
 * used player-seasons are kept decoded on the heap, {@value #RECENT_HISTORIES} a task), {@link #CACHE_STORE},
 * {@link #SHOT_ZONE_STORE}, {@link #FEATURE_INPUTS_STORE} (the player side), {@link #FEATURE_STORE} and
 * {@link #COMPOSITES_STORE} the rows (key player|date), {@link #OPPONENT_INDEX_STORE} which player rows face a
 * team on a date (key team|date|player), so a team context change recomputes exactly those rows. A game arriving
 * or changing on date X can only affect rows dated X and after, so exactly those are recomputed; rows that come
 * out equal are not re-emitted. This makes late, out-of-order and corrected box scores give the same table as an
 * in-order replay, and makes the table point-in-time correct by construction: a row for D is a function of games
 * before D only (the team context of D too). Seasons never mix: the history is per season. A correction that
 * moves a game to another date forwards tombstones for the old date's rows.
 *
 * <p>The season's first game date (is_bootstrap) is the one the season stage announces ({@link SeasonStart}),
 * else, until one is announced (a box score processed before its season's schedule entries reached this task),
 * the earliest game date of the season among this task's games. When the date in use changes, the rows it can
 * affect are recomputed ({@link #SEASON_START_STORE}); rows that come out equal are not re-emitted.
 *
 * <p>Outputs (named children): {@link #DAILY_CACHE}, {@link #SHOT_ZONES}, {@link #FEATURES}, {@link #COMPOSITES},
 * each keyed player|date, tombstones included.
 */
public final class PlayerFeatureStage implements Processor<String, SpecificRecord, String, SpecificRecord> {
  /** The name of this stage's deferred work (drain reports, dead letters). */
  public static final String WORK = "team-contexts";
  /** Dead letters of failed deferred work ({@link dev.nbaprops.topology.Deferred}), to nba.dlq. */
  public static final String FAILED = dev.nbaprops.topology.Deferred.failedOutput(WORK);
  public static final String HISTORY_STORE = "player-season-games";
  /** How many player-seasons' game lists a task keeps decoded (least recently used dropped; the store has all). */
  static final int RECENT_HISTORIES = 512;
  public static final String CACHE_STORE = "player-daily-cache";
  public static final String SHOT_ZONE_STORE = "player-shot-zone-analysis";
  /** The player side of each ml_feature_store row (team fields still empty). */
  public static final String FEATURE_INPUTS_STORE = "ml-feature-inputs";
  public static final String FEATURE_STORE = "ml-feature-store";
  public static final String COMPOSITES_STORE = "player-composite-factors";
  /** Every team's context by date (key team|date), as the season stage last sent it. */
  public static final String TEAM_CONTEXT_STORE = "team-game-context-by-date";
  /** key opp|date|player: the player's row of that date faces that team. */
  public static final String OPPONENT_INDEX_STORE = "player-rows-by-opponent";
  /**
   * This task's first game date of each season: {@code a|season} the one the season stage announced,
   * {@code o|season} the earliest date of this task's own games of the season (used until one is announced).
   */
  public static final String SEASON_START_STORE = "player-task-season-start";
  /** Team contexts (key team|date) changed since the last punctuation: their rows are joined again then, once. */
  public static final String CONTEXT_MARKS_STORE = "team-contexts-changed";
  public static final List<String> STORES = List.of(HISTORY_STORE, CACHE_STORE, SHOT_ZONE_STORE,
      FEATURE_INPUTS_STORE, FEATURE_STORE, COMPOSITES_STORE, TEAM_CONTEXT_STORE, OPPONENT_INDEX_STORE,
      SEASON_START_STORE, CONTEXT_MARKS_STORE);


  public static final String DAILY_CACHE = "player-daily-cache-rows";
  public static final String SHOT_ZONES = "player-shot-zone-rows";
  public static final String FEATURES = "ml-feature-store-rows";
  public static final String COMPOSITES = "player-composite-factor-rows";

  private static final Comparator<PlayedGame> ORDER =
      Comparator.comparing(PlayedGame::getGameDate).thenComparing(PlayedGame::getGameId);
  private static final String ANNOUNCED = "a" + StoreKeys.SEP;
  private static final String OBSERVED = "o" + StoreKeys.SEP;
  private static final StringSerializer KEYS = new StringSerializer();

  private final String propsStore;
  private KeyValueStore<String, String> seasonStarts;
  private ProcessorContext<String, SpecificRecord> context;
  private KeyValueStore<String, PlayedGame> history;
  /** Decoded game lists of recently used player-seasons (key player|season), in {@link #ORDER}; the store is the truth. */
  private final Map<String, List<PlayedGame>> recent = new java.util.LinkedHashMap<>(64, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, List<PlayedGame>> eldest) {
      return size() > RECENT_HISTORIES;
    }
  };
  private TableStore<PlayerDailyCache> cache;
  private TableStore<PlayerShotZoneAnalysis> zones;
  private KeyValueStore<String, MlFeatureStore> featureInputs;
  private TableStore<MlFeatureStore> features;
  private TableStore<PlayerCompositeFactors> composites;
  private KeyValueStore<String, TeamGameContext> teamContexts;
  private KeyValueStore<String, String> byOpponent;
  private KeyValueStore<String, PlayerGameProps> props;

  /**
   * How many settle times a row waits at most for its opponent's context of the date (a backfill). The season stage
   * sends a date's contexts once every game before the date has its result, and waits up to
   * {@code TeamSeasonStage.GAME_WAIT_SETTLES} x settle for one; a row joined before its context comes is joined
   * again when it does (every team field changes), so the row waits as long as the context may, while this stage's
   * inputs keep coming ({@link #quiet}).
   */
  static final int CONTEXT_HOLD_SETTLES = 20;
  /**
   * The deferred work the opponent's context comes from: at the end of a replay a row still waiting for its context
   * waits until a drain check finds that work settled (released at the drain with this stage's own marks, the
   * context came a hop later: 2021-22 once joined 27,883 of its 27,930 rows twice, the second time after the drain).
   */
  static final java.util.List<String> CONTEXT_MAKERS = dev.nbaprops.topology.season.TeamSeasonStage.andUpstream();
  /** Wall-clock time of this task's latest input to the stage (memory only; a mark is only timed by an input). */
  private long lastInputMs = Long.MIN_VALUE;

  private final java.time.Duration interval;
  private final java.time.Duration settle;
  private final dev.nbaprops.topology.PendingWork pending;
  private dev.nbaprops.topology.Deferred changedContexts;

  /**
   * {@code propsStore}: the player-game stage's prop snapshots (read only); {@code settle}: a changed team context's
   * rows are joined again once it has not changed for that long (zero: on the next punctuation).
   */
  public PlayerFeatureStage(String propsStore, java.time.Duration interval, java.time.Duration settle,
                            dev.nbaprops.topology.PendingWork pending) {
    this.propsStore = propsStore;
    this.interval = interval;
    this.settle = settle;
    this.pending = pending;
  }

  @Override
  public void close() {
    if (changedContexts != null) {
      changedContexts.close();
    }
  }

  @Override
  public void init(ProcessorContext<String, SpecificRecord> context) {
    this.context = context;
    this.history = context.getStateStore(HISTORY_STORE);
    this.recent.clear(); // a task (re)initialised: its store may have been restored to another state
    this.cache = TableStore.open(context, StoreCatalog.PLAYER_DAILY_CACHE);
    this.zones = TableStore.open(context, StoreCatalog.PLAYER_SHOT_ZONE_ANALYSIS);
    this.featureInputs = context.getStateStore(FEATURE_INPUTS_STORE);
    this.features = TableStore.open(context, StoreCatalog.ML_FEATURE_STORE);
    this.composites = TableStore.open(context, StoreCatalog.PLAYER_COMPOSITE_FACTORS);
    this.teamContexts = context.getStateStore(TEAM_CONTEXT_STORE);
    this.byOpponent = context.getStateStore(OPPONENT_INDEX_STORE);
    this.props = context.getStateStore(propsStore);
    this.seasonStarts = context.getStateStore(SEASON_START_STORE);
    this.changedContexts = dev.nbaprops.topology.Deferred.schedule(context, context.getStateStore(CONTEXT_MARKS_STORE),
        interval, settle, key -> teamContexts.get(key) == null && !quiet(), CONTEXT_HOLD_SETTLES, CONTEXT_MAKERS,
        pending, WORK, this::rejoin);
  }

  /**
   * Whether this stage's inputs have been quiet for {@value dev.nbaprops.topology.Deferred#HOLD_SETTLES} x settle:
   * a row still waiting for a context then stops waiting (a context that never comes, such as a game missing from
   * the schedule, is not waited for 20 x settle with nothing moving: the {@code drained} command's quiet window counts
   * on no hold lasting longer than that with no offset moving).
   */
  private boolean quiet() {
    return lastInputMs != Long.MIN_VALUE
        && context.currentSystemTimeMs() - lastInputMs >= dev.nbaprops.topology.Deferred.HOLD_SETTLES * settle.toMillis();
  }

  @Override
  public void process(Record<String, SpecificRecord> record) {
    lastInputMs = context.currentSystemTimeMs();
    if (record.value() instanceof PlayerGameProps p) {
      propsChanged(p, record);
    } else if (record.value() instanceof PlayerGameSummary g) {
      gameChanged(g, record);
    } else if (record.value() instanceof SeasonStart s) {
      seasonStartAnnounced(s, record);
    } else if (record.value() instanceof TeamGameContext c) {
      teamContextChanged(record.key(), c, record);
    } else if (record.value() == null) {
      teamContextChanged(record.key(), null, record); // a retracted team context
    }
  }

  /**
   * The first game date this task uses for a season: the one the season stage ({@link dev.nbaprops.topology.season.SeasonStartStage}) announced (the setting
   * when it names the season, else the schedule's), else its own earliest. The setting is not read here: a
   * changed setting then reaches the rows built under the old one as a new announcement, like any correction.
   */
  private LocalDate seasonStart(String season) {
    String d = seasonStarts.get(ANNOUNCED + season);
    if (d == null) {
      d = seasonStarts.get(OBSERVED + season);
    }
    return d == null ? null : LocalDate.parse(d);
  }

  /** A game of the season on {@code date} is here: the start in use, moved earlier first if nothing is announced. */
  private LocalDate seasonStartWith(String season, LocalDate date, Record<String, SpecificRecord> cause) {
    LocalDate before = seasonStart(season);
    if (before != null && !date.isBefore(before)) {
      return before;
    }
    String seen = seasonStarts.get(OBSERVED + season);
    if (seen == null || date.toString().compareTo(seen) < 0) {
      seasonStarts.put(OBSERVED + season, date.toString());
    }
    LocalDate after = seasonStart(season);
    if (before != null && !before.equals(after)) {
      restart(season, before, after, cause);
    }
    return after;
  }

  private void seasonStartAnnounced(SeasonStart s, Record<String, SpecificRecord> cause) {
    String date = s.getFirstGameDate().toString();
    if (date.equals(seasonStarts.get(ANNOUNCED + s.getSeason()))) {
      return;
    }
    LocalDate before = seasonStart(s.getSeason());
    seasonStarts.put(ANNOUNCED + s.getSeason(), date);
    LocalDate after = seasonStart(s.getSeason());
    if (before != null && !before.equals(after)) {
      restart(s.getSeason(), before, after, cause);
    }
  }

  /**
   * The season's first game date moved from {@code before} to {@code after}: recomputes this task's rows of the
   * season dated before the later of the two + {@value PlayerFeatures#BOOTSTRAP_DAYS} days (the only ones whose
   * is_bootstrap can change) and emits those that changed. Rare (a season's start is announced once, and moves
   * only with a late opener), so a scan of the task's histories is fine.
   */
  private void restart(String season, LocalDate before, LocalDate after, Record<String, SpecificRecord> cause) {
    LocalDate bound = (before.isAfter(after) ? before : after).plusDays(PlayerFeatures.BOOTSTRAP_DAYS);
    java.util.Set<Long> players = new java.util.TreeSet<>();
    String ofSeason = StoreKeys.SEP + season + StoreKeys.SEP;
    try (KeyValueIterator<String, PlayedGame> it = history.all()) {
      it.forEachRemaining(kv -> {
        int at = kv.key.indexOf(StoreKeys.SEP);
        if (kv.key.startsWith(ofSeason, at)) {
          players.add(Long.parseLong(kv.key.substring(0, at)));
        }
      });
    }
    for (long playerId : players) {
      List<PlayedGame> games = games(playerId, season);
      for (int i = 0; i < games.size() && games.get(i).getGameDate().isBefore(bound); i++) {
        computeRow(playerId, season, nameOf(games), games, i, after, cause);
      }
    }
  }

  /**
   * The player's games of the season in {@link #ORDER} (empty: none yet), from the heap when recently used, else
   * read from the store. The list is the kept one: change it only together with the store ({@link #gameChanged}).
   */
  private List<PlayedGame> games(long playerId, String season) {
    String key = StoreKeys.playerSeason(playerId, season);
    List<PlayedGame> games = recent.get(key);
    if (games == null) {
      List<PlayedGame> read = new ArrayList<>();
      try (KeyValueIterator<String, PlayedGame> it = history.prefixScan(key + StoreKeys.SEP, KEYS)) {
        it.forEachRemaining(kv -> read.add(kv.value));
      }
      read.sort(ORDER);
      recent.put(key, read);
      games = read;
    }
    return games;
  }

  private static String gameKey(long playerId, String season, PlayedGame g) {
    return StoreKeys.playerSeason(playerId, season) + StoreKeys.SEP + g.getGameDate() + StoreKeys.SEP + g.getGameId();
  }

  /** The player's name as his latest game of the season gives it (a row uses its own game's name when it has one). */
  private static String nameOf(List<PlayedGame> games) {
    for (int i = games.size() - 1; i >= 0; i--) {
      if (games.get(i).getPlayerName() != null) {
        return games.get(i).getPlayerName();
      }
    }
    return null;
  }

  /** A game's prop snapshots changed: only that game's own date has the line in its row. */
  private void propsChanged(PlayerGameProps p, Record<String, SpecificRecord> record) {
    String season = Seasons.seasonOfGameId(p.getGameId());
    List<PlayedGame> games = games(p.getPlayerId(), season);
    LocalDate seasonStart = seasonStart(season);
    if (games.isEmpty() || seasonStart == null) {
      return; // no box score yet: the row is computed with the lines when it comes
    }
    for (int i = 0; i < games.size(); i++) {
      if (games.get(i).getGameId().equals(p.getGameId())) {
        computeRow(p.getPlayerId(), season, nameOf(games), games, i, seasonStart, record);
      }
    }
  }

  private void gameChanged(PlayerGameSummary g, Record<String, SpecificRecord> record) {
    LocalDate seasonStart = seasonStartWith(g.getSeason(), g.getGameDate(), record);
    List<PlayedGame> games = games(g.getPlayerId(), g.getSeason());

    PlayedGame played = PlayedGame.newBuilder().setGameId(g.getGameId()).setGameDate(g.getGameDate())
        .setTeamAbbr(g.getTeamAbbr()).setMin(g.getMin()).setPts(g.getPts()).setReb(g.getReb()).setAst(g.getAst())
        .setOppAbbr(g.getOppAbbr()).setHome(g.getHome()).setFga(g.getFga()).setFta(g.getFta()).setTov(g.getTov())
        .setPlayerName(g.getPlayerName()).setFg3m(g.getFg3m())
        .setShotAttempts(g.getShotAttempts()).setPaintFga(g.getPaintFga()).setPaintFgm(g.getPaintFgm())
        .setMidRangeFga(g.getMidRangeFga()).setMidRangeFgm(g.getMidRangeFgm())
        .setThreeFga(g.getThreeFga()).setThreeFgm(g.getThreeFgm())
        .build();
    LocalDate firstAffected = g.getGameDate();
    int oldAt = -1;
    for (int i = 0; i < games.size(); i++) {
      if (games.get(i).getGameId().equals(g.getGameId())) {
        oldAt = i;
        break;
      }
    }
    // The store first, then the kept list: a failure in between leaves the list as the store has it.
    PlayedGame old = oldAt < 0 ? null : games.get(oldAt);
    if (old != null && !old.getGameDate().equals(g.getGameDate())) {
      history.delete(gameKey(g.getPlayerId(), g.getSeason(), old));
    }
    history.put(gameKey(g.getPlayerId(), g.getSeason(), played), played);
    if (old != null) {
      games.remove(oldAt);
      if (!old.getGameDate().equals(g.getGameDate())) {
        // The game moved: its old date's row goes (a player has at most one game a day).
        retract(StoreKeys.playerDate(g.getPlayerId(), old.getGameDate()), record);
        if (old.getGameDate().isBefore(firstAffected)) {
          firstAffected = old.getGameDate();
        }
      }
    }
    int pos = java.util.Collections.binarySearch(games, played, ORDER);
    games.add(pos < 0 ? -pos - 1 : pos, played);

    for (int i = 0; i < games.size(); i++) {
      PlayedGame at = games.get(i);
      if (at.getGameDate().isBefore(firstAffected)) {
        continue;
      }
      computeRow(g.getPlayerId(), g.getSeason(), g.getPlayerName(), games, i, seasonStart, record);
    }
  }

  /** The rows of the date of {@code games.get(i)}, from the games before that date; emits those that changed. */
  private void computeRow(long playerId, String season, String playerName, List<PlayedGame> games, int i,
                          LocalDate seasonStart, Record<String, SpecificRecord> record) {
    PlayedGame at = games.get(i);
      int before = i;
      while (before > 0 && !games.get(before - 1).getGameDate().isBefore(at.getGameDate())) {
        before--; // a second game on the same date is not "before D"
      }
      List<PlayedGame> prior = games.subList(0, before);
      // The name as the box score of the game on D gives it (sources spell some names differently, e.g. with and
      // without diacritics: a row's name must not depend on which game arrived last).
      PlayerDailyCache row = PlayerFeatures.dailyCache(playerId, season, at.getGameDate(),
          at.getGameId(), at.getPlayerName() != null ? at.getPlayerName() : playerName, at.getTeamAbbr(), prior,
          seasonStart);
      row.setHome(at.getHome());
      row.setOppAbbr(at.getOppAbbr());
      PlayerShotZoneAnalysis zoneRow = PlayerFeatures.shotZoneAnalysis(playerId, season,
          at.getGameDate(), prior, seasonStart);
      PlayerGameProps lines = props.get(StoreKeys.gamePlayer(at.getGameId(), playerId));
      PropConsensus.Lines line = PropConsensus.of(lines, PropConsensus.PRA_MARKET).orElse(null);
      String key = StoreKeys.playerDate(playerId, at.getGameDate());
      cache.emitIfChanged(key, row, DAILY_CACHE, record.timestamp());
      zones.emitIfChanged(key, zoneRow, SHOT_ZONES, record.timestamp());
      MlFeatureStore playerSide = FeatureVector.playerSide(row, zoneRow, line);
      MlFeatureStore old = featureInputs.get(key);
      if (!playerSide.equals(old)) {
        featureInputs.put(key, playerSide);
        if (old != null && old.getOppAbbr() != null && !old.getOppAbbr().equals(playerSide.getOppAbbr())) {
          byOpponent.delete(opponentKey(old.getOppAbbr(), at.getGameDate(), playerId));
        }
        if (playerSide.getOppAbbr() == null) {
          join(key, playerSide, record);
          return;
        }
        byOpponent.put(opponentKey(playerSide.getOppAbbr(), at.getGameDate(), playerId), "");
        String contextKey = playerSide.getOppAbbr() + StoreKeys.SEP + at.getGameDate();
        if (settle.isZero() || (teamContexts.get(contextKey) != null && !changedContexts.marked(contextKey))) {
          join(key, playerSide, record); // live (settle 0): at once, and again when the context changes
        } else {
          // The opponent's context of the date is not here yet, or is still changing (a backfill's late results
          // before the date): the row is joined once, with the rows facing that context, when it has settled
          // (rejoin), instead of now and again with every change.
          changedContexts.mark(contextKey, Long.toString(record.timestamp()), dev.nbaprops.topology.Deferred::later);
        }
      }
  }

  private static String opponentKey(String opp, LocalDate date, long playerId) {
    return opp + StoreKeys.SEP + date + StoreKeys.SEP + playerId;
  }

  /** The full feature row of {@code key} from its player side and the opponent's context that day, if changed. */
  private void join(String key, MlFeatureStore playerSide, Record<String, SpecificRecord> cause) {
    TeamGameContext opp = playerSide.getOppAbbr() == null ? null
        : teamContexts.get(playerSide.getOppAbbr() + StoreKeys.SEP + playerSide.getGameDate());
    MlFeatureStore row = FeatureVector.withOpponent(playerSide, opp);
    if (features.emitIfChanged(key, row, FEATURES, cause.timestamp())) {
      composites.emitIfChanged(key, FeatureVector.composites(row), COMPOSITES, cause.timestamp());
    }
  }

  /**
   * A team's context on a date (key team|date) changed or was retracted: the rows of that date whose opponent
   * the team is are joined again (deferred: {@link #rejoin}).
   */
  private void teamContextChanged(String key, TeamGameContext c, Record<String, SpecificRecord> cause) {
    if (c == null) {
      if (teamContexts.get(key) == null) {
        return;
      }
      teamContexts.delete(key);
    } else if (c.equals(teamContexts.get(key))) {
      return;
    } else {
      teamContexts.put(key, c);
    }
    // A team's context of a date changes a few times while a night's results arrive (during a backfill, with every
    // late result before the date): the rows facing it are joined again once it has settled (precompute.settle.ms).
    changedContexts.mark(key, Long.toString(cause.timestamp()), dev.nbaprops.topology.Deferred::later);
  }

  /** The punctuation: the rows facing each changed team context, joined again. */
  private void rejoin(String key, String value) {
    Record<String, SpecificRecord> cause = new Record<>(key, null, Long.parseLong(value));
    List<String> players = new ArrayList<>();
    try (KeyValueIterator<String, String> it = byOpponent.prefixScan(key + StoreKeys.SEP, KEYS)) {
      it.forEachRemaining(e -> players.add(e.key.substring(e.key.lastIndexOf(StoreKeys.SEP) + 1)));
    }
    String date = key.substring(key.indexOf(StoreKeys.SEP) + 1);
    for (String player : players) {
      String rowKey = player + StoreKeys.SEP + date;
      MlFeatureStore playerSide = featureInputs.get(rowKey);
      if (playerSide != null) {
        join(rowKey, playerSide, cause);
      }
    }
  }

  /** The rows of a date the player no longer has a game on (a correction moved the game). */
  private void retract(String key, Record<String, SpecificRecord> cause) {
    MlFeatureStore side = featureInputs.get(key);
    if (side != null && side.getOppAbbr() != null) {
      byOpponent.delete(opponentKey(side.getOppAbbr(), side.getGameDate(), side.getPlayerId()));
    }
    featureInputs.delete(key);
    cache.retract(key, key, DAILY_CACHE, cause.timestamp());
    zones.retract(key, key, SHOT_ZONES, cause.timestamp());
    features.retract(key, key, FEATURES, cause.timestamp());
    composites.retract(key, key, COMPOSITES, cause.timestamp());
  }
}
