package dev.nbaprops.connect;

import dev.nbaprops.serde.SchemaCatalog;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.SchemaStore;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.storage.Converter;

/**
 * Converts between Avro single-object encoded bytes (the project's wire format, see
 * {@link dev.nbaprops.serde.AvroCodec}) and Connect {@link Struct}s, with no schema registry: writer schemas are
 * found by fingerprint in {@link SchemaCatalog#store()} and resolved against the current schema of the same name.
 *
 * <p>Avro to Connect types: {@code string} STRING, {@code int} INT32, {@code long} INT64, {@code float} FLOAT32,
 * {@code double} FLOAT64, {@code boolean} BOOLEAN, {@code int/date} {@link Date}, {@code long/timestamp-millis}
 * {@link Timestamp}, {@code ["null", X]} optional X. The Connect schema is named after the Avro full name and
 * carries the table metadata as parameters ({@value #TABLE}, {@value #KEY} comma-joined, {@value #PARTITION_BY},
 * {@value #TOPIC}); field docs become the field schemas' docs. Any other Avro type is a {@link DataException}.
 *
 * <p>Bytes that are not single-object encoded, or carry an unknown fingerprint, throw {@link DataException}, which
 * Connect's {@code errors.tolerance} / dead-letter queue handle.
 */
public class AvroSingleObjectConverter implements Converter {
  /** Connect schema parameter: the destination table, {@code dataset.table}. */
  public static final String TABLE = "x-table";
  /** Connect schema parameter: the primary key columns, comma-joined, in order. */
  public static final String KEY = "x-key";
  /** Connect schema parameter: the partition (date) column. */
  public static final String PARTITION_BY = "x-partition-by";
  /** Connect schema parameter: the topic the records are written to. */
  public static final String TOPIC = "x-topic";

  private static final List<String> TABLE_PROPS = List.of(TABLE, KEY, PARTITION_BY, TOPIC);
  private static final byte MAGIC_0 = (byte) 0xC3;
  private static final byte MAGIC_1 = (byte) 0x01;
  private static final int HEADER_LENGTH = 10;
  private static final long MILLIS_PER_DAY = 86_400_000L;

  private final SchemaStore store;
  private final Function<String, Optional<org.apache.avro.Schema>> currentSchemas;
  private final Map<Long, Reader> readers = new ConcurrentHashMap<>();
  private final Map<org.apache.avro.Schema, Schema> connectSchemas = new ConcurrentHashMap<>();
  private final Map<String, BinaryMessageEncoder<GenericRecord>> encoders = new ConcurrentHashMap<>();

  /** A converter over every schema of the {@code schemas} module. */
  public AvroSingleObjectConverter() {
    this(SchemaCatalog.get().store(), SchemaCatalog.get()::byFullName);
  }

  /**
   * A converter over other schemas (tests).
   *
   * @param store writer schemas by fingerprint
   * @param currentSchemas the current (reader) schema for a full name, if there is one
   */
  AvroSingleObjectConverter(SchemaStore store, Function<String, Optional<org.apache.avro.Schema>> currentSchemas) {
    this.store = store;
    this.currentSchemas = currentSchemas;
  }

