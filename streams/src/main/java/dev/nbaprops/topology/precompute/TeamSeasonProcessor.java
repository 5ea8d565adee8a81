package dev.nbaprops.topology.precompute;

import dev.nbaprops.avro.analytics.TeamDefenseGameSummary;
import dev.nbaprops.avro.analytics.TeamOffenseGameSummary;
import dev.nbaprops.avro.analytics.UpcomingTeamGameContext;
import dev.nbaprops.avro.precompute.TeamDefenseZoneAnalysis;
import dev.nbaprops.avro.raw.GameLine;
import dev.nbaprops.avro.raw.ScheduleGame;
import dev.nbaprops.avro.raw.Shot;
import dev.nbaprops.avro.state.ExpectedPlayer;
import dev.nbaprops.avro.state.PlayerAppearance;
import dev.nbaprops.avro.state.PlayerGameZones;
import dev.nbaprops.avro.state.SeasonStart;
import dev.nbaprops.avro.state.ShotFact;
import dev.nbaprops.avro.state.TeamGameContext;
import dev.nbaprops.avro.state.TeamGameFacts;
import dev.nbaprops.features.ShotZones;
import dev.nbaprops.features.TeamFeatures;
import dev.nbaprops.source.Teams;
import dev.nbaprops.topology.PendingWork;
import dev.nbaprops.topology.StoreKeys;
import dev.nbaprops.topology.Tags;
import java.time.Duration;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The team and league stage, one task per season (input repartitioned by season): everything that needs all of
 * a season's teams at once. It keeps the season's schedule, game lines, team results (from the team game
 * summaries), the shots by game and shooting team, and who appeared for whom; and computes, for every scheduled
 * team-game on D:
 * <ul>
 *   <li>nba_precompute.team_defense_zone_analysis (team, D): opponents' zone FG% over the team's last 15 games
 *       before D against the league's over every shot of the season before D;</li>
 *   <li>nba_analytics.upcoming_team_game_context (game, team): rest, back-to-back, games in the last 7 days,
 *       the team's spread and the total, rolling pace and ratings (last 10 and season);</li>
 *   <li>the team's context for the feature join ({@link TeamGameContext}, key team|D);</li>
 *   <li>the players expected to play the game ({@link ExpectedPlayer}, to the players' tasks).</li>
 * </ul>
 * Inputs only update state and mark the season dirty from the earliest date they can affect (a result on X
 * affects rows after X; a schedule entry or game line on X affects X). A wall-clock punctuation then recomputes
 * the season's rows from that date on, in one pass, and emits the rows that changed (and tombstones for rows
 * whose game left the date). Rows for D are functions of games before D only, so arrival order does not matter
 * and nothing on D or later leaks into them.
 */
public final class TeamSeasonProcessor implements Processor<String, SpecificRecord, String, SpecificRecord> {
  public static final String SCHEDULE_STORE = "season-schedule";
  public static final String LINES_STORE = "season-game-lines";
  public static final String FACTS_STORE = "season-team-games";
  public static final String SHOTS_STORE = "season-shot-by-id";
  public static final String TEAM_SHOTS_STORE = "season-team-game-shots";
  public static final String APPEARANCES_STORE = "season-appearances";
  public static final String EXPECTED_STORE = "season-expected-players";
  public static final String DIRTY_STORE = "season-dirty";
  public static final String ZONES_STORE = "team-defense-zone-analysis";
  public static final String UPCOMING_STORE = "upcoming-team-game-context";
  public static final String CONTEXT_STORE = "team-game-context";
  public static final List<String> STORES = List.of(SCHEDULE_STORE, LINES_STORE, FACTS_STORE, SHOTS_STORE,
      TEAM_SHOTS_STORE, APPEARANCES_STORE, EXPECTED_STORE, DIRTY_STORE, ZONES_STORE, UPCOMING_STORE, CONTEXT_STORE);
  /** A player is expected for a team when he appeared for it in one of its last this-many games. */
  public static final int EXPECTED_RECENT_GAMES = 3;
  private static final StringSerializer KEYS = new StringSerializer();

