package dev.distcache.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.distcache.core.stats.Counter;
import dev.distcache.hashing.ManifestKey;
import dev.distcache.hashing.ResultKey;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RocksResultStoreTest extends ResultStoreContract {
  @Override
  protected ResultStore open(Path dir, InstantSource clock) {
    return RocksResultStore.open(dir, clock);
  }

  @Override
  protected void damageStoredValue(Path dir, ResultKey key) {
    byte[] value = RawStore.get(dir, StoreSchema.RESULTS, key.bytes());
    value[value.length / 2] ^= 0x20;
    RawStore.put(dir, StoreSchema.RESULTS, key.bytes(), value);
  }

  @Override
  protected void damageStoredManifest(Path dir, ManifestKey key) {
    byte[] value = RawStore.get(dir, StoreSchema.MANIFESTS, key.bytes());
    value[value.length / 2] ^= 0x20;
    RawStore.put(dir, StoreSchema.MANIFESTS, key.bytes(), value);
  }

  @Override
  protected Totals recount(ResultStore store) {
    RocksResultStore.Recount recount = ((RocksResultStore) store).recount();
    assertEquals(List.of(), recount.indexProblems());
    return new Totals(recount.sizeBytes(), recount.files());
  }

  @Test
  void get_writesItsUseOffTheHitsPath_withinTheFlushDelay_andCloseWritesTheRest() throws Exception {
    RocksResultStore rocks = (RocksResultStore) store;
    store.put(Samples.key("a"), Samples.typical());
    store.put(Samples.key("b"), Samples.typical());
    clock.advance(Duration.ofSeconds(5));
    long used = clock.millis();

    assertEquals(Optional.of(Samples.typical()), store.get(Samples.key("a")));
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (rocks.indexedUseMillis(Samples.key("a")) != used && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertEquals(used, rocks.indexedUseMillis(Samples.key("a")), "written after the delay");

    clock.advance(Duration.ofSeconds(5));
    assertEquals(Optional.of(Samples.typical()), store.get(Samples.key("b")));
    store.close();
    store = open(dir, clock);
    assertEquals(clock.millis(), ((RocksResultStore) store).indexedUseMillis(Samples.key("b")));
    assertEquals(used, ((RocksResultStore) store).indexedUseMillis(Samples.key("a")));
  }

  @Test
  void add_writesTheCountsOffTheCompilesPath_soAnotherReaderSeesThemWhileTheStoreIsOpen()
      throws Exception {
    store.add(Map.of(Counter.DIRECT_CACHE_HIT, 2L, Counter.CACHE_MISS, 1L));
    assertEquals(2L, store.counters().get(Counter.DIRECT_CACHE_HIT), "counted at once");
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    Map<Counter, Long> seen = Map.of();
    while (System.nanoTime() < deadline) {
      try (RocksResultStore reader = RocksResultStore.openReadOnly(dir, clock)) {
        seen = reader.counters();
      }
      if (seen.getOrDefault(Counter.DIRECT_CACHE_HIT, 0L) == 2L) {
        break;
      }
      Thread.sleep(20);
    }
    assertEquals(2L, seen.get(Counter.DIRECT_CACHE_HIT), "written without a close");
    assertEquals(1L, seen.get(Counter.CACHE_MISS));
    assertEquals(clock.instant().getEpochSecond(), seen.get(Counter.STATS_UPDATED_TIMESTAMP));
    assertEquals(store.counters(), seen, "nothing left in memory");
  }

  @Test
  void get_usesRecordedWhileEarlierOnesAreWritten_areWrittenTooWithoutAClose() throws Exception {
    RocksResultStore rocks = (RocksResultStore) store;
    int keys = 50;
    for (int i = 0; i < keys; i++) {
      store.put(Samples.key("k" + i), Samples.result(i, 10));
    }
    long until = System.nanoTime() + Duration.ofMillis(2500).toNanos();
    while (System.nanoTime() < until) { // hits across several background writes
      clock.advance(Duration.ofMillis(3));
      for (int i = 0; i < keys; i++) {
        store.get(Samples.key("k" + i));
      }
      Thread.sleep(5);
    }
    long last = clock.millis();
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    int behind = keys;
    while (behind > 0 && System.nanoTime() < deadline) {
      behind = 0;
      for (int i = 0; i < keys; i++) {
        behind += rocks.indexedUseMillis(Samples.key("k" + i)) == last ? 0 : 1;
      }
      Thread.sleep(20);
    }
    assertEquals(0, behind, "keys whose last use was never written");
  }

  @Test
  void put_afterAHitWaitingToBeWritten_keepsThePutsNewerUse() {
    store.put(Samples.key("a"), Samples.typical());
    clock.advance(Duration.ofSeconds(5));
    store.get(Samples.key("a"));
    clock.advance(Duration.ofSeconds(5));
    store.put(Samples.key("a"), Samples.typical());
    store.close();
    store = open(dir, clock);
    assertEquals(clock.millis(), ((RocksResultStore) store).indexedUseMillis(Samples.key("a")));
  }

  @Test
  void setCompression_none_storesTheFrameUncompressed_andEitherKindReadsBack() throws Exception {
    ((RocksResultStore) store).setCompression(Compression.NONE);
    store.put(Samples.key("plain"), Samples.typical());
    store.setCompression(Compression.ofCcache(true, 9));
    store.put(Samples.key("hc"), Samples.typical());

    assertEquals(Optional.of(Samples.typical()), store.get(Samples.key("plain")));
    assertEquals(Optional.of(Samples.typical()), store.get(Samples.key("hc")));
    store.close();
    assertEquals(4, RawStore.get(dir, StoreSchema.RESULTS, Samples.key("plain").bytes())[3]);
    assertEquals(3, RawStore.get(dir, StoreSchema.RESULTS, Samples.key("hc").bytes())[3]);
  }

  @Test
  void storedValue_isTheEntryCodecEncodingUnderTheResultsFamily() throws Exception {
    store.put(Samples.key("a"), Samples.typical());
    store.close();
    byte[] raw = RawStore.get(dir, StoreSchema.RESULTS, Samples.key("a").bytes());
    assertEquals(Samples.typical(), EntryCodec.decode(Samples.key("a"), raw));
  }

  @Test
  void counters_areStoredAsLittleEndianUint64_andNegativeDeltasWrapAround() {
    store.add(Counter.CACHE_MISS, 1);
    store.add(Counter.CACHE_MISS, -2);
    assertEquals(-1L, store.counters().get(Counter.CACHE_MISS));
    store.close();
    byte[] raw =
        RawStore.get(
            dir, StoreSchema.STATS, Counter.CACHE_MISS.id().getBytes(StandardCharsets.UTF_8));
    assertArrayEquals(new byte[] {-1, -1, -1, -1, -1, -1, -1, -1}, raw);
    store = open(dir, clock);
    store.add(Counter.CACHE_MISS, 3);
    assertEquals(2L, store.counters().get(Counter.CACHE_MISS));
  }

  @Test
  void get_whenValueWasCopiedFromAnotherKey_removesItAndReportsMiss() {
    store.put(Samples.key("a"), Samples.result(1, 500));
    store.put(Samples.key("b"), Samples.result(2, 500));
    store.close();
    byte[] valueOfA = RawStore.get(dir, StoreSchema.RESULTS, Samples.key("a").bytes());
    RawStore.put(dir, StoreSchema.RESULTS, Samples.key("b").bytes(), valueOfA);
    store = open(dir, clock);
    assertEquals(Optional.empty(), store.get(Samples.key("b")));
    assertEquals(1, store.counters().get(Counter.CORRUPT_CACHE_ENTRY));
    assertEquals(1, store.fileCount());
    assertEquals(new Totals(store.totalSize(), 1), recount(store));
  }

  @Test
  void open_whenAnotherProcessHoldsTheStore_failsNamingAnotherServer() throws Exception {
    store.close();
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process holder =
        new ProcessBuilder(
                java.toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                HoldStore.class.getName(),
                dir.toString())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8))) {
      assertEquals("open 0", out.readLine());
      StoreException e =
          assertThrows(StoreException.class, () -> RocksResultStore.open(dir, clock));
      assertEquals(
          "cannot open the distcache store at "
              + dir
              + ": it is locked; another distcache server is probably running with this cache directory",
          e.getMessage());
    } finally {
      holder.getOutputStream().close();
      assertEquals(0, holder.waitFor());
    }
    store = open(dir, clock);
    assertEquals(0, store.fileCount());
  }

  @Test
  void open_whenPathIsAFile_failsNamingThePath() throws Exception {
    Path file = Files.writeString(dir.resolve("not-a-dir"), "x");
    StoreException e = assertThrows(StoreException.class, () -> RocksResultStore.open(file, clock));
    assertEquals(
        "cannot create the distcache store directory "
            + file
            + ": "
            + file
            + " exists and is not a directory",
        e.getMessage());
  }
}
