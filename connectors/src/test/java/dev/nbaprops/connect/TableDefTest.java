package dev.nbaprops.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nbaprops.avro.analytics.PlayerGameSummary;
import dev.nbaprops.connect.TableDef.Column;
import dev.nbaprops.connect.TableDef.ColumnType;
import dev.nbaprops.serde.TableSpec;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.errors.DataException;
import org.junit.jupiter.api.Test;

class TableDefTest {

  @Test
  void readsTheTableFromTheConvertedSchema() {
    TableDef def = TableDef.fromSchema(AvroSingleObjectConverter.toConnectSchema(PlayerGameSummary.getClassSchema()));
    assertThat(def.dataset()).isEqualTo("nba_analytics");
    assertThat(def.table()).isEqualTo("player_game_summary");
    assertThat(def.keyColumns()).containsExactly("game_id", "player_id");
    assertThat(def.partitionColumn()).isEqualTo("game_date");
    assertThat(def.column("game_date")).contains(new Column("game_date", ColumnType.DATE, false, "game date"));
    assertThat(def.column("ts_pct").orElseThrow().nullable()).isTrue();
    assertThat(def.column("player_id").orElseThrow().type()).isEqualTo(ColumnType.INT64);
    assertThat(def.columns()).hasSize(PlayerGameSummary.getClassSchema().getFields().size());
  }

  @Test
  void everyDerivedTableIsATable() {
    for (TableSpec spec : TableSpec.all()) {
      TableDef def = TableDef.fromSchema(AvroSingleObjectConverter.toConnectSchema(spec.schema()));
      assertThat(def.qualifiedName()).isEqualTo(spec.table());
      assertThat(def.keyColumns()).isEqualTo(spec.key());
    }
  }

  @Test
  void aSchemaWithoutXTableIsNotATable() {
    Schema raw = AvroSingleObjectConverter.toConnectSchema(dev.nbaprops.avro.raw.PlayerBoxScore.getClassSchema());
    assertThatThrownBy(() -> TableDef.fromSchema(raw)).isInstanceOf(DataException.class)
        .hasMessage("dev.nbaprops.avro.raw.PlayerBoxScore has no x-table schema parameter, so it is not a warehouse table");
    assertThatThrownBy(() -> TableDef.fromSchema(Schema.STRING_SCHEMA)).isInstanceOf(DataException.class)
        .hasMessageContaining("must be a struct");
  }

  @Test
  void keyColumnsMustBeRequiredFields() {
    Schema optionalKey = SchemaBuilder.struct().name("test.T").parameter("x-table", "ds.t").parameter("x-key", "id")
        .field("id", Schema.OPTIONAL_STRING_SCHEMA).build();
    assertThatThrownBy(() -> TableDef.fromSchema(optionalKey)).isInstanceOf(DataException.class)
        .hasMessageContaining("key column id is optional");
    Schema missingKey = SchemaBuilder.struct().name("test.T").parameter("x-table", "ds.t").parameter("x-key", "nope")
        .field("id", Schema.STRING_SCHEMA).build();
    assertThatThrownBy(() -> TableDef.fromSchema(missingKey)).isInstanceOf(DataException.class)
        .hasMessageContaining("key column nope is not a field");
    Schema noDataset = SchemaBuilder.struct().name("test.T").parameter("x-table", "t").parameter("x-key", "id")
        .field("id", Schema.STRING_SCHEMA).build();
    assertThatThrownBy(() -> TableDef.fromSchema(noDataset)).isInstanceOf(DataException.class)
        .hasMessageContaining("not of the form dataset.table");
  }

  @Test
  void parsesATombstoneKeyByTheKeyColumnTypes() {
    TableDef cache = TableDef.fromSchema(AvroSingleObjectConverter.toConnectSchema(
        TableSpec.byTable("nba_precompute.player_daily_cache").schema()));
    assertThat(cache.parseKey("203999|2023-10-27")).containsExactly(203999L,
        new java.util.Date(java.time.LocalDate.of(2023, 10, 27).toEpochDay() * 86_400_000L));
    TableDef summary = TableDef.fromSchema(AvroSingleObjectConverter.toConnectSchema(PlayerGameSummary.getClassSchema()));
    assertThat(summary.parseKey("0022300061|203999")).containsExactly("0022300061", 203999L);

    Schema all = SchemaBuilder.struct().name("test.T").parameter("x-table", "ds.t")
        .parameter("x-key", "i,b,f,d,at").field("i", Schema.INT32_SCHEMA).field("b", Schema.BOOLEAN_SCHEMA)
        .field("f", Schema.FLOAT64_SCHEMA).field("d", Schema.FLOAT32_SCHEMA)
        .field("at", org.apache.kafka.connect.data.Timestamp.SCHEMA).build();
    assertThat(TableDef.fromSchema(all).parseKey("-7|true|0.25|0.5|2024-01-16T20:30:00.123Z")).containsExactly(-7,
        true, 0.25, 0.5f, java.util.Date.from(java.time.Instant.parse("2024-01-16T20:30:00.123Z")));

    assertThatThrownBy(() -> cache.parseKey("203999")).isInstanceOf(DataException.class).hasMessage(
        "key '203999' of nba_precompute.player_daily_cache has 1 part, expected 2 separated by '|': player_id|cache_date");
    assertThatThrownBy(() -> cache.parseKey("203999|2023-10-27|x")).isInstanceOf(DataException.class)
        .hasMessageContaining("has 3 parts, expected 2");
    assertThatThrownBy(() -> cache.parseKey("20399x|2023-10-27")).isInstanceOf(DataException.class).hasMessage(
        "key '20399x|2023-10-27' of nba_precompute.player_daily_cache (player_id|cache_date): player_id '20399x'"
            + " is not an INT64 (a decimal integer)");
    assertThatThrownBy(() -> cache.parseKey("|2023-10-27")).isInstanceOf(DataException.class)
        .hasMessageContaining("player_id '' is not an INT64");
    assertThatThrownBy(() -> cache.parseKey("99999999999999999999|2023-10-27")).isInstanceOf(DataException.class)
        .hasMessageContaining("is not an INT64");
    assertThatThrownBy(() -> cache.parseKey("203999|2023-02-30")).isInstanceOf(DataException.class).hasMessage(
        "key '203999|2023-02-30' of nba_precompute.player_daily_cache (player_id|cache_date): cache_date"
            + " '2023-02-30' is not a DATE (yyyy-MM-dd)");
    assertThatThrownBy(() -> cache.parseKey("203999|20231027")).isInstanceOf(DataException.class)
        .hasMessageContaining("cache_date '20231027' is not a DATE (yyyy-MM-dd)");
    assertThatThrownBy(() -> TableDef.fromSchema(all).parseKey("1|yes|0.25|0.5|2024-01-16T20:30:00Z"))
        .isInstanceOf(DataException.class).hasMessageContaining("b 'yes' is not a BOOLEAN (true or false)");
  }
}
