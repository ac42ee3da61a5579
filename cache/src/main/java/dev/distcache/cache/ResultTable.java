package dev.distcache.cache;

import dev.distcache.core.stats.Counter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;

/**
 * The stored values (results and manifests, each in its own column family) with their shared LRU
 * index, totals and limits, which always change together: each change is one write batch, made
 * under {@code mutationLock}. That lock guards {@code totalSize}, {@code fileCount} (volatile for
 * lock-free readers) and {@code lruFloorMillis}. Callers hold {@link RocksResultStore}'s handle
 * read lock around every call.
 */
final class ResultTable {
  private static final int EVICTION_CHUNK = 256;

  /** Sorts after every key of every column family: none is longer than 40 bytes. */
  private static final byte[] KEY_SPACE_END = filled(64);

  static final byte[] TOTAL_SIZE = utf8(StoreSchema.TOTAL_SIZE);
  static final byte[] TOTAL_FILES = utf8(StoreSchema.TOTAL_FILES);

  private final RocksHandles rocks;
  private final Path dir;
  private final ReentrantLock mutationLock = new ReentrantLock();

  /** Hits' use times not yet in the index (see {@link #touch}). */
  private final ConcurrentHashMap<ByteBuffer, Long> pendingUses = new ConcurrentHashMap<>();

  private volatile long totalSize;
  private volatile long fileCount;

  /**
   * No LRU row has an earlier last-use time, so eviction seeks here rather than to the first row
   * and does not step again over the tombstones of rows it removed before.
   */
  private long lruFloorMillis;

  private volatile long maxSize;
  private volatile long maxFiles;

  /** Decides, row by row in least-recently-used order, whether eviction goes on. */
  interface Selector {
    boolean evicts(long lastUseMillis, long projectedSize, long projectedFiles);
  }

  /** LRU rows to remove together, their total size, and the LRU floor once they are gone. */
  private record Chunk(List<byte[]> rows, long bytes, long floorAfter) {}

  ResultTable(RocksHandles rocks, Path dir) throws RocksDBException {
    this.rocks = rocks;
    this.dir = dir;
    this.totalSize = stat(TOTAL_SIZE);
    this.fileCount = stat(TOTAL_FILES);
  }

  long totalSize() {
    return totalSize;
  }

  long fileCount() {
    return fileCount;
  }

  void setLimits(long maxSizeBytes, long maxFiles) {
    this.maxSize = maxSizeBytes;
    this.maxFiles = maxFiles;
  }

  /** Whether a value of {@code size} bytes alone is over the size limit. */
  boolean tooLarge(long size) {
    long limit = maxSize;
    return limit > 0 && size > limit;
  }

  /**
   * Stores {@code value} under {@code k} in {@code family}, used at {@code now}, then evicts others
   * while over the limits.
   */
  void put(ColumnFamilyHandle family, byte[] k, byte[] value, long now) throws RocksDBException {
    mutationLock.lock();
    try {
      pendingUses.remove(ByteBuffer.wrap(k)); // this store is its newest use
      IndexRows.Entry old = entry(k);
      long sizeDelta = value.length - (old == null ? 0 : old.size());
      long filesDelta = old == null ? 1 : 0;
      try (WriteBatch batch = new WriteBatch()) {
        batch.put(family, k, value);
        if (old != null) {
          batch.delete(rocks.lru, IndexRows.lruRow(old.lastUseMillis(), k));
        }
        index(batch, k, now, value.length);
        addTotals(batch, sizeDelta, filesDelta);
        write(batch);
      }
      applyTotals(sizeDelta, filesDelta);
      if (overLimits(0, totalSize, fileCount)) {
        evict(this::overLimits, k);
      }
    } finally {
      mutationLock.unlock();
    }
  }

  boolean remove(byte[] k) throws RocksDBException {
    mutationLock.lock();
    try {
      IndexRows.Entry old = entry(k);
      if (old == null) {
        return false;
      }
      try (WriteBatch batch = new WriteBatch()) {
        unindex(batch, k, old);
        deleteValue(batch, k);
        addTotals(batch, -old.size(), -1);
        write(batch);
      }
      applyTotals(-old.size(), -1);
      return true;
    } finally {
      mutationLock.unlock();
    }
  }

  /**
   * Records a hit's use time in memory; {@link #flushUses}, which the caller schedules, writes it
   * to the index. A hit then costs no index read and no write of its own: the uses of many hits go
   * in one batch.
   */
  void touch(byte[] k, long now) {
    pendingUses.merge(ByteBuffer.wrap(k.clone()), now, Math::max);
  }

