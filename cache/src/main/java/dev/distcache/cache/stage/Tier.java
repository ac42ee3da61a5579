package dev.distcache.cache.stage;

import dev.distcache.cache.CachedResult;
import dev.distcache.core.stats.Counter;
import dev.distcache.hashing.ResultKey;
import java.util.Optional;

/**
 * One place results are kept: the local store, or (later) a remote one. {@link ResultCache} asks
 * the tiers in order and counts with each tier's own counters. A tier may throw any runtime
 * exception from {@link #get} and {@link #put}; the stage turns it into a counted miss or a counted
 * failed store.
 */
public interface Tier {
  /** Names the tier in log lines ({@code "local"}). */
  String name();

  /** The counters that describe this tier's use. */
  Counters counters();

  /** The result stored under {@code key}; empty on a miss. */
  Optional<CachedResult> get(ResultKey key);

  /**
   * Stores {@code result} under {@code key} within {@code limits}; false when it stored nothing
   * (the result alone is over the size limit, or the tier takes no writes).
   */
  boolean put(ResultKey key, CachedResult result, Limits limits);

  /** The size and file-count limits a put evicts down to; 0 means unlimited. */
  record Limits(long maxSizeBytes, long maxFiles) {
    public static final Limits NONE = new Limits(0, 0);
  }

  /**
   * What a tier counts: a read that found a result or not, a result served from it or a compile
   * that went ahead without one, a result written, a read or a write that failed.
   */
  record Counters(
      Counter readHit,
      Counter readMiss,
      Counter hit,
      Counter miss,
      Counter write,
      Counter readFailed,
      Counter writeFailed) {
    /** The local store's counters, as ccache names them. */
    public static final Counters LOCAL =
        new Counters(
            Counter.LOCAL_STORAGE_READ_HIT,
            Counter.LOCAL_STORAGE_READ_MISS,
            Counter.LOCAL_STORAGE_HIT,
            Counter.LOCAL_STORAGE_MISS,
            Counter.LOCAL_STORAGE_WRITE,
            Counter.INTERNAL_ERROR,
            Counter.LOCAL_STORAGE_WRITE_FAILED);
  }
}
