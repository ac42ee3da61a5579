package dev.distcache.cache.stage;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.core.process.Cancellation;
import dev.distcache.hashing.ResultKey;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class InFlightTest {
  private static final ResultKey KEY = ResultKey.fromHex("ab".repeat(32));
  private static final ResultKey OTHER = ResultKey.fromHex("cd".repeat(32));

  private final InFlight inFlight = new InFlight();

  /** Threads of the test's own: the common pool may have a single thread on two cores. */
  private final ExecutorService threads = Executors.newCachedThreadPool();

  @AfterEach
  void stopThreads() {
    threads.shutdownNow();
  }

  @Test
  void aHeldKey_cannotBeClaimedAgain_untilReleased() {
    InFlight.Claim first = inFlight.claim(KEY);
    assertNotNull(first);
    assertNull(inFlight.claim(KEY), "a second request waits instead of compiling");
    assertNotNull(inFlight.claim(OTHER), "other keys are independent");
    first.close();
    assertFalse(inFlight.isHeld(KEY));
    assertNotNull(inFlight.claim(KEY), "free again once released");
  }

  @Test
  void awaitRelease_returnsAtOnce_whenNobodyHoldsTheKey() throws Exception {
    inFlight.awaitRelease(KEY);
  }

  @Test
  void awaitRelease_blocksUntilTheClaimIsReleased() throws Exception {
    InFlight.Claim claim = inFlight.claim(KEY);
    CompletableFuture<Void> waiter =
        CompletableFuture.runAsync(
            () -> {
              try {
                inFlight.awaitRelease(KEY);
              } catch (Cancellation.CancelledException e) {
                throw new AssertionError(e);
              }
            },
            threads);
    assertThrows(TimeoutException.class, () -> waiter.get(300, TimeUnit.MILLISECONDS));
    claim.close();
    waiter.get(30, TimeUnit.SECONDS);
  }

  @Test
  void aReleaseByAnOldClaim_doesNotFreeANewerOne() {
    InFlight.Claim old = inFlight.claim(KEY);
    old.close();
    InFlight.Claim newer = inFlight.claim(KEY);
    old.close(); // closing twice must not drop the newer claim
    assertTrue(inFlight.isHeld(KEY));
    newer.close();
  }

  @Test
  void aWaiterWhoseClientWentAway_stopsWaiting() throws Exception {
    InFlight.Claim claim = inFlight.claim(KEY);
    Cancellation mine = new Cancellation();
    CompletableFuture<Throwable> waiter =
        CompletableFuture.supplyAsync(
            () ->
                mine.within(() -> {
                  try {
                    inFlight.awaitRelease(KEY);
                    return null;
                  } catch (Cancellation.CancelledException e) {
                    return e;
                  }
                }),
            threads);
    mine.cancel();
    assertNotNull(waiter.get(30, TimeUnit.SECONDS), "the wait ends with the client");
    assertTrue(inFlight.isHeld(KEY), "the other request's compile goes on");
    claim.close();
  }
}
