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
}
