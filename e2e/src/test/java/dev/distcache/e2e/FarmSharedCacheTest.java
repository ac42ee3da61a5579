package dev.distcache.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.testing.Processes;
import dev.distcache.testing.RedisServer;
import dev.distcache.testing.RemoteDaemon;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The farm shares one cache through the shared tier: two {@code distcache daemon}s, on 127.0.0.2
 * and 127.0.0.3, each with its own cache directory and both with the same real Redis as {@code
 * --remote-storage}. The stock distcc client compiles a file through daemon 1 (a miss, written to
 * Redis after the reply), then the same compile through daemon 2, which has never seen it: daemon 2
 * answers from Redis without compiling, and both objects are byte-identical to plain gcc's.
 */
class FarmSharedCacheTest {
  private static final String[] FLAGS = {"-c", "-O2", "-DX", "-Iinc"};

  @TempDir Path tmp;

  @Test
  void stockDistccClient_daemon2HitsWhatDaemon1Compiled_throughRedis() throws Exception {
    Path src = tmp.resolve("src");
    DistccSources.write(src);
    try (RedisServer redis = RedisServer.start(tmp.resolve("redis"));
        RemoteDaemon d1 = daemon("127.0.0.2", redis);
        RemoteDaemon d2 = daemon("127.0.0.3", redis)) {
      distcc(src, d1, "one.o");
      assertTrue(d1.awaitSummaries(1).get(0).endsWith(" hello.c cache:miss"), d1.log());
      // The write to Redis follows the reply: wait for it (bounded), then ask daemon 2.
      long deadline = System.nanoTime() + 60_000_000_000L;
      while (redis.cli("KEYS", "distcache:*").isBlank() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertTrue(!redis.cli("KEYS", "distcache:*").isBlank(), "daemon 1 wrote to Redis");

      distcc(src, d2, "two.o");
      List<String> summaries = d2.awaitSummaries(1);
      assertTrue(summaries.get(0).endsWith(" hello.c cache:hit"), d2.log());
      assertTrue(
          d2.log().contains("hit from " + redis.url()),
          "daemon 2 names Redis as the tier that answered: " + d2.log());
      assertEquals(1, d2.stat("dcc_cache_hits"), d2.statsPage());
      assertEquals(0, d1.stat("dcc_cache_hits"), d1.statsPage());

      Processes.run(
              src,
              Map.of("PATH", System.getenv("PATH"), "LC_ALL", "C"),
              List.of("gcc", FLAGS[0], FLAGS[1], FLAGS[2], FLAGS[3], "hello.c", "-o", "plain.o"))
          .ok();
      byte[] plain = Distcache.read(src.resolve("plain.o"));
      assertArrayEquals(plain, Distcache.read(src.resolve("one.o")), "daemon 1's object");
      assertArrayEquals(plain, Distcache.read(src.resolve("two.o")), "daemon 2's object");

      // The daemons' own counters (ccache's ids), in their stores: read once they have stopped.
      d1.close();
      d2.close();
      Map<String, Long> one = storeCounters(d1);
      Map<String, Long> two = storeCounters(d2);
      assertEquals(1, one.getOrDefault("remote_storage_miss", 0L), "daemon 1: " + one);
      assertTrue(one.getOrDefault("remote_storage_write", 0L) >= 1, "daemon 1: " + one);
      assertEquals(1, two.getOrDefault("remote_storage_hit", 0L), "daemon 2: " + two);
      assertEquals(0, two.getOrDefault("remote_storage_write", 0L), "daemon 2: " + two);
      assertEquals(0, two.getOrDefault("remote_storage_error", 0L), "daemon 2: " + two);
    }
  }

  /**
   * The counters in a stopped daemon's store, through a local server over its cache directory; each
   * daemon stored one result (daemon 2 its copy of the remote hit), so they count once the server
   * has the store open (it may answer from its counters file before that; bounded wait).
   */
  private static Map<String, Long> storeCounters(RemoteDaemon daemon) throws InterruptedException {
    try (Distcache dc = new Distcache(daemon.cacheDir)) {
      dc.run(daemon.cacheDir, "server", "start").ok();
      long deadline = System.nanoTime() + 60_000_000_000L;
      Map<String, Long> stats = dc.stats();
      while (stats.getOrDefault("files_in_cache", 0L) == 0 && System.nanoTime() < deadline) {
        Thread.sleep(100);
        stats = dc.stats();
      }
      return stats;
    }
  }

  private RemoteDaemon daemon(String address, RedisServer redis) throws Exception {
    return RemoteDaemon.on(address, tmp.resolve("daemon-" + address))
        .allowGccAndGxx()
        .stats()
        .args("--remote-storage", redis.url() + TierRunner.PATIENT)
        .start();
  }

  /** The stock distcc client compiles hello.c into {@code object} on {@code daemon} alone. */
  private void distcc(Path src, RemoteDaemon daemon, String object) throws Exception {
    Map<String, String> env =
        DistccSources.distccEnv(
            tmp.resolve("distcc-" + object), daemon.address + ":" + daemon.port);
    DistccSources.distcc(
            src, env, "gcc", FLAGS[0], FLAGS[1], FLAGS[2], FLAGS[3], "hello.c", "-o", object)
        .ok();
  }
}