  /**
   * Writes the recorded uses to the index in one batch, skipping values removed or stored again
   * since. Eviction, namespace eviction and close call it first, so they see every hit's use.
   */
  void flushUses() throws RocksDBException {
    if (pendingUses.isEmpty()) {
      return;
    }
    mutationLock.lock();
    try (WriteBatch batch = new WriteBatch()) {
      int changed = 0;
      for (Map.Entry<ByteBuffer, Long> use : pendingUses.entrySet()) {
        // A newer use recorded meanwhile stays for the next flush.
        pendingUses.remove(use.getKey(), use.getValue());
        byte[] k = use.getKey().array();
        long now = use.getValue();
        IndexRows.Entry old = entry(k);
        if (old == null || old.lastUseMillis() == now) {
          continue;
        }
        batch.delete(rocks.lru, IndexRows.lruRow(old.lastUseMillis(), k));
        index(batch, k, now, old.size());
        changed++;
      }
      if (changed > 0) {
        write(batch);
      }
    } finally {
      mutationLock.unlock();
    }
  }

  /**
   * Removes a value of {@code family} that failed to decode and counts it as corrupt, unless it was
   * replaced or removed since it was read.
   */
  void removeCorrupt(ColumnFamilyHandle family, byte[] k, byte[] value) throws RocksDBException {
    mutationLock.lock();
    try {
      if (!Arrays.equals(rocks.db.get(family, k), value)) {
        return;
      }
      IndexRows.Entry old = entry(k);
      try (WriteBatch batch = new WriteBatch()) {
        batch.delete(family, k);
        if (old != null) {
          unindex(batch, k, old);
          addTotals(batch, -old.size(), -1);
        }
        batch.merge(rocks.stats, utf8(Counter.CORRUPT_CACHE_ENTRY.id()), IndexRows.u64le(1));
        write(batch);
      }
      if (old != null) {
        applyTotals(-old.size(), -1);
      }
    } finally {
      mutationLock.unlock();
    }
  }

  CleanupReport evictToLimits() throws RocksDBException {
    return evict(this::overLimits, null);
  }

  CleanupReport evictUsedBefore(long cutoffMillis) throws RocksDBException {
    return evict((lastUse, size, files) -> lastUse < cutoffMillis, null);
  }

  /**
   * The use time the index holds for {@code k} (uses still in memory not counted); -1 when none.
   */
  long indexedUseMillis(byte[] k) throws RocksDBException {
    IndexRows.Entry e = entry(k);
    return e == null ? -1 : e.lastUseMillis();
  }

  /** Whether {@code k} is stored and was last used before {@code cutoffMillis}. */
  boolean usedBefore(byte[] k, long cutoffMillis) throws RocksDBException {
    IndexRows.Entry e = entry(k);
    return e != null && e.lastUseMillis() < cutoffMillis;
  }

  /**
   * Removes the values under {@code keys} (those still stored) with their index rows, one write
   * batch per chunk; counts one cleanup when any is removed.
   */
  CleanupReport removeAll(List<byte[]> keys) throws RocksDBException {
    CleanupReport report = CleanupReport.NOTHING;
    for (int from = 0; from < keys.size(); from += EVICTION_CHUNK) {
      List<byte[]> chunk = keys.subList(from, Math.min(keys.size(), from + EVICTION_CHUNK));
      mutationLock.lock();
      try {
        long files = 0;
        long bytes = 0;
        try (WriteBatch batch = new WriteBatch()) {
          for (byte[] k : chunk) {
            IndexRows.Entry old = entry(k);
            if (old != null) {
              unindex(batch, k, old);
              deleteValue(batch, k);
              files++;
              bytes += old.size();
            }
          }
          if (files == 0) {
            continue;
          }
          addTotals(batch, -bytes, -files);
          if (report.removedFiles() == 0) {
            countCleanup(batch);
          }
          write(batch);
        }
        applyTotals(-bytes, -files);
        report = report.plus(files, bytes);
      } finally {
        mutationLock.unlock();
      }
    }
    return report;
  }

  CleanupReport clear() throws RocksDBException {
    CleanupReport report;
    mutationLock.lock();
    try {
      report = new CleanupReport(fileCount, totalSize);
      try (WriteBatch batch = new WriteBatch()) {
        for (ColumnFamilyHandle family : rocks.values) {
          batch.deleteRange(family, new byte[0], KEY_SPACE_END);
        }
        batch.deleteRange(rocks.lru, new byte[0], KEY_SPACE_END);
        batch.deleteRange(rocks.entries, new byte[0], KEY_SPACE_END);
        batch.put(rocks.stats, TOTAL_SIZE, IndexRows.u64le(0));
        batch.put(rocks.stats, TOTAL_FILES, IndexRows.u64le(0));
        if (report.removedFiles() > 0) {
          countCleanup(batch);
        }
        write(batch);
      }
      totalSize = 0;
      fileCount = 0;
      lruFloorMillis = Long.MAX_VALUE;
    } finally {
      mutationLock.unlock();
    }
    try {
      for (ColumnFamilyHandle family : rocks.values) {
        rocks.db.compactRange(family); // frees the disk space now, not at some later compaction
      }
    } catch (RocksDBException e) {
      throw StoreFailures.failed(dir, "compact", e);
    }
    return report;
  }

  RocksResultStore.Recount recount(int maxProblems) throws RocksDBException {
    mutationLock.lock();
    try {
      return StoreAudit.recount(rocks, maxProblems);
    } finally {
      mutationLock.unlock();
    }
  }

