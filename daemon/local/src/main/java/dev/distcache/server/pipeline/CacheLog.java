package dev.distcache.server.pipeline;

import dev.distcache.cache.stage.CacheReport;
import dev.distcache.cache.stage.ResultCache;
import dev.distcache.cache.stage.Tier;
import dev.distcache.core.config.Config;
import dev.distcache.core.config.ConfigKey;
import dev.distcache.core.log.ServerLog;
import dev.distcache.core.stats.Counter;
import dev.distcache.hashing.ResultKey;
import dev.distcache.server.request.Stats;
import java.util.List;

/**
 * The cache stage's counts and log lines for one request: into the request's {@link Stats} and its
 * log file, naming the source compiled. Not thread-safe: one per request, as its Stats.
 */
final class CacheLog implements CacheReport {
  private final Stats stats;
  private final String log;
  private final String source;

  private CacheLog(Stats stats, String log, String source) {
    this.stats = stats;
    this.log = log;
    this.source = source;
  }

  /** The cache stage of one request: its tiers, its report, and what its configuration allows. */
  static ResultCache stage(Tier local, Config config, Stats stats, String log, String source) {
    ResultCache.Policy policy =
        new ResultCache.Policy(
            config.bool(ConfigKey.READ_ONLY),
            new Tier.Limits(config.maxSize(), config.maxFiles()),
            config.bool(ConfigKey.RECACHE));
    return new ResultCache(List.of(local), new CacheLog(stats, log, source), policy);
  }

  @Override
  public void count(Counter counter) {
    stats.count(counter);
  }

  @Override
  public void readFailed(Tier tier, ResultKey key, RuntimeException e) {
    ServerLog.log(log, "store read failed, treating as a miss: " + e.getMessage());
  }

  @Override
  public void stored(Tier tier, ResultKey key) {
    ServerLog.log(log, "stored " + key + " " + source);
  }

  @Override
  public void storeFailed(Tier tier, ResultKey key, RuntimeException e) {
    // The compile succeeded and its outputs are in place; only caching it failed (a full disk).
    ServerLog.log(log, "cannot store the result of " + source + ": " + e.getMessage());
  }
}
