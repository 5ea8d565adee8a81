package dev.nbaprops.topology.precompute;

import dev.nbaprops.avro.analytics.PlayerGameSummary;
import dev.nbaprops.avro.precompute.MlFeatureStore;
import dev.nbaprops.avro.precompute.PlayerDailyCache;
import dev.nbaprops.avro.precompute.PlayerShotZoneAnalysis;
import dev.nbaprops.avro.state.PlayerGameProps;
import dev.nbaprops.features.FeatureVector;
import dev.nbaprops.features.PropConsensus;
import dev.nbaprops.topology.Tags;
import dev.nbaprops.topology.analytics.PropLineProcessor;
import org.apache.avro.specific.SpecificRecord;
import dev.nbaprops.avro.state.PlayedGame;
import dev.nbaprops.avro.state.PlayerSeasonHistory;
import dev.nbaprops.avro.state.SeasonStart;
import dev.nbaprops.features.PlayerFeatures;
import dev.nbaprops.topology.StoreKeys;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The player precompute stage: for every date D on which a player has a game, from the player's games of the
 * same season strictly before D, nba_precompute.player_daily_cache (the pinned player metrics and the rest of the
 * snapshot, {@link PlayerFeatures}), nba_precompute.player_shot_zone_analysis (last-10 zone profile) and the player
 * side of the ml_feature_store row (with the PRA line from snapshots before the game's tip-off). Rows are
 * forwarded with their table's {@link Tags tag}.
 *
 * <p>State: {@link #HISTORY_STORE} holds each player's season games (key player|season), {@link #CACHE_STORE}
 * the rows (key player|date). A game arriving or changing on date X can only affect rows dated after X (and the
 * row for X itself, whose game it is), so exactly those are recomputed; rows that come out equal are not
 * re-emitted. This makes late, out-of-order and corrected box scores give the same table as an in-order
 * replay, and makes the table point-in-time correct by construction: a row for D is a function of games
 * before D only. Seasons never mix: the history is per season. Output records are keyed by the table key
 * (player|date); a correction that moves a game to another date forwards a tombstone for the old date's row.
 *
 * <p>The season's first game date (is_bootstrap) is the setting's when it names the season, else the one
 * {@link SeasonStartProcessor} announces to every player task ({@link SeasonStart}), else, until one is announced
 * (a box score processed before its season's schedule entries reached this task), the earliest game date of the
 * season among this task's games. When the date in use changes, the rows it can affect are recomputed
 * ({@link #SEASON_START_STORE}); rows that come out equal are not re-emitted.
 */
public final class PlayerDailyCacheProcessor implements Processor<String, SpecificRecord, String, SpecificRecord> {
  public static final String HISTORY_STORE = "player-season-history";
  public static final String CACHE_STORE = "player-daily-cache";
  public static final String SHOT_ZONE_STORE = "player-shot-zone-analysis";
  /** The player side of each ml_feature_store row (team fields still empty), the left side of the feature join. */
  public static final String FEATURE_INPUTS_STORE = "ml-feature-inputs";
  private static final Comparator<PlayedGame> ORDER =
      Comparator.comparing(PlayedGame::getGameDate).thenComparing(PlayedGame::getGameId);

  /**
   * This task's first game date of each season: {@code a|season} the one {@link SeasonStartProcessor} announced,
   * {@code o|season} the earliest date of this task's own games of the season (used until one is announced).
   */
  public static final String SEASON_START_STORE = "player-task-season-start";
  private static final String ANNOUNCED = "a" + StoreKeys.SEP;
  private static final String OBSERVED = "o" + StoreKeys.SEP;

  private KeyValueStore<String, String> seasonStarts;
  private ProcessorContext<String, SpecificRecord> context;
  private KeyValueStore<String, PlayerSeasonHistory> history;
  private KeyValueStore<String, PlayerDailyCache> cache;
  private KeyValueStore<String, PlayerShotZoneAnalysis> zones;
  private KeyValueStore<String, MlFeatureStore> featureInputs;
  private KeyValueStore<String, PlayerGameProps> props;

  public PlayerDailyCacheProcessor() {
  }

  @Override
  public void init(ProcessorContext<String, SpecificRecord> context) {
    this.context = context;
    this.history = context.getStateStore(HISTORY_STORE);
    this.cache = context.getStateStore(CACHE_STORE);
    this.zones = context.getStateStore(SHOT_ZONE_STORE);
    this.featureInputs = context.getStateStore(FEATURE_INPUTS_STORE);
    this.props = context.getStateStore(PropLineProcessor.STORE);
    this.seasonStarts = context.getStateStore(SEASON_START_STORE);
  }

  @Override
  public void process(Record<String, SpecificRecord> record) {
    if (record.value() instanceof PlayerGameProps p) {
      propsChanged(p, record);
    } else if (record.value() instanceof PlayerGameSummary g) {
      gameChanged(g, record);
    } else if (record.value() instanceof SeasonStart s) {
      seasonStartAnnounced(s, record);
    }
  }

  /**
   * The first game date this task uses for a season: the one {@link SeasonStartProcessor} announced (the setting
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
    List<PlayerSeasonHistory> ofSeason = new ArrayList<>();
    try (KeyValueIterator<String, PlayerSeasonHistory> it = history.all()) {
      it.forEachRemaining(kv -> {
        if (season.equals(kv.value.getSeason())) {
          ofSeason.add(kv.value);
        }
      });
    }
    for (PlayerSeasonHistory h : ofSeason) {
      List<PlayedGame> games = h.getGames();
      for (int i = 0; i < games.size() && games.get(i).getGameDate().isBefore(bound); i++) {
        computeRow(h.getPlayerId(), season, h.getPlayerName(), games, i, after, cause);
      }
    }
  }

  /** A game's prop snapshots changed: only that game's own date has the line in its row. */
  private void propsChanged(PlayerGameProps p, Record<String, SpecificRecord> record) {
    String season = dev.nbaprops.source.Seasons.seasonOfGameId(p.getGameId());
    PlayerSeasonHistory h = history.get(StoreKeys.playerSeason(p.getPlayerId(), season));
    LocalDate seasonStart = seasonStart(season);
    if (h == null || seasonStart == null) {
      return; // no box score yet: the row is computed with the lines when it comes
    }
    List<PlayedGame> games = h.getGames();
    for (int i = 0; i < games.size(); i++) {
      if (games.get(i).getGameId().equals(p.getGameId())) {
        computeRow(p.getPlayerId(), season, h.getPlayerName(), games, i, seasonStart, record);
      }
    }
  }

  private void gameChanged(PlayerGameSummary g, Record<String, SpecificRecord> record) {
    LocalDate seasonStart = seasonStartWith(g.getSeason(), g.getGameDate(), record);
    String historyKey = StoreKeys.playerSeason(g.getPlayerId(), g.getSeason());
    PlayerSeasonHistory h = history.get(historyKey);
    List<PlayedGame> games = h == null ? new ArrayList<>() : new ArrayList<>(h.getGames());

    PlayedGame played = PlayedGame.newBuilder().setGameId(g.getGameId()).setGameDate(g.getGameDate())
        .setTeamAbbr(g.getTeamAbbr()).setMin(g.getMin()).setPts(g.getPts()).setReb(g.getReb()).setAst(g.getAst())
        .setOppAbbr(g.getOppAbbr()).setHome(g.getHome()).setFga(g.getFga()).setFta(g.getFta()).setTov(g.getTov())
        .setPlayerName(g.getPlayerName())
        .setShotAttempts(g.getShotAttempts()).setPaintFga(g.getPaintFga()).setPaintFgm(g.getPaintFgm())
        .setMidRangeFga(g.getMidRangeFga()).setMidRangeFgm(g.getMidRangeFgm())
        .setThreeFga(g.getThreeFga()).setThreeFgm(g.getThreeFgm())
        .build();
    LocalDate firstAffected = g.getGameDate();
    for (int i = 0; i < games.size(); i++) {
      if (games.get(i).getGameId().equals(g.getGameId())) {
        PlayedGame old = games.remove(i);
        if (!old.getGameDate().equals(g.getGameDate())) {
          // The game moved: its old date's row goes (a player has at most one game a day).
          String oldKey = StoreKeys.playerDate(g.getPlayerId(), old.getGameDate());
          cache.delete(oldKey);
          zones.delete(oldKey);
          featureInputs.delete(oldKey);
          for (String tag : List.of(Tags.DAILY_CACHE, Tags.SHOT_ZONES, Tags.FEATURE_INPUTS)) {
            context.forward(new Record<String, SpecificRecord>(tag + oldKey, null, record.timestamp()));
          }
          if (old.getGameDate().isBefore(firstAffected)) {
            firstAffected = old.getGameDate();
          }
        }
        break;
      }
    }
    games.add(played);
    games.sort(ORDER);
    history.put(historyKey, PlayerSeasonHistory.newBuilder().setPlayerId(g.getPlayerId()).setSeason(g.getSeason())
        .setPlayerName(g.getPlayerName()).setGames(games).build());

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
      emitIfChanged(cache, key, row, Tags.DAILY_CACHE, record);
      emitIfChanged(zones, key, zoneRow, Tags.SHOT_ZONES, record);
      emitIfChanged(featureInputs, key, FeatureVector.playerSide(row, zoneRow, line), Tags.FEATURE_INPUTS, record);
  }

  private <V extends SpecificRecord> void emitIfChanged(KeyValueStore<String, V> store, String key, V row, String tag,
                                                        Record<String, SpecificRecord> cause) {
    if (!row.equals(store.get(key))) {
      store.put(key, row);
      context.forward(new Record<String, SpecificRecord>(tag + key, row, cause.timestamp()));
    }
  }
}
