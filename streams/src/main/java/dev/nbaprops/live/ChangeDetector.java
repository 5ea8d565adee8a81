package dev.nbaprops.live;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Sends only changes: per change key, the digest of the last record accepted for sending. {@link #offer} says
 * whether a record is new or changed (and remembers it); {@link #committed} records what Kafka has acknowledged,
 * which is persisted ({@code <state>/live/sent.tsv}, rewritten atomically after each commit) so that a restarted
 * live run does not send everything again. After a crash between a commit and the file write, the first poll
 * re-sends that commit's records; the topology recognises unchanged records, so no derived row changes.
 */
public final class ChangeDetector {
  /**
   * Dead letters remembered (so the same rejected item polled again is not dead-lettered again): the most recent
   * ones only, in memory, never in the state file, so a feed answering new garbage every poll does not grow memory.
   */
  static final int MAX_DEAD_LETTER_KEYS = 10_000;

  private final Map<String, ByteBuffer> accepted = new HashMap<>();
  private final Map<String, ByteBuffer> committed = new HashMap<>();
  private final Map<String, ByteBuffer> deadLetters = new java.util.LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, ByteBuffer> eldest) {
      return size() > MAX_DEAD_LETTER_KEYS;
    }
  };
  private final Path file;

  /** @param file where committed digests are kept; null keeps them in memory only */
  public ChangeDetector(Path file) {
    this.file = file;
    if (file != null && Files.exists(file)) {
      try {
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
          int tab = line.lastIndexOf('\t');
          if (tab > 0 && !isDeadLetter(line)) {
            ByteBuffer d = ByteBuffer.wrap(Base64.getDecoder().decode(line.substring(tab + 1))).asReadOnlyBuffer();
            committed.put(line.substring(0, tab), d);
            accepted.put(line.substring(0, tab), d);
          }
        }
      } catch (IOException | IllegalArgumentException e) {
        throw new IllegalStateException("cannot read the live change state " + file + ": " + e.getMessage(), e);
      }
    }
  }

  /** True (and remembered) when the key is new or its content changed since the last accepted record. */
  public synchronized boolean offer(String changeKey, ByteBuffer digest) {
    if (!changed(changeKey, digest)) {
      return false;
    }
    accept(changeKey, digest);
    return true;
  }

  /** True when the key is new or its content changed since the last accepted record (nothing remembered). */
  public synchronized boolean changed(String changeKey, ByteBuffer digest) {
    ByteBuffer last = isDeadLetter(changeKey) ? deadLetters.get(changeKey) : accepted.get(changeKey);
    return !digest.equals(last);
  }

  /** Remembers a record as accepted for sending. */
  public synchronized void accept(String changeKey, ByteBuffer digest) {
    if (isDeadLetter(changeKey)) {
      deadLetters.put(changeKey, digest);
    } else {
      accepted.put(changeKey, digest);
    }
  }

  private static boolean isDeadLetter(String changeKey) {
    return changeKey.startsWith(DeadLetters.CHANGE_KEY_PREFIX);
  }

  /** Kafka acknowledged these records: persist their digests (dead letters are remembered in memory only). */
  public synchronized void committed(List<LiveRecord> records) {
    boolean any = false;
    for (LiveRecord r : records) {
      if (!isDeadLetter(r.changeKey())) {
        committed.put(r.changeKey(), r.digest());
        any = true;
      }
    }
    if (any) {
      save();
    }
  }

  /** Keys remembered: one per thing described (a player's line in a game, a bookmaker's line) and dead letters. */
  public synchronized int size() {
    return accepted.size() + deadLetters.size();
  }

  private void save() {
    if (file == null) {
      return;
    }
    List<String> lines = new ArrayList<>(committed.size());
    Base64.Encoder b64 = Base64.getEncoder();
    committed.forEach((k, d) -> {
      byte[] bytes = new byte[d.remaining()];
      d.duplicate().get(bytes);
      lines.add(k + "\t" + b64.encodeToString(bytes));
    });
    try {
      Files.createDirectories(file.getParent());
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.write(tmp, lines, StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the live change state " + file, e);
    }
  }

  /** For tests and tools: the committed digests. */
  synchronized Map<String, ByteBuffer> committedView() {
    return new HashMap<>(committed);
  }
}
