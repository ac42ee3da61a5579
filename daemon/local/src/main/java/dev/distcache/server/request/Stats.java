package dev.distcache.server.request;

import dev.distcache.cache.ResultStore;
import dev.distcache.core.stats.Counter;
import java.util.EnumMap;
import java.util.Map;

/**
 * One request's counts, written to the store's counters in one write by {@link #flush} (before the
 * reply goes out), unless the request's configuration says {@code stats = false}. Not thread-safe:
 * one per request.
 */
public final class Stats {
  private final ResultStore store;
  private final boolean enabled;
  private final Map<Counter, Long> counts = new EnumMap<>(Counter.class);

  public Stats(ResultStore store, boolean enabled) {
    this.store = store;
    this.enabled = enabled;
  }

  public void count(Counter... counters) {
    if (!enabled) {
      return;
    }
    for (Counter c : counters) {
      counts.merge(c, 1L, Long::sum);
    }
  }

  /** Writes the counts so far and forgets them. */
  public void flush() {
    if (counts.isEmpty()) {
      return;
    }
    try {
      store.add(counts);
    } catch (RuntimeException e) {
      // Statistics never fail a compile.
    }
    counts.clear();
  }
}