  private final Duration interval;
  private ProcessorContext<String, SpecificRecord> context;
  private KeyValueStore<String, ScheduleGame> schedule;
  private KeyValueStore<String, GameLine> lines;
  private KeyValueStore<String, TeamGameFacts> facts;
  private KeyValueStore<String, ShotFact> shots;
  private KeyValueStore<String, PlayerGameZones> teamShots;
  private KeyValueStore<String, PlayerAppearance> appearances;
  private KeyValueStore<String, ExpectedPlayer> expected;
  private KeyValueStore<String, String> dirty;
  private KeyValueStore<String, TeamDefenseZoneAnalysis> zonesOut;
  private KeyValueStore<String, UpcomingTeamGameContext> upcomingOut;
  private KeyValueStore<String, TeamGameContext> contextOut;
  private KeyValueStore<String, SeasonStart> seasonStarts;

  private final PendingWork pending;

  /**
   * The season's first game date comes from {@link SeasonStartProcessor}'s store (read only), which sees every input
   * of the season before this stage does.
   */
  public TeamSeasonProcessor(Duration interval, PendingWork pending) {
    this.interval = interval;
    this.pending = pending;
  }

  private String pendingId(String season) {
    return context.taskId() + "/" + season;
  }

  @Override
  public void init(ProcessorContext<String, SpecificRecord> context) {
    this.context = context;
    schedule = context.getStateStore(SCHEDULE_STORE);
    lines = context.getStateStore(LINES_STORE);
    facts = context.getStateStore(FACTS_STORE);
    shots = context.getStateStore(SHOTS_STORE);
    teamShots = context.getStateStore(TEAM_SHOTS_STORE);
    appearances = context.getStateStore(APPEARANCES_STORE);
    expected = context.getStateStore(EXPECTED_STORE);
    dirty = context.getStateStore(DIRTY_STORE);
    zonesOut = context.getStateStore(ZONES_STORE);
    upcomingOut = context.getStateStore(UPCOMING_STORE);
    contextOut = context.getStateStore(CONTEXT_STORE);
    seasonStarts = context.getStateStore(SeasonStartProcessor.STORE);
    context.schedule(interval, PunctuationType.WALL_CLOCK_TIME, now -> flush());
    try (KeyValueIterator<String, String> it = dirty.all()) {
      it.forEachRemaining(kv -> pending.dirty(pendingId(kv.key))); // restored state still owes work
    }
  }

  @Override
  public void close() {
    try (KeyValueIterator<String, String> it = dirty.all()) {
      it.forEachRemaining(kv -> pending.done(pendingId(kv.key))); // the task moves: its next owner does it
    } catch (RuntimeException e) {
      // the store may already be closed; nothing is lost (the dirty marks are in the store's changelog)
    }
  }

  private static String k(String season, Object... parts) {
    StringBuilder b = new StringBuilder(season);
    for (Object p : parts) {
      b.append(StoreKeys.SEP).append(p);
    }
    return b.toString();
  }

