package dev.nbaprops.topology.precompute;

import dev.nbaprops.avro.analytics.PlayerGameSummary;
import dev.nbaprops.avro.precompute.PlayerDailyCache;
import dev.nbaprops.avro.state.PlayedGame;
import dev.nbaprops.avro.state.PlayerSeasonHistory;
import dev.nbaprops.features.PlayerFeatures;
import dev.nbaprops.topology.StoreKeys;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * nba_precompute.player_daily_cache: for every date D on which a player has a game, the pinned player metrics
 * over the player's games of the same season strictly before D ({@link PlayerFeatures}).
 *
 * <p>State: {@link #HISTORY_STORE} holds each player's season games (key player|season), {@link #CACHE_STORE}
 * the rows (key player|date). A game arriving or changing on date X can only affect rows dated after X (and the
 * row for X itself, whose game it is), so exactly those are recomputed; rows that come out equal are not
 * re-emitted. This makes late, out-of-order and corrected box scores give the same table as an in-order
 * replay, and makes the table point-in-time correct by construction: a row for D is a function of games
 * before D only. Seasons never mix: the history is per season. Output records are keyed by the table key
 * (player|date); a correction that moves a game to another date forwards a tombstone for the old date's row.
 */
public final class PlayerDailyCacheProcessor implements Processor<String, PlayerGameSummary, String, PlayerDailyCache> {
  public static final String HISTORY_STORE = "player-season-history";
  public static final String CACHE_STORE = "player-daily-cache";
  private static final Comparator<PlayedGame> ORDER =
      Comparator.comparing(PlayedGame::getGameDate).thenComparing(PlayedGame::getGameId);

  private final Map<String, LocalDate> seasonFirstGameDates;
  private ProcessorContext<String, PlayerDailyCache> context;
  private KeyValueStore<String, PlayerSeasonHistory> history;
  private KeyValueStore<String, PlayerDailyCache> cache;

  public PlayerDailyCacheProcessor(Map<String, LocalDate> seasonFirstGameDates) {
    this.seasonFirstGameDates = Map.copyOf(seasonFirstGameDates);
  }

  @Override
  public void init(ProcessorContext<String, PlayerDailyCache> context) {
    this.context = context;
    this.history = context.getStateStore(HISTORY_STORE);
    this.cache = context.getStateStore(CACHE_STORE);
  }

  @Override
  public void process(Record<String, PlayerGameSummary> record) {
    PlayerGameSummary g = record.value();
    if (g == null) {
      return;
    }
    LocalDate seasonStart = seasonFirstGameDates.get(g.getSeason()); // checked upstream (PlayerGameSummaryProcessor)
    String historyKey = StoreKeys.playerSeason(g.getPlayerId(), g.getSeason());
    PlayerSeasonHistory h = history.get(historyKey);
    List<PlayedGame> games = h == null ? new ArrayList<>() : new ArrayList<>(h.getGames());

    PlayedGame played = PlayedGame.newBuilder().setGameId(g.getGameId()).setGameDate(g.getGameDate())
        .setTeamAbbr(g.getTeamAbbr()).setMin(g.getMin()).setPts(g.getPts()).setReb(g.getReb()).setAst(g.getAst())
        .build();
    LocalDate firstAffected = g.getGameDate();
    for (int i = 0; i < games.size(); i++) {
      if (games.get(i).getGameId().equals(g.getGameId())) {
        PlayedGame old = games.remove(i);
        if (!old.getGameDate().equals(g.getGameDate())) {
          // The game moved: its old date's row goes (a player has at most one game a day).
          String oldKey = StoreKeys.playerDate(g.getPlayerId(), old.getGameDate());
          cache.delete(oldKey);
          context.forward(new Record<String, PlayerDailyCache>(oldKey, null, record.timestamp()));
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
      int before = i;
      while (before > 0 && !games.get(before - 1).getGameDate().isBefore(at.getGameDate())) {
        before--; // a second game on the same date is not "before D"
      }
      PlayerDailyCache row = PlayerFeatures.dailyCache(g.getPlayerId(), g.getSeason(), at.getGameDate(),
          at.getGameId(), g.getPlayerName(), at.getTeamAbbr(), games.subList(0, before), seasonStart);
      String key = StoreKeys.playerDate(g.getPlayerId(), at.getGameDate());
      if (!row.equals(cache.get(key))) {
        cache.put(key, row);
        context.forward(record.withKey(key).withValue(row));
      }
    }
  }
}
