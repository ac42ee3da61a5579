package dev.distcache.cache;

import dev.distcache.core.stats.Counter;
import dev.distcache.hashing.ResultKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;

/**
 * A {@link ResultStore} in one RocksDB database, laid out as {@link StoreSchema} describes.
 *
 * <p>CONCURRENCY. Any number of threads (the server's virtual request threads) call in at once.
 * There are two locks, always taken in this order:
 *
 * <ol>
 *   <li>{@code handleLock}, a read/write lock: every method holds its read lock while it uses a
 *       native handle; {@link #close} takes its write lock, so close waits for the calls in
 *       progress and no call ever reaches a closed handle (which would crash the JVM).
 *   <li>{@code mutationLock}: serialises every read-modify-write of the index and the totals (put,
 *       remove, each chunk of an eviction, clear, the removal of a corrupt value, the last-use
 *       update of a hit). It guards {@code totalSize} and {@code fileCount}, which are written
 *       only under it and are volatile for lock-free readers. Encoding, decoding and plain reads
 *       run outside it.
 * </ol>
 *
 * Counter updates take neither lock beyond the read lock: each is one atomic RocksDB merge.
 */
public final class RocksResultStore implements ResultStore {
  private static final int EVICTION_CHUNK = 256;
  private static final int MAX_REPORTED_PROBLEMS = 20;
  /** Sorts after every key of every column family: none is longer than 40 bytes. */
  private static final byte[] KEY_SPACE_END = filled(64);
  private static final byte[] TOTAL_SIZE = utf8(StoreSchema.TOTAL_SIZE);
  private static final byte[] TOTAL_FILES = utf8(StoreSchema.TOTAL_FILES);

  private final Path dir;
  private final InstantSource clock;
  private final RocksHandles rocks;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final ReentrantReadWriteLock handleLock = new ReentrantReadWriteLock();
  private final ReentrantLock mutationLock = new ReentrantLock();
  private volatile long totalSize;
  private volatile long fileCount;
  private volatile long maxSize;
  private volatile long maxFiles;

  /** The sizes {@link #recount} found, and every disagreement between the values and their index. */
  public record Recount(long sizeBytes, long files, List<String> indexProblems) {}

  /** Decides, row by row in least-recently-used order, whether eviction goes on. */
  private interface Selector {
    boolean evicts(long lastUseMillis, long projectedSize, long projectedFiles);
  }

  private interface RocksCall<T> {
    T call() throws RocksDBException;
  }

  private RocksResultStore(Path dir, InstantSource clock, RocksHandles rocks) throws RocksDBException {
    this.dir = dir;
    this.clock = clock;
    this.rocks = rocks;
    this.totalSize = stat(TOTAL_SIZE);
    this.fileCount = stat(TOTAL_FILES);
  }

  /**
   * Opens the store in {@code dir}, creating it if needed; {@code clock} dates every use.
   *
   * @throws StoreException if it cannot be opened, for example because another server has it open
   */
  public static RocksResultStore open(Path dir, InstantSource clock) {
    RocksHandles rocks = RocksHandles.open(dir);
    try {
      return new RocksResultStore(dir, clock, rocks);
    } catch (RocksDBException e) {
      StoreException failure = StoreFailures.failed(dir, "open", e);
      try {
        rocks.close();
      } catch (RocksDBException closing) {
        failure.addSuppressed(closing);
      }
      throw failure;
    }
  }

  @Override
  public Optional<CachedResult> get(ResultKey key) {
    byte[] k = key.bytes();
    return guarded(() -> {
      byte[] value = rocks.db.get(rocks.results, k);
      if (value == null) {
        return Optional.empty();
      }
      CachedResult result;
      try {
        result = EntryCodec.decode(key, value);
      } catch (CorruptEntryException e) {
        removeCorrupt(k, value);
        return Optional.empty();
      }
      touch(k);
      return Optional.of(result);
    });
  }

  @Override
  public boolean put(ResultKey key, CachedResult result) {
    byte[] k = key.bytes();
    byte[] value = EntryCodec.encode(key, result);
    return guarded(() -> {
      long limit = maxSize;
      if (limit > 0 && value.length > limit) {
        return false;
      }
      mutationLock.lock();
      try {
        IndexRows.Entry old = entry(k);
        long sizeDelta = value.length - (old == null ? 0 : old.size());
        long filesDelta = old == null ? 1 : 0;
        try (WriteBatch batch = new WriteBatch()) {
          batch.put(rocks.results, k, value);
          if (old != null) {
            batch.delete(rocks.lru, IndexRows.lruRow(old.lastUseMillis(), k));
          }
          index(batch, k, nowMillis(), value.length);
          addTotals(batch, sizeDelta, filesDelta);
          write(batch);
        }
        applyTotals(sizeDelta, filesDelta);
        evict(this::overLimits, k);
        return true;
      } finally {
        mutationLock.unlock();
      }
    });
  }