  @Override
  public void process(Record<String, SpecificRecord> record) {
    SpecificRecord v = record.value();
    if (v instanceof ScheduleGame g) {
      String key = k(g.getSeason(), g.getGameId());
      ScheduleGame old = schedule.get(key);
      if (!g.equals(old)) {
        schedule.put(key, g);
        markDirty(g.getSeason(), old == null || g.getGameDate().isBefore(old.getGameDate())
            ? g.getGameDate() : old.getGameDate());
      }
    } else if (v instanceof GameLine l && l.getGameId() != null) {
      String key = k(l.getSeason(), l.getGameId());
      if (!l.equals(lines.get(key))) {
        lines.put(key, l);
        markDirty(l.getSeason(), l.getGameDate());
      }
    } else if (v instanceof TeamOffenseGameSummary o) {
      TeamGameFacts f = factsOf(o.getSeason(), o.getGameId(), o.getGameDate(), o.getTeamAbbr(), o.getOppAbbr(),
          o.getHome());
      f.setPts(o.getPts());
      f.setPossessions(o.getPossessions());
      f.setPace(o.getPace());
      putFacts(f);
    } else if (v instanceof TeamDefenseGameSummary d) {
      TeamGameFacts f = factsOf(d.getSeason(), d.getGameId(), d.getGameDate(), d.getTeamAbbr(), d.getOppAbbr(),
          d.getHome());
      f.setOppPts(d.getOppPts());
      f.setOppPossessions(d.getOppPossessions());
      putFacts(f);
    } else if (v instanceof Shot s) {
      shot(s);
    } else if (v instanceof SeasonStart s) {
      // The first game date moved: is_bootstrap can change on every row from the earlier of the two dates on.
      LocalDate before = s.getPreviousFirstGameDate();
      markDirty(s.getSeason(), before != null && before.isBefore(s.getFirstGameDate()) ? before : s.getFirstGameDate());
    } else if (v instanceof PlayerAppearance a) {
      String key = k(a.getSeason(), a.getGameId(), a.getPlayerId());
      PlayerAppearance old = appearances.get(key);
      if (!a.equals(old)) {
        appearances.put(key, a);
        LocalDate from = old == null || a.getGameDate().isBefore(old.getGameDate()) ? a.getGameDate() : old.getGameDate();
        markDirty(a.getSeason(), from.plusDays(1));
      }
    }
  }

  private TeamGameFacts factsOf(String season, String gameId, LocalDate date, String team, String opp, boolean home) {
    TeamGameFacts f = facts.get(k(season, gameId, team));
    if (f == null) {
      return TeamGameFacts.newBuilder().setSeason(season).setGameId(gameId).setGameDate(date).setTeamAbbr(team)
          .setOppAbbr(opp).setHome(home).build();
    }
    TeamGameFacts copy = TeamGameFacts.newBuilder(f).build();
    if (!copy.getGameDate().equals(date)) {
      markDirty(season, copy.getGameDate().plusDays(1));
    }
    copy.setGameDate(date);
    copy.setOppAbbr(opp);
    copy.setHome(home);
    return copy;
  }

  private void putFacts(TeamGameFacts f) {
    String key = k(f.getSeason(), f.getGameId(), f.getTeamAbbr());
    if (!f.equals(facts.get(key))) {
      facts.put(key, f);
      markDirty(f.getSeason(), f.getGameDate().plusDays(1));
    }
  }

  private void shot(Shot s) {
    String zone = ShotZones.zoneOf(s.getZoneBasic());
    ShotFact fact = ShotFact.newBuilder().setTeamId(s.getTeamId()).setZone(zone).setMade(s.getShotMade())
        .setGameDate(s.getGameDate()).build();
    String key = k(s.getSeason(), s.getGameId(), s.getSeq());
    ShotFact old = shots.get(key);
    if (fact.equals(old)) {
      return;
    }
    if (old != null) {
      count(s.getSeason(), s.getGameId(), old, -1);
    }
    shots.put(key, fact);
    count(s.getSeason(), s.getGameId(), fact, +1);
    LocalDate from = old == null || s.getGameDate().isBefore(old.getGameDate()) ? s.getGameDate() : old.getGameDate();
    markDirty(s.getSeason(), from.plusDays(1));
  }

  private void count(String season, String gameId, ShotFact f, int sign) {
    String team = Teams.abbrOfTeamId(f.getTeamId()).orElse(Long.toString(f.getTeamId()));
    String key = k(season, gameId, team);
    PlayerGameZones z = teamShots.get(key);
    if (z == null) {
      z = ShotZones.empty(gameId, 0, f.getTeamId(), f.getGameDate(), season);
    }
    z.setGameDate(f.getGameDate());
    ShotZones.apply(z, f.getZone(), f.getMade(), sign);
    if (z.getShotAttempts() == 0) {
      teamShots.delete(key);
    } else {
      teamShots.put(key, z);
    }
  }

  private void markDirty(String season, LocalDate from) {
    String current = dirty.get(season);
    if (current == null || from.toString().compareTo(current) < 0) {
      dirty.put(season, from.toString());
    }
    pending.dirty(pendingId(season));
  }

