package dev.nbaprops.topology.season;

import dev.nbaprops.avro.raw.ScheduleGame;
import dev.nbaprops.avro.state.SeasonStart;
import dev.nbaprops.topology.StoreKeys;
import java.time.LocalDate;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Each season's first game date, from the data, in the season stage's task (input keyed by season), ahead of
 * {@link TeamSeasonProcessor}. The first game date of season S is:
 * <ol>
 *   <li>the setting {@code seasons.first.game.dates} when it names S (an override; empty by default);</li>
 *   <li>else the earliest {@code game_date} of S's regular-season schedule entries (game ids {@code 002…}) as they
 *       stand now: an entry that moves a game replaces its old date (one per game, counted per date);</li>
 *   <li>else, while S has no regular-season schedule entry (box scores or lines that arrive before the schedule, a
 *       playoffs-only data set), the earliest game date of any record of S seen so far: provisional, replaced
 *       as soon as (2) is known.</li>
 * </ol>
 * Every input is forwarded unchanged (to the season stage); when S's date changes a {@link SeasonStart} (with
 * the date it replaces) is forwarded too: the season stage recomputes its rows from the earlier of the two, and
 * the record is sent to every player task ({@link #toEveryPartition()}), where
 * {@link dev.nbaprops.topology.player.PlayerFeatureStage} recomputes the rows whose {@code is_bootstrap} can change.
 *
 * <p>State: {@link #STORE} (season → the current {@link SeasonStart}, read by the season stage) and
 * {@link #FACTS_STORE}: {@code S|g|game} → the game's scheduled date, {@code S|d|date} → how many regular-season
 * games are scheduled that date (the first such key is the earliest date: a prefix scan reads one entry), and
 * {@code S|o} → the earliest date seen. Per record: one or two store reads; the scan runs only when a
 * regular-season schedule entry is new or moved.
 */
public final class SeasonStartStage implements Processor<String, SpecificRecord, String, SpecificRecord> {
  public static final String STORE = "season-first-game-date";
  /** Output: every input, and each {@link SeasonStart} (to the team-season stage). */
  public static final String INPUTS = "season-inputs-with-starts";
  /** Output: each {@link SeasonStart} (to every player task). */
  public static final String STARTS = "season-starts";
  public static final String FACTS_STORE = "season-start-facts";
  public static final String SETTING = "SETTING";
  public static final String SCHEDULE = "SCHEDULE";
  public static final String OBSERVED = "OBSERVED";
  private static final StringSerializer KEYS = new StringSerializer();

  private final Map<String, LocalDate> overrides;
  private ProcessorContext<String, SpecificRecord> context;
  private KeyValueStore<String, SeasonStart> starts;
  private KeyValueStore<String, String> facts;

  /** @param overrides season → first game date from the setting; those seasons ignore the data */
  public SeasonStartStage(Map<String, LocalDate> overrides) {
    this.overrides = Map.copyOf(overrides);
  }

  /** Regular-season game ids start with {@code 002} (playoffs {@code 004}, play-in {@code 005}). */
  public static boolean isRegularSeason(String gameId) {
    return gameId != null && gameId.startsWith("002");
  }

  /** A partitioner that sends each record to every partition (the season start reaches every player task). */
  public static <K, V> StreamPartitioner<K, V> toEveryPartition() {
    return new StreamPartitioner<>() {
      @Override
      public Optional<Set<Integer>> partitions(String topic, K key, V value, int numPartitions) {
        return Optional.of(IntStream.range(0, numPartitions).boxed().collect(Collectors.toSet()));
      }
    };
  }

  @Override
  public void init(ProcessorContext<String, SpecificRecord> context) {
    this.context = context;
    this.starts = context.getStateStore(STORE);
    this.facts = context.getStateStore(FACTS_STORE);
  }

  @Override
  public void process(Record<String, SpecificRecord> record) {
    SpecificRecord v = record.value();
    String season = seasonOf(v);
    if (season != null) {
      // The data is tracked even where the setting wins, so that removing the setting falls back to it.
      boolean changed = v instanceof ScheduleGame g && isRegularSeason(g.getGameId())
          ? scheduled(g) : observed(season, dateOf(v));
      if (changed || settingDiffers(season)) {
        publish(season, record);
      }
    }
    context.forward(record, INPUTS);
  }

  /** The stored start disagrees with the setting: it was added, changed or removed since it was stored. */
  private boolean settingDiffers(String season) {
    SeasonStart stored = starts.get(season);
    LocalDate setting = overrides.get(season);
    if (stored == null) {
      return setting != null;
    }
    boolean storedSetting = SETTING.equals(stored.getSource());
    return setting != null ? !storedSetting || !setting.equals(stored.getFirstGameDate()) : storedSetting;
  }

  private boolean scheduled(ScheduleGame g) {
    String gameKey = g.getSeason() + StoreKeys.SEP + "g" + StoreKeys.SEP + g.getGameId();
    String date = g.getGameDate().toString();
    String old = facts.get(gameKey);
    if (date.equals(old)) {
      return false;
    }
    if (old != null) {
      count(g.getSeason(), old, -1);
    }
    count(g.getSeason(), date, +1);
    facts.put(gameKey, date);
    return true;
  }

  private void count(String season, String date, int delta) {
    String key = datePrefix(season) + date;
    String n = facts.get(key);
    int now = (n == null ? 0 : Integer.parseInt(n)) + delta;
    if (now <= 0) {
      facts.delete(key);
    } else {
      facts.put(key, Integer.toString(now));
    }
  }

  private boolean observed(String season, LocalDate date) {
    if (date == null) {
      return false;
    }
    String key = season + StoreKeys.SEP + "o";
    String seen = facts.get(key);
    if (seen != null && date.toString().compareTo(seen) >= 0) {
      return false;
    }
    facts.put(key, date.toString());
    return true;
  }

  /** The season's first game date and where it comes from (setting, schedule, observed), or null. */
  private SeasonStart current(String season) {
    LocalDate setting = overrides.get(season);
    if (setting != null) {
      return start(season, setting, SETTING);
    }
    try (KeyValueIterator<String, String> it = facts.prefixScan(datePrefix(season), KEYS)) {
      if (it.hasNext()) {
        return start(season, LocalDate.parse(it.next().key.substring(datePrefix(season).length())), SCHEDULE);
      }
    }
    String seen = facts.get(season + StoreKeys.SEP + "o");
    return seen == null ? null : start(season, LocalDate.parse(seen), OBSERVED);
  }

  private void publish(String season, Record<String, SpecificRecord> cause) {
    SeasonStart now = current(season);
    SeasonStart before = starts.get(season);
    if (now == null || (before != null && before.getFirstGameDate().equals(now.getFirstGameDate())
        && before.getSource().equals(now.getSource()))) {
      return;
    }
    boolean moved = before == null || !before.getFirstGameDate().equals(now.getFirstGameDate());
    now.setPreviousFirstGameDate(before == null ? null : moved ? before.getFirstGameDate() : before.getPreviousFirstGameDate());
    starts.put(season, now);
    if (moved) {
      Record<String, SpecificRecord> announced = new Record<>(season, now, cause.timestamp());
      context.forward(announced, INPUTS);
      context.forward(announced, STARTS);
    }
  }

  private static SeasonStart start(String season, LocalDate date, String source) {
    return SeasonStart.newBuilder().setSeason(season).setFirstGameDate(date).setSource(source)
        .setPreviousFirstGameDate(null).build();
  }

  private static String datePrefix(String season) {
    return season + StoreKeys.SEP + "d" + StoreKeys.SEP;
  }

  private static String seasonOf(SpecificRecord v) {
    return SeasonInputs.seasonOf(v);
  }

  private static LocalDate dateOf(SpecificRecord v) {
    return SeasonInputs.dateOf(v);
  }
}
