package dev.distcache.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.testing.Loopback;
import dev.distcache.testing.RemoteDaemon;
import dev.distcache.testing.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A daemon with TLS and tokens serves its storage port as HTTPS, asking for one of its tokens: a
 * client that trusts the farm's CA ({@code tls-ca=}) and gives a good {@code bearer-token=} fills
 * it and a second one builds from it; a bad token, no token and plain HTTP are refused, counted as
 * remote storage errors, and the builds still give gcc's objects. No token reaches a log.
 */
class DaemonStorageTlsTest {
  private static final String GOOD = "storage-token-good-0123456789abcdef";
  private static final String BAD = "storage-token-bad-0123456789abcdef";
  private static final String READER = "storage-token-read-0123456789abcdef";

  @TempDir Path tmp;

  @Test
  void https_withTheFarmsCaAndAToken_servesTheSecondRunner_andRefusesTheOthers() throws Exception {
    TestCertificates ca = TestCertificates.ca(tmp.resolve("pki"), "farm");
    int port = Loopback.freePort("127.0.0.2");
    try (RemoteDaemon d = tlsDaemon(ca, port)) {
      String url = "https://127.0.0.2:" + port + "/";
      String trust = "|tls-ca=" + ca.caCert();
      RemoteStorageSharingTest.runnersShare(tmp, url, trust + "|bearer-token=" + GOOD);
      assertTrue(d.log().contains(" from 127.0.0.1 (token of ci-runner-7)"), d.log());

      for (String[] refused :
          new String[][] {
            {"bad-token", url, trust + "|bearer-token=" + BAD},
            {"no-token", url, trust},
            {"plain-http", "http://127.0.0.2:" + port + "/", ""},
            {"untrusted", url, "|bearer-token=" + GOOD}
          }) {
        try (TierRunner r =
            TierRunner.create(tmp, refused[0], refused[1] + refused[2] + TierRunner.PATIENT)) {
          r.build(2);
          r.assertSameAsPlainBuild(r.objects());
          assertEquals(TierRunner.FILES, r.stat("cache_miss"), refused[0] + ": " + r.stats());
          assertEquals(0, r.stat("remote_storage_hit"), refused[0] + ": " + r.stats());
          assertTrue(r.stat("remote_storage_error") >= 1, refused[0] + ": " + r.stats());
          assertTrue(r.logLines(GOOD).isEmpty() && r.logLines(BAD).isEmpty(), "a token logged");
        }
      }
      String log = d.awaitLog("denied 127.0.0.1: no token (bearer-token=)");
      assertTrue(log.contains("denied 127.0.0.1: the token is not one this daemon accepts"), log);
      for (String secret : List.of(GOOD, BAD)) {
        assertFalse(log.contains(secret), "the daemon logged a token:\n" + log);
      }
    }
  }

  /**
   * A laptop with a token of {@code --storage-read-tokens} takes the tier's values but cannot add
   * to it, although its client tries: on an empty tier it compiles everything and its writes are
   * refused; after a CI runner with an {@code --auth-tokens} token filled the tier, a second laptop
   * builds from it.
   */
  @Test
  void aReadOnlyToken_readsTheTier_andItsWritesAreRefused() throws Exception {
    TestCertificates ca = TestCertificates.ca(tmp.resolve("pki"), "farm");
    Path readers = tmp.resolve("read-tokens");
    Files.writeString(readers, "# laptops\n" + READER + " # laptop-3\n");
    int port = Loopback.freePort("127.0.0.2");
    try (RemoteDaemon d = tlsDaemon(ca, port, "--storage-read-tokens", readers.toString())) {
      String url = "https://127.0.0.2:" + port + "/|tls-ca=" + ca.caCert();
      String reader = url + "|bearer-token=" + READER + TierRunner.PATIENT;

      try (TierRunner laptop = TierRunner.create(tmp, "laptop", reader)) {
        laptop.build(2);
        laptop.assertSameAsPlainBuild(laptop.objects());
        laptop.close();
        assertEquals(TierRunner.FILES, laptop.stat("cache_miss"), laptop.stats().toString());
        assertEquals(0, laptop.stat("remote_storage_write"), laptop.stats().toString());
        assertTrue(
            laptop.stat("remote_storage_error") >= 1,
            () -> laptop.stats() + "\n" + String.join("\n", laptop.logLines("emote")));
      }
      String log =
          d.awaitLog(
              "refused a write from 127.0.0.1 (read-only token of laptop-3): it may only read");
      assertFalse(log.contains("stored "), "a read-only token wrote:\n" + log);

      try (TierRunner ci =
          TierRunner.create(tmp, "ci", url + "|bearer-token=" + GOOD + TierRunner.PATIENT)) {
        ci.build(2);
        ci.close();
        assertTrue(
            ci.stat("remote_storage_write") >= TierRunner.FILES,
            () -> ci.stats() + "\n" + String.join("\n", ci.logLines("emote")) + "\n" + d.log());
      }
      try (TierRunner second = TierRunner.create(tmp, "laptop2", reader)) {
        second.build(2);
        Map<String, byte[]> built = second.objects();
        assertTrue(
            second.stat("remote_storage_hit") * 100 >= 95L * TierRunner.FILES,
            second.stats().toString());
        second.assertSameAsPlainBuild(built);
      }
      log = d.log();
      assertTrue(log.contains(" from 127.0.0.1 (token of ci-runner-7)"), log);
      for (String secret : List.of(GOOD, READER)) {
        assertFalse(log.contains(secret), "the daemon logged a token:\n" + log);
      }
    }
  }

  /**
   * A daemon on 127.0.0.2 with a certificate of {@code ca}, the token {@link #GOOD} (ci-runner-7)
   * and the storage port {@code port}, and {@code more} options; started and serving the tier.
   */
  private RemoteDaemon tlsDaemon(TestCertificates ca, int port, String... more) throws Exception {
    TestCertificates.Pair cert = ca.issue("daemon", 2, "127.0.0.2");
    Path tokens = tmp.resolve("tokens");
    Files.writeString(tokens, GOOD + " # ci-runner-7\n");
    List<String> args =
        new ArrayList<>(
            List.of(
                "--tls-cert",
                cert.cert().toString(),
                "--tls-key",
                cert.key().toString(),
                "--auth-tokens",
                tokens.toString(),
                "--storage-port",
                Integer.toString(port)));
    args.addAll(List.of(more));
    RemoteDaemon d =
        RemoteDaemon.on("127.0.0.2", tmp.resolve("daemon"))
            .args(args.toArray(String[]::new))
            .start();
    d.awaitLog("serving the shared cache tier on 127.0.0.2:" + port + " (HTTPS)");
    return d;
  }
}
