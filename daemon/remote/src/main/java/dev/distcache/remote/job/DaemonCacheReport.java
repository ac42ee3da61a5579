package dev.distcache.remote.job;

import dev.distcache.cache.ResultStore;
import dev.distcache.cache.stage.CacheReport;
import dev.distcache.cache.stage.Tier;
import dev.distcache.core.log.LogLevel;
import dev.distcache.core.log.ServerLog;
import dev.distcache.core.stats.Counter;
import dev.distcache.hashing.ResultKey;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The daemon's report for its cache stage: each count goes to the store's own counters, and the
 * jobs served from the cache, compiled without a stored result and stored are kept since start for
 * the stats page; failures are logged as distccd-style {@code cache} lines. Thread-safe.
 */
final class DaemonCacheReport implements CacheReport {
  private final ResultStore store;
  private final ServerLog log;
  private final AtomicLong hits = new AtomicLong();
  private final AtomicLong misses = new AtomicLong();
  private final AtomicLong stores = new AtomicLong();
  private final AtomicLong deduplicated = new AtomicLong();

  DaemonCacheReport(ResultStore store, ServerLog log) {
    this.store = store;
    this.log = log;
  }

  @Override
  public void count(Counter counter) {
    if (counter == Counter.LOCAL_STORAGE_WRITE) {
      stores.incrementAndGet();
    } else if (counter == Counter.DEDUPLICATED_COMPILE) {
      deduplicated.incrementAndGet();
    }
    try {
      store.increment(counter);
    } catch (RuntimeException e) {
      // Counters never fail a job.
    }
  }

  @Override
  public void answered(Tier tier) {
    if (tier == null) {
      misses.incrementAndGet();
      return;
    }
    hits.incrementAndGet();
    if (tier.counters() != Tier.Counters.LOCAL) {
      log.log(LogLevel.INFO, "cache", "hit from " + tier.name());
    }
  }

  @Override
  public void readFailed(Tier tier, ResultKey key, RuntimeException e) {
    log.log(
        LogLevel.ERROR,
        "cache",
        where(tier) + "reading the cache failed, compiling instead: " + e.getMessage());
  }

  @Override
  public void stored(Tier tier, ResultKey key) {}

  @Override
  public void storeFailed(Tier tier, ResultKey key, RuntimeException e) {
    log.log(LogLevel.ERROR, "cache", where(tier) + "cannot store a result: " + e.getMessage());
  }

  /**
   * Nothing for the daemon's own store (its lines read as before the shared tier), else its name.
   */
  private static String where(Tier tier) {
    return tier.counters() == Tier.Counters.LOCAL ? "" : tier.name() + ": ";
  }

  long hits() {
    return hits.get();
  }

  long misses() {
    return misses.get();
  }

  long deduplicated() {
    return deduplicated.get();
  }

  long stores() {
    return stores.get();
  }
}
