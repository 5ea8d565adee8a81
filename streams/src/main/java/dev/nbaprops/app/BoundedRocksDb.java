package dev.nbaprops.app;

import java.util.Map;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;

/**
 * Bounds the off-heap memory of every RocksDB store of the app together (the recipe of the Kafka Streams memory
 * management docs): one LRU block cache shared by all stores, index and filter blocks counted in it, and one write
 * buffer manager that charges every memtable to the same cache. Without it each of the ~100 store instances (stores
 * times partitions) takes its own 16 MB write buffers and block cache, and the process grows past a gigabyte.
 * The budget is {@value #MEMORY_MB_CONFIG} (default {@value #DEFAULT_MEMORY_MB} MB, a quarter of it for memtables).
 */
public final class BoundedRocksDb implements RocksDBConfigSetter {
  /** Total off-heap budget of all stores, in MB (passed through the Streams properties). */
  public static final String MEMORY_MB_CONFIG = "nba.rocksdb.memory.mb";
  public static final int DEFAULT_MEMORY_MB = 96;
  private static final double INDEX_FILTER_SHARE = 0.1;

  private static Cache cache;
  private static WriteBufferManager writeBuffers;

  private static synchronized void init(long bytes) {
    if (cache == null) {
      cache = new LRUCache(bytes, -1, false, INDEX_FILTER_SHARE);
      writeBuffers = new WriteBufferManager(bytes / 4, cache);
    }
  }

  @Override
  public void setConfig(String storeName, Options options, Map<String, Object> configs) {
    Object mb = configs.get(MEMORY_MB_CONFIG);
    init((mb == null ? DEFAULT_MEMORY_MB : Long.parseLong(mb.toString())) << 20);
    BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
    table.setBlockCache(cache);
    table.setCacheIndexAndFilterBlocks(true);
    table.setCacheIndexAndFilterBlocksWithHighPriority(true);
    table.setPinTopLevelIndexAndFilter(true);
    options.setWriteBufferManager(writeBuffers);
    options.setWriteBufferSize(4L << 20);
    options.setMaxWriteBufferNumber(2);
    options.setTableFormatConfig(table);
  }

  @Override
  public void close(String storeName, Options options) {
    // The cache and the write buffer manager are shared by every store of the process: never closed per store.
  }
}
