package dev.distcache.cache.remote;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.testing.FullBacklogServer;
import dev.distcache.testing.Loopback;
import dev.distcache.testing.RedisServer;
import dev.distcache.testing.StallingServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link RedisBackend} against a real redis-server started for each test: values round-trip byte
 * for byte, keys are namespaced, SET NX keeps and SET replaces, credentials and databases are
 * honoured, Unix sockets work, and a dead, restarted or stalled server gives the right {@link
 * RemoteStorageException} in bounded time.
 */
class RedisBackendTest {
  /** A generous bound for calls that must not hang; never a speed assertion. */
  private static final Duration NO_HANG = Duration.ofSeconds(20);

  @TempDir Path dir;

  private static String key(int n) {
    byte[] b = new byte[32];
    new Random(n).nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  private static RedisBackend open(String url, String... attributes) {
    return RedisBackend.open(RemoteSpec.parse(url + String.join("", attributes)));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void binaryValuesRoundTripByteForByte() throws Exception {
    try (RedisServer redis = RedisServer.start(dir);
        RedisBackend backend = open(redis.url())) {
      byte[] all = new byte[256 * 4];
      for (int i = 0; i < all.length; i++) {
        all[i] = (byte) i; // every byte value, \r\n and NUL included
      }
      byte[] big = new byte[5 * 1024 * 1024];
      new Random(7).nextBytes(big);
      byte[] empty = new byte[0];
      backend.put(key(1), all, false);
      backend.put(key(2), big, false);
      backend.put(key(3), empty, false);
      assertArrayEquals(all, backend.get(key(1)).orElseThrow());
      assertArrayEquals(big, backend.get(key(2)).orElseThrow());
      assertArrayEquals(empty, backend.get(key(3)).orElseThrow());
    }
  }

  @Test
  void aMissingKeyIsEmpty() throws Exception {
    try (RedisServer redis = RedisServer.start(dir);
        RedisBackend backend = open(redis.url())) {
      assertEquals(Optional.empty(), backend.get(key(1)));
    }
  }

  @Test
  void setNxKeepsTheFirstValueAndOverwriteReplacesIt() throws Exception {
    try (RedisServer redis = RedisServer.start(dir);
        RedisBackend backend = open(redis.url())) {
      backend.put(key(1), bytes("first"), false);
      backend.put(key(1), bytes("second"), false);
      assertArrayEquals(bytes("first"), backend.get(key(1)).orElseThrow());
      backend.put(key(1), bytes("third"), true);
      assertArrayEquals(bytes("third"), backend.get(key(1)).orElseThrow());
      backend.put(key(2), bytes("new"), true); // overwrite of nothing stores too
      assertArrayEquals(bytes("new"), backend.get(key(2)).orElseThrow());
    }
  }

  @Test
  void keysAreNamespacedSoOtherToolsEntriesAreNeverMixedIn() throws Exception {
    try (RedisServer redis = RedisServer.start(dir);
        RedisBackend backend = open(redis.url())) {
      String k = key(1);
      backend.put(k, bytes("ours"), false);
      assertEquals("distcache:" + k, redis.cli("KEYS", "*").strip());
      assertEquals("ours", redis.cli("GET", "distcache:" + k).strip());

      redis.cli("SET", "ccache:" + key(2), "theirs");
      redis.cli("SET", key(2), "bare");
      assertEquals(Optional.empty(), backend.get(key(2)));
      backend.put(key(2), bytes("ours too"), false);
      assertEquals("theirs", redis.cli("GET", "ccache:" + key(2)).strip());
      assertEquals("bare", redis.cli("GET", key(2)).strip());
    }
  }

  @Test
  void aValueDamagedOnTheServerComesBackAsStored() throws Exception {
    // The backend never interprets values: the tier's checksum is what catches garbage.
    try (RedisServer redis = RedisServer.start(dir);
        RedisBackend backend = open(redis.url())) {
      backend.put(key(1), bytes("good"), false);
      byte[] garbage = {0, (byte) 0xff, '\r', '\n', 'x'};
      redis.cliBytes(garbage, "-x", "SET", "distcache:" + key(1));
      byte[] read = backend.get(key(1)).orElseThrow();
      // redis-cli -x keeps a trailing newline it read; everything before it is byte for byte
      assertArrayEquals(garbage, java.util.Arrays.copyOf(read, garbage.length));
    }
  }

  @Test
  void passwordAuthAndWrongPasswordIsAnErrorNotATimeout() throws Exception {
    try (RedisServer redis = RedisServer.in(dir).password("s3cret p@ss:/").start()) {
      try (RedisBackend backend = open(redis.url())) {
        backend.put(key(1), bytes("v"), false);
        assertArrayEquals(bytes("v"), backend.get(key(1)).orElseThrow());
      }
      String wrong = "redis://wrong@127.0.0.1:" + redis.port;
      try (RedisBackend backend = open(wrong)) {
        RemoteStorageException e =
            assertThrows(RemoteStorageException.class, () -> backend.get(key(1)));
        assertFalse(e.timedOut(), e.getMessage());
        assertTrue(e.getMessage().contains("redis://***@127.0.0.1:" + redis.port), e.getMessage());
        assertFalse(e.getMessage().contains("wrong@"), e.getMessage());
        assertTrue(e.getMessage().contains("WRONGPASS"), e.getMessage());
      }
      try (RedisBackend backend = open("redis://127.0.0.1:" + redis.port)) {
        RemoteStorageException e =
            assertThrows(RemoteStorageException.class, () -> backend.put(key(1), bytes("x"), true));
        assertFalse(e.timedOut(), e.getMessage());
        assertTrue(e.getMessage().contains("NOAUTH"), e.getMessage());
      }
      assertEquals("v", redis.cli("GET", "distcache:" + key(1)).strip());
    }
  }

  @Test
  void aclUserAndPassword() throws Exception {
    try (RedisServer redis =
        RedisServer.in(dir).password("default-pw").user("build", "b@d:pw").start()) {
      assertTrue(redis.url().startsWith("redis://build:"), redis.url());
      try (RedisBackend backend = open(redis.url())) {
        backend.put(key(1), bytes("v"), false);
        assertArrayEquals(bytes("v"), backend.get(key(1)).orElseThrow());
      }
      String wrongUser = "redis://nobody:b%40d%3Apw@127.0.0.1:" + redis.port;
      try (RedisBackend backend = open(wrongUser)) {
        RemoteStorageException e =
            assertThrows(RemoteStorageException.class, () -> backend.get(key(1)));
        assertFalse(e.timedOut(), e.getMessage());
        assertFalse(e.getMessage().contains("b%40d"), e.getMessage());
      }
    }
  }

  @Test
  void databasesAreKeptApart() throws Exception {
    try (RedisServer redis = RedisServer.start(dir);
        RedisBackend db3 = open(redis.url() + "/3");
        RedisBackend db0 = open(redis.url())) {
      db3.put(key(1), bytes("three"), false);
      assertEquals("three", redis.cli("-n", "3", "GET", "distcache:" + key(1)).strip());
      assertEquals("", redis.cli("-n", "0", "GET", "distcache:" + key(1)).strip());
      assertEquals(Optional.empty(), db0.get(key(1)));
      db0.put(key(1), bytes("zero"), false);
      assertArrayEquals(bytes("three"), db3.get(key(1)).orElseThrow());
      assertArrayEquals(bytes("zero"), db0.get(key(1)).orElseThrow());

      try (RedisBackend none = open(redis.url() + "/99")) { // the server has 16
        RemoteStorageException e =
            assertThrows(RemoteStorageException.class, () -> none.get(key(1)));
        assertFalse(e.timedOut(), e.getMessage());
        assertTrue(e.getMessage().contains("/99"), e.getMessage());
      }
    }
  }

  @Test
  void unixSocketWithDatabaseAndPassword() throws Exception {
    try (RedisServer redis = RedisServer.in(dir).unixSocket().password("pw").start()) {
      try (RedisBackend backend = open(redis.unixUrl())) {
        backend.put(key(1), bytes("over a socket"), false);
        assertArrayEquals(bytes("over a socket"), backend.get(key(1)).orElseThrow());
      }
      try (RedisBackend backend = open("redis+unix://pw@" + redis.socket + "?db=4")) {
        backend.put(key(2), bytes("db4"), false);
        assertArrayEquals(bytes("db4"), backend.get(key(2)).orElseThrow());
      }
      assertEquals("db4", redis.cli("-n", "4", "GET", "distcache:" + key(2)).strip());
      assertEquals("over a socket", redis.cli("GET", "distcache:" + key(1)).strip());
    }
  }

  @Test
  void aUnixSocketNobodyListensOnFailsAsAnError() throws Exception {
    try (RedisBackend backend = open("redis+unix:" + dir.resolve("none.sock"))) {
      RemoteStorageException e =
          assertTimeoutPreemptively(
              NO_HANG, () -> assertThrows(RemoteStorageException.class, () -> backend.get(key(1))));
      assertFalse(e.timedOut(), e.getMessage());
      assertTrue(e.getMessage().contains("none.sock"), e.getMessage());
    }
  }

  @Test
  void aServerThatIsNotThereFailsAtOnceAsAnError() throws Exception {
    int port = Loopback.freePort("127.0.0.1");
    try (RedisBackend backend = open("redis://127.0.0.1:" + port)) {
      for (int i = 0; i < 3; i++) {
        RemoteStorageException e =
            assertTimeoutPreemptively(
                NO_HANG,
                () -> assertThrows(RemoteStorageException.class, () -> backend.get(key(1))));
        assertFalse(e.timedOut(), e.getMessage());
        assertTrue(e.getMessage().contains("redis://127.0.0.1:" + port), e.getMessage());
        assertTrue(e.getMessage().contains("Connection refused"), e.getMessage());
      }
    }
  }

  @Test
  void aKilledServerFailsAndTheFirstCallAfterItsRestartWorks() throws Exception {
    try (RedisServer redis = RedisServer.start(dir);
        RedisBackend backend = open(redis.url())) {
      concurrently(8, i -> backend.put(key(i), bytes("v" + i), false)); // several pooled conns
      redis.kill();
      RemoteStorageException e =
          assertTimeoutPreemptively(
              NO_HANG, () -> assertThrows(RemoteStorageException.class, () -> backend.get(key(1))));
      assertFalse(e.timedOut(), e.getMessage());
      assertThrows(RemoteStorageException.class, () -> backend.put(key(1), bytes("x"), true));

      redis.restart(); // same port, no data (nothing was saved)
      assertEquals(Optional.empty(), backend.get(key(1)));
      backend.put(key(1), bytes("again"), false);
      assertArrayEquals(bytes("again"), backend.get(key(1)).orElseThrow());
    }
  }

  @Test
  void aRestartBetweenCallsIsNotSeenByTheNextCalls() throws Exception {
    // Every pooled connection is stale after the restart: the first use of one reconnects.
    try (RedisServer redis = RedisServer.start(dir);
        RedisBackend backend = open(redis.url())) {
      concurrently(8, i -> backend.put(key(i), bytes("v" + i), false));
      redis.kill();
      redis.restart();
      concurrently(8, i -> backend.put(key(i), bytes("w" + i), false));
      for (int i = 0; i < 8; i++) {
        assertArrayEquals(bytes("w" + i), backend.get(key(i)).orElseThrow());
      }
    }
  }

  @Test
  void aServerThatNeverAnswersTimesOutAfterTheOperationTimeout() throws Exception {
    try (StallingServer stall = StallingServer.start();
        RedisBackend backend =
            open("redis://127.0.0.1:" + stall.port(), "|operation-timeout=400")) {
      for (Runnable call :
          List.<Runnable>of(
              () -> backend.get(key(1)),
              () -> backend.put(key(1), new byte[100_000], false),
              () -> backend.put(key(1), bytes("v"), true))) {
        long start = System.nanoTime();
        RemoteStorageException e =
            assertTimeoutPreemptively(
                NO_HANG, () -> assertThrows(RemoteStorageException.class, call::run));
        long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(e.timedOut(), e.getMessage());
        assertTrue(e.getMessage().contains("timed out"), e.getMessage());
        assertTrue(e.getMessage().contains("127.0.0.1:" + stall.port()), e.getMessage());
        // It was the timeout that ended the call, not an error.
        assertTrue(elapsedMillis >= 350, "returned after " + elapsedMillis + " ms");
      }
      assertTrue(stall.connections() >= 1);
    }
  }

  @Test
  void aConnectThatHangsTimesOutAfterTheConnectTimeout() throws Exception {
    try (FullBacklogServer hang = FullBacklogServer.start();
        RedisBackend backend =
            open(
                "redis://127.0.0.1:" + hang.port(),
                "|connect-timeout=300|operation-timeout=5000")) {
      long start = System.nanoTime();
      RemoteStorageException e =
          assertTimeoutPreemptively(
              NO_HANG, () -> assertThrows(RemoteStorageException.class, () -> backend.get(key(1))));
      long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
      assertTrue(e.timedOut(), e.getMessage());
      assertTrue(e.getMessage().contains("Connect timed out"), e.getMessage());
      assertTrue(elapsedMillis >= 250, "returned after " + elapsedMillis + " ms");
    }
  }

  @Test
  void threadsWaitingForAConnectionGiveUpAfterTheOperationTimeout() throws Exception {
    // 8 connections stall on a server that never answers; the 8 other threads find the pool
    // exhausted and must not wait for a connection longer than the operation timeout: every call
    // ends as a timeout (no waiting forever, no other exception).
    try (StallingServer stall = StallingServer.start();
        RedisBackend backend =
            open("redis://127.0.0.1:" + stall.port(), "|operation-timeout=500")) {
      List<RemoteStorageException> failures =
          java.util.Collections.synchronizedList(new ArrayList<>());
      concurrently(
          2 * RedisBackend.MAX_CONNECTIONS,
          t -> failures.add(assertThrows(RemoteStorageException.class, () -> backend.get(key(t)))));
      assertEquals(2 * RedisBackend.MAX_CONNECTIONS, failures.size());
      for (RemoteStorageException e : failures) {
        assertTrue(e.timedOut(), e.getMessage());
      }
    }
  }

  @Test
  void sixteenThreadsAtOnceAllSucceed() throws Exception {
    try (RedisServer redis = RedisServer.start(dir);
        RedisBackend backend = open(redis.url())) {
      concurrently(
          16,
          t -> {
            for (int i = 0; i < 40; i++) {
              String own = key(1000 * t + i);
              byte[] value = bytes("thread " + t + " value " + i);
              backend.put(own, value, i % 2 == 0);
              assertArrayEquals(value, backend.get(own).orElseThrow());
              backend.put(key(-1), bytes("shared"), false); // everyone races on one key
              assertArrayEquals(bytes("shared"), backend.get(key(-1)).orElseThrow());
            }
          });
      assertEquals("641", redis.cli("DBSIZE").strip());
    }
  }

  @Test
  void closeIsIdempotentAndLaterCallsFailAsRemoteStorageErrors() throws Exception {
    try (RedisServer redis = RedisServer.start(dir)) {
      RedisBackend backend = open(redis.url());
      backend.put(key(1), bytes("v"), false);
      backend.close();
      backend.close();
      RemoteStorageException e =
          assertThrows(RemoteStorageException.class, () -> backend.get(key(1)));
      assertFalse(e.timedOut(), e.getMessage());
    }
  }

  @Test
  void malformedUrlsAreRefusedWhenOpened() {
    for (String url :
        List.of(
            "redis://127.0.0.1:notaport",
            "redis://127.0.0.1/notadb",
            "redis:127.0.0.1",
            "redis+unix:relative.sock",
            "redis+unix://elsewhere/r.sock",
            "http://127.0.0.1/cache")) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> open(url), url);
      assertTrue(e.getMessage().contains(url), e.getMessage());
    }
  }

  /** Runs {@code body} for 0..n-1 on n threads at once and rethrows the first failure. */
  private static void concurrently(int n, ThrowingIntConsumer body) throws Exception {
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<?>> futures = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        int t = i;
        futures.add(
            pool.submit(() -> {
              body.accept(t);
              return null;
            }));
      }
      for (Future<?> f : futures) {
        assertTimeoutPreemptively(NO_HANG, () -> f.get());
      }
    }
  }

  @FunctionalInterface
  private interface ThrowingIntConsumer {
    void accept(int i) throws Exception;
  }
}