  @Override
  public boolean remove(ResultKey key) {
    byte[] k = key.bytes();
    return guarded(() -> {
      mutationLock.lock();
      try {
        IndexRows.Entry old = entry(k);
        if (old == null) {
          return false;
        }
        try (WriteBatch batch = new WriteBatch()) {
          unindex(batch, k, old);
          batch.delete(rocks.results, k);
          addTotals(batch, -old.size(), -1);
          write(batch);
        }
        applyTotals(-old.size(), -1);
        return true;
      } finally {
        mutationLock.unlock();
      }
    });
  }

  @Override
  public void setLimits(long maxSizeBytes, long maxFiles) {
    if (maxSizeBytes < 0 || maxFiles < 0) {
      throw new IllegalArgumentException(
          "limits must not be negative: maxSizeBytes (" + maxSizeBytes + "), maxFiles (" + maxFiles + ")");
    }
    guarded(() -> {
      this.maxSize = maxSizeBytes;
      this.maxFiles = maxFiles;
      return null;
    });
  }

  @Override
  public CleanupReport cleanup() {
    return guarded(() -> evict(this::overLimits, null));
  }

  @Override
  public CleanupReport evictOlderThan(Duration age) {
    if (age.isNegative()) {
      throw new IllegalArgumentException("age (" + age + ") must not be negative");
    }
    return guarded(() -> {
      long now = nowMillis();
      long ageMillis = age.compareTo(Duration.ofMillis(now)) >= 0 ? now : age.toMillis();
      long cutoff = now - ageMillis;
      return evict((lastUse, size, files) -> lastUse < cutoff, null);
    });
  }

