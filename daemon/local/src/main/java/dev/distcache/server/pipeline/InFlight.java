package dev.distcache.server.pipeline;

import dev.distcache.core.process.Cancellation;
import dev.distcache.hashing.ResultKey;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The result keys being compiled right now, so that a second request for a key waits for the first
 * one's result instead of running the same compile again (a build that compiles one file for two
 * targets, or two builds of one tree). The request that claims a key compiles it and releases the
 * claim once the result is stored (or the compile failed); the others wait for the release, then
 * look the key up again. A waiter never depends on the claimant's success: a failed or uncacheable
 * compile leaves no result, and the waiter compiles after all. Thread-safe.
 */
final class InFlight {
  /** How often a waiter checks whether its own client went away. */
  private static final long POLL_MILLIS = 100;

  private final ConcurrentHashMap<ResultKey, CountDownLatch> running = new ConcurrentHashMap<>();

  /** A held key; closing it releases the key and wakes the requests waiting for it. */
  interface Claim extends AutoCloseable {
    @Override
    void close();
  }

  /** What a request that compiles without claiming holds (recache, for instance). */
  static final Claim NONE = () -> {};

  /** Claims {@code key} for this request's compile; null when another request holds it. */
  Claim claim(ResultKey key) {
    CountDownLatch mine = new CountDownLatch(1);
    if (running.putIfAbsent(key, mine) != null) {
      return null;
    }
    return () -> {
      running.remove(key, mine);
      mine.countDown();
    };
  }

  /**
   * Waits until the claim on {@code key} is released (at once when nobody holds it).
   *
   * @throws Cancellation.CancelledException when this request's own client went away meanwhile
   */
  void awaitRelease(ResultKey key) throws Cancellation.CancelledException {
    CountDownLatch theirs = running.get(key);
    if (theirs == null) {
      return;
    }
    try {
      while (!theirs.await(POLL_MILLIS, TimeUnit.MILLISECONDS)) {
        if (Cancellation.currentCancelled()) {
          throw new Cancellation.CancelledException("the wait for " + key);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Cancellation.CancelledException("the wait for " + key);
    }
  }

  /** Whether a request holds {@code key} now (for tests and the log). */
  boolean isHeld(ResultKey key) {
    return running.containsKey(key);
  }
}
