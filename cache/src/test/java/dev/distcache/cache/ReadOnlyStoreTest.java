package dev.distcache.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.core.stats.Counter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReadOnlyStoreTest {
  @TempDir Path dir;
  final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));

  @Test
  void openReadOnly_servesStoredResults_andWritesNothing() throws IOException {
    try (RocksResultStore writer = RocksResultStore.open(dir, clock)) {
      writer.put(Samples.key("a"), Samples.typical());
      writer.updateManifest(Samples.manifestKey("m"), m -> m.with(Samples.entry(1, 2)));
      writer.increment(Counter.CACHE_MISS);
    }
    Map<String, String> before = files(dir);
    clock.advance(java.time.Duration.ofHours(1));

    try (RocksResultStore reader = RocksResultStore.openReadOnly(dir, clock)) {
      assertTrue(reader.readOnly());
      assertEquals(Optional.of(Samples.typical()), reader.get(Samples.key("a")));
      assertTrue(reader.getManifest(Samples.manifestKey("m")).isPresent());
      assertFalse(reader.put(Samples.key("b"), Samples.typical()), "nothing is stored");
      assertFalse(reader.updateManifest(Samples.manifestKey("n"), m -> m));
      assertEquals(Optional.empty(), reader.get(Samples.key("b")));
      reader.increment(Counter.CACHE_MISS);
      reader.increment(Counter.DIRECT_CACHE_HIT);
      assertEquals(2L, reader.counters().get(Counter.CACHE_MISS), "kept in memory");
      assertEquals(1L, reader.counters().get(Counter.DIRECT_CACHE_HIT));
      StoreException clear = assertThrows(StoreException.class, reader::clear);
      assertTrue(clear.getMessage().contains("open read-only"), clear.getMessage());
      assertThrows(StoreException.class, reader::zeroCounters);
      assertThrows(StoreException.class, reader::cleanup);
    }

    assertEquals(before, files(dir), "no file of the store was created, changed or removed");
  }

  @Test
  void openReadOnly_ofNoStore_failsWithoutCreatingIt() {
    Path missing = dir.resolve("store");
    assertThrows(StoreException.class, () -> RocksResultStore.openReadOnly(missing, clock));
    assertFalse(Files.exists(missing));
  }

  /** Every file under {@code root} with its size and modification time. */
  private static Map<String, String> files(Path root) throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
        out.put(root.relativize(p).toString(), a.size() + " " + a.lastModifiedTime().toMillis());
      }
    }
    return out;
  }
}