  /** Recomputes every dirty season from its dirty date on. Public for tests that drive it directly. */
  public void flush() {
    List<KeyValue<String, String>> todo = new ArrayList<>();
    try (KeyValueIterator<String, String> it = dirty.all()) {
      it.forEachRemaining(todo::add);
    }
    for (KeyValue<String, String> kv : todo) {
      SeasonStart first = seasonStarts.get(kv.key); // set by the stage upstream before any input of the season
      if (first != null) {
        recompute(kv.key, LocalDate.parse(kv.value), first.getFirstGameDate());
      }
      dirty.delete(kv.key);
      pending.done(pendingId(kv.key));
    }
  }

  private <V> List<V> scan(KeyValueStore<String, V> store, String season) {
    List<V> out = new ArrayList<>();
    try (KeyValueIterator<String, V> it = store.prefixScan(season + StoreKeys.SEP, KEYS)) {
      it.forEachRemaining(kv -> out.add(kv.value));
    }
    return out;
  }

  private void recompute(String season, LocalDate from, LocalDate seasonFirst) {
    Comparator<TeamGameFacts> order = Comparator.comparing(TeamGameFacts::getGameDate)
        .thenComparing(TeamGameFacts::getGameId);
    Map<String, List<TeamGameFacts>> byTeam = new java.util.TreeMap<>();
    List<TeamGameFacts> allFacts = scan(facts, season); // key order: the same whatever the arrival order
    for (TeamGameFacts f : allFacts) {
      byTeam.computeIfAbsent(f.getTeamAbbr(), t -> new ArrayList<>()).add(f);
    }
    byTeam.values().forEach(l -> l.sort(order));
    Map<String, PlayerGameZones> shotsByGameTeam = new HashMap<>();
    TreeMap<LocalDate, ShotZones.Counts> leagueShotsByDate = new TreeMap<>();
    for (PlayerGameZones z : scan(teamShots, season)) {
      String team = Teams.abbrOfTeamId(z.getTeamId()).orElse(Long.toString(z.getTeamId()));
      shotsByGameTeam.put(z.getGameId() + StoreKeys.SEP + team, z);
      leagueShotsByDate.computeIfAbsent(z.getGameDate(), d -> new ShotZones.Counts()).add(z);
    }
    TreeMap<LocalDate, double[]> leaguePaceByDate = new TreeMap<>();
    for (TeamGameFacts f : allFacts) {
      if (f.getPace() != null) {
        double[] p = leaguePaceByDate.computeIfAbsent(f.getGameDate(), d -> new double[2]);
        p[0] += f.getPace();
        p[1]++;
      }
    }
    Map<String, List<PlayerAppearance>> appearancesByPlayer = new HashMap<>();
    Map<String, List<PlayerAppearance>> appearancesByTeamGame = new HashMap<>();
    for (PlayerAppearance a : scan(appearances, season)) {
      appearancesByPlayer.computeIfAbsent(Long.toString(a.getPlayerId()), p -> new ArrayList<>()).add(a);
      appearancesByTeamGame.computeIfAbsent(a.getGameId() + StoreKeys.SEP + a.getTeamAbbr(), t -> new ArrayList<>())
          .add(a);
    }
    Comparator<PlayerAppearance> appOrder = Comparator.comparing(PlayerAppearance::getGameDate)
        .thenComparing(PlayerAppearance::getGameId);
    appearancesByPlayer.values().forEach(l -> l.sort(appOrder));

    List<ScheduleGame> games = new ArrayList<>(scan(schedule, season));
    games.sort(Comparator.comparing(ScheduleGame::getGameDate).thenComparing(ScheduleGame::getGameId));
    Set<String> teamDates = new HashSet<>();
    Set<String> expectedKeys = new HashSet<>();
    for (ScheduleGame g : games) {
      LocalDate d = g.getGameDate();
      if (d.isBefore(from)) {
        continue;
      }
      League league = league(leagueShotsByDate, leaguePaceByDate, d);
      GameLine line = lines.get(k(season, g.getGameId()));
      for (boolean home : new boolean[] {true, false}) {
        String team = home ? g.getHomeTeamAbbr() : g.getAwayTeamAbbr();
        String opp = home ? g.getAwayTeamAbbr() : g.getHomeTeamAbbr();
        List<TeamFeatures.PriorGame> prior = prior(byTeam.get(team), d, shotsByGameTeam);
        List<TeamFeatures.PriorGame> oppPrior = prior(byTeam.get(opp), d, shotsByGameTeam);
        List<ExpectedPlayer> players = expectedPlayers(g, team, opp, home, prior, appearancesByTeamGame,
            appearancesByPlayer);
        TeamDefenseZoneAnalysis zones = TeamFeatures.defenseZones(team, d, season, g.getGameId(), opp, prior,
            league.value(), seasonFirst);
        UpcomingTeamGameContext upcoming = TeamFeatures.upcoming(g.getGameId(), team, season, d, opp, home, prior,
            oppPrior, line == null ? null : TeamFeatures.teamSpread(line.getSpread(), line.getWhosFavored(), home),
            line == null ? null : line.getTotal(), league.value(), players.size());
        String key = team + StoreKeys.SEP + d;
        teamDates.add(key);
        emitIfChanged(zonesOut, key, zones, Tags.TEAM_ZONES, key);
        emitIfChanged(upcomingOut, key, upcoming, Tags.UPCOMING_TEAM, g.getGameId() + StoreKeys.SEP + team);
        emitIfChanged(contextOut, key, TeamFeatures.joinContext(upcoming, zones), Tags.TEAM_CONTEXT, key);
        for (ExpectedPlayer p : players) {
          String ek = k(season, d, team, p.getPlayerId());
          expectedKeys.add(ek);
          if (!p.equals(expected.get(ek))) {
            expected.put(ek, p);
            context.forward(new Record<>(Tags.EXPECTED + p.getPlayerId(), p, context.currentSystemTimeMs()));
          }
        }
      }
    }
    retractGone(season, from, teamDates, expectedKeys);
  }

