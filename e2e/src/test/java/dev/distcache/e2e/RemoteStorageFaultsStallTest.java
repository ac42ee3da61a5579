package dev.distcache.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.testing.HttpStall;
import dev.distcache.testing.Run;
import dev.distcache.testing.StallingServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shared tier's server accepts connections and never answers (a hung process, a stopped VM, a
 * proxy whose upstream is gone): as a Redis, as an HTTP server that sends nothing, and as one that
 * sends the headers of a 200 and then no body. With short timeouts the build of {@link
 * TierRunner#FILES} files succeeds and prints nothing, every object is plain gcc's, the failures
 * are counted as {@code remote_storage_timeout} and nothing else, the log says so, and the server
 * is backed off: the stalled server itself counts the connections, at most one for every two
 * compiles, where without backoff every compile would open two (its two reads) and wait for both.
 */
class RemoteStorageFaultsStallTest {
  /** Short timeouts: a stall costs a compile half a second, and then the server is backed off. */
  static final String SHORT = "|connect-timeout=200|operation-timeout=500";

  @TempDir Path tmp;

  @Test
  void redisThatNeverAnswers() throws Exception {
    try (StallingServer stall = StallingServer.start("127.0.0.1")) {
      buildAgainstStall("redis://127.0.0.1:" + stall.port() + SHORT, stall::connections);
    }
  }

  @Test
  void httpServerThatNeverAnswers() throws Exception {
    try (HttpStall stall = HttpStall.start("127.0.0.1")) {
      buildAgainstStall(stall.url("/cache") + SHORT, stall::connections);
    }
  }

  /**
   * The status line and headers of a 200 with a body that never comes, to every connection. To a
   * HEAD (a result's write asks first) those headers are a whole answer, "stored already": a
   * write's success must not open the server again for the reads that stall, so the connections
   * stay few.
   */
  @Test
  void httpServerThatStallsInTheBody() throws Exception {
    byte[] headers =
        ("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
                + "Content-Length: 100000\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    try (HttpStall stall = HttpStall.start("127.0.0.1", headers)) {
      buildAgainstStall(stall.url("/cache") + SHORT, stall::connections);
    }
  }

  private void buildAgainstStall(String url, IntSupplier connections) {
    Map<String, byte[]> built;
    Map<String, Long> stats;
    try (TierRunner runner = TierRunner.create(tmp, "a", url)) {
      Run build = runner.build(4);
      assertEquals("", build.err(), "the build prints nothing of the remote's failure");
      built = runner.objects();
      stats = RemoteStorageFaultsTest.finish(runner);
      assertEquals(TierRunner.FILES, stats.get("cache_miss"), "every file compiled: " + stats);
      assertTrue(stats.get("remote_storage_timeout") > 0, "the stalls are counted: " + stats);
      assertEquals(0, stats.get("remote_storage_error"), "a stall is a timeout: " + stats);
      assertEquals(0, stats.get("remote_storage_hit"), stats.toString());
      int opened = connections.getAsInt();
      assertTrue(opened > 0, "distcache connected to the stalled server");
      assertTrue(
          opened <= TierRunner.FILES / 2,
          opened + " connections for " + TierRunner.FILES + " compiles: not backed off " + stats);
      // The first requests are reads (nothing is written before a compile ends), so the log file
      // has their failures: "no connection within" (a connect that timed out: on a loaded machine
      // the JDK's client reports that now and then even for a loopback server that accepts), "no
      // answer within", a whole request that "timed out after", Redis's "Read timed out".
      assertTrue(
          !runner.logLines("within").isEmpty() || !runner.logLines("timed out").isEmpty(),
          "the log says the remote timed out: " + runner.logLines(url.substring(0, 12)));
      String serverOut = RemoteStorageFaultsTest.serverOut(runner);
      assertTrue(
          serverOut.contains(" timed out: ") && serverOut.contains("not asked for 2 s"),
          "the server's log says the remote timed out and is backed off: " + serverOut);
      runner.assertSameAsPlainBuild(built);
    }
  }
}
