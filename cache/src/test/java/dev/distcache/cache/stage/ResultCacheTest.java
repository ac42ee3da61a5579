package dev.distcache.cache.stage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.cache.CachedResult;
import dev.distcache.cache.ResultStore;
import dev.distcache.cache.RocksResultStore;
import dev.distcache.cache.Samples;
import dev.distcache.core.stats.Counter;
import dev.distcache.hashing.ResultKey;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultCacheTest {
  private static final ResultKey KEY = Samples.key("k");
  private static final CachedResult RESULT = Samples.result(7, 200);
  private static final ResultCache.Policy STORING = ResultCache.Policy.storing(Tier.Limits.NONE);

  @TempDir Path dir;
  private ResultStore store;
  private LocalTier local;
  private final Report report = new Report();
  private final List<String> asked = new ArrayList<>();

  @BeforeEach
  void open() {
    store = RocksResultStore.open(dir.resolve("store"), InstantSource.system());
    local = new LocalTier(store);
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void lookup_whenATierThrows_countsAndReportsTheFailure_andReadsAsAMiss() {
    ResultCache cache = new ResultCache(List.of(new FakeTier("remote", true)), report, STORING);

    assertEquals(Optional.empty(), cache.lookup(KEY));
    assertEquals(1, report.counted(Counter.INTERNAL_ERROR));
    assertEquals(List.of("read failed remote: remote is down"), report.lines);
  }

  @Test
  void lookup_goesOnToTheNextTier_whenATierThrows() {
    store.put(KEY, RESULT);
    ResultCache cache =
        new ResultCache(List.of(new FakeTier("remote", true), local), report, STORING);

    Optional<ResultCache.Hit> hit = cache.lookup(KEY);

    assertEquals(Optional.of(RESULT), hit.map(ResultCache.Hit::result));
    assertEquals(local, hit.get().tier());
    assertEquals(1, report.counted(Counter.LOCAL_STORAGE_READ_HIT));
  }

  @Test
  void lookup_asksTheTiersInOrder_andReturnsTheSecondTiersHit() {
    FakeTier first = new FakeTier("first", false);
    FakeTier second = new FakeTier("second", false);
    second.results.put(KEY, RESULT);
    ResultCache cache = new ResultCache(List.of(first, second), report, STORING);

    Optional<ResultCache.Hit> hit = cache.lookup(KEY);

    assertEquals(List.of("get first", "get second"), asked);
    assertEquals(second, hit.get().tier());
    assertEquals(RESULT, hit.get().result());
  }

  @Test
  void lookup_countsAReadMissOfTheLocalStore() {
    ResultCache cache = new ResultCache(List.of(local), report, STORING);

    assertEquals(Optional.empty(), cache.lookup(KEY));
    assertEquals(1, report.counted(Counter.LOCAL_STORAGE_READ_MISS));
    assertEquals(Map.of(Counter.LOCAL_STORAGE_READ_MISS, 1L), report.counts);
  }

  @Test
  void served_countsAHitOfItsTier_andAMissOfTheTiersAskedBefore() {
    FakeTier first = new FakeTier("first", false);
    ResultCache cache = new ResultCache(List.of(first, local), report, STORING);

    cache.served(KEY, new ResultCache.Hit(RESULT, local));

    assertEquals(1, report.counted(Counter.LOCAL_STORAGE_HIT));
    assertEquals(1, report.counted(Counter.REMOTE_COMPILE), "the fake tier's miss counter");
  }

  @Test
  void put_whenReadOnly_storesNothing() {
    ResultCache cache =
        new ResultCache(
            List.of(local), report, new ResultCache.Policy(true, Tier.Limits.NONE, false, false));

    assertFalse(cache.put(KEY, RESULT));
    assertEquals(0, store.fileCount());
    assertEquals(Map.of(), report.counts);
  }

  @Test
  void put_overTheSizeLimit_storesNothing_andCountsNoWrite() {
    ResultCache cache =
        new ResultCache(
            List.of(local), report, ResultCache.Policy.storing(new Tier.Limits(100, 0)));

    assertFalse(cache.put(KEY, Samples.result(1, 10_000)));
    assertEquals(0, store.fileCount());
    assertEquals(0, report.counted(Counter.LOCAL_STORAGE_WRITE));
  }

  @Test
  void put_storesInEveryTier_countsTheWrite_andReportsIt() {
    FakeTier second = new FakeTier("second", false);
    ResultCache cache = new ResultCache(List.of(local, second), report, STORING);

    assertTrue(cache.put(KEY, RESULT));

    assertEquals(Optional.of(RESULT), store.get(KEY));
    assertEquals(RESULT, second.results.get(KEY));
    assertEquals(1, report.counted(Counter.LOCAL_STORAGE_WRITE));
    assertEquals(List.of("stored local", "stored second"), report.lines);
  }

  @Test
  void put_byARecache_countsRecache_onlyWhenStored() {
    ResultCache recache =
        new ResultCache(
            List.of(local), report, new ResultCache.Policy(false, Tier.Limits.NONE, true, false));

    recache.put(KEY, RESULT);

    assertEquals(1, report.counted(Counter.RECACHE));
  }

  @Test
  void put_whenATierFails_countsTheFailure_andStillStoresInTheOthers() {
    ResultCache cache =
        new ResultCache(List.of(new FakeTier("remote", true), local), report, STORING);

    assertTrue(cache.put(KEY, RESULT));

    assertEquals(1, report.counted(Counter.LOCAL_STORAGE_WRITE_FAILED));
    assertEquals(Optional.of(RESULT), store.get(KEY));
    assertEquals(List.of("store failed remote: remote is down", "stored local"), report.lines);
  }

  @Test
  void through_whenTheStoreFails_returnsTheCompilersAnswer() {
    ResultCache cache = new ResultCache(List.of(new FakeTier("remote", true)), report, STORING);

    String answer =
        cache.through(
            KEY, r -> Optional.of("hit"), () -> ResultCache.Compiled.storing("compiled", RESULT));

    assertEquals("compiled", answer);
    assertEquals(1, report.counted(Counter.LOCAL_STORAGE_WRITE_FAILED));
  }

  @Test
  void through_onAMiss_compilesOnce_andStores_thenAHitDoesNotCompile() {
    ResultCache cache = new ResultCache(List.of(local), report, STORING);
    AtomicInteger compiles = new AtomicInteger();
    ResultCache.Compile<String, RuntimeException> compile =
        () -> {
          compiles.incrementAndGet();
          return ResultCache.Compiled.storing("compiled", RESULT);
        };

    String first = cache.through(KEY, r -> Optional.of("hit"), compile);
    String second = cache.through(KEY, r -> Optional.of("hit"), compile);

    assertEquals("compiled", first);
    assertEquals("hit", second);
    assertEquals(1, compiles.get());
    assertEquals(1, report.counted(Counter.LOCAL_STORAGE_MISS));
    assertEquals(1, report.counted(Counter.LOCAL_STORAGE_HIT));
    assertEquals(1, report.counted(Counter.LOCAL_STORAGE_WRITE));
  }

  @Test
  void throughInFlight_aSecondRequestDuringTheCompile_waitsAndIsServedItsResult() throws Exception {
    ResultCache cache = new ResultCache(List.of(local), report, STORING);
    InFlight inFlight = new InFlight();
    AtomicInteger compiles = new AtomicInteger();
    CountDownLatch compiling = new CountDownLatch(1);
    CountDownLatch finish = new CountDownLatch(1);
    ResultCache.Compile<String, InterruptedException> compile =
        () -> {
          compiles.incrementAndGet();
          compiling.countDown();
          finish.await();
          return ResultCache.Compiled.storing("compiled", RESULT);
        };
    ExecutorService threads = Executors.newCachedThreadPool();
    try {
      Future<String> first =
          threads.submit(
              () -> cache.through(KEY, r -> Optional.of("hit"), compile, inFlight, () -> false));
      assertTrue(compiling.await(30, TimeUnit.SECONDS));
      Future<String> second =
          threads.submit(
              () -> cache.through(KEY, r -> Optional.of("hit"), compile, inFlight, () -> false));
      // The second request misses, finds the key held, and waits: its lookup is counted.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (report.counted(Counter.LOCAL_STORAGE_READ_MISS) < 2) {
        assertTrue(System.nanoTime() < deadline, "the second request looked up");
        Thread.sleep(10);
      }
      assertFalse(second.isDone(), "it waits for the compile");
      finish.countDown();

      assertEquals("compiled", first.get(30, TimeUnit.SECONDS));
      assertEquals("hit", second.get(30, TimeUnit.SECONDS));
      assertEquals(1, compiles.get(), "one compile");
      assertEquals(1, report.counted(Counter.DEDUPLICATED_COMPILE));
      assertEquals(1, report.counted(Counter.LOCAL_STORAGE_MISS), "the waiter missed nothing");
      assertFalse(inFlight.isHeld(KEY), "released");
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void throughInFlight_whenTheCompileStoresNothing_theWaiterCompiles() throws Exception {
    ResultCache cache = new ResultCache(List.of(local), report, STORING);
    InFlight inFlight = new InFlight();
    InFlight.Claim other = inFlight.claim(KEY); // another request compiles KEY
    ExecutorService threads = Executors.newCachedThreadPool();
    try {
      Future<String> waiter =
          threads.submit(() ->
              cache.through(
                  KEY,
                  r -> Optional.of("hit"),
                  () -> ResultCache.Compiled.storing("compiled", RESULT),
                  inFlight,
                  () -> false));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (report.counted(Counter.LOCAL_STORAGE_READ_MISS) < 1) {
        assertTrue(System.nanoTime() < deadline, "the waiter looked up");
        Thread.sleep(10);
      }
      other.close(); // that compile failed: nothing stored

      assertEquals("compiled", waiter.get(30, TimeUnit.SECONDS));
      assertEquals(0, report.counted(Counter.DEDUPLICATED_COMPILE));
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void through_whenServeCannotUseTheHit_compiles_andCountsAMiss() {
    store.put(KEY, RESULT);
    ResultCache cache = new ResultCache(List.of(local), report, STORING);

    String answer =
        cache.through(KEY, r -> Optional.empty(), () -> ResultCache.Compiled.uncached("compiled"));

    assertEquals("compiled", answer);
    assertEquals(1, report.counted(Counter.LOCAL_STORAGE_READ_HIT));
    assertEquals(1, report.counted(Counter.LOCAL_STORAGE_MISS));
    assertEquals(0, report.counted(Counter.LOCAL_STORAGE_HIT));
  }

  @Test
  void through_storesNothing_forAnUncachedAnswer() {
    ResultCache cache = new ResultCache(List.of(local), report, STORING);

    cache.through(KEY, r -> Optional.of("hit"), () -> ResultCache.Compiled.uncached("failed"));

    assertEquals(0, store.fileCount());
  }

  @Test
  void served_aHitOfALaterTier_isCopiedIntoTheTiersBeforeIt() {
    FakeTier remote = new FakeTier("remote", false);
    remote.results.put(KEY, RESULT);
    ResultCache cache = new ResultCache(List.of(local, remote), report, STORING);

    ResultCache.Hit hit = cache.lookup(KEY).orElseThrow();
    cache.served(KEY, hit);

    assertEquals(remote, hit.tier());
    assertEquals(Optional.of(RESULT), store.get(KEY));
    assertEquals(1, report.counted(Counter.LOCAL_STORAGE_MISS));
    assertEquals(1, report.counted(Counter.REMOTE_COMPILE_ERROR), "the remote tier's hit counter");
    assertEquals(1, report.counted(Counter.LOCAL_STORAGE_WRITE));
  }

  @Test
  void served_aLocalHit_isWrittenToTheOtherTiers_onlyWithReshare() {
    store.put(KEY, RESULT);
    FakeTier remote = new FakeTier("remote", false);
    new ResultCache(List.of(local, remote), report, STORING)
        .served(KEY, new ResultCache.Hit(RESULT, local));
    assertEquals(Map.of(), remote.results);

    new ResultCache(
            List.of(local, remote),
            report,
            new ResultCache.Policy(false, Tier.Limits.NONE, false, true))
        .served(KEY, new ResultCache.Hit(RESULT, local));
    assertEquals(Map.of(KEY, RESULT), remote.results);
  }

  @Test
  void aTierThatIsNotAvailable_isNeitherAskedNorWrittenNorCounted() {
    FakeTier remote = new FakeTier("remote", false);
    remote.available = false;
    ResultCache cache = new ResultCache(List.of(local, remote), report, STORING);

    assertEquals(Optional.empty(), cache.lookup(KEY));
    cache.missed();
    cache.put(KEY, RESULT);

    assertEquals(List.of(), asked);
    assertEquals(Map.of(), remote.results);
    assertEquals(0, report.counted(Counter.REMOTE_COMPILE), "the remote tier's miss counter");
    assertEquals(1, report.counted(Counter.LOCAL_STORAGE_MISS));
  }

  /** A tier held in a map, or one that always throws; records the order it is asked in. */
  private final class FakeTier implements Tier {
    private static final Counters COUNTERS =
        new Counters(
            Counter.REMOTE_HOST_UNREACHABLE,
            Counter.REMOTE_JOB_FAILED,
            Counter.REMOTE_COMPILE_ERROR,
            Counter.REMOTE_COMPILE,
            Counter.CLEANUPS_PERFORMED,
            Counter.INTERNAL_ERROR,
            Counter.LOCAL_STORAGE_WRITE_FAILED);

    final Map<ResultKey, CachedResult> results = new HashMap<>();
    private final String name;
    private final boolean failing;
    boolean available = true;

    @Override
    public boolean available() {
      return available;
    }

    FakeTier(String name, boolean failing) {
      this.name = name;
      this.failing = failing;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public Counters counters() {
      return COUNTERS;
    }

    @Override
    public Optional<CachedResult> get(ResultKey key) {
      asked.add("get " + name);
      if (failing) {
        throw new IllegalStateException(name + " is down");
      }
      return Optional.ofNullable(results.get(key));
    }

    @Override
    public Stored put(ResultKey key, CachedResult result, Limits limits) {
      if (failing) {
        throw new IllegalStateException(name + " is down");
      }
      results.put(key, result);
      return Stored.STORED;
    }
  }

  /** Counts and lines, as a program's report would keep them. */
  private static final class Report implements CacheReport {
    final Map<Counter, Long> counts = new EnumMap<>(Counter.class);
    final List<String> lines = new ArrayList<>();

    synchronized long counted(Counter c) {
      return counts.getOrDefault(c, 0L);
    }

    @Override
    public synchronized void count(Counter counter) {
      counts.merge(counter, 1L, Long::sum);
    }

    @Override
    public void readFailed(Tier tier, ResultKey key, RuntimeException e) {
      lines.add("read failed " + tier.name() + ": " + e.getMessage());
    }

    @Override
    public void stored(Tier tier, ResultKey key) {
      lines.add("stored " + tier.name());
    }

    @Override
    public void storeFailed(Tier tier, ResultKey key, RuntimeException e) {
      lines.add("store failed " + tier.name() + ": " + e.getMessage());
    }
  }
}
