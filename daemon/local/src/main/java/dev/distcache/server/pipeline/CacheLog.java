package dev.distcache.server.pipeline;

import dev.distcache.cache.remote.RemoteStorages;
import dev.distcache.cache.stage.CacheReport;
import dev.distcache.cache.stage.ResultCache;
import dev.distcache.cache.stage.Tier;
import dev.distcache.core.config.Config;
import dev.distcache.core.config.ConfigKey;
import dev.distcache.core.log.ServerLog;
import dev.distcache.core.stats.Counter;
import dev.distcache.hashing.ManifestKey;
import dev.distcache.hashing.ResultKey;
import dev.distcache.server.request.Stats;
import java.util.ArrayList;
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

  /**
   * The cache stage of one request: its tiers (the local store unless {@code remote_only}, then the
   * remote storages {@code remote_storage} names), its report, and what its configuration allows. A
   * {@code remote_storage} that cannot be parsed is noted for {@code -s} and logged, and the
   * compile goes on without it.
   */
  static ResultCache stage(
      Tier local,
      RemoteStorages remotes,
      ConfigNotes notes,
      Config config,
      Stats stats,
      String log,
      String source) {
    ResultCache.Policy policy =
        new ResultCache.Policy(
            config.bool(ConfigKey.READ_ONLY),
            new Tier.Limits(config.maxSize(), config.maxFiles()),
            config.bool(ConfigKey.RECACHE),
            config.bool(ConfigKey.RESHARE));
    List<Tier> tiers = new ArrayList<>();
    if (!config.bool(ConfigKey.REMOTE_ONLY)) {
      tiers.add(local);
    }
    try {
      tiers.addAll(remotes.tiers(config.get(ConfigKey.REMOTE_STORAGE)));
    } catch (IllegalArgumentException e) {
      String note = "remote_storage: " + e.getMessage() + "; not used";
      notes.record(List.of(note));
      ServerLog.log(log, note);
    }
    return new ResultCache(tiers, new CacheLog(stats, log, source), policy);
  }

  @Override
  public void count(Counter counter) {
    stats.count(counter);
  }

  @Override
  public void readFailed(Tier tier, ResultKey key, RuntimeException e) {
    ServerLog.log(log, where(tier) + "read failed, treating as a miss: " + e.getMessage());
  }

  @Override
  public void stored(Tier tier, ResultKey key) {
    ServerLog.log(
        log,
        (tier.counters() == Tier.Counters.LOCAL ? "stored " : "queued for " + tier.name() + ": ")
            + key
            + " "
            + source);
  }

  @Override
  public void storeFailed(Tier tier, ResultKey key, RuntimeException e) {
    // The compile succeeded and its outputs are in place; only caching it failed (a full disk).
    ServerLog.log(
        log, where(tier) + "cannot store the result of " + source + ": " + e.getMessage());
  }

  @Override
  public void manifestFound(Tier tier, ManifestKey key) {
    ServerLog.log(log, "manifest " + key + " from " + tier.name() + " " + source);
  }

  @Override
  public void manifestFailed(Tier tier, ManifestKey key, RuntimeException e) {
    ServerLog.log(log, where(tier) + "manifest " + key + ": " + e.getMessage());
  }

  /** Nothing for the local store (its lines read as before the shared tier), else its name. */
  private static String where(Tier tier) {
    return tier.counters() == Tier.Counters.LOCAL ? "" : tier.name() + ": ";
  }
}
