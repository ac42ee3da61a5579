package dev.distcache.cache.stage;

import dev.distcache.cache.CachedResult;
import dev.distcache.core.stats.Counter;
import dev.distcache.hashing.ResultKey;
import java.util.Optional;

/**
 * One place results are kept: the local store, or a remote storage of the shared tier. {@link
 * ResultCache} asks the tiers in order and counts with each tier's own counters. A tier may throw
 * any runtime exception from {@link #get} and {@link #put}; the stage turns it into a counted miss
 * or a counted failed store ({@link #failureCounter} says which counter).
 */
public interface Tier {
  /** Names the tier in log lines ({@code "local"}). */
  String name();

  /** The counters that describe this tier's use. */
  Counters counters();

  /** The result stored under {@code key}; empty on a miss. */
  Optional<CachedResult> get(ResultKey key);

  /**
   * Stores {@code result} under {@code key} within {@code limits}, or queues it to be stored in the
   * background; {@link Stored#NOT_STORED} when it stored nothing (the result alone is over the size
   * limit, the tier takes no writes, its queue is full).
   */
  Stored put(ResultKey key, CachedResult result, Limits limits);

  /**
   * False while the tier is not to be asked (a remote that failed is backed off for a while): the
   * stage skips it, neither reading nor writing nor counting it.
   */
  default boolean available() {
    return true;
  }

  /** The counter for a failure {@code e} of a read ({@code read}) or a write. */
  default Counter failureCounter(RuntimeException e, boolean read) {
    return read ? counters().readFailed() : counters().writeFailed();
  }

  /** What a put did. */
  enum Stored {
    /** Stored before put returned: counted as the tier's write. */
    STORED,
    /** Queued; the tier counts the write (or its failure) itself when it happens. */
    QUEUED,
    NOT_STORED
  }

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
