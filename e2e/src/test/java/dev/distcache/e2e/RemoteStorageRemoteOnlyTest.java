package dev.distcache.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.testing.RedisServer;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code remote_only} (ccache's key; {@code DISTCACHE_REMOTE_ONLY}) against a real Redis: the local
 * store is neither read nor written. A runner builds the project (every compile a miss, written to
 * Redis only), and its rebuilds, each by a fresh server, are answered from Redis every time: a
 * result or a manifest kept locally would turn the second rebuild into local hits. The objects are
 * plain gcc's.
 */
class RemoteStorageRemoteOnlyTest {
  @TempDir Path tmp;

  @Test
  void redis_remoteOnly_nothingInTheLocalStore_everyRebuildFromRedis() throws Exception {
    try (RedisServer redis = RedisServer.start(tmp.resolve("redis"));
        TierRunner r =
            TierRunner.create(tmp, "a", redis.url() + TierRunner.PATIENT)
                .with("DISTCACHE_REMOTE_ONLY", "true")) {
      r.build(4);
      Map<String, byte[]> compiled = r.objects();
      r.close(); // flushes the writes to Redis
      Map<String, Long> first = r.stats();
      assertEquals(TierRunner.FILES, first.get("cache_miss"), first.toString());
      assertTrue(first.getOrDefault("remote_storage_write", 0L) >= TierRunner.FILES, "" + first);
      assertTrue(
          Long.parseLong(redis.cli("DBSIZE").strip()) >= TierRunner.FILES, "results in Redis");

      r.assertSameAsPlainBuild(compiled);
      Map<String, byte[]> plain = r.objects();
      for (int rebuild = 1; rebuild <= 2; rebuild++) {
        r.build(4);
        Map<String, byte[]> built = r.objects();
        r.close(); // the next rebuild is a new server: nothing kept in memory either
        Map<String, Long> stats = r.stats();
        assertEquals(TierRunner.FILES, stats.get("cache_miss"), "no new miss: " + stats);
        assertEquals(
            rebuild * (long) TierRunner.FILES,
            stats.getOrDefault("remote_storage_hit", 0L),
            "every compile of rebuild " + rebuild + " answered from Redis: " + stats);
        assertEquals(0, stats.getOrDefault("local_storage_hit", 0L), stats.toString());
        assertEquals(0, stats.getOrDefault("local_storage_read_hit", 0L), stats.toString());
        assertEquals(0, stats.getOrDefault("local_storage_write", 0L), stats.toString());
        assertEquals(0, stats.getOrDefault("files_in_cache", 0L), "an empty store: " + stats);
        assertEquals(0, stats.getOrDefault("remote_storage_error", 0L), stats.toString());
        TierRunner.assertSameFiles(plain, built);
      }
    }
  }
}
