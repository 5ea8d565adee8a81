package dev.nbaprops.app;

import java.util.Map;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;

/**
 * Bounds the off-heap memory of the app's RocksDB stores: one LRU block cache shared by every store instance (the
 * budget, {@value #MEMORY_MB_CONFIG}, default {@value #DEFAULT_MEMORY_MB} MB) instead of one cache per instance,
 * and small memtables ({@value #WRITE_BUFFER_MB_CONFIG}, default {@value #DEFAULT_WRITE_BUFFER_MB} MB, at most two per
 * store instance) instead of RocksDB's 16 MB x 3.
 * A store instance's memtables only grow with what is written to it between flushes, so small stores stay small.
 *
 * <p>Measured and rejected (bench/RESULTS.md): a write buffer manager charging every memtable to the shared cache
 * (the Kafka Streams docs' recipe). With ~130 store instances and a budget under a gigabyte, once the memtables
 * together reach the budget every write to any store flushes that store's memtable, however small: stores filled
 * with tiny files, puts waited on flushes, and transactions ran past their timeout.
 */
public final class BoundedRocksDb implements RocksDBConfigSetter {
  /** Shared block cache of all stores, in MB (passed through the Streams properties). */
  public static final String MEMORY_MB_CONFIG = "nba.rocksdb.memory.mb";
  public static final int DEFAULT_MEMORY_MB = 64;
  /** Memtable size of each store instance, in MB (passed through the Streams properties). */
  public static final String WRITE_BUFFER_MB_CONFIG = "nba.rocksdb.write.buffer.mb";
  public static final int DEFAULT_WRITE_BUFFER_MB = 2;
  static final long MANIFEST_PREALLOCATION_BYTES = 64L << 10;

  private static Cache cache;

  private static synchronized Cache cache(long bytes) {
    if (cache == null) {
      cache = new LRUCache(bytes);
    }
    return cache;
  }

  @Override
  public void setConfig(String storeName, Options options, Map<String, Object> configs) {
    Object mb = configs.get(MEMORY_MB_CONFIG);
    BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
    table.setBlockCache(cache((mb == null ? DEFAULT_MEMORY_MB : Long.parseLong(mb.toString())) << 20));
    options.setTableFormatConfig(table);
    Object wb = configs.get(WRITE_BUFFER_MB_CONFIG);
    options.setWriteBufferSize((long) (wb == null ? DEFAULT_WRITE_BUFFER_MB : Integer.parseInt(wb.toString())) << 20);
    options.setMaxWriteBufferNumber(2);
    // RocksDB reserves (fallocate) 4 MB for each store instance's MANIFEST when it opens it: ~130 instances asked
    // for more than 256 MB of free disk just to start (130 x 4 MB), so on a small state disk the app could not start again after
    // a full disk, even with its stores holding a few MB (kill harness, docs/reliability.md). The MANIFEST of a
    // store this size grows by a few KB.
    options.setManifestPreallocationSize(MANIFEST_PREALLOCATION_BYTES);
  }

  @Override
  public void close(String storeName, Options options) {
    // The cache is shared by every store of the process: never closed per store.
  }
}
