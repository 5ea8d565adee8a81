package dev.nbaprops.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the timeline keeps per unique key ({@code Timeline.seenKeys}, the one part that grows with the input),
 * measured on the heap: {@link Timeline#SEEN_KEY_BYTES} must hold, and the figure is printed for docs/reliability.md.
 */
@org.junit.jupiter.api.parallel.Isolated("measures the heap: another class's allocations would count")
class TimelineMemoryTest {
  static final int KEYS = 200_000;

  @Test
  void aSeenKeyCostsAboutAHundredAndTwentyBytes() throws Exception {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    long before = usedAfterGc();
    Map<Timeline.KeyHash, Timeline.Seen> map = new HashMap<>();
    for (int i = 0; i < KEYS; i++) {
      // A prop snapshot's key, the longest kind: source, event, player, bookmaker, market, snapshot time.
      String key = "props|ODDS_API|fd55db2fa9ee5be1f108be5151e2ecb0|Player Name " + i
          + "|DraftKings|player_points_rebounds_assists|2023-10-24T23:25:44Z";
      ByteBuffer k = ByteBuffer.wrap(sha.digest(key.getBytes(StandardCharsets.UTF_8)));
      map.put(new Timeline.KeyHash(k.getLong(), k.getLong()), new Timeline.Seen(k.getLong(), 3, i + 2L));
    }
    long perKey = (usedAfterGc() - before) / KEYS;
    System.out.printf("Timeline.seenKeys: %d bytes per key (%d keys)%n", perKey, map.size());
    assertThat(map).hasSize(KEYS);
    assertThat(perKey).isBetween(60L, (long) Timeline.SEEN_KEY_BYTES + 30);
  }

  private static long usedAfterGc() throws InterruptedException {
    Runtime rt = Runtime.getRuntime();
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      Thread.sleep(50);
      used = Math.min(used, rt.totalMemory() - rt.freeMemory());
    }
    return used;
  }
}