  private record League(TeamFeatures.League value) {}

  private static League league(TreeMap<LocalDate, ShotZones.Counts> shotsByDate, TreeMap<LocalDate, double[]> pace,
                               LocalDate d) {
    ShotZones.Counts c = new ShotZones.Counts();
    shotsByDate.headMap(d, false).values().forEach(c::add);
    double sum = 0;
    int n = 0;
    for (double[] p : pace.headMap(d, false).values()) {
      sum += p[0];
      n += (int) p[1];
    }
    return new League(new TeamFeatures.League(c, sum, n));
  }

  private static List<TeamFeatures.PriorGame> prior(List<TeamGameFacts> all, LocalDate d,
                                                    Map<String, PlayerGameZones> shotsByGameTeam) {
    List<TeamFeatures.PriorGame> out = new ArrayList<>();
    if (all == null) {
      return out;
    }
    for (TeamGameFacts f : all) {
      if (!f.getGameDate().isBefore(d)) {
        break;
      }
      PlayerGameZones opp = shotsByGameTeam.get(f.getGameId() + StoreKeys.SEP + f.getOppAbbr());
      out.add(new TeamFeatures.PriorGame(f, opp == null ? null : new ShotZones.Counts().add(opp)));
    }
    return out;
  }

  /**
   * Players expected for {@code team} on the game's date: those who appeared for it in one of its last
   * {@value #EXPECTED_RECENT_GAMES} games of the season before D and whose latest appearance before D was for it
   * (a traded player moves with his last team). A team's first game of a season has no expected players.
   */
  private static List<ExpectedPlayer> expectedPlayers(ScheduleGame g, String team, String opp, boolean home,
                                                      List<TeamFeatures.PriorGame> prior,
                                                      Map<String, List<PlayerAppearance>> byTeamGame,
                                                      Map<String, List<PlayerAppearance>> byPlayer) {
    LocalDate d = g.getGameDate();
    Map<Long, ExpectedPlayer> out = new LinkedHashMap<>();
    for (TeamFeatures.PriorGame pg : dev.nbaprops.features.PlayerFeatures.last(prior, EXPECTED_RECENT_GAMES)) {
      for (PlayerAppearance a : byTeamGame.getOrDefault(pg.facts().getGameId() + StoreKeys.SEP + team, List.of())) {
        if (out.containsKey(a.getPlayerId())) {
          continue;
        }
        List<PlayerAppearance> all = byPlayer.get(Long.toString(a.getPlayerId())); // by date, then game
        int end = firstOnOrAfter(all, d); // his appearances before D are all[0, end), end >= 1 (a is one)
        PlayerAppearance last = all.get(end - 1);
        if (!last.getTeamAbbr().equals(team)) {
          continue;
        }
        int last7 = end - firstOnOrAfter(all, d.minusDays(7));
        out.put(a.getPlayerId(), ExpectedPlayer.newBuilder().setSeason(g.getSeason()).setGameId(g.getGameId())
            .setGameDate(d).setPlayerId(a.getPlayerId()).setPlayerName(last.getPlayerName()).setTeamAbbr(team)
            .setOppAbbr(opp).setHome(home)
            .setDaysRest((int) ChronoUnit.DAYS.between(last.getGameDate(), d) - 1)
            .setLastGameDate(last.getGameDate()).setGamesLast7Days(last7).setExpected(true).build());
      }
    }
    return new ArrayList<>(out.values());
  }

