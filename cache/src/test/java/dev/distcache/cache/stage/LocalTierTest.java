package dev.distcache.cache.stage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.distcache.cache.ResultStore;
import dev.distcache.cache.RocksResultStore;
import dev.distcache.cache.Samples;
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
    assertEquals(
        Tier.Stored.STORED, tier.put(Samples.key("a"), Samples.result(1, 100), Tier.Limits.NONE));

    assertEquals(Optional.of(Samples.result(1, 100)), tier.get(Samples.key("a")));
    assertEquals(Optional.empty(), tier.get(Samples.key("b")));
  }

  @Test
  void put_setsTheStoresLimitsFirst_soAResultOverTheSizeLimitIsNotStored() {
    assertEquals(
        Tier.Stored.NOT_STORED,
        tier.put(Samples.key("big"), Samples.result(1, 10_000), new Tier.Limits(1000, 0)));

    assertEquals(Optional.empty(), tier.get(Samples.key("big")));
    assertEquals(0, store.fileCount());
  }

  @Test
  void put_evictsDownToTheFileLimit() {
    tier.put(Samples.key("a"), Samples.result(1, 100), Tier.Limits.NONE);
    tier.put(Samples.key("b"), Samples.result(2, 100), new Tier.Limits(0, 1));

    assertEquals(1, store.fileCount());
    assertEquals(Optional.empty(), tier.get(Samples.key("a")), "the older result was evicted");
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

    assertThrows(IllegalStateException.class, () -> tier.get(Samples.key("a")));
    assertThrows(
        IllegalStateException.class,
        () -> tier.put(Samples.key("a"), Samples.result(1, 10), Tier.Limits.NONE));
  }
}
