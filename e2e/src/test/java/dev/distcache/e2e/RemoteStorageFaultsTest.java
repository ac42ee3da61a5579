package dev.distcache.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.testing.NginxServer;
import dev.distcache.testing.RedisServer;
import dev.distcache.testing.Run;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shared tier's servers going away: Redis killed and nginx stopped in the middle of a {@code
 * make -j4}, nginx down before the build starts, and servers that answer every request with an
 * error. In each case the build succeeds and prints nothing, every object is what plain gcc makes,
 * the failures are counted as {@code remote_storage_error} (a refused connection is no timeout),
 * the log says why, and the server is backed off: the failed requests, counted by the product and
 * where possible by the server itself, are far fewer than the compiles' requests.
 *
 * <p>The servers that go away get the patient timeouts of healthy servers ({@link
 * TierRunner#PATIENT}): a refused connection fails at once whatever the connect timeout, and a
 * short one could time out spuriously on this loaded machine before the fault, which would make the
 * counts about the machine's load.
 */
class RemoteStorageFaultsTest {
  /** The project's size (TierRunner's). */
  static final int FILES = TierRunner.FILES;

  /** The objects that must exist before the fault: the server has been used by then. */
  static final int FAULT_AFTER = 6;

  @TempDir Path tmp;

  @Test
  void redisKilledInTheMiddleOfTheBuild() throws Exception {
    try (RedisServer redis = RedisServer.start(tmp.resolve("redis"));
        TierRunner runner = TierRunner.create(tmp, "a", redis.url() + TierRunner.PATIENT)) {
      int before = faultDuringBuild(runner, redis::kill);
      Map<String, Long> stats = finish(runner);
      assertFailedAndBackedOff(runner, stats, before);
      assertTrue(
          stats.get("remote_storage_read_miss") > 0,
          "Redis answered before it was killed: " + stats);
      assertLogSays(runner, "Connection refused");
      runner.assertSameAsPlainBuild(runner.objects());
    }
  }

  @Test
  void nginxStoppedInTheMiddleOfTheBuild() throws Exception {
    try (NginxServer nginx = NginxServer.start(tmp.resolve("nginx"));
        TierRunner runner = TierRunner.create(tmp, "a", nginx.url("/cache") + TierRunner.PATIENT)) {
      int before = faultDuringBuild(runner, nginx::stop);
      Map<String, Long> stats = finish(runner);
      assertFailedAndBackedOff(runner, stats, before);
      assertTrue(
          stats.get("remote_storage_read_miss") > 0,
          "nginx answered before it was stopped: " + stats);
      assertFalse(
          nginx.accessLog().stream().noneMatch(l -> l.startsWith("GET ")),
          "nginx was asked before it stopped");
      assertLogSays(runner, "cannot connect");
      runner.assertSameAsPlainBuild(runner.objects());
    }
  }

  @Test
  void nginxStoppedBeforeTheBuild() throws Exception {
    try (NginxServer nginx = NginxServer.start(tmp.resolve("nginx"));
        TierRunner runner = TierRunner.create(tmp, "a", nginx.url("/cache") + TierRunner.PATIENT)) {
      nginx.stop(); // its port is known and now refuses connections
      Run build = runner.build(4);
      assertEquals("", build.err(), "the build prints nothing of the remote's failure");
      Map<String, byte[]> built = runner.objects();
      Map<String, Long> stats = finish(runner);
      assertFailedAndBackedOff(runner, stats, 0);
      assertEquals(0, stats.get("remote_storage_read_miss"), "nothing was answered: " + stats);
      assertLogSays(runner, "cannot connect");
      runner.assertSameAsPlainBuild(built);
    }
  }

  /** A fault a test injects; may throw. */
  @FunctionalInterface
  interface Fault {
    void inject() throws Exception;
  }

  /**
   * Runs {@code make -j4} in the background, injects {@code fault} once {@link #FAULT_AFTER}
   * objects exist, and waits for the build, which must succeed and print nothing. Returns how many
   * objects existed when the fault was injected; fails when the build ended before.
   */
  static int faultDuringBuild(TierRunner runner, Fault fault) throws Exception {
    FutureTask<Run> build = new FutureTask<>(() -> runner.build(4));
    Thread.ofPlatform().name("make").daemon().start(build);
    int before;
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while ((before = builtObjects(runner.checkout)) < FAULT_AFTER) {
      assertFalse(build.isDone(), "the build ended before " + FAULT_AFTER + " objects existed");
      assertTrue(System.nanoTime() < deadline, "the build makes no objects");
      Thread.sleep(5);
    }
    fault.inject();
    Run run;
    try {
      run = build.get(5, TimeUnit.MINUTES);
    } catch (ExecutionException e) {
      throw new AssertionError("the build failed after the fault", e.getCause());
    }
    assertEquals("", run.err(), "the build prints nothing of the remote's failure");
    assertTrue(
        before <= FILES / 2,
        "the fault came early in the build (" + before + " of " + FILES + " objects)");
    return before;
  }

  /** The .o files the build has made so far. */
  static int builtObjects(Path checkout) {
    Path obj = checkout.resolve("obj");
    if (!Files.isDirectory(obj)) {
      return 0;
    }
    try (Stream<Path> s = Files.list(obj)) {
      return (int) s.filter(p -> p.toString().endsWith(".o")).count();
    } catch (IOException e) {
      return 0; // make clean removing it
    }
  }

  /**
   * Stops the runner's server, which writes (or drops, when the server is backed off) what it had
   * queued, and returns the final counters.
   */
  static Map<String, Long> finish(TierRunner runner) {
    runner.close();
    return runner.stats();
  }

  /**
   * The build compiled everything, the remote failed, no failure was a timeout (a refused or
   * answered request is none), and the failed requests were few: the server was backed off.
   */
  static void assertFailedAndBackedOff(TierRunner runner, Map<String, Long> stats, int before) {
    assertEquals(FILES, stats.get("cache_miss"), "every file compiled: " + stats);
    long errors = stats.get("remote_storage_error");
    assertTrue(errors > 0, "the failures are counted: " + stats);
    assertEquals(0, stats.get("remote_storage_timeout"), "a refusal is no timeout: " + stats);
    assertTrue(
        errors <= mostFailedRequests(before),
        errors
            + " failed requests for "
            + (FILES - before)
            + " compiles after the fault: the server was not backed off: "
            + stats);
    assertEquals(0, stats.get("remote_storage_hit"), stats.toString());
    String serverOut = serverOut(runner);
    assertTrue(
        serverOut.contains("not asked for 2 s"),
        "the server's log says the remote is backed off: " + serverOut);
  }

  /**
   * The most failed requests a build may count when the server failed after {@code before} of its
   * objects were made: one for every two compiles after that. Without backoff each of them would
   * fail two reads (the shared manifest and the result) and its two queued writes; with it the
   * server is asked again only after 2 s, then 4 s, 8 s: a few windows of at most one request per
   * running compile and background writer each.
   */
  static long mostFailedRequests(int before) {
    return (FILES - before) / 2;
  }

  /**
   * The logs say why the remote failed, in a line containing one of {@code why}: the log file for a
   * compile's read, the server's own log for a background write (a fault may hit only writes).
   */
  static void assertLogSays(TierRunner runner, String... why) {
    String serverOut = serverOut(runner);
    for (String w : why) {
      if (!runner.logLines(w).isEmpty() || serverOut.contains(w)) {
        return;
      }
    }
    throw new AssertionError(
        "the logs say why the remote failed ("
            + String.join(" or ", why)
            + "): "
            + runner.logLines("://")
            + "\n"
            + serverOut);
  }

  /** The local server's own log. */
  static String serverOut(TierRunner runner) {
    try {
      Path out = runner.dc.cacheDir.resolve("server.out");
      return Files.exists(out) ? Files.readString(out) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Redis's {@code total_connections_received}, the one asking included. */
  static long connectionsReceived(RedisServer redis) {
    for (String line : redis.cli("INFO", "stats").split("\r?\n")) {
      if (line.startsWith("total_connections_received:")) {
        return Long.parseLong(line.substring(line.indexOf(':') + 1).strip());
      }
    }
    throw new AssertionError("no total_connections_received in INFO stats");
  }
}