  /** Nothing to configure: the schemas come from the {@code schemas} module on the classpath. */
  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
  }

  @Override
  public SchemaAndValue toConnectData(String topic, byte[] value) {
    if (value == null) {
      return SchemaAndValue.NULL;
    }
    Reader reader = readers.computeIfAbsent(fingerprint(topic, value), fp -> newReader(topic, fp));
    GenericRecord record;
    try {
      BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(value, HEADER_LENGTH, value.length - HEADER_LENGTH, null);
      record = reader.datumReader.read(null, decoder);
    } catch (IOException | RuntimeException e) {
      throw new DataException("cannot decode a " + reader.writer.getFullName() + " record on topic " + topic + " ("
          + value.length + " bytes): " + e, e);
    }
    return new SchemaAndValue(reader.connectSchema, toStruct(reader.connectSchema, record));
  }

  @Override
  public byte[] fromConnectData(String topic, Schema schema, Object value) {
    if (value == null) {
      return null;
    }
    if (!(value instanceof Struct struct)) {
      throw new DataException("topic " + topic + ": expected a Struct, got " + value.getClass().getName());
    }
    String name = struct.schema().name();
    org.apache.avro.Schema avro = Optional.ofNullable(name).flatMap(currentSchemas)
        .orElseThrow(() -> new DataException("topic " + topic + ": no Avro schema named '" + name
            + "' in the schemas module; the Connect schema name must be the Avro full name"));
    GenericData.Record record = new GenericData.Record(avro);
    for (org.apache.avro.Schema.Field f : avro.getFields()) {
      Field cf = struct.schema().field(f.name());
      if (cf != null) {
        record.put(f.pos(), toAvroValue(f.schema(), struct.get(cf)));
      } else if (f.hasDefaultValue()) {
        record.put(f.pos(), GenericData.get().getDefaultValue(f));
      } else {
        throw new DataException("topic " + topic + ": " + name + " field " + f.name()
            + " has no default and is missing from the Struct");
      }
    }
    try {
      ByteBuffer buffer = encoders.computeIfAbsent(avro.getFullName(),
          n -> new BinaryMessageEncoder<>(GenericData.get(), avro)).encode(record);
      byte[] bytes = new byte[buffer.remaining()];
      buffer.get(bytes);
      return bytes;
    } catch (IOException | RuntimeException e) {
      throw new DataException("topic " + topic + ": cannot encode " + name + ": " + e, e);
    }
  }

  @Override
  public String version() {
    return PluginVersion.get();
  }

  /** Converts an Avro record schema to a Connect struct schema (see the class doc for the mapping). */
  public static Schema toConnectSchema(org.apache.avro.Schema avro) {
    if (avro.getType() != org.apache.avro.Schema.Type.RECORD) {
      throw new DataException("only Avro records are supported, got " + avro.getType() + " " + avro.getFullName());
    }
    SchemaBuilder builder = SchemaBuilder.struct().name(avro.getFullName());
    if (avro.getDoc() != null) {
      builder.doc(avro.getDoc());
    }
    for (String prop : TABLE_PROPS) {
      Object v = avro.getObjectProp(prop);
      if (v instanceof List<?> list) {
        builder.parameter(prop, list.stream().map(Object::toString).collect(Collectors.joining(",")));
      } else if (v != null) {
        builder.parameter(prop, v.toString());
      }
    }
    for (org.apache.avro.Schema.Field f : avro.getFields()) {
      builder.field(f.name(), fieldSchema(avro, f));
    }
    return builder.build();
  }

  private static Schema fieldSchema(org.apache.avro.Schema record, org.apache.avro.Schema.Field f) {
    org.apache.avro.Schema s = f.schema();
    boolean optional = false;
    if (s.getType() == org.apache.avro.Schema.Type.UNION) {
      s = nonNullBranch(s).orElseThrow(() -> unsupported(record, f));
      optional = true;
    }
    LogicalType logical = s.getLogicalType();
    SchemaBuilder b = switch (s.getType()) {
      case STRING -> SchemaBuilder.string();
      case INT -> logical == null ? SchemaBuilder.int32()
          : logical instanceof LogicalTypes.Date ? Date.builder() : null;
      case LONG -> logical == null ? SchemaBuilder.int64()
          : logical instanceof LogicalTypes.TimestampMillis ? Timestamp.builder() : null;
      case FLOAT -> SchemaBuilder.float32();
      case DOUBLE -> SchemaBuilder.float64();
      case BOOLEAN -> SchemaBuilder.bool();
      default -> null;
    };
    if (b == null) {
      throw unsupported(record, f);
    }
    if (optional) {
      b.optional();
    }
    if (f.doc() != null) {
      b.doc(f.doc());
    }
    return b.build();
  }

  /** The X of a {@code ["null", X]} / {@code [X, "null"]} union; empty for any other union. */
  private static Optional<org.apache.avro.Schema> nonNullBranch(org.apache.avro.Schema union) {
    List<org.apache.avro.Schema> types = union.getTypes();
    if (types.size() != 2) {
      return Optional.empty();
    }
    if (types.get(0).getType() == org.apache.avro.Schema.Type.NULL) {
      return Optional.of(types.get(1));
    }
    if (types.get(1).getType() == org.apache.avro.Schema.Type.NULL) {
      return Optional.of(types.get(0));
    }
    return Optional.empty();
  }

  private static DataException unsupported(org.apache.avro.Schema record, org.apache.avro.Schema.Field f) {
    return new DataException(record.getFullName() + " field " + f.name() + " has an unsupported Avro type "
        + f.schema() + "; supported: string, int, long, float, double, boolean, int/date, long/timestamp-millis,"
        + " and [\"null\", one of those]");
  }

  private static long fingerprint(String topic, byte[] value) {
    if (value.length < HEADER_LENGTH) {
      throw new DataException("record on topic " + topic + " is not Avro single-object encoded: " + value.length
          + " bytes, shorter than the " + HEADER_LENGTH + "-byte header");
    }
    if (value[0] != MAGIC_0 || value[1] != MAGIC_1) {
      throw new DataException(String.format("record on topic %s is not Avro single-object encoded: header starts"
          + " 0x%02X 0x%02X, expected 0xC3 0x01", topic, value[0] & 0xFF, value[1] & 0xFF));
    }
    return ByteBuffer.wrap(value, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
  }

  private Reader newReader(String topic, long fingerprint) {
    org.apache.avro.Schema writer = store.findByFingerprint(fingerprint);
    if (writer == null) {
      throw new DataException(String.format("record on topic %s has unknown Avro schema fingerprint 0x%016X:"
          + " no known schema version has it (is this connector's schemas jar older than the producer's?)",
          topic, fingerprint));
    }
    org.apache.avro.Schema reader = currentSchemas.apply(writer.getFullName()).orElse(writer);
    Schema connect = connectSchemas.computeIfAbsent(reader, AvroSingleObjectConverter::toConnectSchema);
    return new Reader(writer, new GenericDatumReader<>(writer, reader, GenericData.get()), connect);
  }

  private static Struct toStruct(Schema schema, GenericRecord record) {
    Struct struct = new Struct(schema);
    for (Field f : schema.fields()) {
      Object v = record.get(f.name());
      struct.put(f, v == null ? null : toConnectValue(f.schema(), v));
    }
    return struct;
  }

  private static Object toConnectValue(Schema schema, Object v) {
    if (Date.LOGICAL_NAME.equals(schema.name())) {
      return new java.util.Date(((Integer) v) * MILLIS_PER_DAY);
    }
    if (Timestamp.LOGICAL_NAME.equals(schema.name())) {
      return new java.util.Date((Long) v);
    }
    return v instanceof CharSequence cs ? cs.toString() : v;
  }

  private static Object toAvroValue(org.apache.avro.Schema field, Object v) {
    if (v == null) {
      return null;
    }
    org.apache.avro.Schema s = field.getType() == org.apache.avro.Schema.Type.UNION
        ? nonNullBranch(field).orElse(field) : field;
    if (v instanceof java.util.Date d) {
      LogicalType logical = s.getLogicalType();
      if (logical instanceof LogicalTypes.Date) {
        return Math.toIntExact(Math.floorDiv(d.getTime(), MILLIS_PER_DAY));
      }
      if (logical instanceof LogicalTypes.TimestampMillis) {
        return d.getTime();
      }
      throw new DataException("a java.util.Date value for Avro type " + s + " (expected int/date or"
          + " long/timestamp-millis)");
    }
    return v;
  }

  /** How to read one writer schema: the resolving reader and the Connect schema of the reader schema. */
  private record Reader(org.apache.avro.Schema writer, GenericDatumReader<GenericRecord> datumReader,
                        Schema connectSchema) {
  }
}
