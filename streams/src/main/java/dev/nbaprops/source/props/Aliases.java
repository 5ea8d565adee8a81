package dev.nbaprops.source.props;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * The alias table: feed spellings that no normalisation rule can map to the NBA stats name. CSV, RFC 4180 quoting,
 * lines starting with {@code #} are comments, then a header {@code feed_name,nba_name_or_player_id}. The second
 * column is either the name as NBA stats spells it or, when all digits, the NBA stats player id. Keys are
 * normalised ({@link PlayerNames#normalize}), so the table need not list accent or suffix variants.
 *
 * <p>An alias is still restricted to the players of the two teams of the game: it names who the feed means, it
 * never places a player in a game.
 */
public final class Aliases {
  /** Where an alias points: an NBA stats name (normalised) or a player id. */
  public record Target(String feedName, String nbaName, Long playerId) {
    @Override
    public String toString() {
      return playerId != null ? "player_id " + playerId : "'" + nbaName + "'";
    }
  }

  /** The table bundled with the project: {@code streams/src/main/resources/props/aliases.csv}. */
  public static final String RESOURCE = "/props/aliases.csv";

  private final Map<String, Target> byKey;

  private Aliases(Map<String, Target> byKey) {
    this.byKey = byKey;
  }

  public static Aliases none() {
    return new Aliases(Map.of());
  }

  /** The bundled table. */
  public static Aliases bundled() {
    try (InputStream in = Aliases.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("alias table " + RESOURCE + " is not on the classpath");
      }
      return parse(new InputStreamReader(in, StandardCharsets.UTF_8), RESOURCE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static Aliases load(Path file) {
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return parse(r, file.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static Aliases parse(String csv) {
    try {
      return parse(new StringReader(csv), "<string>");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Aliases parse(Reader reader, String where) throws IOException {
    Map<String, Target> out = new LinkedHashMap<>();
    CSVFormat fmt = CSVFormat.RFC4180.builder().setCommentMarker('#').setIgnoreEmptyLines(true)
        .setIgnoreSurroundingSpaces(true).get();
    try (CSVParser p = fmt.parse(reader)) {
      for (CSVRecord rec : p) {
        if (rec.size() == 1 && rec.get(0).isBlank()) {
          continue;
        }
        if (rec.size() != 2) {
          throw new IllegalArgumentException(where + " line " + rec.getParser().getCurrentLineNumber()
              + ": expected feed_name,nba_name_or_player_id, got " + rec.toList());
        }
        String feed = rec.get(0).trim();
        String value = rec.get(1).trim();
        if (feed.equalsIgnoreCase("feed_name")) {
          continue;
        }
        String key = PlayerNames.normalize(feed);
        if (key.isEmpty() || value.isEmpty()) {
          throw new IllegalArgumentException(where + ": empty alias " + rec.toList());
        }
        Target t = value.matches("\\d+")
            ? new Target(feed, null, Long.parseLong(value))
            : new Target(feed, PlayerNames.normalize(value), null);
        Target prev = out.put(key, t);
        if (prev != null && !(java.util.Objects.equals(prev.nbaName(), t.nbaName())
            && java.util.Objects.equals(prev.playerId(), t.playerId()))) {
          throw new IllegalArgumentException(where + ": alias '" + feed + "' is listed twice (" + prev + ", " + t
              + ")");
        }
      }
    }
    return new Aliases(Collections.unmodifiableMap(out));
  }

  /** The alias for a feed name (any spelling that normalises to the same key). */
  public Optional<Target> lookup(String feedName) {
    return Optional.ofNullable(byKey.get(PlayerNames.normalize(feedName)));
  }

  public int size() {
    return byKey.size();
  }
}