  @Override
  public CleanupReport clear() {
    return guarded(() -> {
      CleanupReport report;
      mutationLock.lock();
      try {
        report = new CleanupReport(fileCount, totalSize);
        try (WriteBatch batch = new WriteBatch()) {
          batch.deleteRange(rocks.results, new byte[0], KEY_SPACE_END);
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
      } finally {
        mutationLock.unlock();
      }
      compactAfterClear();
      return report;
    });
  }

  @Override
  public long totalSize() {
    return guarded(() -> totalSize);
  }

  @Override
  public long fileCount() {
    return guarded(() -> fileCount);
  }

  @Override
  public void increment(Counter counter) {
    add(counter, 1);
  }

  @Override
  public void add(Counter counter, long delta) {
    guarded(() -> {
      try (WriteBatch batch = new WriteBatch()) {
        batch.merge(rocks.stats, id(counter), IndexRows.u64le(delta));
        write(batch);
      }
      return null;
    });
  }

  @Override
  public Map<Counter, Long> counters() {
    return guarded(() -> {
      Map<Counter, Long> counters = new EnumMap<>(Counter.class);
      try (RocksIterator it = rocks.db.newIterator(rocks.stats)) {
        for (it.seekToFirst(); it.isValid(); it.next()) {
          Counter counter = Counter.byId(new String(it.key(), StandardCharsets.UTF_8));
          if (counter != null) {
            counters.put(counter, IndexRows.u64le(it.value()));
          }
        }
        it.status();
      }
      return Collections.unmodifiableMap(counters);
    });
  }

  @Override
  public void zeroCounters() {
    guarded(() -> {
      try (WriteBatch batch = new WriteBatch()) {
        for (Counter counter : Counter.values()) {
          long value = counter == Counter.STATS_ZEROED_TIMESTAMP ? clock.instant().getEpochSecond() : 0;
          batch.put(rocks.stats, id(counter), IndexRows.u64le(value));
        }
        write(batch);
      }
      return null;
    });
  }

  /**
   * Adds up every stored value and checks each against its index rows; reads the whole store, so
   * it is for tests and diagnostics, not the compile path.
   */
  public Recount recount() {
    return guarded(() -> {
      mutationLock.lock();
      try {
        return StoreAudit.recount(rocks, MAX_REPORTED_PROBLEMS);
      } finally {
        mutationLock.unlock();
      }
    });
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    Lock lock = handleLock.writeLock();
    lock.lock();
    try {
      rocks.close();
    } catch (RocksDBException e) {
      throw StoreFailures.failed(dir, "close", e);
    } finally {
      lock.unlock();
    }
  }

  private <T> T guarded(RocksCall<T> call) {
    Lock lock = handleLock.readLock();
    lock.lock();
    try {
      if (closed.get()) {
        throw new IllegalStateException("store is closed");
      }
      return call.call();
    } catch (RocksDBException e) {
      throw StoreFailures.failed(dir, "read", e);
    } finally {
      lock.unlock();
    }
  }

  /** Records a hit's use time, unless the result was removed since it was read. */
  private void touch(byte[] k) throws RocksDBException {
    mutationLock.lock();
    try {
      IndexRows.Entry old = entry(k);
      long now = nowMillis();
      if (old == null || old.lastUseMillis() == now) {
        return;
      }
      try (WriteBatch batch = new WriteBatch()) {
        batch.delete(rocks.lru, IndexRows.lruRow(old.lastUseMillis(), k));
        index(batch, k, now, old.size());
        write(batch);
      }
    } finally {
      mutationLock.unlock();
    }
  }

  /** Removes a value that failed to decode, unless it was replaced or removed since it was read. */
  private void removeCorrupt(byte[] k, byte[] value) throws RocksDBException {
    mutationLock.lock();
    try {
      if (!Arrays.equals(rocks.db.get(rocks.results, k), value)) {
        return;
      }
      IndexRows.Entry old = entry(k);
      try (WriteBatch batch = new WriteBatch()) {
        batch.delete(rocks.results, k);
        if (old != null) {
          unindex(batch, k, old);
          addTotals(batch, -old.size(), -1);
        }
        batch.merge(rocks.stats, id(Counter.CORRUPT_CACHE_ENTRY), IndexRows.u64le(1));
        write(batch);
      }
      if (old != null) {
        applyTotals(-old.size(), -1);
      }
    } finally {
      mutationLock.unlock();
    }
  }

  /**
   * Removes results in least-recently-used order while {@code selector} says so, skipping {@code
   * keep}; one write batch per chunk, so the mutation lock is released between chunks.
   */
  private CleanupReport evict(Selector selector, byte[] keep) throws RocksDBException {
    CleanupReport report = CleanupReport.NOTHING;
    while (true) {
      mutationLock.lock();
      try {
        List<byte[]> rows = new ArrayList<>();
        long bytes = 0;
        try (RocksIterator it = rocks.db.newIterator(rocks.lru)) {
          for (it.seekToFirst(); it.isValid() && rows.size() < EVICTION_CHUNK; it.next()) {
            byte[] row = it.key();
            if (!selector.evicts(IndexRows.lruMillis(row), totalSize - bytes, fileCount - rows.size())) {
              break;
            }
            if (keep == null || !Arrays.equals(IndexRows.lruKey(row), keep)) {
              rows.add(row);
              bytes += IndexRows.u64be(it.value());
            }
          }
          it.status();
        }
        if (rows.isEmpty()) {
          return report;
        }
        try (WriteBatch batch = new WriteBatch()) {
          for (byte[] row : rows) {
            byte[] k = IndexRows.lruKey(row);
            batch.delete(rocks.results, k);
            batch.delete(rocks.entries, k);
            batch.delete(rocks.lru, row);
          }
          addTotals(batch, -bytes, -rows.size());
          if (report.removedFiles() == 0) {
            countCleanup(batch);
          }
          write(batch);
        }
        applyTotals(-bytes, -rows.size());
        report = report.plus(rows.size(), bytes);
      } finally {
        mutationLock.unlock();
      }
    }
  }

  /** Drops the deleted values' files now rather than at some later compaction. */
  private void compactAfterClear() {
    try {
      rocks.db.compactRange(rocks.results);
    } catch (RocksDBException e) {
      throw StoreFailures.failed(dir, "compact", e);
    }
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

  private void index(WriteBatch batch, byte[] k, long lastUseMillis, long size) throws RocksDBException {
    batch.put(rocks.lru, IndexRows.lruRow(lastUseMillis, k), IndexRows.u64be(size));
    batch.put(rocks.entries, k, new IndexRows.Entry(lastUseMillis, size).bytes());
  }

  private void unindex(WriteBatch batch, byte[] k, IndexRows.Entry old) throws RocksDBException {
    batch.delete(rocks.lru, IndexRows.lruRow(old.lastUseMillis(), k));
    batch.delete(rocks.entries, k);
  }

  private void addTotals(WriteBatch batch, long sizeDelta, long filesDelta) throws RocksDBException {
    batch.merge(rocks.stats, TOTAL_SIZE, IndexRows.u64le(sizeDelta));
    batch.merge(rocks.stats, TOTAL_FILES, IndexRows.u64le(filesDelta));
  }

  private void applyTotals(long sizeDelta, long filesDelta) {
    totalSize += sizeDelta;
    fileCount += filesDelta;
  }

  private void countCleanup(WriteBatch batch) throws RocksDBException {
    batch.merge(rocks.stats, id(Counter.CLEANUPS_PERFORMED), IndexRows.u64le(1));
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

  private long nowMillis() {
    return Math.max(0, clock.millis());
  }

  private static byte[] id(Counter counter) {
    return utf8(counter.id());
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] filled(int length) {
    byte[] b = new byte[length];
    Arrays.fill(b, (byte) 0xFF);
    return b;
  }
}
