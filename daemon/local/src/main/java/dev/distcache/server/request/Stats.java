package dev.distcache.server.request;

import dev.distcache.cache.ResultStore;
import dev.distcache.core.stats.Counter;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * One request's counts, handed to the store's counters in one call by {@link #flush} (before the
 * reply goes out: the store counts them at once and writes them with the next compiles' within 100
 * ms), unless the request's configuration says {@code stats = false}. Every count of the request is
 * also kept for the stats log ({@link #changes}), which ccache writes whatever {@code stats} says.
 * Not thread-safe: one per request.
 */
public final class Stats {
  private final ResultStore store;
  private final boolean enabled;
  private final Map<Counter, Long> counts = new EnumMap<>(Counter.class);
  private final Map<Counter, Long> changes = new EnumMap<>(Counter.class);

  public Stats(ResultStore store, boolean enabled) {
    this.store = store;
    this.enabled = enabled;
  }

  public void count(Counter... counters) {
    for (Counter c : counters) {
      changes.merge(c, 1L, Long::sum);
      if (enabled) {
        counts.merge(c, 1L, Long::sum);
      }
    }
  }

  /** Every count of this request so far, flushed or not, whether or not stats are enabled. */
  public Map<Counter, Long> changes() {
    return Map.copyOf(changes);
  }

  /** Whether this request counted {@code c} (for the web monitor's list of compiles). */
  public boolean counted(Counter c) {
    return changes.containsKey(c);
  }

  /** The first counter, in the counters' order, that this request counted. */
  public Optional<Counter> firstCounted() {
    return changes.keySet().stream().findFirst();
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
