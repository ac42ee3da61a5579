package dev.distcache.remote.report;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * What the storage port ({@code --storage-port}) answered since start, by outcome; {@code /metrics}
 * shows them as {@code distcache_daemon_storage_requests_total}. Thread-safe.
 */
public final class StorageCounts {
  /** How one request to the storage port ended. */
  public enum Outcome {
    /** A GET or HEAD that found a value. */
    HIT,
    /** A GET or HEAD that found none. */
    MISS,
    /** A PUT stored. */
    STORED,
    /** A PUT refused: not a value of its key, too large, or the store failed. */
    REFUSED,
    /** A request refused before it was read: not in {@code --allow}, or no valid token. */
    DENIED;

    /** The label value in {@code /metrics}. */
    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private final AtomicLongArray counts = new AtomicLongArray(Outcome.values().length);

  public void count(Outcome outcome) {
    counts.incrementAndGet(outcome.ordinal());
  }

  /** Every outcome with its count, zeros included, in {@link Outcome}'s order. */
  public Map<Outcome, Long> snapshot() {
    Map<Outcome, Long> m = new EnumMap<>(Outcome.class);
    for (Outcome o : Outcome.values()) {
      m.put(o, counts.get(o.ordinal()));
    }
    return m;
  }
}
