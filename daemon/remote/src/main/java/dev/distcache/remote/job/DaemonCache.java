package dev.distcache.remote.job;

import dev.distcache.cache.ResultStore;
import dev.distcache.cache.StoreException;
import dev.distcache.cache.StoreOpener;
import dev.distcache.cache.remote.RemoteEvents;
import dev.distcache.cache.remote.RemoteSpec;
import dev.distcache.cache.remote.RemoteStorages;
import dev.distcache.cache.stage.InFlight;
import dev.distcache.cache.stage.LocalTier;
import dev.distcache.cache.stage.ResultCache;
import dev.distcache.cache.stage.Tier;
import dev.distcache.core.CacheLayout;
import dev.distcache.core.log.LogLevel;
import dev.distcache.core.log.ServerLog;
import dev.distcache.core.stats.Counter;
import dev.distcache.remote.storage.SharedEntries;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;

/**
 * The daemon's own result store (a RocksDB store like the local one, in its own directory), the
 * cache stage over it ({@link ResultCache}) and its hit, miss and store counts since start ({@link
 * DaemonCacheReport}). A store that fails is reported and treated as a miss: the job still
 * compiles. Without a store (another process holds it, in {@code --inetd} mode) every job is
 * compiled. Thread-safe.
 */
public final class DaemonCache implements AutoCloseable {
  private final ResultStore store;
  private final ServerLog log;
  private final DaemonCacheReport report;
  private final ResultCache stage;

  private final RemoteStorages remotes;

  /** The keys being compiled now: two clients sending the same job compile it once. */
  private final InFlight inFlight = new InFlight();

  private DaemonCache(ResultStore store, long maxSize, String remoteStorage, ServerLog log) {
    this.store = store;
    this.log = log;
    this.report = new DaemonCacheReport(store, log);
    List<Tier> tiers = new ArrayList<>();
    if (store != null) {
      tiers.add(new LocalTier(store));
    }
    this.remotes = RemoteStorages.open(new Events(store, log));
    if (store != null) {
      tiers.addAll(remotes.tiers(remoteStorage));
    }
    this.stage =
        new ResultCache(tiers, report, ResultCache.Policy.storing(new Tier.Limits(maxSize, 0)));
  }

  /** The shared tier's background counts go to the store, its lines to the daemon's log. */
  private record Events(ResultStore store, ServerLog log) implements RemoteEvents {
    @Override
    public void count(Counter counter) {
      try {
        store.increment(counter);
      } catch (RuntimeException e) {
        // Counters never fail a job.
      }
    }

    @Override
    public void log(String line) {
      log.log(LogLevel.WARNING, "cache", line);
    }
  }

  /**
   * Opens the store under {@code cacheDir} (its {@code store} directory).
   *
   * @throws StoreException if it cannot be opened (locked by another process, unwritable)
   */
  public static DaemonCache open(Path cacheDir, long maxSize, ServerLog log) {
    return open(cacheDir, maxSize, "", log);
  }

  /**
   * Opens the store under {@code cacheDir}, with the shared tier {@code remoteStorage} names (the
   * {@code remote_storage} grammar; empty for none) after it.
   *
   * @throws StoreException if the store cannot be opened
   * @throws IllegalArgumentException if {@code remoteStorage} is malformed
   */
  public static DaemonCache open(Path cacheDir, long maxSize, String remoteStorage, ServerLog log) {
    RemoteSpec.parseAll(remoteStorage); // malformed: refused before the store is opened
    StoreOpener.Opened opened =
        StoreOpener.open(new CacheLayout(cacheDir).storeDir(), InstantSource.system());
    opened.notice().ifPresent(n -> log.log(LogLevel.WARNING, "cache", n));
    ResultStore store = opened.store();
    store.setLimits(maxSize, 0);
    return new DaemonCache(store, maxSize, remoteStorage, log);
  }

  /** A cache that stores nothing (every lookup misses). */
  public static DaemonCache none(ServerLog log) {
    return new DaemonCache(null, 0, "", log);
  }

  public boolean enabled() {
    return store != null;
  }

  /**
   * Looks up, compiles on a miss and stores: the store as its one tier, within {@code maxSize}; no
   * tier (every lookup misses, nothing is stored) without a store.
   */
  ResultCache stage() {
    return stage;
  }

  /** The keys jobs compile now, shared by every job of either protocol. */
  InFlight inFlight() {
    return inFlight;
  }

  /**
   * The values clients keep in this store through the storage port.
   *
   * @throws IllegalStateException without a store ({@link #enabled} false)
   */
  public SharedEntries sharedEntries() {
    if (store == null) {
      throw new IllegalStateException("the daemon has no cache");
    }
    return new SharedEntries(store);
  }

  /** The jobs served from the cache since start. */
  public long hits() {
    return report.hits();
  }

  /** The jobs compiled without a stored result since start (the cache was asked). */
  public long misses() {
    return report.misses();
  }

  /** The jobs that waited for the same job's compile since start, instead of compiling. */
  public long deduplicated() {
    return report.deduplicated();
  }

  /** The results stored since start. */
  public long stores() {
    return report.stores();
  }

  public long sizeBytes() {
    return store == null ? 0 : guard(store::totalSize);
  }

  public long files() {
    return store == null ? 0 : guard(store::fileCount);
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
    remotes.close(); // queued writes first: their counts go to the store
    if (store != null) {
      try {
        store.close();
      } catch (RuntimeException e) {
        log.log(LogLevel.ERROR, "cache", "closing the cache: " + e.getMessage());
      }
    }
  }
}
