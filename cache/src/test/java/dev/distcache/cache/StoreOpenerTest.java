package dev.distcache.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.core.stats.Counter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreOpenerTest {
  private static final InstantSource CLOCK =
      InstantSource.fixed(Instant.parse("2026-12-05T12:00:00Z"));

  @TempDir Path tmp;

  @Test
  void damagedStore_isMovedAsideWithItsFiles_andAnEmptyOneOpens() throws Exception {
    Path dir = tmp.resolve("store");
    RocksResultStore.open(dir, CLOCK).close();
    Files.writeString(dir.resolve("CURRENT"), "garbage\n");

    StoreOpener.Opened opened = StoreOpener.open(dir, CLOCK);
    try (RocksResultStore store = opened.store()) {
      Path aside = tmp.resolve("store.broken-20261205-120000");
      assertEquals(aside, opened.movedAside().orElseThrow());
      assertEquals("garbage\n", Files.readString(aside.resolve("CURRENT")));
      assertTrue(opened.notice().orElseThrow().contains(aside.toString()));
      assertEquals(1L, store.counters().get(Counter.STORE_MOVED_ASIDE));
      assertEquals(0, store.fileCount());
    }
  }

  @Test
  void soundStore_opensInPlace() {
    Path dir = tmp.resolve("store");
    RocksResultStore.open(dir, CLOCK).close();
    StoreOpener.Opened opened = StoreOpener.open(dir, CLOCK);
    opened.store().close();
    assertTrue(opened.movedAside().isEmpty());
    assertTrue(opened.notice().isEmpty());
  }

  @Test
  void lockedStore_isNotMovedAside() throws Exception {
    Path dir = tmp.resolve("store");
    try (RocksResultStore first = RocksResultStore.open(dir, CLOCK)) {
      assertThrows(StoreException.class, () -> StoreOpener.open(dir, CLOCK));
      try (Stream<Path> files = Files.list(tmp)) {
        assertFalse(
            files.anyMatch(f -> f.getFileName().toString().contains("broken")), "nothing moved");
      }
    }
  }
}
