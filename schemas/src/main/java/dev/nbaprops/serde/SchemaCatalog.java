package dev.nbaprops.serde;

import dev.nbaprops.avro.analytics.PlayerGameSummary;
import dev.nbaprops.avro.analytics.TeamDefenseGameSummary;
import dev.nbaprops.avro.analytics.TeamOffenseGameSummary;
import dev.nbaprops.avro.analytics.UpcomingPlayerGameContext;
import dev.nbaprops.avro.analytics.UpcomingTeamGameContext;
import dev.nbaprops.avro.common.DeadLetter;
import dev.nbaprops.avro.precompute.MlFeatureStore;
import dev.nbaprops.avro.precompute.PlayerCompositeFactors;
import dev.nbaprops.avro.precompute.PlayerDailyCache;
import dev.nbaprops.avro.precompute.PlayerShotZoneAnalysis;
import dev.nbaprops.avro.precompute.TeamDefenseZoneAnalysis;
import dev.nbaprops.avro.raw.GameLine;
import dev.nbaprops.avro.raw.PlayerBoxScore;
import dev.nbaprops.avro.raw.PropLine;
import dev.nbaprops.avro.raw.ScheduleGame;
import dev.nbaprops.avro.raw.Shot;
import dev.nbaprops.avro.state.GameTotals;
import dev.nbaprops.avro.state.PlayerGameProps;
import dev.nbaprops.avro.state.PlayerSeasonHistory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificRecord;

/**
 * Every schema the project knows: the current ones (generated classes) and every released version kept under
 * {@code released/} (so bytes written by an older release still decode). Built from the {@code schemas/} module
 * alone; there is no registry service.
 */
public final class SchemaCatalog {
  /** Current record classes: raw inputs, derived tables, the dead-letter record and state-store values. */
  public static final List<Class<? extends SpecificRecord>> RECORD_CLASSES = List.of(
      ScheduleGame.class, PlayerBoxScore.class, Shot.class, PropLine.class, GameLine.class, DeadLetter.class,
      PlayerGameSummary.class, TeamOffenseGameSummary.class, TeamDefenseGameSummary.class,
      UpcomingPlayerGameContext.class, UpcomingTeamGameContext.class,
      TeamDefenseZoneAnalysis.class, PlayerShotZoneAnalysis.class, PlayerCompositeFactors.class,
      PlayerDailyCache.class, MlFeatureStore.class,
      PlayerSeasonHistory.class, dev.nbaprops.avro.state.PlayedGame.class, GameTotals.class, PlayerGameProps.class,
      dev.nbaprops.avro.state.PlayerGameShots.class, dev.nbaprops.avro.state.PlayerGameZones.class,
      dev.nbaprops.avro.state.TeamGameFacts.class, dev.nbaprops.avro.state.PlayerAppearance.class,
      dev.nbaprops.avro.state.ExpectedPlayer.class, dev.nbaprops.avro.state.TeamGameContext.class,
      dev.nbaprops.avro.state.SeasonStart.class);

  /** The current class of a record full name, for decoding a record whose type is known only from its bytes. */
  public Optional<Class<? extends SpecificRecord>> classOf(String fullName) {
    return Optional.ofNullable(classes.get(fullName)); // on every decode of a mixed-type record: a map, not a scan
  }

  /** Classpath index of the released schema versions, one resource path per line. */
  public static final String RELEASED_INDEX = "released/index.txt";

  private static final SchemaCatalog INSTANCE = new SchemaCatalog();

  private final Map<String, Schema> current = new LinkedHashMap<>();
  private final Map<String, Class<? extends SpecificRecord>> classes = new java.util.HashMap<>();
  private final Map<String, List<Schema>> released = new LinkedHashMap<>();
  private final SchemaStore.Cache store = new SchemaStore.Cache();

  private SchemaCatalog() {
    for (Class<? extends SpecificRecord> c : RECORD_CLASSES) {
      Schema s = schemaOf(c);
      current.put(s.getFullName(), s);
      classes.put(s.getFullName(), c);
      store.addSchema(s);
    }
    for (String path : releasedPaths()) {
      Schema s = parse(path);
      released.computeIfAbsent(s.getFullName(), k -> new ArrayList<>()).add(s);
      store.addSchema(s);
    }
  }

  public static SchemaCatalog get() {
    return INSTANCE;
  }

  /** The schema store the single-object decoders resolve fingerprints against. */
  public SchemaStore store() {
    return store;
  }

  public Map<String, Schema> current() {
    return Collections.unmodifiableMap(current);
  }

  /** Released versions of a schema, oldest first; empty for a schema never released. */
  public List<Schema> released(String fullName) {
    return released.getOrDefault(fullName, List.of());
  }

  public Map<String, List<Schema>> allReleased() {
    return Collections.unmodifiableMap(released);
  }

  public Optional<Schema> byFullName(String fullName) {
    return Optional.ofNullable(current.get(fullName));
  }

  public static Schema schemaOf(Class<? extends SpecificRecord> c) {
    try {
      return (Schema) c.getField("SCHEMA$").get(null);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("not a generated Avro class: " + c, e);
    }
  }

  private static List<String> releasedPaths() {
    String text = resource(RELEASED_INDEX);
    List<String> out = new ArrayList<>();
    for (String line : text.split("\n")) {
      String l = line.strip();
      if (!l.isEmpty() && !l.startsWith("#")) {
        out.add("released/" + l);
      }
    }
    return out;
  }

  private static Schema parse(String path) {
    return new Schema.Parser().parse(resource(path));
  }

  static String resource(String path) {
    try (InputStream in = SchemaCatalog.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("missing classpath resource " + path);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
