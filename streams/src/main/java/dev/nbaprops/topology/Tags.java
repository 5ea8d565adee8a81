package dev.nbaprops.topology;

import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;

/**
 * A processor that computes several tables forwards each row with its table's tag before the key, so that one
 * split routes rows and tombstones (whose null value carries no type) alike. {@link #route} strips the tag.
 */
public final class Tags {
  public static final String DAILY_CACHE = "dc:";
  public static final String SHOT_ZONES = "sz:";
  public static final String FEATURE_INPUTS = "fi:";
  public static final String TEAM_ZONES = "tz:";
  public static final String UPCOMING_TEAM = "ut:";
  public static final String TEAM_CONTEXT = "tc:";
  public static final String EXPECTED = "ep:";

  private Tags() {}

  /** The records of one tag, with the tag removed from the key and the value cast to its table's type. */
  @SuppressWarnings("unchecked")
  public static <V> KStream<String, V> route(KStream<String, ?> tagged, String tag, String name) {
    return tagged.filter((k, v) -> k.startsWith(tag), Named.as(name + "-filter"))
        .map((k, v) -> KeyValue.pair(k.substring(tag.length()), (V) v), Named.as(name + "-untag"));
  }
}
