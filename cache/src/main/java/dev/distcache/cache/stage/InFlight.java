package dev.distcache.cache.stage;

import dev.distcache.core.process.Cancellation;
import dev.distcache.hashing.ResultKey;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The result keys being compiled right now, so that a second request for a key waits for the first
 * one's result instead of running the same compile again (a build that compiles one file for two
 * targets, or two builds of one tree). The request that claims a key compiles it and releases the
 * claim once the result is stored (or the compile failed); the others wait for the release, then
 * look the key up again. A waiter never depends on the claimant's success: a failed or uncacheable
 * compile leaves no result, and the waiter compiles after all. Thread-safe.
 */
public final class InFlight {
  /** How often a waiter checks whether its own client went away. */
  private static final long POLL_MILLIS = 100;

  private final ConcurrentHashMap<ResultKey, CountDownLatch> running = new ConcurrentHashMap<>();

  /** A held key; closing it releases the key and wakes the requests waiting for it. */
  public interface Claim extends AutoCloseable {
    @Override
    void close();
  }

  /** What a request that compiles without claiming holds (recache, for instance). */
  public static final Claim NONE = () -> {};

  /** Claims {@code key} for this request's compile; null when another request holds it. */
  public Claim claim(ResultKey key) {
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
   * Waits until the claim on {@code key} is released (at once when nobody holds it), or until the
   * request this thread serves is cancelled ({@link Cancellation#currentCancelled}).
   *
   * @throws Cancellation.CancelledException when this request's own client went away meanwhile
   */
  public void awaitRelease(ResultKey key) throws Cancellation.CancelledException {
    awaitRelease(key, Cancellation::currentCancelled);
  }

  /**
   * Waits until the claim on {@code key} is released (at once when nobody holds it), or until
   * {@code cancelled} says the waiting request's client went away.
   *
   * @throws Cancellation.CancelledException when it did
   */
  public void awaitRelease(ResultKey key, BooleanSupplier cancelled)
      throws Cancellation.CancelledException {
    CountDownLatch theirs = running.get(key);
    if (theirs == null) {
      return;
    }
    try {
      while (!theirs.await(POLL_MILLIS, TimeUnit.MILLISECONDS)) {
        if (cancelled.getAsBoolean()) {
          throw new Cancellation.CancelledException("the wait for " + key);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Cancellation.CancelledException("the wait for " + key);
    }
  }

  /** Whether a request holds {@code key} now (for tests and the log). */
  public boolean isHeld(ResultKey key) {
    return running.containsKey(key);
  }
}
