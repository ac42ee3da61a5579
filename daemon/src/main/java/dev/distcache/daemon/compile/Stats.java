package dev.distcache.daemon.compile;

import dev.distcache.cache.ResultStore;
import dev.distcache.core.stats.Counter;

/** Counts events in the store's counters unless the request's configuration says {@code stats = false}. */
final class Stats {
  private final ResultStore store;
  private final boolean enabled;

  Stats(ResultStore store, boolean enabled) {
    this.store = store;
    this.enabled = enabled;
  }

  void count(Counter... counters) {
    if (!enabled) {
      return;
    }
    for (Counter c : counters) {
      try {
        store.increment(c);
      } catch (RuntimeException e) {
        // Statistics never fail a compile.
      }
    }
  }
}
