package dev.nbaprops.serde;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.junit.jupiter.api.Test;

/** Fails the build when a schema change cannot read data written with a released version (Avro's own checker). */
class SchemaCompatibilityTest {

  @Test
  void everyCurrentSchemaReadsEveryReleasedVersionOfItself() {
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, List<Schema>> e : SchemaCatalog.get().allReleased().entrySet()) {
      Schema current = SchemaCatalog.get().byFullName(e.getKey()).orElse(null);
      if (current == null) {
        problems.add(e.getKey() + ": released but no longer exists (removing a schema breaks its readers)");
        continue;
      }
      for (Schema old : e.getValue()) {
        var result = SchemaCompatibility.checkReaderWriterCompatibility(current, old);
        if (result.getType() != SchemaCompatibilityType.COMPATIBLE) {
          problems.add(e.getKey() + ": " + result.getResult().getIncompatibilities());
        }
      }
    }
    assertThat(problems).as("backward-incompatible schema changes").isEmpty();
  }

  @Test
  void theCheckerRejectsTheChangesItMust() {
    Schema old = SchemaCatalog.get().released("dev.nbaprops.avro.precompute.PlayerDailyCache").get(0);
    // A new required field without a default cannot read old data.
    Schema addedRequired = withExtraField(old, new Schema.Field("x", Schema.create(Schema.Type.DOUBLE)));
    assertThat(SchemaCompatibility.checkReaderWriterCompatibility(addedRequired, old).getType())
        .isEqualTo(SchemaCompatibilityType.INCOMPATIBLE);
    // A new nullable field with a default can.
    Schema addedNullable = withExtraField(old, new Schema.Field("x",
        Schema.createUnion(Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.DOUBLE)), null, Schema.Field.NULL_DEFAULT_VALUE));
    assertThat(SchemaCompatibility.checkReaderWriterCompatibility(addedNullable, old).getType())
        .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
  }

  private static Schema withExtraField(Schema s, Schema.Field extra) {
    List<Schema.Field> fields = new ArrayList<>();
    for (Schema.Field f : s.getFields()) {
      fields.add(new Schema.Field(f, f.schema()));
    }
    fields.add(extra);
    return Schema.createRecord(s.getName(), s.getDoc(), s.getNamespace(), false, fields);
  }
}
