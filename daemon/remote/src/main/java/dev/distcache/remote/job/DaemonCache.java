package dev.distcache.remote.job;

import dev.distcache.cache.CachedResult;
import dev.distcache.cache.ResultStore;
import dev.distcache.cache.StoreException;
import dev.distcache.cache.StoreOpener;
import dev.distcache.core.CacheLayout;
import dev.distcache.core.log.LogLevel;
import dev.distcache.core.log.ServerLog;
import dev.distcache.core.stats.Counter;
import dev.distcache.hashing.ResultKey;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The daemon's own result store (a RocksDB store like the local one, in its own directory) and its
 * hit, miss and store counts since start. A store that fails is reported and treated as a miss: the
 * job still compiles. Without a store (another process holds it, in {@code --inetd} mode) every job
 * is compiled. Thread-safe.
 */
public final class DaemonCache implements AutoCloseable {
  private final ResultStore store;
  private final ServerLog log;
  private final AtomicLong hits = new AtomicLong();
  private final AtomicLong misses = new AtomicLong();
  private final AtomicLong stores = new AtomicLong();

  private DaemonCache(ResultStore store, ServerLog log) {
    this.store = store;
    this.log = log;
  }

  /**
   * Opens the store under {@code cacheDir} (its {@code store} directory).
   *
   * @throws StoreException if it cannot be opened (locked by another process, unwritable)
   */
  public static DaemonCache open(Path cacheDir, long maxSize, ServerLog log) {
    StoreOpener.Opened opened =
        StoreOpener.open(new CacheLayout(cacheDir).storeDir(), InstantSource.system());
    opened.notice().ifPresent(n -> log.log(LogLevel.WARNING, "cache", n));
    ResultStore store = opened.store();
    store.setLimits(maxSize, 0);
    return new DaemonCache(store, log);
  }

  /** A cache that stores nothing (every lookup misses). */
  public static DaemonCache none(ServerLog log) {
    return new DaemonCache(null, log);
  }

  public boolean enabled() {
    return store != null;
  }

  Optional<CachedResult> get(ResultKey key) {
    if (store == null) {
      return Optional.empty();
    }
    try {
      Optional<CachedResult> r = store.get(key);
      count(r.isPresent() ? Counter.LOCAL_STORAGE_HIT : Counter.LOCAL_STORAGE_MISS);
      (r.isPresent() ? hits : misses).incrementAndGet();
      return r;
    } catch (StoreException e) {
      log.log(
          LogLevel.ERROR,
          "cache",
          "reading the cache failed, compiling instead: " + e.getMessage());
      misses.incrementAndGet();
      return Optional.empty();
    }
  }

  void put(ResultKey key, CachedResult result) {
    if (store == null) {
      return;
    }
    try {
      if (store.put(key, result)) {
        stores.incrementAndGet();
        count(Counter.LOCAL_STORAGE_WRITE);
      }
    } catch (StoreException | IllegalArgumentException e) {
      log.log(LogLevel.ERROR, "cache", "cannot store a result: " + e.getMessage());
      count(Counter.LOCAL_STORAGE_WRITE_FAILED);
    }
  }

  public long hits() {
    return hits.get();
  }

  public long misses() {
    return misses.get();
  }

  public long stores() {
    return stores.get();
  }

  public long sizeBytes() {
    return store == null ? 0 : guard(store::totalSize);
  }

  public long files() {
    return store == null ? 0 : guard(store::fileCount);
  }

  private void count(Counter c) {
    try {
      store.increment(c);
    } catch (RuntimeException e) {
      // Counters never fail a job.
    }
  }

  private static long guard(java.util.function.LongSupplier s) {
    try {
      return s.getAsLong();
    } catch (RuntimeException e) {
      return -1;
    }
  }

  @Override
  public void close() {
    if (store != null) {
      try {
        store.close();
      } catch (RuntimeException e) {
        log.log(LogLevel.ERROR, "cache", "closing the cache: " + e.getMessage());
      }
    }
  }
}
