package dev.nbaprops.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nbaprops.avro.analytics.PlayerGameSummary;
import dev.nbaprops.serde.AvroCodec;
import dev.nbaprops.serde.SchemaCatalog;
import dev.nbaprops.serde.TableSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.stream.Stream;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkConnector;
import org.apache.kafka.connect.storage.Converter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AvroSingleObjectConverterTest {
  private final AvroSingleObjectConverter converter = new AvroSingleObjectConverter();

  /** Every derived table, plus the raw prop line and the dead letter (timestamp-millis fields). */
  static Stream<Arguments> tableClassesTwice() {
    return Stream.concat(TableSpec.all().stream().map(TableSpec::recordClass),
            Stream.of(dev.nbaprops.avro.raw.PropLine.class, dev.nbaprops.avro.common.DeadLetter.class))
        .flatMap(c -> Stream.of(Arguments.of(c, 0), Arguments.of(c, 1)));
  }

  @Test
  void coversTheTenDerivedTables() {
    assertThat(TableSpec.all()).hasSize(10);
    assertThat(SchemaCatalog.RECORD_CLASSES).containsAll(TableSpec.all().stream().map(TableSpec::recordClass).toList());
  }

  @ParameterizedTest(name = "{0} variant {1}")
  @MethodSource("tableClassesTwice")
  <T extends SpecificRecord> void roundTripsASyntheticRecord(Class<T> type, int variant) {
    T synthetic = Synthetic.record(type, variant);
    AvroCodec<T> codec = AvroCodec.of(type);
    org.apache.avro.Schema avro = codec.schema();

    SchemaAndValue sv = converter.toConnectData("some.topic", codec.encode(synthetic));

    Schema schema = sv.schema();
    assertThat(schema.type()).isEqualTo(Schema.Type.STRUCT);
    assertThat(schema.name()).isEqualTo(avro.getFullName());
    assertThat(schema.doc()).isEqualTo(avro.getDoc());
    Struct struct = (Struct) sv.value();
    assertThat(schema.fields()).hasSameSizeAs(avro.getFields());
    for (org.apache.avro.Schema.Field f : avro.getFields()) {
      Schema fs = schema.field(f.name()).schema();
      assertThat(fs.doc()).as(f.name()).isEqualTo(f.doc());
      assertThat(fs.isOptional()).as(f.name()).isEqualTo(f.schema().getType() == org.apache.avro.Schema.Type.UNION);
      assertThat(struct.get(f.name())).as(f.name()).isEqualTo(Synthetic.connectValue(synthetic.get(f.pos())));
    }
    TableSpec.from(type).ifPresentOrElse(spec -> assertThat(schema.parameters()).containsExactlyInAnyOrderEntriesOf(
        java.util.Map.of("x-table", spec.table(), "x-key", String.join(",", spec.key()),
            "x-partition-by", spec.partitionBy(), "x-topic", spec.topic())),
        () -> assertThat(schema.parameters()).doesNotContainKey("x-table"));

    byte[] back = converter.fromConnectData("some.topic", schema, struct);
    assertThat(codec.decode(back)).isEqualTo(synthetic);
  }

  @Test
  void mapsLogicalTypesToConnectDateAndTimestamp() {
    Schema summary = converter.toConnectData("t", AvroCodec.of(PlayerGameSummary.class)
        .encode(Synthetic.record(PlayerGameSummary.class, 0))).schema();
    assertThat(summary.field("game_date").schema().name()).isEqualTo(Date.LOGICAL_NAME);
    assertThat(summary.field("player_id").schema().type()).isEqualTo(Schema.Type.INT64);
    assertThat(summary.field("plus_minus").schema().type()).isEqualTo(Schema.Type.INT32);
    assertThat(summary.field("plus_minus").schema().isOptional()).isTrue();

    Schema deadLetter = converter.toConnectData("t", AvroCodec.of(dev.nbaprops.avro.common.DeadLetter.class)
        .encode(Synthetic.record(dev.nbaprops.avro.common.DeadLetter.class, 0))).schema();
    assertThat(deadLetter.field("rejected_at").schema().name()).isEqualTo(Timestamp.LOGICAL_NAME);
  }

  @Test
  void cachesTheConnectSchemaPerFingerprint() {
    AvroCodec<PlayerGameSummary> codec = AvroCodec.of(PlayerGameSummary.class);
    Schema a = converter.toConnectData("t", codec.encode(Synthetic.record(PlayerGameSummary.class, 0))).schema();
    Schema b = converter.toConnectData("t", codec.encode(Synthetic.record(PlayerGameSummary.class, 1))).schema();
    assertThat(a).isSameAs(b);
  }

  @Test
  void nullIsNull() {
    assertThat(converter.toConnectData("t", null)).isEqualTo(SchemaAndValue.NULL);
    assertThat(converter.fromConnectData("t", null, null)).isNull();
  }

  @Test
  void rejectsBytesThatAreNotSingleObjectEncoded() {
    assertThatThrownBy(() -> converter.toConnectData("t", new byte[] {1, 2, 3}))
        .isInstanceOf(DataException.class).hasMessageContaining("shorter than the 10-byte header");
    assertThatThrownBy(() -> converter.toConnectData("t", "{\"json\": \"not avro\"}".getBytes()))
        .isInstanceOf(DataException.class).hasMessageContaining("header starts 0x7B 0x22, expected 0xC3 0x01");
  }

  @Test
  void rejectsAnUnknownFingerprint() {
    byte[] bytes = AvroCodec.of(PlayerGameSummary.class).encode(Synthetic.record(PlayerGameSummary.class, 0));
    ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).putLong(0x1234L);
    assertThatThrownBy(() -> converter.toConnectData("nba_analytics.player_game_summary", bytes))
        .isInstanceOf(DataException.class)
        .hasMessageContaining("unknown Avro schema fingerprint 0x0000000000001234")
        .hasMessageContaining("nba_analytics.player_game_summary");
  }

  @Test
  void rejectsATruncatedBody() {
    byte[] bytes = AvroCodec.of(PlayerGameSummary.class).encode(Synthetic.record(PlayerGameSummary.class, 1));
    assertThatThrownBy(() -> converter.toConnectData("t", Arrays.copyOf(bytes, 14)))
        .isInstanceOf(DataException.class)
        .hasMessageContaining("cannot decode a dev.nbaprops.avro.analytics.PlayerGameSummary record");
  }

  @Test
  void resolvesAnOlderWriterSchemaToTheCurrentOne() throws Exception {
    org.apache.avro.Schema current = PlayerGameSummary.getClassSchema();
    // A synthetic older version: the current schema without its last (optional) field.
    org.apache.avro.Schema older = org.apache.avro.Schema.createRecord(current.getName(), current.getDoc(),
        current.getNamespace(), false, current.getFields().stream()
            .filter(f -> !f.name().equals("pra_result"))
            .map(f -> new org.apache.avro.Schema.Field(f, f.schema())).toList());
    current.getObjectProps().forEach(older::addProp);
    SchemaStore.Cache store = new SchemaStore.Cache();
    store.addSchema(older);
    AvroSingleObjectConverter resolving = new AvroSingleObjectConverter(store,
        name -> name.equals(current.getFullName()) ? Optional.of(current) : Optional.empty());

    GenericRecord old = new GenericData.Record(older);
    PlayerGameSummary synthetic = Synthetic.record(PlayerGameSummary.class, 1);
    for (org.apache.avro.Schema.Field f : older.getFields()) {
      Object v = synthetic.get(f.name());
      old.put(f.name(), v instanceof java.time.LocalDate d ? (int) d.toEpochDay() : v);
    }
    byte[] bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), older).encode(old).array();

    SchemaAndValue sv = resolving.toConnectData("t", bytes);
    assertThat(sv.schema()).isEqualTo(AvroSingleObjectConverter.toConnectSchema(current));
    Struct struct = (Struct) sv.value();
    assertThat(struct.get("pra_result")).isNull();
    assertThat(struct.get("player_name")).isEqualTo(synthetic.getPlayerName());
  }

  @Test
  void rejectsUnsupportedAvroTypes() {
    org.apache.avro.Schema withArray = SchemaBuilder.record("test.WithArray").fields()
        .name("tags").type().array().items().stringType().noDefault().endRecord();
    assertThatThrownBy(() -> AvroSingleObjectConverter.toConnectSchema(withArray))
        .isInstanceOf(DataException.class).hasMessageContaining("test.WithArray field tags has an unsupported");
  }

  @Test
  void fromConnectDataNeedsAKnownSchemaName() {
    Schema unknown = org.apache.kafka.connect.data.SchemaBuilder.struct().name("test.Unknown")
        .field("a", Schema.STRING_SCHEMA).build();
    assertThatThrownBy(() -> converter.fromConnectData("t", unknown, new Struct(unknown).put("a", "x")))
        .isInstanceOf(DataException.class).hasMessageContaining("no Avro schema named 'test.Unknown'");
  }

  @Test
  void isDiscoverableThroughServiceLoader() {
    assertThat(ServiceLoader.load(Converter.class).stream().map(ServiceLoader.Provider::type))
        .contains(AvroSingleObjectConverter.class);
    assertThat(ServiceLoader.load(SinkConnector.class).stream().map(ServiceLoader.Provider::type))
        .contains(WarehouseSinkConnector.class);
    assertThat(converter.version()).matches("\\d+\\.\\d+\\.\\d+.*");
  }
}
