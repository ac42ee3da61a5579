package dev.distcache.cache.stage;

import dev.distcache.core.stats.Counter;
import dev.distcache.hashing.ManifestKey;
import dev.distcache.hashing.ResultKey;

/**
 * Where {@link ResultCache} counts and writes its log lines: each program has its own counters and
 * its own log (the local server's per-request statistics and log file, the daemon's store counters
 * and distccd-style log), and words its lines as it did before the stage existed. Implementations
 * must not throw.
 */
public interface CacheReport {
  /** Adds one to {@code counter}. */
  void count(Counter counter);

  /** Reading {@code tier} failed; the lookup goes on as a miss. */
  void readFailed(Tier tier, ResultKey key, RuntimeException e);

  /** A result was stored in {@code tier}. */
  void stored(Tier tier, ResultKey key);

  /** Storing in {@code tier} failed; the compile's answer stands. */
  void storeFailed(Tier tier, ResultKey key, RuntimeException e);

  /** A lookup ended: served from {@code tier}, or (null) a miss of every tier, and compiled. */
  default void answered(Tier tier) {}

  /** A manifest was found in {@code tier} (the local store had none). */
  default void manifestFound(Tier tier, ManifestKey key) {}

  /** Reading or writing a manifest in {@code tier} failed; direct mode goes on without it. */
  default void manifestFailed(Tier tier, ManifestKey key, RuntimeException e) {}
}
