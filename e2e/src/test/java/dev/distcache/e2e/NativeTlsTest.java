package dev.distcache.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.testing.RemoteDaemon;
import dev.distcache.testing.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The native protocol over TLS ({@code ,tls} hosts; the daemon's {@code --tls-cert}, {@code
 * --tls-key}, {@code --tls-client-ca}, {@code --auth-tokens}) against real daemons on loopback,
 * with certificates made here by openssl. Every build succeeds with gcc's own object: remotely when
 * the daemon and the client accept each other, else (a failed handshake, a denied token, plaintext
 * against TLS or the reverse) locally, after the host was counted unreachable and backed off.
 */
class NativeTlsTest {
  static final String GOOD_TOKEN = "c0ffee00c0ffee00c0ffee00c0ffee00-good";
  static final String BAD_TOKEN = "badbadbadbadbadbadbadbad-not-listed";

  @TempDir Path tmp;
  final List<AutoCloseable> closing = new ArrayList<>();
  TestCertificates ca;
  TestCertificates otherCa;
  TestCertificates.Pair daemonCert;
  TestCertificates.Pair clientCert;
  Path project;
  byte[] gccObject;

  @BeforeEach
  void setUp() throws Exception {
    ca = TestCertificates.ca(tmp.resolve("pki"), "farm");
    otherCa = TestCertificates.ca(tmp.resolve("pki"), "other");
    daemonCert = ca.issue("daemon", 2, "127.0.0.2", "127.0.0.3");
    clientCert = ca.issue("client", 2);
    project = tmp.resolve("project");
    Distcache.write(project.resolve("main.c"), NativeProtocolTest.MAIN_C);
    Distcache.write(project.resolve("inc/config.h"), "#define VALUE 14\n");
    Path plain = tmp.resolve("plain");
    Distcache.write(plain.resolve("main.c"), NativeProtocolTest.MAIN_C);
    Distcache.write(plain.resolve("inc/config.h"), "#define VALUE 14\n");
    new Distcache(tmp.resolve("unused")).direct(plain, COMPILE).ok();
    gccObject = Distcache.read(plain.resolve("main.o"));
  }

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : closing.reversed()) {
      c.close();
    }
  }

  private static final String[] COMPILE = {
    "gcc", "-O2", "-I", "inc", "-c", "main.c", "-o", "main.o"
  };

  private RemoteDaemon daemon(String address, String... args) throws Exception {
    RemoteDaemon d = RemoteDaemon.on(address, tmp).allowGccAndGxx().args(args).start();
    closing.add(d);
    return d;
  }

  private String[] tls(TestCertificates.Pair cert) {
    return new String[] {"--tls-cert", cert.cert().toString(), "--tls-key", cert.key().toString()};
  }

  private static String[] concat(String[] a, String... b) {
    List<String> out = new ArrayList<>(List.of(a));
    out.addAll(List.of(b));
    return out.toArray(new String[0]);
  }

  /** A client with its own cache that sends misses to {@code hosts}, trusting {@code trusted}. */
  private Distcache client(String name, String hosts, Path trusted) {
    Distcache dc =
        new Distcache(tmp.resolve(name + "-cache"))
            .with("DISTCACHE_LOG_FILE", tmp.resolve(name + ".log").toString())
            .with("DISTCACHE_HOSTS", hosts);
    if (trusted != null) {
      dc.with("DISTCACHE_REMOTE_TLS_CA", trusted.toString());
    }
    closing.add(dc::close);
    return dc;
  }

  private String clientLog(String name) throws Exception {
    Path log = tmp.resolve(name + ".log");
    return Files.exists(log) ? Files.readString(log) : "";
  }

  private Path tokenFile(String name, String text) throws Exception {
    Path f = tmp.resolve(name);
    Files.writeString(f, text);
    return f;
  }

  /** Compiles main.c through {@code dc}; the object must be gcc's own, wherever it was made. */
  private void buildsGccsObject(Distcache dc) throws Exception {
    Files.deleteIfExists(project.resolve("main.o"));
    dc.run(project, COMPILE).ok();
    assertArrayEquals(gccObject, Distcache.read(project.resolve("main.o")), "gcc's object");
  }

  /** The compile ran here after the host was counted unreachable and backed off. */
  private void fellBackLocally(Distcache dc, String name) throws Exception {
    assertEquals(0, dc.stat("remote_compile"), clientLog(name));
    assertEquals(1, dc.stat("remote_host_unreachable"), clientLog(name));
    assertTrue(clientLog(name).contains("unreachable, backed off"), clientLog(name));
  }

  @Test
  void goodCertificate_compilesRemotelyOverTls() throws Exception {
    RemoteDaemon d = daemon("127.0.0.2", tls(daemonCert));
    Distcache dc = client("one", d.address + ":" + d.port + ",tls", ca.caCert());
    buildsGccsObject(dc);
    assertEquals(1, dc.stat("remote_compile"), clientLog("one"));
    assertTrue(clientLog("one").contains("main.c: native compiled"), clientLog("one"));
    assertTrue(d.awaitLog(" over TLS for gcc accepted").contains("TLS on the native protocol"));
  }

  @Test
  void certificateOfAnotherCa_isRefused_andTheCompileRunsLocally() throws Exception {
    RemoteDaemon d = daemon("127.0.0.2", tls(daemonCert));
    Distcache dc = client("one", d.address + ":" + d.port + ",tls", otherCa.caCert());
    buildsGccsObject(dc);
    fellBackLocally(dc, "one");
    assertTrue(clientLog("one").contains("TLS handshake failed"), clientLog("one"));
    d.awaitLog("TLS handshake with 127.0.0.");
    assertFalse(d.log().contains("accepted"), d.log());
  }

  @Test
  void expiredCertificate_isRefused_andTheCompileRunsLocally() throws Exception {
    TestCertificates.Pair expired = ca.issue("expired", -1, "127.0.0.2");
    RemoteDaemon d = daemon("127.0.0.2", tls(expired));
    Distcache dc = client("one", d.address + ":" + d.port + ",tls", ca.caCert());
    buildsGccsObject(dc);
    fellBackLocally(dc, "one");
    assertTrue(clientLog("one").contains("TLS handshake failed"), clientLog("one"));
    assertTrue(
        clientLog("one").contains("expired") || clientLog("one").contains("validity"),
        clientLog("one"));
  }

  @Test
  void certificateForAnotherAddress_isRefused_andTheCompileRunsLocally() throws Exception {
    TestCertificates.Pair elsewhere = ca.issue("elsewhere", 2, "127.0.0.9");
    RemoteDaemon d = daemon("127.0.0.2", tls(elsewhere));
    Distcache dc = client("one", d.address + ":" + d.port + ",tls", ca.caCert());
    buildsGccsObject(dc);
    fellBackLocally(dc, "one");
    assertTrue(clientLog("one").contains("TLS handshake failed"), clientLog("one"));
  }

  @Test
  void clientCertificates_required_withoutOneDenied_withOneAccepted() throws Exception {
    RemoteDaemon d =
        daemon("127.0.0.2", concat(tls(daemonCert), "--tls-client-ca", ca.caCert().toString()));
    String host = d.address + ":" + d.port + ",tls";

    Distcache without = client("without", host, ca.caCert());
    buildsGccsObject(without);
    fellBackLocally(without, "without");
    d.awaitLog("TLS handshake with 127.0.0.");

    Distcache with =
        client("with", host, ca.caCert())
            .with("DISTCACHE_REMOTE_TLS_CERT", clientCert.cert().toString())
            .with("DISTCACHE_REMOTE_TLS_KEY", clientCert.key().toString());
    buildsGccsObject(with);
    assertEquals(1, with.stat("remote_compile"), clientLog("with"));
    d.awaitLog(" over TLS for gcc accepted");

    TestCertificates.Pair stranger = otherCa.issue("stranger", 2);
    Distcache other =
        client("other", host, ca.caCert())
            .with("DISTCACHE_REMOTE_TLS_CERT", stranger.cert().toString())
            .with("DISTCACHE_REMOTE_TLS_KEY", stranger.key().toString());
    buildsGccsObject(other);
    fellBackLocally(other, "other");
  }

  @Test
  void tokens_goodOneCompiles_badOneIsDenied_andNoTokenIsLogged() throws Exception {
    Path tokens =
        tokenFile(
            "tokens",
            "# who may compile here\n"
                + GOOD_TOKEN
                + "  # ci-runner-7\n\n"
                + "another-token-0123456789 # laptop\n");
    RemoteDaemon d =
        daemon("127.0.0.2", concat(tls(daemonCert), "--auth-tokens", tokens.toString()));
    String host = d.address + ":" + d.port + ",tls";

    Distcache good =
        client("good", host, ca.caCert())
            .with(
                "DISTCACHE_REMOTE_TOKEN_FILE",
                tokenFile("good.token", GOOD_TOKEN + "\n").toString());
    buildsGccsObject(good);
    assertEquals(1, good.stat("remote_compile"), clientLog("good"));
    d.awaitLog("over TLS (token of ci-runner-7) for gcc accepted");

    Distcache bad =
        client("bad", host, ca.caCert())
            .with(
                "DISTCACHE_REMOTE_TOKEN_FILE", tokenFile("bad.token", BAD_TOKEN + "\n").toString());
    buildsGccsObject(bad);
    fellBackLocally(bad, "bad");
    assertTrue(clientLog("bad").contains("not one this daemon accepts"), clientLog("bad"));
    d.awaitLog("denied 127.0.0.");

    Distcache none = client("none", host, ca.caCert());
    buildsGccsObject(none);
    fellBackLocally(none, "none");
    assertTrue(clientLog("none").contains("wants a token"), clientLog("none"));

    String log = d.awaitLog("wants a token");
    for (String secret : List.of(GOOD_TOKEN, BAD_TOKEN, "another-token-0123456789")) {
      assertFalse(log.contains(secret), "the daemon logged a token:\n" + log);
      for (String name : List.of("good", "bad", "none")) {
        assertFalse(clientLog(name).contains(secret), "the client logged a token");
      }
    }
  }

  /**
   * A compile with debug info goes over TLS with its sources, after the token, and the object and
   * {@code .dwo} are gcc's own; with a bad token it is denied like any job and compiled here.
   */
  @Test
  void debugCompiles_goOverTlsWithTheirSources_andABadTokenStillDenies() throws Exception {
    Path tokens = tokenFile("tokens", GOOD_TOKEN + " # ci-runner-7\n");
    RemoteDaemon d =
        daemon("127.0.0.2", concat(tls(daemonCert), "--auth-tokens", tokens.toString()));
    String host = d.address + ":" + d.port + ",tls";
    String[] debug = {
      "gcc", "-g", "-gsplit-dwarf", "-O2", "-I", "inc", "-c", "main.c", "-o", "main.o"
    };
    Distcache plain = new Distcache(tmp.resolve("plain-cache"));
    closing.add(plain::close);
    plain.direct(project, debug).ok();
    byte[] object = Distcache.read(project.resolve("main.o"));
    byte[] dwo = Distcache.read(project.resolve("main.dwo"));
    for (String token : List.of(GOOD_TOKEN, BAD_TOKEN)) {
      String name = token.equals(GOOD_TOKEN) ? "debug-good" : "debug-bad";
      Distcache dc =
          client(name, host, ca.caCert())
              .with(
                  "DISTCACHE_REMOTE_TOKEN_FILE",
                  tokenFile(name + ".token", token + "\n").toString());
      Files.delete(project.resolve("main.o"));
      Files.delete(project.resolve("main.dwo"));
      dc.run(project, debug).ok();
      assertArrayEquals(object, Distcache.read(project.resolve("main.o")), name);
      assertArrayEquals(dwo, Distcache.read(project.resolve("main.dwo")), name);
      if (token.equals(GOOD_TOKEN)) {
        assertEquals(1, dc.stat("remote_compile_sources"), clientLog(name));
      } else {
        fellBackLocally(dc, name);
        assertEquals(0, dc.stat("remote_compile_sources"), clientLog(name));
      }
    }
    String log = d.log();
    assertFalse(log.contains(GOOD_TOKEN) || log.contains(BAD_TOKEN), log);
  }

  @Test
  void deniedHost_sendsTheJobToTheNextHost() throws Exception {
    Path tokens = tokenFile("tokens", GOOD_TOKEN + " # ci\n");
    RemoteDaemon denying =
        daemon("127.0.0.2", concat(tls(daemonCert), "--auth-tokens", tokens.toString()));
    RemoteDaemon open = daemon("127.0.0.3", tls(daemonCert));
    Distcache dc =
        client(
                "one",
                denying.address
                    + ":"
                    + denying.port
                    + ",tls "
                    + open.address
                    + ":"
                    + open.port
                    + ",tls",
                ca.caCert())
            .with("DISTCACHE_REMOTE_TOKEN_FILE", tokenFile("bad.token", BAD_TOKEN).toString());
    buildsGccsObject(dc);
    assertEquals(1, dc.stat("remote_host_unreachable"), clientLog("one"));
    assertEquals(1, dc.stat("remote_compile"), clientLog("one"));
    open.awaitLog(" over TLS for gcc accepted");
  }

  @Test
  void plaintextNativeToTlsPort_isDenied_butDistccClientsKeepThePort() throws Exception {
    RemoteDaemon d = daemon("127.0.0.2", tls(daemonCert));
    Distcache plain = client("plain", d.address + ":" + d.port + ",distcache", null);
    buildsGccsObject(plain);
    fellBackLocally(plain, "plain");
    assertTrue(clientLog("plain").contains("over TLS only"), clientLog("plain"));
    d.awaitLog("denied 127.0.0.");

    Distcache distcc = client("distcc", d.address + ":" + d.port, null);
    buildsGccsObject(distcc);
    assertEquals(1, distcc.stat("remote_compile"), clientLog("distcc"));
    d.awaitSummaries(1);
  }

  @Test
  void tlsToPlaintextPort_isRefused_andTheCompileRunsLocally() throws Exception {
    RemoteDaemon d = daemon("127.0.0.2");
    Distcache dc = client("one", d.address + ":" + d.port + ",tls", ca.caCert());
    buildsGccsObject(dc);
    fellBackLocally(dc, "one");
    assertTrue(clientLog("one").contains("TLS handshake failed"), clientLog("one"));
    d.awaitLog("this daemon has no --tls-cert");
  }

  private dev.distcache.testing.Run daemonCommand(String... args) {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Distcache.LAUNCHER.toString(),
                "daemon",
                "--no-detach",
                "--daemon",
                "--listen",
                "127.0.0.2",
                "--cache-dir",
                tmp.resolve("bad-daemon").toString()));
    cmd.addAll(List.of(args));
    java.util.Map<String, String> env = new java.util.HashMap<>(System.getenv());
    env.put("HOME", tmp.toString());
    return dev.distcache.testing.Processes.run(tmp, env, cmd, 120);
  }

  @Test
  void unusableTlsOptions_stopTheDaemon_withOneLine() throws Exception {
    Path missing = tmp.resolve("missing.pem");
    TestCertificates.Pair other = ca.issue("other-daemon", 2, "127.0.0.2");
    Path noComment = tokenFile("no-comment", GOOD_TOKEN + "\n");
    Object[][] cases = {
      {
        new String[] {"--tls-key", daemonCert.key().toString()},
        101,
        "distcache daemon: error: --tls-key needs --tls-cert: TLS takes the certificate and its"
            + " key\n"
      },
      {
        new String[] {"--auth-tokens", noComment.toString()},
        101,
        "distcache daemon: error: --auth-tokens needs --tls-cert and --tls-key: clients prove who"
            + " they are only over TLS\n"
      },
      {
        new String[] {"--tls-cert", missing.toString(), "--tls-key", daemonCert.key().toString()},
        1,
        "distcache daemon: error: --tls-cert " + missing + ": no such file\n"
      },
      {
        new String[] {"--tls-cert", tmp.toString(), "--tls-key", daemonCert.key().toString()},
        1,
        null
      },
      {
        new String[] {
          "--tls-cert", daemonCert.cert().toString(), "--tls-key", other.key().toString()
        },
        1,
        "distcache daemon: error: --tls-key "
            + other.key()
            + " is not the key of the certificate in "
            + daemonCert.cert()
            + "\n"
      },
      {
        concat(tls(daemonCert), "--auth-tokens", noComment.toString()),
        1,
        "distcache daemon: error: --auth-tokens "
            + noComment
            + " line 1: give each token a comment naming its client (TOKEN # NAME)\n"
      },
    };
    for (Object[] c : cases) {
      String[] args = (String[]) c[0];
      dev.distcache.testing.Run r = daemonCommand(args);
      String what = String.join(" ", args);
      assertEquals((int) c[1], r.exitCode(), what + "\n" + r.err());
      if (c[2] != null) {
        assertEquals(c[2], r.err(), what);
      } else {
        assertTrue(
            r.err().startsWith("distcache daemon: error: --tls-cert " + tmp + ": cannot be read"),
            r.err());
        assertEquals(1, r.err().lines().count(), r.err());
      }
      assertEquals("", r.out(), what);
      assertFalse(r.err().contains(GOOD_TOKEN), r.err());
    }
  }
}
