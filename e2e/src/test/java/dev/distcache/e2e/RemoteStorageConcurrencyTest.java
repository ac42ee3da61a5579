package dev.distcache.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.testing.RedisServer;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two servers with different cache directories (runners A and B, each with its own checkout) build
 * the same project at the same time, {@code make -j2} each, against the same two remote storages, a
 * shared directory and a real Redis: both write the same result and manifest keys concurrently to
 * both. Both builds succeed with plain gcc's objects and no remote error; then runner C, with an
 * empty cache and the shared directory alone, and runner D, with Redis alone, build from what A and
 * B left: at least 95% remote hits each, no damaged value, plain gcc's objects.
 */
class RemoteStorageConcurrencyTest {
  @TempDir Path tmp;

  @Test
  void twoServersWriteTheSameKeysAtOnce_toASharedDirectoryAndRedis() throws Exception {
    try (RedisServer redis = RedisServer.start(tmp.resolve("redis"))) {
      String file = "file:" + tmp.resolve("shared") + TierRunner.PATIENT;
      String red = redis.url() + TierRunner.PATIENT;
      Map<String, byte[]> builtA;
      Map<String, byte[]> builtB;
      try (TierRunner a = TierRunner.create(tmp, "a", file + " " + red);
          TierRunner b = TierRunner.create(tmp, "b", file + " " + red)) {
        // Both servers run before the builds start, so neither build waits for a JVM the other
        // does not: the two builds overlap from their first compile.
        a.dc.run(a.checkout, "server", "start").ok();
        b.dc.run(b.checkout, "server", "start").ok();
        // Threads of their own: the common pool has one thread on two cores, and would build one
        // after the other.
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
          Future<Map<String, byte[]>> buildA = threads.submit(() -> build(a));
          Future<Map<String, byte[]>> buildB = threads.submit(() -> build(b));
          builtA = buildA.get();
          builtB = buildB.get();
          // Stopping both servers at once flushes both write queues at once.
          Future<?> closeA = threads.submit(a::close);
          b.close();
          closeA.get();
        } finally {
          threads.shutdown();
        }
        for (TierRunner r : new TierRunner[] {a, b}) {
          Map<String, Long> stats = r.stats();
          long compiles =
              stats.getOrDefault("cache_miss", 0L)
                  + stats.getOrDefault("direct_cache_hit", 0L)
                  + stats.getOrDefault("preprocessed_cache_hit", 0L);
          assertEquals(TierRunner.FILES, compiles, "every compile answered: " + stats);
          assertEquals(0, stats.getOrDefault("remote_storage_error", 0L), stats.toString());
          assertEquals(0, stats.getOrDefault("remote_storage_timeout", 0L), stats.toString());
        }
        // One may hit what the other wrote a moment before; what was compiled was written.
        assertTrue(
            a.stat("remote_storage_write") + b.stat("remote_storage_write")
                >= 2L * TierRunner.FILES,
            a.stats() + " " + b.stats());
      }
      Map<String, byte[]> plain;
      try (TierRunner c = TierRunner.create(tmp, "c", file)) {
        Map<String, byte[]> built = buildsFromTheRemote(c);
        c.assertSameAsPlainBuild(built);
        plain = c.objects();
      }
      try (TierRunner d = TierRunner.create(tmp, "d", red)) {
        // The checkouts differ only in their path under base_dir, which no object or (relative)
        // dependency file holds: one plain build stands for all four.
        TierRunner.assertSameFiles(plain, buildsFromTheRemote(d));
      }
      TierRunner.assertSameFiles(plain, builtA);
      TierRunner.assertSameFiles(plain, builtB);
    }
  }

  private static Map<String, byte[]> build(TierRunner r) {
    r.build(2);
    return r.objects();
  }

  /** {@code r}'s build, with an empty cache: at least 95% remote hits, no damaged value. */
  private static Map<String, byte[]> buildsFromTheRemote(TierRunner r) {
    r.build(4);
    Map<String, Long> stats = r.stats();
    assertTrue(
        stats.getOrDefault("remote_storage_hit", 0L) * 100 >= 95L * TierRunner.FILES,
        "at least 95% remote hits: " + stats);
    assertEquals(0, stats.getOrDefault("remote_storage_error", 0L), "no damaged value: " + stats);
    return r.objects();
  }
}
