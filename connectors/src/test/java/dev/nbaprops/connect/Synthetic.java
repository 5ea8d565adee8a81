package dev.nbaprops.connect;

import dev.nbaprops.serde.AvroCodec;
import dev.nbaprops.serde.SchemaCatalog;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTaskContext;

/** Synthetic test records (made-up values, not real NBA data) and tiny Connect fakes. */
final class Synthetic {
  private static final Instant T0 = Instant.parse("2024-01-02T03:04:05.678Z");

  private Synthetic() {
  }

  /**
   * A synthetic record of a generated class with every field set. Optional fields are null on alternate
   * positions, shifted by {@code variant}, so two variants cover both null and non-null for each field; keys
   * (string, long and date fields) differ between variants.
   */
  static <T extends SpecificRecord> T record(Class<T> type, int variant) {
    try {
      T r = type.getDeclaredConstructor().newInstance();
      for (Schema.Field f : SchemaCatalog.schemaOf(type).getFields()) {
        r.put(f.pos(), value(f, variant));
      }
      return r;
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }

  private static Object value(Schema.Field f, int variant) {
    Schema s = f.schema();
    if (s.getType() == Schema.Type.UNION) {
      if ((f.pos() + variant) % 2 == 0) {
        return null;
      }
      s = s.getTypes().get(1);
    }
    int pos = f.pos();
    if (s.getLogicalType() instanceof LogicalTypes.Date) {
      return LocalDate.of(2024, 1, 1).plusDays(pos + 100L * variant);
    }
    if (s.getLogicalType() instanceof LogicalTypes.TimestampMillis) {
      return T0.plusSeconds(pos + 1000L * variant);
    }
    return switch (s.getType()) {
      case STRING -> "synthetic " + f.name() + " " + variant;
      case INT -> pos * 10 + variant;
      case LONG -> 1_000_000L * (variant + 1) + pos;
      case DOUBLE -> pos + 0.25 + variant;
      case FLOAT -> pos + 0.5f + variant;
      case BOOLEAN -> (pos + variant) % 2 == 0;
      default -> throw new AssertionError("no synthetic value for " + s);
    };
  }

  /** The Connect value the converter should produce for a value of a generated class. */
  static Object connectValue(Object avroValue) {
    if (avroValue instanceof LocalDate d) {
      return new Date(d.toEpochDay() * 86_400_000L);
    }
    if (avroValue instanceof Instant i) {
      return Date.from(i);
    }
    return avroValue;
  }

  /** A sink record as the worker would build it: AvroCodec bytes through the converter. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  static SinkRecord sinkRecord(AvroSingleObjectConverter converter, String topic, SpecificRecord value,
                               long offset) {
    byte[] bytes = AvroCodec.of((Class) value.getClass()).encode(value);
    SchemaAndValue sv = converter.toConnectData(topic, bytes);
    return new SinkRecord(topic, 0, org.apache.kafka.connect.data.Schema.STRING_SCHEMA, "k" + offset,
        sv.schema(), sv.value(), offset);
  }

  /** A SinkTaskContext recording what the task reports; with or without an errant record reporter. */
  static final class Context implements SinkTaskContext {
    final List<Map.Entry<SinkRecord, Throwable>> reported = new ArrayList<>();
    final boolean withReporter;
    long timeoutMs = -1;

    Context(boolean withReporter) {
      this.withReporter = withReporter;
    }

    @Override
    public ErrantRecordReporter errantRecordReporter() {
      return withReporter ? this::report : null;
    }

    private Future<Void> report(SinkRecord record, Throwable error) {
      reported.add(Map.entry(record, error));
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public Map<String, String> configs() {
      return Map.of();
    }

    @Override
    public void offset(Map<TopicPartition, Long> offsets) {
    }

    @Override
    public void offset(TopicPartition tp, long offset) {
    }

    @Override
    public void timeout(long timeoutMs) {
      this.timeoutMs = timeoutMs;
    }

    @Override
    public java.util.Set<TopicPartition> assignment() {
      return java.util.Set.of();
    }

    @Override
    public void pause(TopicPartition... partitions) {
    }

    @Override
    public void resume(TopicPartition... partitions) {
    }

    @Override
    public void requestCommit() {
    }

    @Override
    public PluginMetrics pluginMetrics() {
      return null;
    }
  }
}