  /** The index of the first appearance dated on or after {@code d} in a list sorted by date. */
  private static int firstOnOrAfter(List<PlayerAppearance> byDate, LocalDate d) {
    int lo = 0;
    int hi = byDate.size();
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (byDate.get(mid).getGameDate().isBefore(d)) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  private <V extends SpecificRecord> void emitIfChanged(KeyValueStore<String, V> store, String storeKey, V row,
                                                        String tag, String topicKey) {
    if (!row.equals(store.get(storeKey))) {
      store.put(storeKey, row);
      context.forward(new Record<>(tag + topicKey, row, context.currentSystemTimeMs()));
    }
  }

  /** Rows and expectations of this season from {@code from} on that the current schedule no longer has. */
  private void retractGone(String season, LocalDate from, Set<String> teamDates, Set<String> expectedKeys) {
    List<String> gone = new ArrayList<>();
    try (KeyValueIterator<String, UpcomingTeamGameContext> it = upcomingOut.all()) {
      it.forEachRemaining(kv -> {
        UpcomingTeamGameContext u = kv.value;
        if (u.getSeason().equals(season) && !u.getGameDate().isBefore(from) && !teamDates.contains(kv.key)) {
          gone.add(kv.key);
          context.forward(new Record<>(Tags.UPCOMING_TEAM + u.getGameId() + StoreKeys.SEP + u.getTeamAbbr(), null,
              context.currentSystemTimeMs()));
        }
      });
    }
    for (String key : gone) {
      upcomingOut.delete(key);
      zonesOut.delete(key);
      contextOut.delete(key);
      context.forward(new Record<>(Tags.TEAM_ZONES + key, null, context.currentSystemTimeMs()));
      context.forward(new Record<>(Tags.TEAM_CONTEXT + key, null, context.currentSystemTimeMs()));
    }
    List<ExpectedPlayer> retracted = new ArrayList<>();
    try (KeyValueIterator<String, ExpectedPlayer> it = expected.prefixScan(season + StoreKeys.SEP, KEYS)) {
      it.forEachRemaining(kv -> {
        if (!kv.value.getGameDate().isBefore(from) && !expectedKeys.contains(kv.key)) {
          retracted.add(kv.value);
        }
      });
    }
    for (ExpectedPlayer p : retracted) {
      expected.delete(k(season, p.getGameDate(), p.getTeamAbbr(), p.getPlayerId()));
      ExpectedPlayer no = ExpectedPlayer.newBuilder(p).setExpected(false).build();
      context.forward(new Record<>(Tags.EXPECTED + p.getPlayerId(), no, context.currentSystemTimeMs()));
    }
  }
}
