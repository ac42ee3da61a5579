package dev.distcache.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.testing.NginxServer;
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
 * HTTP answers that are not 200 from a real nginx (issue 11, "Faults: HTTP 500 and 404 answers"),
 * each for a {@code make -j4} of the generated project. In each case the build succeeds with plain
 * gcc's objects, and the counters and nginx's access log say what happened:
 *
 * <ul>
 *   <li>404 (nothing stored yet, {@code /cache/}): a miss, not an error; every compile asks, since
 *       a miss backs nothing off, and then stores its result and manifest.
 *   <li>500 for everything ({@code /fail/}): each failed read and write is a {@code
 *       remote_storage_error}, and the server is backed off, so 40 compiles send it only a few
 *       requests.
 *   <li>403 for PUT while GET works ({@code /readonly/}, over what {@code /cache/} stored): reads
 *       serve remote hits; a compile's write is refused and counted as an error, nothing is stored,
 *       and the refusal backs off writing but not reading.
 * </ul>
 */
class RemoteStorageFaultsHttpStatusTest {
  /** The most requests 40 compiles may send to a server that answers 500 to all of them. */
  private static final int BACKED_OFF_REQUESTS = 20;

  @TempDir Path tmp;

  @Test
  void notFoundIsAMissAndBacksNothingOff() throws Exception {
    try (NginxServer nginx = NginxServer.start(tmp.resolve("nginx"));
        TierRunner a = TierRunner.create(tmp, "a", nginx.url("/cache") + TierRunner.PATIENT)) {
      a.build(4);
      Map<String, byte[]> built = a.objects();
      a.close();
      Map<String, Long> stats = a.stats();
      assertEquals(TierRunner.FILES, stats.get("cache_miss"), stats.toString());
      assertEquals(0, stats.get("remote_storage_error"), "a 404 is no error: " + stats);
      assertEquals(
          2L * TierRunner.FILES,
          stats.get("remote_storage_read_miss"),
          "a manifest and a result asked for per compile, each a miss: " + stats);
      assertEquals(TierRunner.FILES, stats.get("remote_storage_miss"), stats.toString());
      List<String> log = nginx.accessLog();
      assertEquals(
          2L * TierRunner.FILES,
          count(log, "GET /cache/", " 404"),
          "every compile asked the server, none was backed off: " + log);
      assertEquals(
          2L * TierRunner.FILES,
          stats.get("remote_storage_write"),
          "then each stored its result and manifest: " + stats);
      assertEquals(2L * TierRunner.FILES, count(log, "PUT /cache/", " 201"), log.toString());
      assertEquals(2L * TierRunner.FILES, files(nginx.root().resolve("cache")));
      a.assertSameAsPlainBuild(built);
    }
  }

  @Test
  void serverErrorIsCountedAndBacksTheServerOff() throws Exception {
    try (NginxServer nginx = NginxServer.start(tmp.resolve("nginx"));
        TierRunner a = TierRunner.create(tmp, "a", nginx.url("/fail") + TierRunner.PATIENT)) {
      a.build(4);
      Map<String, byte[]> built = a.objects();
      a.close();
      Map<String, Long> stats = a.stats();
      assertEquals(TierRunner.FILES, stats.get("cache_miss"), stats.toString());
      assertEquals(0, stats.get("remote_storage_hit"), stats.toString());
      assertEquals(0, stats.get("remote_storage_write"), stats.toString());
      List<String> log = nginx.accessLog();
      assertTrue(log.stream().allMatch(l -> l.endsWith(" 500")), log.toString());
      assertTrue(
          !log.isEmpty() && log.size() <= BACKED_OFF_REQUESTS,
          "backed off after a 500, the server is asked a few times, not for every compile: " + log);
      // A read is one GET; a write that keeps a stored value asks HEAD first, then PUTs: one error.
      assertEquals(
          count(log, "GET /fail/", " 500") + count(log, "PUT /fail/", " 500"),
          stats.get("remote_storage_error"),
          "each failed read and write is an error: " + stats + " " + log);
      assertEquals(0, stats.get("remote_storage_timeout"), stats.toString());
      assertFalse(a.logLines("answered HTTP 500").isEmpty(), "the log file names the failure");
      assertTrue(serverOut(a).contains("; not asked for "), "the server says it backed off");
      a.assertSameAsPlainBuild(built);
    }
  }

