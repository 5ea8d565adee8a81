package dev.nbaprops.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** One line saying why Kafka Streams stopped, naming a full disk under the state directory as such. */
final class StreamsFailure {
  /** Below this many free bytes the state directory counts as full (RocksDB needs room for a whole flush). */
  static final long FULL_BELOW = 1L << 20;

  private StreamsFailure() {}

  static String describe(Throwable error, Path stateDir) {
    long free = usableSpace(stateDir);
    if (mentionsNoSpace(error) || (free >= 0 && free < FULL_BELOW)) {
      return String.format("the disk of the state directory %s is full (%,d bytes free now): Kafka Streams cannot write"
          + " its stores and stopped. Free space there (or move --state-dir to a bigger disk) and start the instance"
          + " again; it restores its stores from the changelog topics and continues after its last commit",
          stateDir.toAbsolutePath(), Math.max(0, free));
    }
    Throwable root = error;
    while (root != null && root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return "Kafka Streams stopped on an error" + (root == null ? "" : ": " + root);
  }

  static boolean mentionsNoSpace(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      String m = String.valueOf(t.getMessage());
      if (m.contains("No space left on device") || m.contains("ENOSPC")) {
        return true;
      }
    }
    return false;
  }

  static long usableSpace(Path dir) {
    try {
      return Files.getFileStore(dir).getUsableSpace();
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }
}
