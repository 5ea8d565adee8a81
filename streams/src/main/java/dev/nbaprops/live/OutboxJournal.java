package dev.nbaprops.live;

import dev.nbaprops.serde.AvroCodec;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import org.apache.avro.specific.SpecificRecord;

/**
 * The outbox's write-ahead log ({@code <state>/live/outbox.journal}): every record the outbox accepts is appended
 * and forced to disk before the poll that fetched it completes, and a commit mark is appended once Kafka has
 * committed it. On start the records after the last mark are queued again, so a record once fetched survives a
 * crash (even {@code kill -9}) of the live process. A crash between Kafka's commit and the mark re-sends that
 * batch once (at least once; the topology recognises an unchanged record, so no derived row changes).
 *
 * <p>Each entry is {@code [length][body][CRC-32]}; a torn last entry (a crash mid-write) fails its length or CRC
 * and is cut off. The file is truncated whenever nothing is pending, so it holds only what is in flight.
 */
final class OutboxJournal implements AutoCloseable {
  private static final byte RECORD = 'R';
  private static final byte COMMIT = 'C';

  /** A journaled record and its sequence number. */
  record Entry(long seq, LiveRecord record) {}

  private final Path file;
  private final FileChannel channel;
  private final List<Entry> recovered = new ArrayList<>();
  private long nextSeq = 1;

  OutboxJournal(Path file) {
    this.file = file;
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      long good = load();
      this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.READ);
      if (channel.size() > good) {
        channel.truncate(good); // a torn entry from a crash mid-write
      }
      channel.position(good);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the live outbox journal " + file + ": " + e.getMessage(), e);
    }
  }

  /** The records journaled but not committed when the journal was opened, in order. */
  List<Entry> recovered() {
    return List.copyOf(recovered);
  }

  /** Appends records and forces them to disk; returns their sequence numbers in order. */
  synchronized long[] append(List<LiveRecord> records) throws IOException {
    long[] seqs = new long[records.size()];
    if (records.isEmpty()) {
      return seqs;
    }
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    long seq = nextSeq;
    for (int i = 0; i < records.size(); i++) {
      seqs[i] = seq;
      writeEntry(all, body(RECORD, seq++, records.get(i)));
    }
    long before = channel.position();
    try {
      write(all.toByteArray());
      channel.force(false);
    } catch (IOException e) {
      channel.truncate(before); // none of them is journaled: the caller does not accept them either
      channel.position(before);
      throw e;
    }
    nextSeq = seq;
    return seqs;
  }

  /** Kafka committed every record up to {@code seq}; {@code nothingPending}: the journal can be emptied. */
  synchronized void committed(long seq, boolean nothingPending) throws IOException {
    if (nothingPending) {
      channel.truncate(0);
      channel.position(0);
      channel.force(false);
      return;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    writeEntry(out, body(COMMIT, seq, null));
    write(out.toByteArray());
    channel.force(false);
  }

  /** Bytes on disk (for metrics and tests). */
  synchronized long size() throws IOException {
    return channel.size();
  }

  private void write(byte[] bytes) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(bytes);
    while (b.hasRemaining()) {
      channel.write(b);
    }
  }

  private static void writeEntry(ByteArrayOutputStream out, byte[] body) throws IOException {
    DataOutputStream d = new DataOutputStream(out);
    d.writeInt(body.length);
    d.write(body);
    CRC32 crc = new CRC32();
    crc.update(body);
    d.writeInt((int) crc.getValue());
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static byte[] body(byte type, long seq, LiveRecord r) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    DataOutputStream d = new DataOutputStream(b);
    d.writeByte(type);
    d.writeLong(seq);
    if (r != null) {
      string(d, r.topic());
      string(d, r.key());
      d.writeLong(r.timestamp());
      string(d, r.changeKey());
      bytes(d, array(r.digest()));
      string(d, r.value().getClass().getName());
      bytes(d, ((AvroCodec) AvroCodec.of(r.value().getClass())).encode(r.value()));
    }
    return b.toByteArray();
  }

  /** Reads the file: the records after the last commit mark; returns the length of its intact prefix. */
  private long load() throws IOException {
    if (!Files.exists(file)) {
      return 0;
    }
    List<Entry> entries = new ArrayList<>();
    long committed = 0;
    long good = 0;
    try (DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(Files.newInputStream(file)))) {
      while (true) {
        int len;
        byte[] body;
        int crc;
        try {
          len = in.readInt();
          if (len <= 0 || len > 64 * 1024 * 1024) {
            break;
          }
          body = in.readNBytes(len);
          if (body.length < len) {
            break;
          }
          crc = in.readInt();
        } catch (EOFException e) {
          break;
        }
        CRC32 c = new CRC32();
        c.update(body);
        if ((int) c.getValue() != crc) {
          break;
        }
        good += 4 + len + 4;
        DataInputStream b = new DataInputStream(new java.io.ByteArrayInputStream(body));
        byte type = b.readByte();
        long seq = b.readLong();
        nextSeq = Math.max(nextSeq, seq + 1);
        if (type == COMMIT) {
          committed = Math.max(committed, seq);
        } else {
          entries.add(new Entry(seq, read(b)));
        }
      }
    }
    for (Entry e : entries) {
      if (e.seq() > committed) {
        recovered.add(e);
      }
    }
    return good;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static LiveRecord read(DataInputStream b) throws IOException {
    String topic = string(b);
    String key = string(b);
    long ts = b.readLong();
    String changeKey = string(b);
    ByteBuffer digest = ByteBuffer.wrap(bytes(b)).asReadOnlyBuffer();
    String type = string(b);
    byte[] value = bytes(b);
    try {
      Class<? extends SpecificRecord> c = Class.forName(type).asSubclass(SpecificRecord.class);
      SpecificRecord v = (SpecificRecord) ((AvroCodec) AvroCodec.of(c)).decode(value);
      return new LiveRecord(topic, key, v, ts, changeKey, digest);
    } catch (ClassNotFoundException e) {
      throw new IOException("journal entry of unknown type " + type, e);
    }
  }

  private static void string(DataOutputStream d, String s) throws IOException {
    if (s == null) {
      d.writeInt(-1);
    } else {
      bytes(d, s.getBytes(StandardCharsets.UTF_8));
    }
  }

  private static String string(DataInputStream d) throws IOException {
    int n = d.readInt();
    return n < 0 ? null : new String(d.readNBytes(n), StandardCharsets.UTF_8);
  }

  private static void bytes(DataOutputStream d, byte[] b) throws IOException {
    d.writeInt(b.length);
    d.write(b);
  }

  private static byte[] bytes(DataInputStream d) throws IOException {
    int n = d.readInt();
    return d.readNBytes(n);
  }

  private static byte[] array(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
  }

  @Override
  public synchronized void close() {
    try {
      channel.close();
    } catch (IOException ignored) {
      // closing
    }
  }
}
