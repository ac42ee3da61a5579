package dev.distcache.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.testing.NginxServer;
import dev.distcache.testing.RedisServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code read-only=true} on a remote storage (ccache's attribute, for untrusted CI jobs such as
 * pull requests), against each backend's real server: a read-only runner that compiles everything
 * asks the remote (its misses are counted) but writes nothing to it, not even once its server has
 * stopped and flushed its queue; and a read-only runner still gets the hits a writable runner
 * stored, with objects as plain gcc's and nothing of its own written.
 */
class RemoteStorageReadOnlyTest {
  private static final String READ_ONLY = "|read-only=true";

  @TempDir Path tmp;

  /**
   * One runner with three read-only remotes at once, a shared directory, Redis and nginx's WebDAV
   * (one build instead of three on a loaded machine): each is asked and none is written.
   */
  @Test
  void sharedDirectoryRedisAndWebDav_readOnlyRunnerWritesNothing() throws Exception {
    Path shared = tmp.resolve("shared");
    try (RedisServer redis = RedisServer.start(tmp.resolve("redis"));
        NginxServer nginx = NginxServer.start(tmp.resolve("nginx"))) {
      compilesEverything(
          String.join(
              " ",
              "file:" + shared + READ_ONLY + TierRunner.PATIENT,
              redis.url() + READ_ONLY + TierRunner.PATIENT,
              nginx.url("/cache") + READ_ONLY + TierRunner.PATIENT));

      assertEquals(List.of(), files(shared), "nothing in the shared directory");

      assertEquals("0", redis.cli("DBSIZE").strip(), "no key in Redis");
      long redisMisses =
          redis
              .cli("INFO", "stats")
              .lines()
              .filter(l -> l.startsWith("keyspace_misses:"))
              .mapToLong(l -> Long.parseLong(l.substring(l.indexOf(':') + 1).strip()))
              .sum();
      assertTrue(redisMisses >= TierRunner.FILES, "Redis was asked: " + redisMisses);

      List<String> log = nginx.accessLog();
      assertTrue(
          log.stream().filter(l -> l.startsWith("GET /cache/")).count() >= TierRunner.FILES,
          "nginx was asked: " + log);
      assertTrue(log.stream().noneMatch(l -> l.startsWith("PUT ")), "no PUT: " + log);
      assertEquals(List.of(), files(nginx.root().resolve("cache")), "nothing under nginx's root");
    }
  }

  /**
   * Runner A (writable) fills Redis; runner B (read-only, empty cache, another checkout, one source
   * changed so that one compile misses) builds from it: its hits come from Redis and the changed
   * file's result, which a writable runner would queue, is not written.
   */
  @Test
  void redis_readOnlyRunnerReadsWhatAWritableRunnerStored() throws Exception {
    try (RedisServer redis = RedisServer.start(tmp.resolve("redis"))) {
      String url = redis.url() + TierRunner.PATIENT;
      try (TierRunner a = TierRunner.create(tmp, "a", url)) {
        a.build(4);
        a.close();
        assertTrue(a.stat("remote_storage_write") >= TierRunner.FILES, a.stats().toString());
      }
      String keysAfterA = redis.cli("DBSIZE").strip();
      List<String> storedByA = sortedKeys(redis);

      try (TierRunner b = TierRunner.create(tmp, "b", url + READ_ONLY)) {
        Path changed = b.checkout.resolve("src/f0.c");
        Files.writeString(changed, Files.readString(changed) + "int only_in_b;\n");
        b.build(4);
        Map<String, byte[]> built = b.objects();
        b.close();
        Map<String, Long> stats = b.stats();
        assertEquals(TierRunner.FILES - 1, stats.get("remote_storage_hit"), stats.toString());
        assertEquals(1, stats.get("cache_miss"), "only the changed file compiles: " + stats);
        assertEquals(0, stats.getOrDefault("remote_storage_write", 0L), stats.toString());
        assertEquals(0, stats.getOrDefault("remote_storage_error", 0L), stats.toString());
        b.assertSameAsPlainBuild(built);
      }
      assertEquals(keysAfterA, redis.cli("DBSIZE").strip(), "B added no key");
      assertEquals(storedByA, sortedKeys(redis), "B replaced no key");
    }
  }

  /**
   * A read-only runner builds the project against empty remotes: every compile misses there (they
   * were asked), nothing is written even after its server stopped (which flushes the write queue),
   * and the objects are plain gcc's.
   */
  private void compilesEverything(String setting) {
    try (TierRunner r = TierRunner.create(tmp, "ro", setting)) {
      r.build(4);
      Map<String, byte[]> built = r.objects();
      r.close();
      Map<String, Long> stats = r.stats();
      assertEquals(TierRunner.FILES, stats.get("cache_miss"), stats.toString());
      assertTrue(
          stats.getOrDefault("remote_storage_miss", 0L) >= TierRunner.FILES,
          "the remotes were asked for every compile: " + stats);
      assertEquals(0, stats.getOrDefault("remote_storage_write", 0L), stats.toString());
      assertEquals(0, stats.getOrDefault("remote_storage_error", 0L), stats.toString());
      r.assertSameAsPlainBuild(built);
    }
  }

  /** Redis's keys, each with the SHA-1 of its value, sorted: what any write would change. */
  private static List<String> sortedKeys(RedisServer redis) {
    String script =
        "local t = {} for _, k in ipairs(redis.call('KEYS', '*')) do"
            + " t[#t + 1] = k .. ' ' .. redis.sha1hex(redis.call('GET', k)) end"
            + " table.sort(t) return table.concat(t, ',')";
    return List.of(redis.cli("EVAL", script, "0").strip().split(","));
  }

  /** Every regular file under {@code dir} (none when it does not exist). */
  private static List<Path> files(Path dir) {
    if (!Files.exists(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
