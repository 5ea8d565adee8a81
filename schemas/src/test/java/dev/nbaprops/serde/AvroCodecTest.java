package dev.nbaprops.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nbaprops.avro.precompute.PlayerDailyCache;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.LocalDate;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

class AvroCodecTest {
  // Synthetic values, for the codec only.
  static PlayerDailyCache sample() {
    return PlayerDailyCache.newBuilder().setPlayerId(203999L).setCacheDate(LocalDate.of(2023, 11, 1))
        .setSeason("2023-24").setGameId("0022300100").setPlayerName("Nikola Jokić").setTeamAbbr("DEN")
        .setGamesPlayedSeason(3).setPtsAvgLast5(25.0).setPtsAvgLast10(25.0).setPtsAvgSeason(25.0)
        .setPtsStdLast10(1.5).setMinAvgLast10(34.0).setRebAvgLast10(12.0).setAstAvgLast10(9.0)
        .setPraAvgLast10(46.0).setDaysRest(1).setBackToBack(false).setGamesInWindowLast5(3)
        .setGamesInWindowLast10(3).setIsBootstrap(true).setQualityScore(0.3).build();
  }

  @Test
  void roundTripsWithTheSingleObjectHeader() {
    AvroCodec<PlayerDailyCache> codec = AvroCodec.of(PlayerDailyCache.class);
    byte[] bytes = codec.encode(sample());
    assertThat(bytes[0]).isEqualTo((byte) 0xC3);
    assertThat(bytes[1]).isEqualTo((byte) 0x01);
    long fp = ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    assertThat(fp).isEqualTo(SchemaNormalization.parsingFingerprint64(PlayerDailyCache.getClassSchema()));
    assertThat(codec.decode(bytes)).isEqualTo(sample());
  }

  @Test
  void readsBytesWrittenWithAnOlderSchemaKnownToTheStore() {
    // An "older" writer schema: the current one without the last nullable field is not what we released, so
    // register a synthetic older version explicitly and check resolution by fingerprint.
    Schema current = PlayerDailyCache.getClassSchema();
    String json = current.toString().replace(",\"x-partition-by\"", ",\"x-old\":true,\"x-partition-by\"");
    Schema writer = new Schema.Parser().parse(json.replace("\"doc\":\"mean ast over the last 10 games\"", "\"doc\":\"older doc\""));
    ((org.apache.avro.message.SchemaStore.Cache) SchemaCatalog.get().store()).addSchema(writer);
    GenericRecord r = new GenericData.Record(writer);
    PlayerDailyCache s = sample();
    for (Schema.Field f : writer.getFields()) {
      r.put(f.name(), s.get(f.name()));
    }
    byte[] bytes;
    try {
      bytes = new BinaryMessageEncoder<GenericRecord>(withDates(), writer).encode(r).array();
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
    assertThat(AvroCodec.of(PlayerDailyCache.class).decode(bytes).getPlayerName()).isEqualTo("Nikola Jokić");
  }

  private static GenericData withDates() {
    GenericData model = new GenericData();
    model.addLogicalTypeConversion(new org.apache.avro.data.TimeConversions.DateConversion());
    return model;
  }

  @Test
  void rejectsBytesOfAnUnknownSchemaWithAClearError() {
    assertThatThrownBy(() -> AvroCodec.of(PlayerDailyCache.class).decode(new byte[] {1, 2, 3}))
        .isInstanceOf(RecordCodec.CodecException.class)
        .hasMessageContaining("PlayerDailyCache");
  }

  @Test
  void everyDerivedTableDeclaresItsKey() {
    assertThat(TableSpec.all()).hasSize(10);
    assertThat(TableSpec.byTable("nba_precompute.player_daily_cache").key()).containsExactly("player_id", "cache_date");
    assertThat(TableSpec.byTable("nba_analytics.player_game_summary").partitionBy()).isEqualTo("game_date");
  }
}
