package dev.nbaprops.source;

import dev.nbaprops.topics.Topics;
import java.util.Arrays;
import java.util.List;

/**
 * The input sources, their folder in the data layout, their raw topic, and their order at equal event time
 * ({@link #tieOrder}: a game's schedule entry, then its game lines, then prop snapshots, then shots, then box scores).
 */
public enum SourceKind {
  SCHEDULE("schedule", "schedule", Topics.SCHEDULE, 0),
  GAME_LINES("game_lines", "odds", Topics.GAME_LINE, 1),
  PROPS("props", "props", Topics.PROP_LINE, 2),
  BOX_SCORES("box_scores", "box_scores", Topics.PLAYER_BOX_SCORE, 4),
  SHOTS("shots", "shots", Topics.SHOT, 3);

  private final String cliName;
  private final String folder;
  private final String topic;
  private final int tieOrder;

  SourceKind(String cliName, String folder, String topic, int tieOrder) {
    this.cliName = cliName;
    this.folder = folder;
    this.topic = topic;
    this.tieOrder = tieOrder;
  }

  /**
   * The replay's order among records of equal event time. A game's shots and box scores share its end as their
   * time; the shots go first, so a player's box-score line finds all of his shots of the game already counted
   * and his summary row is sent once, complete, instead of once without and again with the shots that arrived
   * after it (bench/RESULTS.md, the churn report).
   */
  public int tieOrder() {
    return tieOrder;
  }

  public String cliName() {
    return cliName;
  }

  public String folder() {
    return folder;
  }

  public String topic() {
    return topic;
  }

  public static SourceKind byName(String name) {
    return Arrays.stream(values()).filter(s -> s.cliName.equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown source '" + name + "'; sources are "
            + Arrays.stream(values()).map(SourceKind::cliName).toList()));
  }

  public static List<SourceKind> all() {
    return List.of(values());
  }
}
