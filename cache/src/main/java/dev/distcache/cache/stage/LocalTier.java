package dev.distcache.cache.stage;

import dev.distcache.cache.CachedResult;
import dev.distcache.cache.ResultStore;
import dev.distcache.hashing.ResultKey;
import java.util.Optional;

/**
 * The local result store as a tier. The store stays its owner's: this tier never closes it.
 * Thread-safe, as the store is.
 */
public final class LocalTier implements Tier {
  private final ResultStore store;

  public LocalTier(ResultStore store) {
    this.store = store;
  }

  @Override
  public String name() {
    return "local";
  }

  @Override
  public Counters counters() {
    return Counters.LOCAL;
  }

  @Override
  public Optional<CachedResult> get(ResultKey key) {
    return store.get(key);
  }

  /** Sets the store's limits to {@code limits} first: a put evicts down to them. */
  @Override
  public Stored put(ResultKey key, CachedResult result, Limits limits) {
    store.setLimits(limits.maxSizeBytes(), limits.maxFiles());
    return store.put(key, result) ? Stored.STORED : Stored.NOT_STORED;
  }
}
