package dev.distcache.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.testing.Loopback;
import dev.distcache.testing.NginxServer;
import dev.distcache.testing.RedisServer;
import dev.distcache.testing.RemoteDaemon;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CI scenario of the shared tier, against each backend's real server: runner A builds in its
 * checkout with cache directory 1 and fills the remote storage; runner B, with an empty cache
 * directory 2 and a checkout at another path under the same base_dir, builds the same project from
 * the remote storage. B's compiles are at least 95% remote hits (ccache's remote_storage_hit), in
 * direct mode, and every object and dependency file is what plain gcc writes in B's checkout.
 */
class RemoteStorageSharingTest {
  @TempDir Path tmp;

  @Test
  void sharedDirectory_runnerBBuildsFromRunnerA() throws Exception {
    runnersShare("file:" + tmp.resolve("shared"));
  }

  @Test
  void redis_runnerBBuildsFromRunnerA() throws Exception {
    try (RedisServer redis = RedisServer.start(tmp.resolve("redis"))) {
      runnersShare(redis.url());
    }
  }

  @Test
  void redisOnUnixSocket_runnerBBuildsFromRunnerA() throws Exception {
    try (RedisServer redis = RedisServer.in(tmp.resolve("redis")).unixSocket().start()) {
      runnersShare(redis.unixUrl());
    }
  }

  @Test
  void nginxWebDav_runnerBBuildsFromRunnerA() throws Exception {
    try (NginxServer nginx = NginxServer.start(tmp.resolve("nginx"))) {
      runnersShare(nginx.url("/cache"));
    }
  }

  /**
   * The farm as the shared tier: a distcache daemon's {@code --storage-port}, in ccache's default
   * HTTP layout, keeps A's results and manifests in the daemon's own store.
   */
  @Test
  void distcacheDaemonStoragePort_runnerBBuildsFromRunnerA() throws Exception {
    int port = Loopback.freePort("127.0.0.2");
    try (RemoteDaemon daemon =
        RemoteDaemon.on("127.0.0.2", tmp.resolve("daemon"))
            .args("--storage-port", Integer.toString(port))
            .stats()
            .start()) {
      daemon.awaitLog("serving the shared cache tier on 127.0.0.2:" + port);
      runnersShare("http://127.0.0.2:" + port + "/");
      assertTrue(daemon.log().contains("(storage) stored "), daemon.log());
      assertTrue(daemon.summaries().isEmpty(), "no job went to the daemon: " + daemon.log());
      Map<String, Double> metrics =
          PythonReaders.prometheus(
                  tmp, PythonReaders.get("127.0.0.1", "127.0.0.2", daemon.statsPort, "/metrics"))
              .samples();
      String name = "distcache_daemon_storage_requests_total{outcome=";
      assertTrue(metrics.get(name + "stored}") >= TierRunner.FILES, metrics.toString());
      assertTrue(metrics.get(name + "hit}") >= TierRunner.FILES, metrics.toString());
      assertEquals(0.0, metrics.get(name + "refused}"), metrics.toString());
    }
  }

  private void runnersShare(String url) {
    runnersShare(tmp, url, "");
  }

  /**
   * Runner A fills the remote storage {@code url} (with {@code attributes}, each {@code
   * |NAME=VALUE}) and runner B builds from it; both under {@code tmp}.
   */
  static void runnersShare(Path tmp, String url, String attributes) {
    String setting = url + attributes + TierRunner.PATIENT;
    try (TierRunner a = TierRunner.create(tmp, "a", setting)) {
      a.build(4);
      assertEquals(TierRunner.FILES, a.stat("cache_miss"), "A compiles everything");
      a.close();
      assertTrue(
          a.stat("remote_storage_write") >= TierRunner.FILES,
          "A writes every result (and its manifests) once its server stops: " + a.stats());
    }
    try (TierRunner b = TierRunner.create(tmp, "b", setting)) {
      b.build(4);
      Map<String, byte[]> built = b.objects();
      long remoteHits = b.stat("remote_storage_hit");
      assertTrue(
          remoteHits * 100 >= 95L * TierRunner.FILES,
          "at least 95% of B's compiles are remote hits: " + b.stats());
      assertEquals(remoteHits, b.stat("direct_cache_hit"), "from the shared manifests");
      assertEquals(0, b.stat("remote_storage_error"), b.stats().toString());
      assertFalse(b.logLines("(from " + url).isEmpty(), "the log names the tier that answered");
      b.assertSameAsPlainBuild(built);
      // The remote hits were kept locally: a rebuild is all local hits.
      b.build(4);
      assertEquals(remoteHits, b.stat("remote_storage_hit"), "no remote read on a local hit");
      assertEquals(2L * TierRunner.FILES, b.stat("direct_cache_hit"), b.stats().toString());
    }
  }
}
