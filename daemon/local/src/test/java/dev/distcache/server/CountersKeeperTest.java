package dev.distcache.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.cache.RocksResultStore;
import dev.distcache.core.CacheLayout;
import dev.distcache.core.stats.Counter;
import dev.distcache.core.stats.CountersFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CountersKeeperTest {
  @TempDir Path dir;
  CacheLayout layout;
  RocksResultStore store;

  @BeforeEach
  void setUp() {
    layout = new CacheLayout(dir);
    store = RocksResultStore.open(layout.storeDir(), InstantSource.system());
  }

  @AfterEach
  void tearDown() {
    store.close();
  }

  @Test
  void restore_setsTheStoresCountersToTheFiles() throws IOException {
    store.add(Map.of(Counter.CACHE_MISS, 5L, Counter.DIRECT_CACHE_HIT, 2L));
    CountersFile.write(
        layout.countersFile(), "cache_miss\t0\ndirect_cache_hit\t0\nstats_zeroed_timestamp\t77\n");

    CountersKeeper.restore(layout, store, false);

    assertEquals(0L, store.counters().get(Counter.CACHE_MISS));
    assertEquals(0L, store.counters().get(Counter.DIRECT_CACHE_HIT));
    assertEquals(77L, store.counters().get(Counter.STATS_ZEROED_TIMESTAMP));
  }

  @Test
  void restore_intoAFreshStore_keepsWhatItCountedSince() throws IOException {
    store.increment(Counter.STORE_MOVED_ASIDE);
    CountersFile.write(layout.countersFile(), "cache_miss\t3\nstore_moved_aside\t1\n");

    CountersKeeper.restore(layout, store, true);

    assertEquals(3L, store.counters().get(Counter.CACHE_MISS));
    assertEquals(2L, store.counters().get(Counter.STORE_MOVED_ASIDE));
  }

  @Test
  void restore_withoutAFile_leavesTheStoreAlone() throws IOException {
    store.add(Map.of(Counter.CACHE_MISS, 5L));

    CountersKeeper.restore(layout, store, false);

    assertEquals(5L, store.counters().get(Counter.CACHE_MISS));
  }

  @Test
  void write_putsTheStatsTextInTheFile_andClose_writesTheLastChange() throws IOException {
    String[] text = {"cache_miss\t1\n"};
    CountersKeeper keeper = new CountersKeeper(layout, config -> text[0]);

    keeper.write();
    assertEquals("cache_miss\t1\n", Files.readString(layout.countersFile()));
    text[0] = "cache_miss\t2\n";
    keeper.close();

    assertEquals("cache_miss\t2\n", Files.readString(layout.countersFile()));
    try (var files = Files.list(dir)) {
      assertTrue(files.noneMatch(f -> f.getFileName().toString().contains(".tmp.")));
    }
  }
}