  /**
   * Removes results in least-recently-used order while {@code selector} says so, skipping {@code
   * keep}; one write batch per chunk, and the mutation lock is released between chunks (unless the
   * caller holds it).
   */
  private CleanupReport evict(Selector selector, byte[] keep) throws RocksDBException {
    CleanupReport report = CleanupReport.NOTHING;
    flushUses();
    while (true) {
      mutationLock.lock();
      try {
        Chunk chunk = nextChunk(selector, keep);
        if (chunk.rows().isEmpty()) {
          return report;
        }
        try (WriteBatch batch = new WriteBatch()) {
          for (byte[] row : chunk.rows()) {
            byte[] k = IndexRows.lruKey(row);
            deleteValue(batch, k);
            batch.delete(rocks.entries, k);
            batch.delete(rocks.lru, row);
          }
          addTotals(batch, -chunk.bytes(), -chunk.rows().size());
          if (report.removedFiles() == 0) {
            countCleanup(batch);
          }
          write(batch);
        }
        applyTotals(-chunk.bytes(), -chunk.rows().size());
        lruFloorMillis = chunk.floorAfter();
        report = report.plus(chunk.rows().size(), chunk.bytes());
      } finally {
        mutationLock.unlock();
      }
    }
  }

  private Chunk nextChunk(Selector selector, byte[] keep) throws RocksDBException {
    List<byte[]> rows = new ArrayList<>();
    long bytes = 0;
    long floor = lruFloorMillis;
    boolean survivorSeen = false;
    try (RocksIterator it = rocks.db.newIterator(rocks.lru)) {
      for (it.seek(IndexRows.lruRow(floor, new byte[0]));
          it.isValid() && rows.size() < EVICTION_CHUNK;
          it.next()) {
        byte[] row = it.key();
        long lastUse = IndexRows.lruMillis(row);
        if (!survivorSeen) {
          floor = lastUse;
        }
        if (!selector.evicts(lastUse, totalSize - bytes, fileCount - rows.size())) {
          break;
        }
        if (keep != null && Arrays.equals(IndexRows.lruKey(row), keep)) {
          survivorSeen = true;
        } else {
          rows.add(row);
          bytes += IndexRows.u64be(it.value());
        }
      }
      it.status();
    }
    return new Chunk(rows, bytes, floor);
  }

  private boolean overLimits(long lastUseMillis, long size, long files) {
    long sizeLimit = maxSize;
    long filesLimit = maxFiles;
    return (sizeLimit > 0 && size > sizeLimit) || (filesLimit > 0 && files > filesLimit);
  }

  private IndexRows.Entry entry(byte[] k) throws RocksDBException {
    byte[] row = rocks.db.get(rocks.entries, k);
    return row == null ? null : IndexRows.Entry.parse(row);
  }

  private void index(WriteBatch batch, byte[] k, long lastUseMillis, long size)
      throws RocksDBException {
    lruFloorMillis = Math.min(lruFloorMillis, lastUseMillis);
    batch.put(rocks.lru, IndexRows.lruRow(lastUseMillis, k), IndexRows.u64be(size));
    batch.put(rocks.entries, k, new IndexRows.Entry(lastUseMillis, size).bytes());
  }

  /** Deletes {@code k} from every value family: the index does not say which one holds it. */
  private void deleteValue(WriteBatch batch, byte[] k) throws RocksDBException {
    for (ColumnFamilyHandle family : rocks.values) {
      batch.delete(family, k);
    }
  }

  private void unindex(WriteBatch batch, byte[] k, IndexRows.Entry old) throws RocksDBException {
    batch.delete(rocks.lru, IndexRows.lruRow(old.lastUseMillis(), k));
    batch.delete(rocks.entries, k);
  }

  private void addTotals(WriteBatch batch, long sizeDelta, long filesDelta)
      throws RocksDBException {
    batch.merge(rocks.stats, TOTAL_SIZE, IndexRows.u64le(sizeDelta));
    batch.merge(rocks.stats, TOTAL_FILES, IndexRows.u64le(filesDelta));
  }

  private void applyTotals(long sizeDelta, long filesDelta) {
    totalSize += sizeDelta;
    fileCount += filesDelta;
  }

  private void countCleanup(WriteBatch batch) throws RocksDBException {
    batch.merge(rocks.stats, utf8(Counter.CLEANUPS_PERFORMED.id()), IndexRows.u64le(1));
  }

  private void write(WriteBatch batch) {
    try {
      rocks.db.write(rocks.writeOptions, batch);
    } catch (RocksDBException e) {
      throw StoreFailures.failed(dir, "write to", e);
    }
  }

  private long stat(byte[] key) throws RocksDBException {
    byte[] value = rocks.db.get(rocks.stats, key);
    return value == null ? 0 : IndexRows.u64le(value);
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] filled(int length) {
    byte[] b = new byte[length];
    Arrays.fill(b, (byte) 0xFF);
    return b;
  }
}
