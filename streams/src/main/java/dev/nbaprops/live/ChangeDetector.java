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
  private final Map<String, ByteBuffer> accepted = new HashMap<>();
  private final Map<String, ByteBuffer> committed = new HashMap<>();
  private final Path file;

  /** @param file where committed digests are kept; null keeps them in memory only */
  public ChangeDetector(Path file) {
    this.file = file;
    if (file != null && Files.exists(file)) {
      try {
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
          int tab = line.lastIndexOf('\t');
          if (tab > 0) {
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
    ByteBuffer last = accepted.get(changeKey);
    if (digest.equals(last)) {
      return false;
    }
    accepted.put(changeKey, digest);
    return true;
  }

  /** Kafka acknowledged these records: persist their digests. */
  public synchronized void committed(List<LiveRecord> records) {
    for (LiveRecord r : records) {
      committed.put(r.changeKey(), r.digest());
    }
    save();
  }

  public synchronized int size() {
    return accepted.size();
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