  @Test
  void forbiddenPutIsAWriteErrorWhileReadsWork() throws Exception {
    try (NginxServer nginx = NginxServer.start(tmp.resolve("nginx"))) {
      try (TierRunner a = TierRunner.create(tmp, "a", nginx.url("/cache") + TierRunner.PATIENT)) {
        a.build(4);
      }
      long stored = files(nginx.root().resolve("cache"));
      assertEquals(2L * TierRunner.FILES, stored, "A stored a result and a manifest per source");
      try (TierRunner b =
          TierRunner.create(tmp, "b", nginx.url("/readonly") + TierRunner.PATIENT)) {
        // Reading works: B builds from what A stored, and writes nothing (a hit is kept locally).
        b.build(4);
        Map<String, byte[]> built = b.objects();
        assertTrue(
            b.stat("remote_storage_hit") * 100 >= 95L * TierRunner.FILES,
            "at least 95% of B's compiles are remote hits: " + b.stats());
        assertEquals(0, b.stat("remote_storage_error"), b.stats().toString());
        assertEquals(
            0, count(nginx.accessLog(), "PUT /readonly/", ""), nginx.accessLog().toString());
        b.assertSameAsPlainBuild(built);

        // Writing is refused: four changed sources compile, and their results' PUTs get 403.
        for (int i = 0; i < 4; i++) {
          Path source = b.checkout.resolve("src/f" + i + ".c");
          Files.writeString(
              source, Files.readString(source) + "int changed" + i + "(void) { return 7; }\n");
        }
        long missesBefore = b.stat("cache_miss");
        b.build(4);
        built = b.objects();
        assertEquals(4, b.stat("cache_miss") - missesBefore, b.stats().toString());

        // A refused write backs off the writes only: once a PUT was refused, B (its local cache
        // cleared) still reads the 36 unchanged sources from the server.
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
        while (count(nginx.accessLog(), "PUT /readonly/", " 403") == 0) {
          assertTrue(System.nanoTime() < deadline, "a PUT was refused: " + nginx.accessLog());
          Thread.sleep(20);
        }
        b.dc.run(b.checkout, "-C").ok();
        long hitsBefore = b.stat("remote_storage_hit");
        b.build(4);
        assertEquals(
            TierRunner.FILES - 4,
            b.stat("remote_storage_hit") - hitsBefore,
            "reads go on while writes are backed off: " + b.stats());
        built = b.objects();
        b.close();
        Map<String, Long> stats = b.stats();
        List<String> log = nginx.accessLog();
        long refused = count(log, "PUT /readonly/", " 403");
        assertTrue(refused >= 1, "B tried to store what it compiled: " + log);
        assertEquals(
            refused, stats.get("remote_storage_error"), "each refused PUT is an error: " + stats);
        assertEquals(0, stats.get("remote_storage_write"), "nothing was written: " + stats);
        assertEquals(0, stats.get("remote_storage_timeout"), stats.toString());
        assertEquals(
            count(log, "GET /readonly/", " 200"),
            stats.get("remote_storage_read_hit"),
            "every value the server gave was read: " + stats);
        assertTrue(serverOut(b).contains("answered HTTP 403"), "the server says why");
        assertEquals(stored, files(nginx.root().resolve("cache")), "nothing stored");
        b.assertSameAsPlainBuild(built);
      }
    }
  }

  /** The access log's lines that start with {@code prefix} and end with {@code suffix}. */
  private static long count(List<String> log, String prefix, String suffix) {
    return log.stream().filter(l -> l.startsWith(prefix) && l.endsWith(suffix)).count();
  }

  /** What the runner's server wrote to its own log: the shared tier's background lines. */
  private static String serverOut(TierRunner runner) throws IOException {
    return Files.readString(runner.dc.cacheDir.resolve("server.out"));
  }

  /** The regular files under {@code dir}; 0 when it does not exist. */
  private static long files(Path dir) {
    if (!Files.exists(dir)) {
      return 0;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
