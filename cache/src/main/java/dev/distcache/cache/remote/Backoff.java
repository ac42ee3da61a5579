package dev.distcache.cache.remote;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * When a remote storage that failed is asked again: not before a delay that starts at {@link
 * #FIRST} and doubles with each failure in a row, up to {@link #LONGEST}; a success resets it. So a
 * dead or stalled server costs one compile one timeout per delay, and the rest of the build does
 * not wait for it. Thread-safe.
 */
final class Backoff {
  static final Duration FIRST = Duration.ofSeconds(2);
  static final Duration LONGEST = Duration.ofSeconds(60);

  private final LongSupplier nanoTime;
  private long delayNanos;
  private long untilNanos;
  private boolean backedOff;

  Backoff(LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
  }

  /** True when the server may be asked now. */
  synchronized boolean open() {
    return !backedOff || nanoTime.getAsLong() - untilNanos >= 0;
  }

  /**
   * Records a failure; returns how long the server is now left alone. A failure while the server is
   * backed off already is that of a request sent before it was (the compiles and writers of a build
   * ask at the same time): it changes nothing, so one outage doubles the delay once, not once for
   * every request that was under way.
   */
  synchronized Duration failed() {
    long now = nanoTime.getAsLong();
    if (backedOff && now - untilNanos < 0) {
      return Duration.ofNanos(untilNanos - now);
    }
    delayNanos = delayNanos == 0 ? FIRST.toNanos() : Math.min(delayNanos * 2, LONGEST.toNanos());
    untilNanos = now + delayNanos;
    backedOff = true;
    return Duration.ofNanos(delayNanos);
  }

  /** Records a success: the next failure starts again from {@link #FIRST}. */
  synchronized void succeeded() {
    delayNanos = 0;
    backedOff = false;
  }
}
