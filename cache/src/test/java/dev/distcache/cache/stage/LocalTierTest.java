package dev.distcache.cache.stage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.cache.ResultStore;
import dev.distcache.cache.RocksResultStore;
import dev.distcache.core.stats.Counter;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalTierTest {
  @TempDir Path dir;
  private ResultStore store;
  private LocalTier tier;

  @BeforeEach
  void open() {
    store = RocksResultStore.open(dir.resolve("store"), InstantSource.system());
    tier = new LocalTier(store);
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void get_returnsWhatPutStored_andEmptyForAnotherKey() {
    assertTrue(tier.put(Results.key("a"), Results.result(1, 100), Tier.Limits.NONE));

    assertEquals(Optional.of(Results.result(1, 100)), tier.get(Results.key("a")));
    assertEquals(Optional.empty(), tier.get(Results.key("b")));
  }

  @Test
  void put_setsTheStoresLimitsFirst_soAResultOverTheSizeLimitIsNotStored() {
    assertFalse(tier.put(Results.key("big"), Results.result(1, 10_000), new Tier.Limits(1000, 0)));

    assertEquals(Optional.empty(), tier.get(Results.key("big")));
    assertEquals(0, store.fileCount());
  }

  @Test
  void put_evictsDownToTheFileLimit() {
    tier.put(Results.key("a"), Results.result(1, 100), Tier.Limits.NONE);
    tier.put(Results.key("b"), Results.result(2, 100), new Tier.Limits(0, 1));

    assertEquals(1, store.fileCount());
    assertEquals(Optional.empty(), tier.get(Results.key("a")), "the older result was evicted");
  }

  @Test
  void nameAndCounters_areTheLocalStorages() {
    assertEquals("local", tier.name());
    assertEquals(Counter.LOCAL_STORAGE_READ_HIT, tier.counters().readHit());
    assertEquals(Counter.LOCAL_STORAGE_WRITE_FAILED, tier.counters().writeFailed());
  }

  @Test
  void aClosedStore_throwsThroughTheTier_forTheStageToCount() {
    store.close();

    assertThrows(IllegalStateException.class, () -> tier.get(Results.key("a")));
    assertThrows(
        IllegalStateException.class,
        () -> tier.put(Results.key("a"), Results.result(1, 10), Tier.Limits.NONE));
  }
}
