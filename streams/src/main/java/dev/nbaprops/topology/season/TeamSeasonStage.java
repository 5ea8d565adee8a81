package dev.nbaprops.topology.season;

import dev.nbaprops.avro.analytics.TeamDefenseGameSummary;
import dev.nbaprops.avro.analytics.TeamOffenseGameSummary;
import dev.nbaprops.avro.analytics.UpcomingTeamGameContext;
import dev.nbaprops.avro.precompute.TeamDefenseZoneAnalysis;
import dev.nbaprops.avro.raw.GameLine;
import dev.nbaprops.avro.raw.ScheduleGame;
import dev.nbaprops.avro.state.ExpectedPlayer;
import dev.nbaprops.avro.state.PlayerAppearance;
import dev.nbaprops.avro.state.PlayerGameZones;
import dev.nbaprops.avro.state.SeasonStart;
import dev.nbaprops.avro.state.TeamGameContext;
import dev.nbaprops.avro.state.TeamGameFacts;
import dev.nbaprops.features.ExpectedPlayers;
import dev.nbaprops.features.ShotZones;
import dev.nbaprops.features.TeamFeatures;
import dev.nbaprops.features.TeamGameSummaries;
import dev.nbaprops.source.Teams;
import dev.nbaprops.topology.Deferred;
import dev.nbaprops.topology.PendingWork;
import dev.nbaprops.topology.StoreCatalog;
import dev.nbaprops.topology.StoreKeys;
import dev.nbaprops.topology.TableStore;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The team and league stage, one task per season (inputs repartitioned by season, {@link SeasonInputs}):
 * everything that needs all of a season's teams at once. It keeps the season's schedule, game lines, team results
 * (from the team game rows), each player's shots of a game by zone (summed per team) and who appeared for whom;
 * and computes, for every scheduled team-game on D:
 * <ul>
 *   <li>nba_precompute.team_defense_zone_analysis (team, D): opponents' zone FG% over the team's last 15 games
 *       before D against the league's over every shot of the season before D;</li>
 *   <li>nba_analytics.upcoming_team_game_context (game, team): rest, back-to-back, games in the last 7 days,
 *       the team's spread and the total, rolling pace and ratings (last 10 and season);</li>
 *   <li>the team's context for the feature rows ({@link TeamGameContext}, key team|D, sent to every player task once
 *       D has been played: see below);</li>
 *   <li>the players expected to play the game ({@link ExpectedPlayers}, to the players' tasks).</li>
 * </ul>
 * Inputs only update state and mark the season stale from the earliest date they can affect (a result on X
 * affects rows after X; a schedule entry or game line on X affects X), through {@link Deferred}. A wall-clock
 * punctuation then recomputes the season's rows from that date on, in one pass, and emits the rows that changed
 * (and tombstones for rows whose game left the date). Rows for D are functions of games before D only, so arrival
 * order does not matter and nothing on D or later leaks into them.
 *
 * <p>Team contexts are sent only for dates up to the season's <em>horizon</em>, the latest date a player appeared on
 * (an appearance of D reaches this stage for every box score of D). Their only reader is the feature row of a
 * player's game on D, which exists once D's box score is in; contexts of later dates change with every night of
 * results before them and would be sent again and again for no reader (during a backfill the whole schedule
 * arrives before most results). When the horizon moves, the dates it now covers are recomputed and their contexts
 * sent ({@link #CONTEXT_STORE} holds what was sent).
 *
 * <p>State: the stores (changelogged) are the truth; each season's decoded contents are also held in memory
 * ({@link Season}), loaded from the stores on the season's first input after the task starts, and updated with
 * every store write (this stage is the only writer). A recomputation reads memory only: it costs the rows it
 * recomputes, not a scan and decode of the whole season.
 */
public final class TeamSeasonStage implements Processor<String, SpecificRecord, String, SpecificRecord> {
  /** The name of this stage's deferred work (drain reports, dead letters). */
  public static final String WORK = "season";
  /** Dead letters of failed deferred work ({@link Deferred}), to nba.dlq. */
  public static final String FAILED = Deferred.failedOutput(WORK);
  private static final Logger LOG = LoggerFactory.getLogger(TeamSeasonStage.class);

  public static final String SCHEDULE_STORE = "season-schedule";
  public static final String LINES_STORE = "season-game-lines";
  public static final String FACTS_STORE = "season-team-games";
  /** Each player's shots of a game by zone (key season|game|player). */
  public static final String PLAYER_ZONES_STORE = "season-player-game-zones";
  public static final String APPEARANCES_STORE = "season-appearances";
  public static final String EXPECTED_STORE = "season-expected-players";
  public static final String DIRTY_STORE = "season-dirty";
  public static final String ZONES_STORE = "team-defense-zone-analysis";
  public static final String UPCOMING_STORE = "upcoming-team-game-context";
  public static final String CONTEXT_STORE = "team-game-context";
  /** Stores whose values are Avro records (the dirty marks are strings). */
  public static final List<String> RECORD_STORES = List.of(SCHEDULE_STORE, LINES_STORE, FACTS_STORE,
      PLAYER_ZONES_STORE, APPEARANCES_STORE, EXPECTED_STORE, ZONES_STORE, UPCOMING_STORE, CONTEXT_STORE);

  public static final String TEAM_ZONES = "team-defense-zone-rows";
  public static final String UPCOMING_TEAM = "upcoming-team-rows";
  public static final String TEAM_CONTEXT = "team-context-rows";
  public static final String EXPECTED = "expected-player-rows";

  private static final StringSerializer KEYS = new StringSerializer();

  private final Duration interval;
  /** {@code precompute.settle.ms}: see {@link #releasedUntil}. */
  private final long settleMs;
  /** Wall-clock time of each season's latest input (in memory: a restarted task starts out quiet). */
  private final Map<String, Long> lastInputMs = new HashMap<>();
  private final PendingWork pending;
  private ProcessorContext<String, SpecificRecord> context;
  private KeyValueStore<String, ScheduleGame> schedule;
  private KeyValueStore<String, GameLine> lines;
  private KeyValueStore<String, TeamGameFacts> facts;
  private KeyValueStore<String, PlayerGameZones> playerZones;
  private KeyValueStore<String, PlayerAppearance> appearances;
  private KeyValueStore<String, ExpectedPlayer> expected;
  private TableStore<TeamDefenseZoneAnalysis> zonesOut;
  private TableStore<UpcomingTeamGameContext> upcomingOut;
  private TableStore<TeamGameContext> contextOut;
  private KeyValueStore<String, SeasonStart> seasonStarts;
  private Deferred stale;
  /** The decoded seasons of this task (reset when the task (re)starts: the stores are the truth). */
  private final Map<String, Season> seasons = new HashMap<>();

  /**
   * The season's first game date comes from {@link SeasonStartStage}'s store (read only), which sees every input
   * of the season before this stage does.
   */
  public TeamSeasonStage(Duration interval, Duration settle, PendingWork pending) {
    this.interval = interval;
    this.settleMs = settle.toMillis();
    this.pending = pending;
  }

  @Override
  public void init(ProcessorContext<String, SpecificRecord> context) {
    this.context = context;
    seasons.clear();
    lastInputMs.clear();
    schedule = context.getStateStore(SCHEDULE_STORE);
    lines = context.getStateStore(LINES_STORE);
    facts = context.getStateStore(FACTS_STORE);
    playerZones = context.getStateStore(PLAYER_ZONES_STORE);
    appearances = context.getStateStore(APPEARANCES_STORE);
    expected = context.getStateStore(EXPECTED_STORE);
    zonesOut = TableStore.open(context, StoreCatalog.TEAM_DEFENSE_ZONE_ANALYSIS);
    upcomingOut = TableStore.open(context, StoreCatalog.UPCOMING_TEAM_GAME_CONTEXT);
    contextOut = TableStore.unindexed(context, CONTEXT_STORE);
    seasonStarts = context.getStateStore(SeasonStartStage.STORE);
    stale = Deferred.schedule(context, context.getStateStore(DIRTY_STORE), interval, pending, WORK,
        this::recomputeStale);
  }

  @Override
  public void close() {
    if (stale != null) {
      stale.close();
    }
    seasons.clear();
  }

  private static String k(String season, Object... parts) {
    StringBuilder b = new StringBuilder(season);
    for (Object p : parts) {
      b.append(StoreKeys.SEP).append(p);
    }
    return b.toString();
  }

  private static String k2(Object a, Object b) {
    return a.toString() + StoreKeys.SEP + b;
  }

  @Override
  public void process(Record<String, SpecificRecord> record) {
    SpecificRecord v = record.value();
    String name = SeasonInputs.seasonOf(v);
    if (name == null && !(v instanceof SeasonStart)) {
      return;
    }
    if (v instanceof SeasonStart s) {
      // The first game date moved: is_bootstrap can change on every row from the earlier of the two dates on.
      LocalDate before = s.getPreviousFirstGameDate();
      markStale(s.getSeason(), before != null && before.isBefore(s.getFirstGameDate()) ? before : s.getFirstGameDate());
      return;
    }
    Season season = season(name);
    if (v instanceof ScheduleGame g) {
      ScheduleGame old = season.gamesById.get(g.getGameId());
      if (!g.equals(old)) {
        schedule.put(k(name, g.getGameId()), g);
        season.putGame(old, g);
        markStale(name, old == null || g.getGameDate().isBefore(old.getGameDate()) ? g.getGameDate() : old.getGameDate());
      }
    } else if (v instanceof GameLine l) {
      if (l.getGameId() != null && !l.equals(season.lines.get(l.getGameId()))) {
        lines.put(k(name, l.getGameId()), l);
        season.lines.put(l.getGameId(), l);
        markStale(name, l.getGameDate());
      }
    } else if (v instanceof TeamOffenseGameSummary o) {
      TeamGameFacts f = factsOf(season, o.getGameId(), o.getGameDate(), o.getTeamAbbr(), o.getOppAbbr(), o.getHome());
      f.setPts(o.getPts());
      f.setPossessions(o.getPossessions());
      f.setPace(o.getPace());
      putFacts(season, f);
    } else if (v instanceof TeamDefenseGameSummary d) {
      TeamGameFacts f = factsOf(season, d.getGameId(), d.getGameDate(), d.getTeamAbbr(), d.getOppAbbr(), d.getHome());
      f.setOppPts(d.getOppPts());
      f.setOppPossessions(d.getOppPossessions());
      putFacts(season, f);
    } else if (v instanceof PlayerGameZones z) {
      String key = k2(z.getGameId(), z.getPlayerId());
      PlayerGameZones old = season.playerZones.get(key);
      if (!z.equals(old)) {
        playerZones.put(k(name, z.getGameId(), z.getPlayerId()), z);
        season.putPlayerZones(old, z);
        LocalDate from = old == null || z.getGameDate().isBefore(old.getGameDate()) ? z.getGameDate() : old.getGameDate();
        markStale(name, from.plusDays(1));
      }
    } else if (v instanceof PlayerAppearance a) {
      String key = k2(a.getGameId(), a.getPlayerId());
      PlayerAppearance old = season.appearances.get(key);
      if (!a.equals(old)) {
        appearances.put(k(name, a.getGameId(), a.getPlayerId()), a);
        LocalDate horizon = season.horizon();
        season.putAppearance(old, a);
        // From the appearance's own date (its rows after it change; and its date's team contexts are sent once the
        // date has a player, whatever order the dates' appearances arrive in).
        LocalDate from = old == null || a.getGameDate().isBefore(old.getGameDate()) ? a.getGameDate() : old.getGameDate();
        if (horizon == null || a.getGameDate().isAfter(horizon)) {
          // The horizon moves: the contexts of the dates it now covers are sent (recomputed from there on).
          LocalDate first = horizon == null ? a.getGameDate() : horizon.plusDays(1);
          from = first.isBefore(from) ? first : from;
        }
        markStale(name, from);
      }
    }
  }

  private TeamGameFacts factsOf(Season season, String gameId, LocalDate date, String team, String opp, boolean home) {
    TeamGameFacts f = season.facts.get(k2(gameId, team));
    if (f == null) {
      return TeamGameFacts.newBuilder().setSeason(season.name).setGameId(gameId).setGameDate(date).setTeamAbbr(team)
          .setOppAbbr(opp).setHome(home).build();
    }
    TeamGameFacts copy = TeamGameFacts.newBuilder(f).build();
    if (!copy.getGameDate().equals(date)) {
      markStale(season.name, copy.getGameDate().plusDays(1));
    }
    copy.setGameDate(date);
    copy.setOppAbbr(opp);
    copy.setHome(home);
    return copy;
  }

  private void putFacts(Season season, TeamGameFacts f) {
    TeamGameFacts old = season.facts.get(k2(f.getGameId(), f.getTeamAbbr()));
    if (!f.equals(old)) {
      facts.put(k(season.name, f.getGameId(), f.getTeamAbbr()), f);
      season.putFacts(old, f);
      season.factsChangedMs.put(f.getGameId(), context.currentSystemTimeMs());
      markStale(season.name, f.getGameDate().plusDays(1));
    }
  }

  private void markStale(String season, LocalDate from) {
    lastInputMs.put(season, context.currentSystemTimeMs());
    stale.mark(season, from.toString(), Deferred::earlier);
  }

  /**
   * Recomputes a stale season from its stale date on. A season whose recomputation throws is dead-lettered by
   * {@link Deferred} (reason and season in {@code nba.dlq}); the other seasons of the task go on.
   */
  private void recomputeStale(String name, String from) {
    SeasonStart first = seasonStarts.get(name); // set by the stage upstream before any input of the season
    if (first == null) {
      LOG.warn("season {}: no first game date yet (no schedule or game of it reached the season-start stage);"
          + " its rows are computed when one arrives", name);
      return;
    }
    Season season = season(name);
    LocalDate until = releasedUntil(season);
    LocalDate start = LocalDate.parse(from);
    if (until != null && until.isBefore(start)) {
      stale.mark(name, from, Deferred::earlier); // nothing due yet: still owed
      return;
    }
    recompute(season, start, until, first.getFirstGameDate());
    if (until != null) {
      stale.mark(name, until.plusDays(1).toString(), Deferred::earlier); // the later dates are still owed
    }
  }

  /**
   * The last date whose rows a recomputation may send now, or null for every date. With a settle time (the backfill
   * profile's {@code precompute.settle.ms}) and while the season's inputs are still arriving, a date's rows wait
   * until they are final: every row of D is a function of the season's games before D, which are still on their
   * way during a backfill (results reach this stage a hop later than the appearances that move the horizon), and
   * rows sent early are sent again with every late result (bench/RESULTS.md, the churn report). So rows are sent up
   * to the first date of a scheduled game (on or before the horizon) whose result is not in yet ({@link #resultIn}:
   * both teams' results complete, or none expected any more), and never past the horizon. Once the season's inputs
   * have been quiet for {@link #quietMs} (the end of a backfill, or any pause), or the topology has been seen
   * drained since their last one with the inputs complete (the end of a replay: {@link PendingWork#inputsDrainedAt})
   * and the stages before this one have settled their held work ({@link #UPSTREAM_WORK}), and always with a zero
   * settle (the live profile), every date is sent.
   */
  private LocalDate releasedUntil(Season season) {
    Long last = lastInputMs.get(season.name);
    if (settleMs == 0 || last == null
        || (context.currentSystemTimeMs() - Math.max(last, pending.lastRunMs(UPSTREAM_WORK)) >= quietMs()
            && !pending.owes(UPSTREAM_WORK))
        || (last <= pending.drainedAtMs() && pending.settledBy(UPSTREAM_WORK, pending.drainedAtMs()))) {
      return null;
    }
    LocalDate horizon = season.horizon();
    if (horizon == null) {
      return LocalDate.MIN;
    }
    long now = context.currentSystemTimeMs();
    LocalDate until = horizon;
    for (ScheduleGame g : season.gamesByDate.headMap(horizon.plusDays(1).toString(), false).values()) {
      // Every missing game is asked (its wait starts now), not only the first: several wait side by side.
      if (!resultIn(season, g, now) && g.getGameDate().isBefore(until)) {
        until = g.getGameDate(); // D's rows need the games before D only
      }
    }
    return until;
  }

  /**
   * The deferred work of the stages before this one: at the end of a replay (the topology seen drained) they send
   * what they held, at the same moment as this stage would send every date. Their rows (a night's summaries held
   * for shots that never come, in a season without a shot chart, and the appearances they bring; a game's team
   * rows) reach this stage a commit and a hop later, so the dates wait for a drain check made after that work
   * last ran with none of it owed ({@link PendingWork#settledBy}). The quiet window, likewise, counts from the
   * later of the season's last input and that work's last run, and only while none of it is owed here: a season
   * without a shot chart has its summaries held for 5 x settle waiting for shots, longer than the window, and its
   * dates were sent without the appearances those summaries bring: 2021-22 sent 2,604 of its 2,634 team contexts a
   * second time after the drain, each with its expected players changed.
   */
  static final java.util.List<String> UPSTREAM_WORK = java.util.List.of(
      dev.nbaprops.topology.player.PlayerGameStage.WORK, dev.nbaprops.topology.game.TeamGameStage.WORK);

  /** This stage's deferred work and the work before it: what a reader of its rows waits on at the end of a replay. */
  public static java.util.List<String> andUpstream() {
    java.util.List<String> all = new java.util.ArrayList<>(UPSTREAM_WORK);
    all.add(WORK);
    return java.util.List.copyOf(all);
  }

  /**
   * How long a season's inputs must have been quiet before every date is sent: the stages before this one hold
   * their own work until it has settled (a summary, a game's team rows: up to the settle time and a punctuation),
   * so a pause that short is not the end of the inputs.
   */
  private long quietMs() {
    return 2 * settleMs + interval.toMillis();
  }

  /**
   * Whether a scheduled game's result is in, as far as a backfill's held dates wait for it: both teams' results
   * complete ({@link #complete}) and both teams' appearances too ({@link Season#appearancesComplete}: the expected
   * players of the dates after it are built from them, and they come a hop later than the team rows, with the
   * player-game stage's summaries); or no more of it is expected: none of its players' lines came and both teams have
   * a complete result dated after it (a game postponed or moved; a game whose lines came was played, and its result
   * is on its way: a later game's result can come first, the game stage's tasks progress unevenly), or it has been
   * waited for {@value #GAME_WAIT_SETTLES} x the settle time (wall clock) since it was first found missing or its
   * rows last changed (a line or minutes missing at the source, a game never played at a season's end; during a
   * backfill a game's lines can lag the other partitions by tens of seconds, so the wait is long).
   */
  private boolean resultIn(Season season, ScheduleGame g, long now) {
    String gameId = g.getGameId();
    if (complete(season.facts.get(k2(gameId, g.getHomeTeamAbbr())))
        && complete(season.facts.get(k2(gameId, g.getAwayTeamAbbr())))
        && season.appearancesComplete(gameId, g.getHomeTeamAbbr())
        && season.appearancesComplete(gameId, g.getAwayTeamAbbr())) {
      season.waitingSinceMs.remove(gameId);
      return true;
    }
    if (season.appearancesOf(gameId, g.getHomeTeamAbbr()).isEmpty()
        && season.appearancesOf(gameId, g.getAwayTeamAbbr()).isEmpty()
        && season.completeAfter(g.getHomeTeamAbbr(), g.getGameDate())
        && season.completeAfter(g.getAwayTeamAbbr(), g.getGameDate())) {
      return true;
    }
    long since = season.waitingSinceMs.computeIfAbsent(gameId, k -> now);
    Long changed = season.factsChangedMs.get(gameId);
    return now - Math.max(since, changed == null ? since : changed) >= GAME_WAIT_SETTLES * settleMs;
  }

  /** How many settle times a held date waits at most for one missing game ({@link #resultIn}). */
  static final int GAME_WAIT_SETTLES = 20;

  /**
   * Whether a team's result of a game is all in: its offense and defense rows are here and its players' minutes add
   * up to a full game ({@link TeamGameSummaries#FULL_GAME_MINUTES}; the game stage holds a game's rows until then,
   * but only for a bounded time). A result that never gets there (a source missing a line) is waited for a bounded
   * time only ({@link #resultIn}).
   */
  static boolean complete(TeamGameFacts f) {
    return f != null && f.getPts() != null && f.getOppPts() != null && f.getPossessions() != null
        && f.getPace() != null && f.getPace() > 0
        && 48.0 * f.getPossessions() / f.getPace() >= TeamGameSummaries.FULL_GAME_MINUTES;
  }

  /** Recomputes the season's rows from {@code from} on (public for tests that drive the stage directly). */
  public void flush() {
    stale.run();
  }

  /** The rows of dates from {@code from} to {@code until} (null: the season's last), emitted where they changed. */
  private void recompute(Season season, LocalDate from, LocalDate until, LocalDate seasonFirst) {
    Map<LocalDate, TeamFeatures.League> leagues = new HashMap<>();
    Set<String> teamDates = new HashSet<>();
    Set<String> expectedKeys = new HashSet<>();
    long now = context.currentSystemTimeMs();
    LocalDate horizon = season.horizon();
    for (ScheduleGame g : new ArrayList<>(season.gamesByDate.tailMap(from.toString(), true).values())) {
      LocalDate d = g.getGameDate();
      if (until != null && d.isAfter(until)) {
        break; // games by date: the rest is owed
      }
      TeamFeatures.League league = leagues.computeIfAbsent(d, season::league);
      GameLine line = season.lines.get(g.getGameId());
      for (boolean home : new boolean[] {true, false}) {
        String team = home ? g.getHomeTeamAbbr() : g.getAwayTeamAbbr();
        String opp = home ? g.getAwayTeamAbbr() : g.getHomeTeamAbbr();
        List<TeamFeatures.PriorGame> prior = season.prior(team, d);
        List<TeamFeatures.PriorGame> oppPrior = season.prior(opp, d);
        List<ExpectedPlayer> players = ExpectedPlayers.of(g, team, opp, home, prior, season::appearancesOf,
            season::historyOf);
        TeamDefenseZoneAnalysis zones = TeamFeatures.defenseZones(team, d, season.name, g.getGameId(), opp, prior,
            league, seasonFirst);
        UpcomingTeamGameContext upcoming = TeamFeatures.upcoming(g.getGameId(), team, season.name, d, opp, home,
            prior, oppPrior,
            line == null ? null : TeamFeatures.teamSpread(line.getSpread(), line.getWhosFavored(), home),
            line == null ? null : line.getTotal(), league, players.size());
        String key = k2(team, d);
        teamDates.add(key);
        emitIfChanged(zonesOut, season.zonesOut, key, zones, TEAM_ZONES, key, now);
        emitIfChanged(upcomingOut, season.upcomingOut, key, upcoming, UPCOMING_TEAM, k2(g.getGameId(), team), now);
        TeamGameContext teamContext = TeamFeatures.joinContext(upcoming, zones);
        if (horizon != null && !d.isAfter(horizon)) { // later dates: recomputed when the horizon passes them
          emitIfChanged(contextOut, season.contextOut, key, teamContext, TEAM_CONTEXT, key, now);
        }
        for (ExpectedPlayer p : players) {
          String ek = k(season.name, d, team, p.getPlayerId());
          expectedKeys.add(ek);
          if (!p.equals(season.expected.get(ek))) {
            expected.put(ek, p);
            season.expected.put(ek, p);
            context.forward(new Record<String, SpecificRecord>(StoreKeys.player(p.getPlayerId()), p, now), EXPECTED);
          }
        }
      }
    }
    retractGone(season, from, until, teamDates, expectedKeys, now);
  }

  /** Against the season's decoded copy of the store ({@code memory}), which follows every write. */
  private static <V extends SpecificRecord> void emitIfChanged(TableStore<V> store, Map<String, V> memory,
                                                               String storeKey, V row, String child, String topicKey,
                                                               long ts) {
    if (store.emitIfChanged(storeKey, row, memory.get(storeKey), topicKey, child, ts)) {
      memory.put(storeKey, row);
    }
  }

  /** Rows and expectations of this season from {@code from} on that the current schedule no longer has. */
  private void retractGone(Season season, LocalDate from, LocalDate until, Set<String> teamDates,
                           Set<String> expectedKeys, long ts) {
    List<UpcomingTeamGameContext> gone = new ArrayList<>();
    for (Map.Entry<String, UpcomingTeamGameContext> e : season.upcomingOut.entrySet()) {
      if (!e.getValue().getGameDate().isBefore(from) && (until == null || !e.getValue().getGameDate().isAfter(until))
          && !teamDates.contains(e.getKey())) {
        gone.add(e.getValue());
      }
    }
    for (UpcomingTeamGameContext u : gone) {
      String key = k2(u.getTeamAbbr(), u.getGameDate());
      upcomingOut.delete(key);
      zonesOut.delete(key);
      season.upcomingOut.remove(key);
      season.zonesOut.remove(key);
      context.forward(new Record<String, SpecificRecord>(k2(u.getGameId(), u.getTeamAbbr()), null, ts), UPCOMING_TEAM);
      context.forward(new Record<String, SpecificRecord>(key, null, ts), TEAM_ZONES);
      if (season.contextOut.remove(key) != null) {
        contextOut.delete(key);
        context.forward(new Record<String, SpecificRecord>(key, null, ts), TEAM_CONTEXT);
      }
    }
    List<Map.Entry<String, ExpectedPlayer>> retracted = new ArrayList<>();
    for (Map.Entry<String, ExpectedPlayer> e : season.expected.entrySet()) {
      if (!e.getValue().getGameDate().isBefore(from) && (until == null || !e.getValue().getGameDate().isAfter(until))
          && !expectedKeys.contains(e.getKey())) {
        retracted.add(e);
      }
    }
    for (Map.Entry<String, ExpectedPlayer> e : retracted) {
      expected.delete(e.getKey());
      season.expected.remove(e.getKey());
      ExpectedPlayer no = ExpectedPlayer.newBuilder(e.getValue()).setExpected(false).build();
      context.forward(new Record<String, SpecificRecord>(StoreKeys.player(no.getPlayerId()), no, ts), EXPECTED);
    }
  }

  /** The season's decoded state, loaded from the stores on first use after the task (re)started. */
  private Season season(String name) {
    Season s = seasons.get(name);
    if (s == null) {
      s = new Season(name);
      String prefix = name + StoreKeys.SEP;
      Season loading = s;
      scan(schedule, prefix, g -> loading.putGame(null, g));
      scan(lines, prefix, l -> loading.lines.put(l.getGameId(), l));
      scan(facts, prefix, f -> loading.putFacts(null, f));
      scan(playerZones, prefix, z -> loading.putPlayerZones(null, z));
      scan(appearances, prefix, a -> loading.putAppearance(null, a));
      try (KeyValueIterator<String, ExpectedPlayer> it = expected.prefixScan(prefix, KEYS)) {
        it.forEachRemaining(kv -> loading.expected.put(kv.key, kv.value));
      }
      try (KeyValueIterator<String, UpcomingTeamGameContext> it = upcomingOut.rows().all()) { // keyed team|date
        it.forEachRemaining(kv -> {
          if (kv.value.getSeason().equals(name)) {
            loading.upcomingOut.put(kv.key, kv.value);
            loading.zonesOut.put(kv.key, zonesOut.get(kv.key));
            TeamGameContext sent = contextOut.get(kv.key);
            if (sent != null) {
              loading.contextOut.put(kv.key, sent);
            }
          }
        });
      }
      seasons.put(name, s);
    }
    return s;
  }

  private static <V> void scan(KeyValueStore<String, V> store, String prefix, java.util.function.Consumer<V> to) {
    try (KeyValueIterator<String, V> it = store.prefixScan(prefix, KEYS)) {
      it.forEachRemaining(kv -> to.accept(kv.value));
    }
  }

  /**
   * One season in memory, indexed the way a recomputation reads it: games by date, each team's results by date,
   * the shots of each team-game (sums of its players'), each player's appearances by date, and the rows last
   * emitted. Every iteration order is the stores' key order, so sums come out bit for bit the same however the
   * state was built (from the stores or input by input).
   */
  static final class Season {
    final String name;
    final Map<String, ScheduleGame> gamesById = new HashMap<>();
    /** date|game. */
    final TreeMap<String, ScheduleGame> gamesByDate = new TreeMap<>();
    final Map<String, GameLine> lines = new HashMap<>();
    /** game|team. */
    final Map<String, TeamGameFacts> facts = new HashMap<>();
    /** team -> date|game. */
    final Map<String, TreeMap<String, TeamGameFacts>> factsByTeam = new HashMap<>();
    /** date -> game|team. */
    final TreeMap<LocalDate, TreeMap<String, TeamGameFacts>> factsByDate = new TreeMap<>();
    /** game|player. */
    final Map<String, PlayerGameZones> playerZones = new HashMap<>();
    /** game|team: the sums of the team's players' zones in the game. */
    final Map<String, PlayerGameZones> teamZones = new HashMap<>();
    /** date -> game|team. */
    final TreeMap<LocalDate, TreeMap<String, PlayerGameZones>> teamZonesByDate = new TreeMap<>();
    /** game|player. */
    final Map<String, PlayerAppearance> appearances = new HashMap<>();
    /** player -> appearances by date, then game. */
    final Map<Long, List<PlayerAppearance>> byPlayer = new HashMap<>();
    /** game|team -> player id (as text, the store's order) -> appearance. */
    final Map<String, TreeMap<String, PlayerAppearance>> byTeamGame = new HashMap<>();
    /** Rows last emitted, by store key (team|date); expectations by store key (season|date|team|player). */
    final Map<String, TeamDefenseZoneAnalysis> zonesOut = new HashMap<>();
    final Map<String, UpcomingTeamGameContext> upcomingOut = new HashMap<>();
    /** Team contexts sent to the player tasks (as in {@link #CONTEXT_STORE}). */
    final Map<String, TeamGameContext> contextOut = new HashMap<>();
    /** Appearances per date: the horizon is the latest date with one. */
    final TreeMap<LocalDate, Integer> appearanceDates = new TreeMap<>();
    final Map<String, ExpectedPlayer> expected = new HashMap<>();

    Season(String name) {
      this.name = name;
    }

    void putGame(ScheduleGame old, ScheduleGame g) {
      if (old != null) {
        gamesByDate.remove(k2(old.getGameDate(), old.getGameId()));
      }
      gamesById.put(g.getGameId(), g);
      gamesByDate.put(k2(g.getGameDate(), g.getGameId()), g);
    }

    void putFacts(TeamGameFacts old, TeamGameFacts f) {
      if (old != null) {
        factsByTeam.get(old.getTeamAbbr()).remove(k2(old.getGameDate(), old.getGameId()));
        TreeMap<String, TeamGameFacts> ofDate = factsByDate.get(old.getGameDate());
        ofDate.remove(k2(old.getGameId(), old.getTeamAbbr()));
        if (ofDate.isEmpty()) {
          factsByDate.remove(old.getGameDate());
        }
      }
      facts.put(k2(f.getGameId(), f.getTeamAbbr()), f);
      factsByTeam.computeIfAbsent(f.getTeamAbbr(), t -> new TreeMap<>()).put(k2(f.getGameDate(), f.getGameId()), f);
      factsByDate.computeIfAbsent(f.getGameDate(), d -> new TreeMap<>()).put(k2(f.getGameId(), f.getTeamAbbr()), f);
    }

    /** When each game's team rows last changed (wall clock ms; memory only: a restored season has none). */
    final Map<String, Long> factsChangedMs = new HashMap<>();
    /** When each game still missing was first found so by {@link #resultIn} (wall clock ms; memory only). */
    final Map<String, Long> waitingSinceMs = new HashMap<>();

    /** Whether {@code team} has a complete result ({@link #complete}) dated after {@code date}. */
    boolean completeAfter(String team, LocalDate date) {
      TreeMap<String, TeamGameFacts> ofTeam = factsByTeam.get(team);
      if (ofTeam == null) {
        return false;
      }
      for (TeamGameFacts f : ofTeam.tailMap(date.plusDays(1).toString(), true).descendingMap().values()) {
        if (complete(f)) {
          return true;
        }
      }
      return false;
    }

    void putPlayerZones(PlayerGameZones old, PlayerGameZones z) {
      if (old != null) {
        addToTeam(old, -1);
      }
      playerZones.put(k2(z.getGameId(), z.getPlayerId()), z);
      addToTeam(z, +1);
    }

    private void addToTeam(PlayerGameZones z, int sign) {
      String team = Teams.abbrOfTeamId(z.getTeamId()).orElse(Long.toString(z.getTeamId()));
      String key = k2(z.getGameId(), team);
      PlayerGameZones t = teamZones.get(key);
      if (t != null) {
        TreeMap<String, PlayerGameZones> ofDate = teamZonesByDate.get(t.getGameDate());
        ofDate.remove(key);
        if (ofDate.isEmpty()) {
          teamZonesByDate.remove(t.getGameDate());
        }
      } else {
        t = ShotZones.empty(z.getGameId(), 0, z.getTeamId(), z.getGameDate(), name);
      }
      t = ShotZones.plus(t, z, sign);
      if (sign > 0) {
        t.setGameDate(z.getGameDate());
      }
      if (t.getShotAttempts() == 0) {
        teamZones.remove(key);
      } else {
        teamZones.put(key, t);
        teamZonesByDate.computeIfAbsent(t.getGameDate(), d -> new TreeMap<>()).put(key, t);
      }
    }

    void putAppearance(PlayerAppearance old, PlayerAppearance a) {
      if (old != null) {
        byPlayer.get(old.getPlayerId()).remove(old);
        TreeMap<String, PlayerAppearance> ofGame = byTeamGame.get(k2(old.getGameId(), old.getTeamAbbr()));
        ofGame.remove(Long.toString(old.getPlayerId()));
      }
      if (old != null) {
        appearanceDates.computeIfPresent(old.getGameDate(), (d, n) -> n == 1 ? null : n - 1);
      }
      appearanceDates.merge(a.getGameDate(), 1, Integer::sum);
      appearances.put(k2(a.getGameId(), a.getPlayerId()), a);
      List<PlayerAppearance> his = byPlayer.computeIfAbsent(a.getPlayerId(), p -> new ArrayList<>());
      int at = 0;
      while (at < his.size() && ExpectedPlayers.ORDER.compare(his.get(at), a) < 0) {
        at++;
      }
      his.add(at, a);
      byTeamGame.computeIfAbsent(k2(a.getGameId(), a.getTeamAbbr()), t -> new TreeMap<>())
          .put(Long.toString(a.getPlayerId()), a);
    }

    /** The latest date a player appeared on this season (null before any box score). */
    LocalDate horizon() {
      return appearanceDates.isEmpty() ? null : appearanceDates.lastKey();
    }

    /**
     * Whether the appearances of a team's game add up to a full game of minutes, as its team rows must
     * ({@link TeamGameSummaries#FULL_GAME_MINUTES}): a season without a shot chart (2021-22 in ../shared) had every
     * summary, so every appearance, held for shots that never came, then reach this stage as one burst from two
     * player tasks at different speeds; dates were sent as soon as their results were in and sent again as the
     * appearances of the games before them arrived (upcoming team contexts 6.75 versions a key, bench/RESULTS.md).
     */
    boolean appearancesComplete(String gameId, String team) {
      TreeMap<String, PlayerAppearance> m = byTeamGame.get(k2(gameId, team));
      if (m == null) {
        return false;
      }
      double min = 0;
      for (PlayerAppearance a : m.values()) {
        min += a.getMin();
      }
      return min / 5.0 >= TeamGameSummaries.FULL_GAME_MINUTES;
    }

    List<PlayerAppearance> appearancesOf(String gameId, String team) {
      TreeMap<String, PlayerAppearance> m = byTeamGame.get(k2(gameId, team));
      return m == null ? List.of() : new ArrayList<>(m.values());
    }

    List<PlayerAppearance> historyOf(long playerId) {
      return byPlayer.get(playerId);
    }

    /** The team's games before D (by date, then game) with the opponent's shots in each. */
    List<TeamFeatures.PriorGame> prior(String team, LocalDate d) {
      List<TeamFeatures.PriorGame> out = new ArrayList<>();
      TreeMap<String, TeamGameFacts> all = factsByTeam.get(team);
      if (all == null) {
        return out;
      }
      for (TeamGameFacts f : all.headMap(d.toString(), false).values()) {
        PlayerGameZones opp = teamZones.get(k2(f.getGameId(), f.getOppAbbr()));
        out.add(new TeamFeatures.PriorGame(f, opp == null ? null : new ShotZones.Counts().add(opp)));
      }
      return out;
    }

    /** The league before D: every team-game's shots and pace of the season before D. */
    TeamFeatures.League league(LocalDate d) {
      ShotZones.Counts c = new ShotZones.Counts();
      for (TreeMap<String, PlayerGameZones> ofDate : teamZonesByDate.headMap(d, false).values()) {
        for (PlayerGameZones z : ofDate.values()) {
          c.add(z);
        }
      }
      double sum = 0;
      int n = 0;
      for (TreeMap<String, TeamGameFacts> ofDate : factsByDate.headMap(d, false).values()) {
        double dateSum = 0;
        int dateGames = 0;
        for (TeamGameFacts f : ofDate.values()) {
          if (f.getPace() != null) {
            dateSum += f.getPace();
            dateGames++;
          }
        }
        if (dateGames > 0) {
          sum += dateSum;
          n += dateGames;
        }
      }
      return new TeamFeatures.League(c, sum, n);
    }
  }
}
