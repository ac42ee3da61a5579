package dev.distcache.remote.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.cache.CachedResult;
import dev.distcache.cache.OutputKind;
import dev.distcache.cache.stage.ResultCache;
import dev.distcache.core.log.LogLevel;
import dev.distcache.core.log.ServerLog;
import dev.distcache.hashing.Blake3;
import dev.distcache.hashing.ResultKey;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DaemonCacheTest {
  private static final ResultKey KEY =
      ResultKey.of(Blake3.hash("job".getBytes(StandardCharsets.UTF_8)));
  private static final CachedResult RESULT =
      new CachedResult(
          Map.of(OutputKind.OBJECT, new byte[] {1, 2, 3}),
          new byte[0],
          new byte[0],
          Map.of("origin", "distcc-daemon"));

  @TempDir Path dir;
  private final ByteArrayOutputStream lines = new ByteArrayOutputStream();
  private ServerLog log;
  private DaemonCache cache;
  private final AtomicInteger compiles = new AtomicInteger();

  @BeforeEach
  void open() {
    log =
        ServerLog.to(
            ServerLog.Format.DISTCCD,
            LogLevel.INFO,
            new PrintStream(lines, true, StandardCharsets.UTF_8));
    cache = DaemonCache.open(dir, 0, log);
  }

  @AfterEach
  void close() {
    cache.close();
  }

  private String job(DaemonCache c) {
    return c.stage()
        .through(
            KEY,
            r -> Optional.of("hit"),
            () -> {
              compiles.incrementAndGet();
              return ResultCache.Compiled.storing("compiled", RESULT);
            });
  }

  @Test
  void aMissCompilesAndStores_thenTheSameJobIsAHit_countedForTheStatsPage() {
    assertEquals("compiled", job(cache));
    assertEquals("hit", job(cache));

    assertEquals(1, compiles.get());
    assertEquals(1, cache.hits());
    assertEquals(1, cache.misses());
    assertEquals(1, cache.stores());
    assertEquals(1, cache.files());
  }

  @Test
  void aFailingStore_isLoggedAndCountedAsAMiss_andTheJobStillGetsItsAnswer() {
    cache.close();

    assertEquals("compiled", job(cache));

    assertEquals(1, cache.misses());
    assertEquals(0, cache.stores());
    String logged = lines.toString(StandardCharsets.UTF_8);
    assertTrue(
        logged.contains("(cache) ERROR: reading the cache failed, compiling instead: "), logged);
    assertTrue(logged.contains("(cache) ERROR: cannot store a result: "), logged);
  }

  @Test
  void withoutAStore_everyJobCompiles_andNothingIsCounted() {
    DaemonCache none = DaemonCache.none(log);

    assertFalse(none.enabled());
    assertEquals("compiled", job(none));
    assertEquals("compiled", job(none));

    assertEquals(2, compiles.get());
    assertEquals(0, none.hits() + none.misses() + none.stores());
  }
}
