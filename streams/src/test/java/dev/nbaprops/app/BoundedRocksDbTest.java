package dev.nbaprops.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nbaprops.config.AppConfig;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

/** The store options the app's settings give every RocksDB store instance. */
class BoundedRocksDbTest {
  static {
    RocksDB.loadLibrary();
  }

  private static Options configured(Map<String, String> settings) {
    Map<String, Object> props = new HashMap<>();
    StreamsSettings.of(AppConfig.defaults().with(settings), "localhost:9092", "localhost:7070")
        .forEach((k, v) -> props.put(k.toString(), v));
    Options options = new Options();
    options.setTableFormatConfig(new BlockBasedTableConfig());
    new BoundedRocksDb().setConfig("a-store", options, props);
    return options;
  }

  @Test
  void memtablesAreSmallAndAtMostTwoByDefault() {
    try (Options o = configured(Map.of())) {
      assertThat(o.writeBufferSize()).isEqualTo(2L << 20);
      assertThat(o.maxWriteBufferNumber()).isEqualTo(2);
      assertThat(o.manifestPreallocationSize()).isEqualTo(BoundedRocksDb.MANIFEST_PREALLOCATION_BYTES);
    }
  }

  @Test
  void theAppInstallsItAndItsDefaultIsTheSettersOwn() {
    java.util.Properties p = StreamsSettings.of(AppConfig.defaults(), "localhost:9092", "localhost:7070");
    assertThat(p.get(org.apache.kafka.streams.StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG))
        .isEqualTo(BoundedRocksDb.class);
    Options options = new Options();
    options.setTableFormatConfig(new BlockBasedTableConfig());
    new BoundedRocksDb().setConfig("a-store", options, Map.of()); // no app settings at all: the setter's defaults
    try (options) {
      assertThat(options.writeBufferSize())
          .isEqualTo((long) AppConfig.defaults().getInt(AppConfig.ROCKSDB_WRITE_BUFFER_MB) << 20)
          .isEqualTo((long) BoundedRocksDb.DEFAULT_WRITE_BUFFER_MB << 20);
    }
  }

  @Test
  void theMemtableSizeIsASetting() {
    try (Options o = configured(Map.of(AppConfig.ROCKSDB_WRITE_BUFFER_MB, "8"))) {
      assertThat(o.writeBufferSize()).isEqualTo(8L << 20);
    }
  }
}
