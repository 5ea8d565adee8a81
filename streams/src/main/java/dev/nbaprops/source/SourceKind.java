package dev.nbaprops.source;

import dev.nbaprops.topics.Topics;
import java.util.Arrays;
import java.util.List;

/**
 * The input sources, their folder in the data layout, their raw topic, and their order at equal event time
 * (a game's schedule entry, then its game lines, then prop snapshots, then box scores, then shots).
 */
public enum SourceKind {
  SCHEDULE("schedule", "schedule", Topics.SCHEDULE),
  GAME_LINES("game_lines", "odds", Topics.GAME_LINE),
  PROPS("props", "props", Topics.PROP_LINE),
  BOX_SCORES("box_scores", "box_scores", Topics.PLAYER_BOX_SCORE),
  SHOTS("shots", "shots", Topics.SHOT);

  private final String cliName;
  private final String folder;
  private final String topic;

  SourceKind(String cliName, String folder, String topic) {
    this.cliName = cliName;
    this.folder = folder;
    this.topic = topic;
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
