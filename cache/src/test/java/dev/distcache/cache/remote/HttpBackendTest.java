package dev.distcache.cache.remote;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.testing.HttpStall;
import dev.distcache.testing.NginxServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link HttpBackend} against a real nginx with WebDAV PUT ({@link NginxServer}), a server that
 * stalls ({@link HttpStall}) and one that is gone.
 */
class HttpBackendTest {
  /** Generous: long enough never to fire on a loaded machine, except where a test wants it to. */
  private static final String SLOW_OK = "|connect-timeout=5000|operation-timeout=20000";

  private static final Duration HANG = Duration.ofSeconds(20);
  private static final AtomicInteger KEYS = new AtomicInteger();

  @TempDir static Path dir;
  private static NginxServer nginx;

  @BeforeAll
  static void startNginx() throws Exception {
    nginx = NginxServer.start("127.0.0.1", dir.resolve("nginx"), true);
  }

  @AfterAll
  static void stopNginx() throws Exception {
    nginx.close();
  }

  /** A key of 64 hex characters no other test uses. */
  private static String key() {
    byte[] digest = new byte[32];
    new Random(KEYS.incrementAndGet()).nextBytes(digest);
    return HexFormat.of().formatHex(digest);
  }

  private static HttpBackend open(String entry) {
    return HttpBackend.open(RemoteSpec.parse(entry));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void get_afterPut_returnsEveryByteValueUnchanged() throws Exception {
    byte[] value = new byte[512];
    for (int i = 0; i < value.length; i++) {
      value[i] = (byte) i;
    }
    String key = key();
    try (HttpBackend http = open(nginx.url("/cache/") + SLOW_OK)) {
      http.put(key, value, false);
      assertArrayEquals(value, http.get(key).orElseThrow());
    }
    assertArrayEquals(
        value,
        Files.readAllBytes(
            nginx.root().resolve("cache").resolve(key.substring(0, 2)).resolve(key.substring(2))));
  }

  @Test
  void get_afterPutOfFiveMegabytes_returnsThemUnchanged() {
    byte[] value = new byte[5 * 1024 * 1024];
    new Random(42).nextBytes(value);
    String key = key();
    try (HttpBackend http = open(nginx.url("/cache/big") + SLOW_OK)) {
      http.put(key, value, true);
      assertArrayEquals(value, http.get(key).orElseThrow());
    }
  }

  @Test
  void get_neverStored_isEmpty() {
    try (HttpBackend http = open(nginx.url("/cache/") + SLOW_OK)) {
      assertEquals(Optional.empty(), http.get(key()));
    }
  }

  @Test
  void put_subdirsLayout_isTheDefault_firstTwoCharactersThenTheRest() throws Exception {
    String key = key();
    try (HttpBackend http = open(nginx.url("/cache/sub") + SLOW_OK)) {
      http.put(key, bytes("subdirs"), false);
    }
    Path file = nginx.root().resolve("cache/sub/" + key.substring(0, 2) + "/" + key.substring(2));
    assertEquals("subdirs", Files.readString(file));
  }

  @Test
  void put_flatLayout_keyDirectlyUnderThePath() throws Exception {
    String key = key();
    try (HttpBackend http = open(nginx.url("/cache/flat/") + "|layout=flat" + SLOW_OK)) {
      http.put(key, bytes("flat"), false);
      assertEquals("flat", new String(http.get(key).orElseThrow(), StandardCharsets.UTF_8));
    }
    assertEquals("flat", Files.readString(nginx.root().resolve("cache/flat/" + key)));
  }

  @Test
  void put_bazelLayout_keyUnderAc() throws Exception {
    String key = key();
    try (HttpBackend http = open(nginx.url("/cache/bazel") + "|layout=bazel" + SLOW_OK)) {
      http.put(key, bytes("bazel"), false);
      assertEquals("bazel", new String(http.get(key).orElseThrow(), StandardCharsets.UTF_8));
    }
    assertEquals("bazel", Files.readString(nginx.root().resolve("cache/bazel/ac/" + key)));
  }

  @Test
  void put_withoutOverwrite_whenStored_asksWithHeadAndSendsNoSecondPut() throws Exception {
    String key = key();
    String uri = "/cache/keep/" + key.substring(0, 2) + "/" + key.substring(2);
    try (HttpBackend http = open(nginx.url("/cache/keep") + SLOW_OK)) {
      http.put(key, bytes("first"), false);
      http.put(key, bytes("second"), false);
      assertEquals("first", new String(http.get(key).orElseThrow(), StandardCharsets.UTF_8));
    }
    assertEquals("first", Files.readString(nginx.root().resolve(uri.substring(1))));
    List<String> log = nginx.awaitAccessLog("GET " + uri + " 200");
    List<String> mine = log.stream().filter(l -> l.contains(" " + uri + " ")).toList();
    assertEquals(
        List.of(
            "HEAD " + uri + " 404",
            "PUT " + uri + " 201",
            "HEAD " + uri + " 200",
            "GET " + uri + " 200"),
        mine);
  }

  @Test
  void put_withOverwrite_replacesTheStoredValueWithoutAsking() throws Exception {
    String key = key();
    String uri = "/cache/grow/" + key;
    try (HttpBackend http = open(nginx.url("/cache/grow") + "|layout=flat" + SLOW_OK)) {
      http.put(key, bytes("first"), true);
      http.put(key, bytes("second"), true);
      assertEquals("second", new String(http.get(key).orElseThrow(), StandardCharsets.UTF_8));
    }
    List<String> log = nginx.awaitAccessLog("GET " + uri + " 200");
    List<String> mine = log.stream().filter(l -> l.contains(" " + uri + " ")).toList();
    assertEquals(
        List.of("PUT " + uri + " 201", "PUT " + uri + " 204", "GET " + uri + " 200"), mine);
  }

  @Test
  void bearerToken_accepted_storesAndReads() {
    String key = key();
    try (HttpBackend http =
        open(nginx.url("/auth/") + "|bearer-token=" + NginxServer.BEARER_TOKEN + SLOW_OK)) {
      http.put(key, bytes("secret"), false);
      assertEquals("secret", new String(http.get(key).orElseThrow(), StandardCharsets.UTF_8));
    }
  }

  @Test
  void bearerToken_refused_isAnErrorNotATimeoutNorAMiss() {
    String key = key();
    try (HttpBackend http = open(nginx.url("/auth/") + "|bearer-token=wrong" + SLOW_OK)) {
      RemoteStorageException put =
          assertThrows(RemoteStorageException.class, () -> http.put(key, bytes("x"), false));
      assertFalse(put.timedOut());
      assertTrue(put.getMessage().contains("answered HTTP 401"), put.getMessage());
      RemoteStorageException get = assertThrows(RemoteStorageException.class, () -> http.get(key));
      assertFalse(get.timedOut());
      assertTrue(get.getMessage().contains("GET /auth/"), get.getMessage());
    }
  }

  @Test
  void basicAuthentication_fromPercentEncodedUserInfo_isAccepted() {
    // cache-user:p@ss word:%  percent-encoded as a URL must carry it
    String url = nginx.url("/basic/").replace("://", "://cache-user:p%40ss%20word%3A%25@");
    String key = key();
    try (HttpBackend http = open(url + SLOW_OK)) {
      http.put(key, bytes("basic"), false);
      assertEquals("basic", new String(http.get(key).orElseThrow(), StandardCharsets.UTF_8));
    }
  }

  @Test
  void basicAuthentication_wrongPassword_isRefusedAndTheMessageHidesThePassword() {
    String url = nginx.url("/basic/").replace("://", "://cache-user:hunter2@");
    try (HttpBackend http = open(url + SLOW_OK)) {
      RemoteStorageException e = assertThrows(RemoteStorageException.class, () -> http.get(key()));
      assertTrue(e.getMessage().contains("answered HTTP 401"), e.getMessage());
      assertTrue(e.getMessage().contains("cache-user:***@"), e.getMessage());
      assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
    }
  }

  @Test
  void headerAttribute_reachesTheServer() {
    String key = key();
    String header = "|header=" + NginxServer.HEADER_NAME + "=" + NginxServer.HEADER_VALUE;
    try (HttpBackend with = open(nginx.url("/header/") + header + SLOW_OK);
        HttpBackend without = open(nginx.url("/header/") + SLOW_OK)) {
      with.put(key, bytes("header"), false);
      assertEquals("header", new String(with.get(key).orElseThrow(), StandardCharsets.UTF_8));
      RemoteStorageException e = assertThrows(RemoteStorageException.class, () -> without.get(key));
      assertTrue(e.getMessage().contains("answered HTTP 403"), e.getMessage());
    }
  }

  @Test
  void serverError_isARemoteStorageExceptionNamingStatusAndUrl() {
    try (HttpBackend http = open(nginx.url("/fail/") + SLOW_OK)) {
      RemoteStorageException get =
          assertThrows(RemoteStorageException.class, () -> http.get(key()));
      assertFalse(get.timedOut());
      assertTrue(get.getMessage().contains(nginx.url("/fail/")), get.getMessage());
      assertTrue(get.getMessage().contains("answered HTTP 500"), get.getMessage());
      RemoteStorageException put =
          assertThrows(RemoteStorageException.class, () -> http.put(key(), bytes("x"), true));
      assertTrue(put.getMessage().contains("PUT /fail/"), put.getMessage());
      assertTrue(put.getMessage().contains("answered HTTP 500"), put.getMessage());
    }
  }

  @Test
  void serverStopped_failsFastWithoutTimeout_andWorksAgainWhenItIsBack(@TempDir Path own)
      throws Exception {
    try (NginxServer server = NginxServer.start(own);
        HttpBackend http = open(server.url("/cache/") + SLOW_OK)) {
      String key = key();
      http.put(key, bytes("before"), false); // a connection now sits in the client's pool
      server.stop();
      RemoteStorageException e =
          assertTimeoutPreemptively(
              HANG, () -> assertThrows(RemoteStorageException.class, () -> http.get(key)));
      assertFalse(e.timedOut(), e.getMessage());
      assertTrue(e.getMessage().contains(server.url("/cache/")), e.getMessage());
      assertThrows(RemoteStorageException.class, () -> http.put(key(), bytes("x"), false));

      server.start();
      assertEquals("before", new String(http.get(key).orElseThrow(), StandardCharsets.UTF_8));
    }
  }

  @Test
  void stalledServer_timesOutAfterTheOperationTimeout() throws Exception {
    try (HttpStall stall = HttpStall.start("127.0.0.1");
        HttpBackend http = open(stall.url("/cache/") + "|operation-timeout=300")) {
      RemoteStorageException get =
          assertTimeoutPreemptively(
              HANG, () -> assertThrows(RemoteStorageException.class, () -> http.get(key())));
      assertTrue(get.timedOut(), get.getMessage());
      RemoteStorageException put =
          assertTimeoutPreemptively(
              HANG,
              () ->
                  assertThrows(
                      RemoteStorageException.class, () -> http.put(key(), bytes("x"), false)));
      assertTrue(put.timedOut(), put.getMessage());
      assertTrue(stall.connections() >= 1);
    }
  }

  @Test
  void serverStallingInTheBody_timesOutToo() throws Exception {
    byte[] headers = bytes("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nonly a few bytes");
    try (HttpStall stall = HttpStall.start("127.0.0.1", headers);
        HttpBackend http = open(stall.url("/cache/") + "|operation-timeout=300")) {
      RemoteStorageException e =
          assertTimeoutPreemptively(
              HANG, () -> assertThrows(RemoteStorageException.class, () -> http.get(key())));
      assertTrue(e.timedOut(), e.getMessage());
    }
  }

  @Test
  void interrupted_whileWaiting_throwsAndKeepsTheInterruptFlag() throws Exception {
    try (HttpStall stall = HttpStall.start("127.0.0.1");
        HttpBackend http = open(stall.url("/cache/") + "|operation-timeout=60000")) {
      AtomicReference<Throwable> thrown = new AtomicReference<>();
      AtomicReference<Boolean> flag = new AtomicReference<>();
      Thread t =
          Thread.ofPlatform()
              .start(() -> {
                try {
                  http.get(key());
                } catch (Throwable e) {
                  thrown.set(e);
                }
                flag.set(Thread.currentThread().isInterrupted());
              });
      while (stall.connections() == 0 && t.isAlive()) {
        Thread.sleep(10);
      }
      t.interrupt();
      t.join(HANG.toMillis());
      assertFalse(t.isAlive(), "get went on after an interrupt");
      RemoteStorageException e = assertInstanceOfRemote(thrown.get());
      assertFalse(e.timedOut());
      assertTrue(e.getMessage().contains("interrupted"), e.getMessage());
      assertEquals(Boolean.TRUE, flag.get());
    }
  }

  @Test
  void https_withTheServersCertificateTrusted_storesAndReads() throws Exception {
    String key = key();
    try (HttpBackend http =
        HttpBackend.open(
            RemoteSpec.parse(nginx.httpsUrl("/cache/tls") + SLOW_OK), nginx.sslContext())) {
      http.put(key, bytes("tls"), false);
      assertEquals("tls", new String(http.get(key).orElseThrow(), StandardCharsets.UTF_8));
    }
    assertEquals(
        "tls",
        Files.readString(
            nginx.root().resolve("cache/tls/" + key.substring(0, 2) + "/" + key.substring(2))));
  }

  @Test
  void https_withTheJdksDefaultTrust_refusesASelfSignedCertificate() {
    try (HttpBackend http = open(nginx.httpsUrl("/cache/tls") + SLOW_OK)) {
      RemoteStorageException e = assertThrows(RemoteStorageException.class, () -> http.get(key()));
      assertFalse(e.timedOut(), e.getMessage());
    }
  }

  @Test
  void manyThreadsAtOnce_eachReadsWhatItWrote() throws Exception {
    try (HttpBackend http = open(nginx.url("/cache/threads") + SLOW_OK);
        ExecutorService pool = Executors.newFixedThreadPool(8)) {
      List<Future<?>> done = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        String key = key();
        byte[] value = bytes("value " + i);
        done.add(
            pool.submit(() -> {
              http.put(key, value, false);
              assertArrayEquals(value, http.get(key).orElseThrow());
              return null;
            }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    }
  }

  @Test
  void close_isIdempotent_andLaterRequestsFail() {
    HttpBackend http = open(nginx.url("/cache/") + SLOW_OK);
    http.close();
    http.close();
    RemoteStorageException e = assertThrows(RemoteStorageException.class, () -> http.get(key()));
    assertTrue(e.getMessage().contains("closed"), e.getMessage());
  }

  @Test
  void open_malformedUrlOrUnknownLayout_isIllegalArgumentNamingTheEntry() {
    IllegalArgumentException url =
        assertThrows(IllegalArgumentException.class, () -> open("http://u:pw@/cache/"));
    assertTrue(url.getMessage().contains("http://u:***@/cache/"), url.getMessage());
    IllegalArgumentException layout =
        assertThrows(
            IllegalArgumentException.class, () -> open(nginx.url("/cache/") + "|layout=nested"));
    assertTrue(layout.getMessage().contains("layout=nested"), layout.getMessage());
  }

  private static RemoteStorageException assertInstanceOfRemote(Throwable t) {
    if (t instanceof RemoteStorageException e) {
      return e;
    }
    throw new AssertionError("expected a RemoteStorageException, got " + t, t);
  }
}
