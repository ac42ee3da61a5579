package dev.distcache.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.core.stats.Counter;
import dev.distcache.hashing.ManifestKey;
import dev.distcache.hashing.ResultKey;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** What every {@link ResultStore} must do; one subclass per implementation. */
abstract class ResultStoreContract {
  private static final Instant START = Instant.parse("2030-01-01T00:00:00Z");

  @TempDir Path dir;
  final MutableClock clock = new MutableClock(START);
  ResultStore store;

  /** The totals recomputed from what the store actually holds. */
  record Totals(long sizeBytes, long files) {}

  protected abstract ResultStore open(Path dir, InstantSource clock);

  /** Changes one byte of the value stored under {@code key} in the closed store at {@code dir}. */
  protected abstract void damageStoredValue(Path dir, ResultKey key);

  /**
   * Changes one byte of the manifest stored under {@code key} in the closed store at {@code dir}.
   */
  protected abstract void damageStoredManifest(Path dir, ManifestKey key);

  /** Recounts the store from its stored values, failing if its index disagrees with them. */
  protected abstract Totals recount(ResultStore store);

  @BeforeEach
  void openStore() {
    store = open(dir, clock);
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  private void reopen() {
    store.close();
    store = open(dir, clock);
  }

  private static long encodedSize(String name, CachedResult result) {
    return EntryCodec.encode(Samples.key(name), result).length;
  }

  private void put(String name, CachedResult result) {
    assertTrue(store.put(Samples.key(name), result), "put " + name);
  }

  private boolean has(String name) {
    return store.get(Samples.key(name)).isPresent();
  }

  private void tick() {
    clock.advance(Duration.ofSeconds(1));
  }

  @Test
  void get_afterPut_returnsEqualResult() {
    put("a", Samples.typical());
    assertEquals(Optional.of(Samples.typical()), store.get(Samples.key("a")));
  }

  @Test
  void get_whenNothingStored_isEmpty() {
    assertEquals(Optional.empty(), store.get(Samples.key("a")));
  }

  @Test
  void put_addsEncodedSizeAndOneFileToTotals() {
    put("a", Samples.result(1, 1000));
    put("b", Samples.result(2, 3000));
    assertEquals(
        encodedSize("a", Samples.result(1, 1000)) + encodedSize("b", Samples.result(2, 3000)),
        store.totalSize());
    assertEquals(2, store.fileCount());
  }

  @Test
  void put_whenReplacing_servesTheNewResultAndCountsOnlyItsSize() {
    put("a", Samples.result(1, 5000));
    put("a", Samples.result(2, 700));
    assertEquals(Optional.of(Samples.result(2, 700)), store.get(Samples.key("a")));
    assertEquals(encodedSize("a", Samples.result(2, 700)), store.totalSize());
    assertEquals(1, store.fileCount());
    assertEquals(new Totals(store.totalSize(), 1), recount(store));
  }

  @Test
  void remove_deletesTheResultAndSubtractsItFromTotals() {
    put("a", Samples.result(1, 1000));
    put("b", Samples.result(2, 2000));
    assertTrue(store.remove(Samples.key("a")));
    assertFalse(has("a"));
    assertEquals(encodedSize("b", Samples.result(2, 2000)), store.totalSize());
    assertEquals(1, store.fileCount());
  }

  @Test
  void remove_whenNothingStored_returnsFalse() {
    assertFalse(store.remove(Samples.key("a")));
    assertEquals(0, store.fileCount());
  }

  @Test
  void put_whenOverMaxSize_evictsLeastRecentlyUsedFirst() {
    put("a", Samples.result(1, 1000));
    tick();
    put("b", Samples.result(2, 1000));
    tick();
    put("c", Samples.result(3, 1000));
    tick();
    assertTrue(has("a"));
    tick();
    long oneEntry = encodedSize("d", Samples.result(4, 1000));
    store.setLimits(3 * oneEntry, 0);
    put("d", Samples.result(4, 1000));
    assertFalse(has("b"), "b was used least recently");
    assertTrue(has("a") && has("c") && has("d"));
    assertEquals(3 * oneEntry, store.totalSize());
    assertEquals(1, store.counters().get(Counter.CLEANUPS_PERFORMED));
  }

  @Test
  void put_whenOverMaxFiles_evictsLeastRecentlyUsedDownToTheLimit() {
    for (int i = 0; i < 5; i++) {
      put("k" + i, Samples.result(i, 10));
      tick();
    }
    store.setLimits(0, 2);
    put("k5", Samples.result(5, 10));
    assertEquals(2, store.fileCount());
    assertTrue(has("k4") && has("k5"));
    assertEquals(new Totals(store.totalSize(), 2), recount(store));
  }

  @Test
  void put_whenEveryResultWasUsedAtTheSameInstant_keepsTheResultJustPut() {
    store.setLimits(0, 1);
    for (int i = 0; i < 10; i++) {
      put("k" + i, Samples.result(i, 10));
      assertTrue(has("k" + i), "k" + i);
      assertEquals(1, store.fileCount());
    }
  }

  @Test
  void put_afterTheClockWentBack_stillEvictsTheEarliestUseFirst() {
    store.setLimits(0, 2);
    put("a", Samples.result(1, 10));
    tick();
    put("b", Samples.result(2, 10));
    tick();
    put("c", Samples.result(3, 10));
    clock.advance(Duration.ofHours(-1));
    put("d", Samples.result(4, 10));
    assertFalse(has("a") || has("b"));
    tick();
    put("e", Samples.result(5, 10));
    assertFalse(has("d"), "d has the earliest use of all");
    assertTrue(has("c") && has("e"));
    assertEquals(2, store.fileCount());
  }

  @Test
  void put_afterClear_evictsTheResultsStoredSince() {
    put("a", Samples.result(1, 10));
    store.clear();
    store.setLimits(0, 1);
    put("b", Samples.result(2, 10));
    tick();
    put("c", Samples.result(3, 10));
    assertFalse(has("b"));
    assertTrue(has("c"));
  }

  @Test
  void put_whenEncodedResultAloneIsLargerThanMaxSize_isRefusedAndStoresNothing() {
    put("a", Samples.result(1, 100));
    long before = store.totalSize();
    store.setLimits(encodedSize("b", Samples.result(2, 2000)) - 1, 0);
    assertFalse(store.put(Samples.key("b"), Samples.result(2, 2000)));
    assertFalse(has("b"));
    assertTrue(has("a"), "a refused put evicts nothing");
    assertEquals(before, store.totalSize());
  }

  @Test
  void setLimits_whenLowered_evictsNothingUntilCleanup() {
    for (int i = 0; i < 4; i++) {
      put("k" + i, Samples.result(i, 500));
      tick();
    }
    long oneEntry = encodedSize("k0", Samples.result(0, 500));
    store.setLimits(oneEntry, 0);
    assertEquals(4, store.fileCount());
    CleanupReport report = store.cleanup();
    assertEquals(new CleanupReport(3, 3 * oneEntry), report);
    assertEquals(1, store.fileCount());
    assertTrue(has("k3"));
    assertEquals(1, store.counters().get(Counter.CLEANUPS_PERFORMED));
  }

  @Test
  void cleanup_whenWithinLimits_removesNothingAndCountsNoCleanup() {
    put("a", Samples.result(1, 100));
    store.setLimits(1 << 20, 10);
    assertEquals(new CleanupReport(0, 0), store.cleanup());
    assertEquals(1, store.fileCount());
    assertEquals(0L, store.counters().getOrDefault(Counter.CLEANUPS_PERFORMED, 0L));
  }

  @Test
  void setLimits_whenNegative_throwsIllegalArgument() {
    assertThrows(IllegalArgumentException.class, () -> store.setLimits(-1, 0));
    assertThrows(IllegalArgumentException.class, () -> store.setLimits(0, -1));
  }

  @Test
  void evictOlderThan_removesOnlyResultsLastUsedBeforeTheCutoff() {
    put("a", Samples.result(1, 100));
    put("b", Samples.result(2, 200));
    clock.advance(Duration.ofHours(1));
    assertTrue(has("a"));
    put("c", Samples.result(3, 300));
    clock.advance(Duration.ofMinutes(30));
    CleanupReport report = store.evictOlderThan(Duration.ofMinutes(45));
    assertEquals(new CleanupReport(1, encodedSize("b", Samples.result(2, 200))), report);
    assertFalse(has("b"));
    assertTrue(has("a") && has("c"));
    assertEquals(2, store.fileCount());
    assertEquals(1, store.counters().get(Counter.CLEANUPS_PERFORMED));
  }

  @Test
  void evictOlderThan_anAgeBeyondTheEpoch_removesNothing() {
    put("a", Samples.result(1, 100));
    assertEquals(new CleanupReport(0, 0), store.evictOlderThan(Duration.ofDays(365L * 1_000_000)));
    assertTrue(has("a"));
  }

  private static CachedResult inNamespace(long seed, String namespace) {
    CachedResult r = Samples.result(seed, 100);
    return new CachedResult(
        r.files(), r.stdout(), r.stderr(), Map.of(CachedResult.META_NAMESPACE, namespace));
  }

  @Test
  void evictNamespace_removesThatNamespacesResultsAndTheManifestsLeftNamingNone() {
    put("a", inNamespace(1, "one"));
    put("b", inNamespace(2, "two"));
    put("c", Samples.result(3, 100));
    put("d", inNamespace(4, "one"));
    Manifest.Entry toA = Samples.entry(10, 1);
    toA = new Manifest.Entry(toA.files(), Samples.key("a"), toA.origin(), toA.exact(), false);
    Manifest.Entry toB = Samples.entry(11, 1);
    toB = new Manifest.Entry(toB.files(), Samples.key("b"), toB.origin(), toB.exact(), false);
    addEntry("ma", toA);
    addEntry("mb", toB);
    long manifestSize = ManifestCodec.encode(Samples.manifestKey("ma"), manifest("ma")).length;
    long expectedBytes =
        encodedSize("a", inNamespace(1, "one"))
            + encodedSize("d", inNamespace(4, "one"))
            + manifestSize;

    assertEquals(new CleanupReport(3, expectedBytes), store.evictNamespace("one"));

    assertFalse(has("a") || has("d"));
    assertTrue(has("b") && has("c"));
    assertEquals(Optional.empty(), store.getManifest(Samples.manifestKey("ma")));
    assertTrue(store.getManifest(Samples.manifestKey("mb")).isPresent());
    assertEquals(3, store.fileCount());
    assertEquals(new Totals(store.totalSize(), store.fileCount()), recount(store));
    assertEquals(1, store.counters().get(Counter.CLEANUPS_PERFORMED));
    assertEquals(new CleanupReport(0, 0), store.evictNamespace("one"));
  }

  @Test
  void evictNamespace_withAnAge_removesOnlyWhatBothSelect_thenTheRestWithTheManifestLeftEmpty() {
    put("old", inNamespace(1, "one"));
    Manifest.Entry toOld = Samples.entry(10, 1);
    toOld = new Manifest.Entry(toOld.files(), Samples.key("old"), toOld.origin(), "x", false);
    clock.advance(Duration.ofHours(1));
    addEntry("mold", toOld); // the manifest is used later than its result
    put("new", inNamespace(2, "one"));
    put("other", inNamespace(3, "two"));
    long oldSize = encodedSize("old", inNamespace(1, "one"));

    assertEquals(
        new CleanupReport(1, oldSize), store.evictNamespace("one", Duration.ofMinutes(30)));
    assertFalse(has("old"));
    assertTrue(has("new") && has("other"));
    assertTrue(store.getManifest(Samples.manifestKey("mold")).isPresent(), "used too recently");

    assertEquals(2, store.evictNamespace("one").removedFiles());
    assertFalse(has("new"));
    assertEquals(
        Optional.empty(),
        store.getManifest(Samples.manifestKey("mold")),
        "it names no stored result any more");
    assertTrue(has("other"));
    assertEquals(new Totals(store.totalSize(), store.fileCount()), recount(store));
  }

  @Test
  void evictNamespace_empty_removesTheResultsStoredWithoutANamespace() {
    put("a", inNamespace(1, "one"));
    put("c", Samples.result(3, 100));
    assertEquals(1, store.evictNamespace("").removedFiles());
    assertTrue(has("a"));
    assertFalse(has("c"));
  }

  @Test
  void clear_removesEveryResultAndKeepsOtherCounters() {
    put("a", Samples.result(1, 100));
    put("b", Samples.result(2, 100));
    store.add(Counter.DIRECT_CACHE_HIT, 7);
    long size = store.totalSize();
    assertEquals(new CleanupReport(2, size), store.clear());
    assertFalse(has("a") || has("b"));
    assertEquals(0, store.totalSize());
    assertEquals(0, store.fileCount());
    assertEquals(7, store.counters().get(Counter.DIRECT_CACHE_HIT));
    assertEquals(new Totals(0, 0), recount(store));
    put("a", Samples.result(1, 100));
    assertTrue(has("a"));
  }

  @Test
  void counters_afterIncrementAndAdd_holdTheirSums() {
    store.increment(Counter.LOCAL_STORAGE_HIT);
    store.increment(Counter.LOCAL_STORAGE_HIT);
    store.add(Counter.CACHE_MISS, 40);
    store.add(Counter.CACHE_MISS, 2);
    Map<Counter, Long> counters = store.counters();
    assertEquals(2, counters.get(Counter.LOCAL_STORAGE_HIT));
    assertEquals(42, counters.get(Counter.CACHE_MISS));
    assertFalse(counters.containsKey(Counter.COMPILE_FAILED));
  }

  @Test
  void add_ofSeveralCounters_addsEachDelta() {
    store.add(Counter.CACHE_MISS, 1);
    store.add(Map.of(Counter.CACHE_MISS, 2L, Counter.DIRECT_CACHE_HIT, 3L));
    store.add(Map.of());
    Map<Counter, Long> counters = store.counters();
    assertEquals(3, counters.get(Counter.CACHE_MISS));
    assertEquals(3, counters.get(Counter.DIRECT_CACHE_HIT));
  }

  @Test
  void add_stampsTheUpdateTime_asZeroingDoes() {
    assertEquals(0, store.counters().getOrDefault(Counter.STATS_UPDATED_TIMESTAMP, 0L));
    clock.advance(Duration.ofSeconds(30));
    store.add(Counter.CACHE_MISS, 1);
    assertEquals(
        START.getEpochSecond() + 30, store.counters().get(Counter.STATS_UPDATED_TIMESTAMP));
    clock.advance(Duration.ofSeconds(30));
    store.add(Map.of(Counter.DIRECT_CACHE_HIT, 1L, Counter.CACHE_MISS, 1L));
    assertEquals(
        START.getEpochSecond() + 60, store.counters().get(Counter.STATS_UPDATED_TIMESTAMP));
    clock.advance(Duration.ofSeconds(30));
    store.zeroCounters();
    assertEquals(
        START.getEpochSecond() + 90, store.counters().get(Counter.STATS_UPDATED_TIMESTAMP));
  }

  @Test
  void add_negativeDelta_subtracts() {
    store.add(Counter.CACHE_MISS, 5);
    store.add(Counter.CACHE_MISS, -3);
    assertEquals(2, store.counters().get(Counter.CACHE_MISS));
    store.add(Counter.CACHE_MISS, -2);
    assertEquals(0, store.counters().get(Counter.CACHE_MISS));
  }

  @Test
  void zeroCounters_zeroesEveryCounterStampsTheTimeAndKeepsTotals() {
    put("a", Samples.result(1, 100));
    long size = store.totalSize();
    store.add(Counter.CACHE_MISS, 5);
    store.increment(Counter.COMPILE_FAILED);
    clock.advance(Duration.ofSeconds(90));
    store.zeroCounters();
    Map<Counter, Long> counters = store.counters();
    assertEquals(0, counters.get(Counter.CACHE_MISS));
    assertEquals(0, counters.get(Counter.COMPILE_FAILED));
    assertEquals(START.getEpochSecond() + 90, counters.get(Counter.STATS_ZEROED_TIMESTAMP));
    assertEquals(size, store.totalSize());
    assertEquals(1, store.fileCount());
    store.increment(Counter.CACHE_MISS);
    assertEquals(1, store.counters().get(Counter.CACHE_MISS));
  }

  @Test
  void contains_saysWhetherAValueIsStored_untilAReadRemovesADamagedOne() {
    assertFalse(store.contains(Samples.key("a")));
    put("a", Samples.result(1, 1000));
    addEntry("m", Samples.entry(1, 3));
    assertTrue(store.contains(Samples.key("a")));
    assertFalse(store.contains(Samples.key("b")));
    assertTrue(store.containsManifest(Samples.manifestKey("m")));
    assertFalse(store.containsManifest(Samples.manifestKey("a")), "results and manifests apart");
    assertFalse(store.contains(ResultKey.of(Samples.manifestKey("m").bytes())));
    store.close();
    damageStoredValue(dir, Samples.key("a"));
    store = open(dir, clock);
    assertTrue(store.contains(Samples.key("a")), "not checked");
    assertEquals(0, store.counters().getOrDefault(Counter.CORRUPT_CACHE_ENTRY, 0L));
    assertEquals(Optional.empty(), store.get(Samples.key("a")));
    assertFalse(store.contains(Samples.key("a")), "the read removed it");
  }

  @Test
  void get_whenEntryCorrupted_removesItCountsItAndReportsMiss() {
    put("a", Samples.result(1, 1000));
    put("b", Samples.result(2, 1000));
    store.close();
    damageStoredValue(dir, Samples.key("a"));
    store = open(dir, clock);
    assertEquals(Optional.empty(), store.get(Samples.key("a")));
    assertEquals(1, store.fileCount());
    assertEquals(encodedSize("b", Samples.result(2, 1000)), store.totalSize());
    assertEquals(1, store.counters().get(Counter.CORRUPT_CACHE_ENTRY));
    assertEquals(Optional.empty(), store.get(Samples.key("a")));
    assertEquals(
        1,
        store.counters().get(Counter.CORRUPT_CACHE_ENTRY),
        "a removed value is not counted again");
    assertEquals(new Totals(store.totalSize(), 1), recount(store));
    put("a", Samples.result(1, 1000));
    assertEquals(Optional.of(Samples.result(1, 1000)), store.get(Samples.key("a")));
  }

  @Test
  void reopen_keepsResultsTotalsCountersAndUseOrder() {
    put("a", Samples.result(1, 100));
    tick();
    put("b", Samples.result(2, 100));
    tick();
    assertTrue(has("a"));
    store.add(Counter.CACHE_MISS, 3);
    long size = store.totalSize();
    reopen();
    assertEquals(size, store.totalSize());
    assertEquals(2, store.fileCount());
    assertEquals(3, store.counters().get(Counter.CACHE_MISS));
    store.setLimits(0, 1);
    store.cleanup();
    assertTrue(has("a"), "a was used after b before the restart");
    assertFalse(has("b"));
  }

  @Test
  void methods_afterClose_throwIllegalState() {
    store.close();
    ResultKey key = Samples.key("a");
    List<Executable> calls =
        List.of(
            () -> store.get(key),
            () -> store.put(key, Samples.typical()),
            () -> store.remove(key),
            () -> store.getManifest(Samples.manifestKey("m")),
            () -> store.updateManifest(Samples.manifestKey("m"), m -> m),
            () -> store.setLimits(1, 1),
            store::cleanup,
            () -> store.evictOlderThan(Duration.ZERO),
            store::clear,
            store::totalSize,
            store::fileCount,
            () -> store.increment(Counter.CACHE_MISS),
            () -> store.add(Counter.CACHE_MISS, 1),
            () -> store.add(Map.of(Counter.CACHE_MISS, 1L)),
            store::counters,
            store::zeroCounters);
    for (Executable call : calls) {
      IllegalStateException e = assertThrows(IllegalStateException.class, call);
      assertEquals("store is closed", e.getMessage());
    }
  }

  @Test
  void close_twice_isHarmless() {
    store.close();
    store.close();
  }

  @Test
  void open_whenAnotherStoreHasTheDirectoryOpen_failsNamingAnotherServer() {
    StoreException e = assertThrows(StoreException.class, () -> open(dir, clock).close());
    assertTrue(e.getMessage().contains(dir.toString()), e.getMessage());
    assertTrue(
        e.getMessage().contains("another distcache server is probably running"), e.getMessage());
    put("a", Samples.typical());
    assertTrue(has("a"), "the first store still works");
  }

  @Test
  void concurrentPutsGetsAndRemoves_keepTotalsEqualToARecount() throws Exception {
    store.setLimits(96 * 1024, 24);
    Map<ResultKey, Set<CachedResult>> everPut = new ConcurrentHashMap<>();
    List<Future<?>> workers = new ArrayList<>();
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int t = 0; t < 16; t++) {
        long seed = t;
        workers.add(
            threads.submit(() -> {
              Random random = new Random(seed);
              for (int i = 0; i < 150; i++) {
                ResultKey key = Samples.key("k" + random.nextInt(40));
                int action = random.nextInt(10);
                if (action < 5) {
                  CachedResult result = Samples.result(random.nextLong(), random.nextInt(8192));
                  everPut.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(result);
                  assertTrue(store.put(key, result));
                } else if (action < 9) {
                  store
                      .get(key)
                      .ifPresent(r ->
                          assertTrue(everPut.get(key).contains(r), "served a result never put"));
                } else {
                  store.remove(key);
                }
              }
              return null;
            }));
      }
      for (Future<?> worker : workers) {
        worker.get();
      }
    }
    assertEquals(new Totals(store.totalSize(), store.fileCount()), recount(store));
    assertTrue(store.fileCount() <= 24, "files " + store.fileCount());
    assertTrue(store.totalSize() <= 96 * 1024, "size " + store.totalSize());
  }

  // --- manifests ---

  private Manifest manifest(String name) {
    return store
        .getManifest(Samples.manifestKey(name))
        .orElseThrow(() -> new AssertionError("no manifest " + name));
  }

  private void addEntry(String name, Manifest.Entry entry) {
    assertTrue(
        store.updateManifest(Samples.manifestKey(name), m -> m.with(entry)), "update " + name);
  }

  @Test
  void getManifest_whenNoneStored_isEmpty() {
    assertEquals(Optional.empty(), store.getManifest(Samples.manifestKey("m")));
  }

  @Test
  void updateManifest_appliesTheUpdateToTheStoredManifest_andCountsItAsOneFile() {
    addEntry("m", Samples.entry(1, 3));
    addEntry("m", Samples.entry(2, 5));
    assertEquals(List.of(Samples.entry(1, 3), Samples.entry(2, 5)), manifest("m").entries());
    long encoded = ManifestCodec.encode(Samples.manifestKey("m"), manifest("m")).length;
    assertEquals(1, store.fileCount());
    assertEquals(encoded, store.totalSize());
    assertEquals(new Totals(encoded, 1), recount(store));
  }

  @Test
  void manifestsAndResults_areEvictedTogetherLeastRecentlyUsedFirst() {
    put("a", Samples.result(1, 100));
    tick();
    addEntry("m", Samples.entry(1, 3));
    tick();
    put("b", Samples.result(2, 100));
    tick();
    manifest("m");
    tick();
    store.setLimits(0, 2);
    put("c", Samples.result(3, 100));
    assertFalse(has("a") || has("b"), "a and b were used before the manifest was last read");
    assertTrue(store.getManifest(Samples.manifestKey("m")).isPresent());
    assertEquals(new Totals(store.totalSize(), 2), recount(store));
    tick();
    put("d", Samples.result(4, 100));
    assertEquals(
        Optional.empty(),
        store.getManifest(Samples.manifestKey("m")),
        "now the manifest is the oldest");
  }

  @Test
  void clear_removesManifestsToo() {
    addEntry("m", Samples.entry(1, 3));
    put("a", Samples.result(1, 100));
    assertEquals(2, store.clear().removedFiles());
    assertEquals(Optional.empty(), store.getManifest(Samples.manifestKey("m")));
    assertEquals(new Totals(0, 0), recount(store));
  }

  @Test
  void updateManifest_whenEncodedManifestAloneIsLargerThanMaxSize_isRefusedAndStoresNothing() {
    store.setLimits(100, 0);
    assertFalse(store.updateManifest(Samples.manifestKey("m"), m -> m.with(Samples.entry(1, 50))));
    assertEquals(Optional.empty(), store.getManifest(Samples.manifestKey("m")));
    assertEquals(0, store.fileCount());
  }

  @Test
  void getManifest_whenCorrupted_removesItCountsItAndReportsNone() {
    addEntry("m", Samples.entry(1, 3));
    put("a", Samples.result(1, 100));
    store.close();
    damageStoredManifest(dir, Samples.manifestKey("m"));
    store = open(dir, clock);
    assertEquals(Optional.empty(), store.getManifest(Samples.manifestKey("m")));
    assertEquals(1, store.counters().get(Counter.CORRUPT_CACHE_ENTRY));
    assertEquals(1, store.fileCount());
    assertEquals(new Totals(store.totalSize(), 1), recount(store));
    addEntry("m", Samples.entry(2, 3));
    assertEquals(
        List.of(Samples.entry(2, 3)),
        manifest("m").entries(),
        "an update starts from an empty manifest");
  }

  @Test
  void updateManifest_whenStoredOneIsCorrupted_startsFromEmptyAndCountsIt() {
    addEntry("m", Samples.entry(1, 3));
    store.close();
    damageStoredManifest(dir, Samples.manifestKey("m"));
    store = open(dir, clock);
    addEntry("m", Samples.entry(2, 3));
    assertEquals(List.of(Samples.entry(2, 3)), manifest("m").entries());
    assertEquals(1, store.counters().get(Counter.CORRUPT_CACHE_ENTRY));
    assertEquals(new Totals(store.totalSize(), 1), recount(store));
  }

  @Test
  void concurrentManifestUpdates_loseNoEntry() throws Exception {
    List<Future<?>> workers = new ArrayList<>();
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int t = 0; t < 8; t++) {
        int thread = t;
        workers.add(
            threads.submit(() -> {
              for (int i = 0; i < 10; i++) {
                addEntry("m", Samples.entry(thread * 100L + i, 4));
                store.getManifest(Samples.manifestKey("m"));
              }
              return null;
            }));
      }
      for (Future<?> worker : workers) {
        worker.get();
      }
    }
    Set<Manifest.Entry> stored = Set.copyOf(manifest("m").entries());
    assertEquals(80, stored.size());
    for (int t = 0; t < 8; t++) {
      for (int i = 0; i < 10; i++) {
        assertTrue(stored.contains(Samples.entry(t * 100L + i, 4)), "entry " + t + "/" + i);
      }
    }
    assertEquals(new Totals(store.totalSize(), 1), recount(store));
  }
}
