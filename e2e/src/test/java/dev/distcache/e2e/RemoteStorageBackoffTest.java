package dev.distcache.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.testing.NginxServer;
import dev.distcache.testing.RedisServer;
import dev.distcache.testing.Run;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A shared tier's server that is up but fails every request is backed off, counted by the server
 * itself: nginx answering 500 (its access log has a line per request) and a Redis that refuses the
 * password (every attempt is a new connection, which Redis counts). A build of {@link
 * TierRunner#FILES} files makes at most one request for every two compiles, where without backoff
 * each compile would make two reads and two writes. The build succeeds, the objects are plain
 * gcc's, the failures are {@code remote_storage_error}s and the log says why. (The faults of a
 * server that goes away are {@link RemoteStorageFaultsTest}'s; split off to keep each class short.)
 */
class RemoteStorageBackoffTest {
  /** The most requests the failing server may see in one build. */
  static final int MOST_REQUESTS = TierRunner.FILES / 2;

  @TempDir Path tmp;

  /**
   * A server that answers every request with HTTP 500: after the first failure it is left alone, so
   * nginx's own access log, which has one line per request, holds a handful of lines and not the
   * 160 or so requests (two reads, a HEAD and two PUTs a compile) a build without backoff would
   * make.
   */
  @Test
  void failingHttpServerIsBackedOff_itsRequestsAreFew() throws Exception {
    try (NginxServer nginx = NginxServer.start(tmp.resolve("nginx"));
        TierRunner runner = TierRunner.create(tmp, "a", nginx.url("/fail") + TierRunner.PATIENT)) {
      Run build = runner.build(4);
      assertEquals("", build.err(), "the build prints nothing of the remote's failure");
      Map<String, byte[]> built = runner.objects();
      Map<String, Long> stats = RemoteStorageFaultsTest.finish(runner);
      List<String> requests = nginx.accessLog();
      assertTrue(
          requests.stream().allMatch(l -> l.endsWith(" 500")), "every answer was 500: " + requests);
      assertTrue(
          requests.size() <= MOST_REQUESTS,
          requests.size()
              + " requests for "
              + TierRunner.FILES
              + " compiles: not backed off "
              + requests);
      RemoteStorageFaultsTest.assertFailedAndBackedOff(runner, stats, 0);
      RemoteStorageFaultsTest.assertLogSays(runner, "answered HTTP 500");
      runner.assertSameAsPlainBuild(built);
    }
  }

  /**
   * A Redis that refuses the password: every connection fails, so Redis's own count of connections
   * received is the number of times distcache asked, and with backoff that is a handful.
   */
  @Test
  void redisRefusingThePasswordIsBackedOff_itsConnectionsAreFew() throws Exception {
    try (RedisServer redis = RedisServer.in(tmp.resolve("redis")).password("right").start()) {
      long connectionsBefore = RemoteStorageFaultsTest.connectionsReceived(redis);
      String wrong = "redis://wrong@127.0.0.1:" + redis.port + TierRunner.PATIENT;
      try (TierRunner runner = TierRunner.create(tmp, "a", wrong)) {
        Run build = runner.build(4);
        assertEquals("", build.err(), "the build prints nothing of the remote's failure");
        Map<String, byte[]> built = runner.objects();
        Map<String, Long> stats = RemoteStorageFaultsTest.finish(runner);
        // Minus one: the INFO that asks is a connection too.
        long attempts = RemoteStorageFaultsTest.connectionsReceived(redis) - connectionsBefore - 1;
        assertTrue(attempts > 0, "distcache connected to Redis");
        assertTrue(
            attempts <= MOST_REQUESTS,
            attempts
                + " connections for "
                + TierRunner.FILES
                + " compiles: not backed off "
                + stats);
        RemoteStorageFaultsTest.assertFailedAndBackedOff(runner, stats, 0);
        RemoteStorageFaultsTest.assertLogSays(runner, "WRONGPASS");
        runner.assertSameAsPlainBuild(built);
      }
    }
  }
}
