package dev.distcache.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.testing.DistccDaemon;
import dev.distcache.testing.Loopback;
import dev.distcache.testing.RemoteDaemon;
import dev.distcache.testing.Run;
import dev.distcache.testing.StallingServer;
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
 * {@code distcache hosts}: showing the list in effect, {@code --set} (distcache's own hosts file,
 * which a running server uses at the next compile) and {@code --check} against real daemons on
 * loopback: a distcache daemon, a stock distccd, a TLS daemon that wants a token, a closed port and
 * a server that accepts and never answers.
 */
class HostsCommandTest {
  static final String TOKEN = "c0ffee00c0ffee00c0ffee00c0ffee00-hosts";

  @TempDir Path tmp;
  final List<AutoCloseable> closing = new ArrayList<>();
  Path project;

  @BeforeEach
  void setUp() throws Exception {
    project = tmp.resolve("project");
    Distcache.write(project.resolve("main.c"), NativeProtocolTest.MAIN_C);
    Distcache.write(project.resolve("inc/config.h"), "#define VALUE 14\n");
    Distcache.write(project.resolve("other.c"), "int other(void) { return 14; }\n");
  }

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : closing.reversed()) {
      c.close();
    }
  }

  private <T extends AutoCloseable> T closed(T c) {
    closing.add(c);
    return c;
  }

  private RemoteDaemon daemon(String address, String... args) throws Exception {
    return closed(RemoteDaemon.on(address, tmp).allowGccAndGxx().args(args).start());
  }

  private Distcache client(String name) {
    Distcache dc = new Distcache(tmp.resolve(name + "-cache")).without("DISTCACHE_HOSTS");
    closing.add(dc::close);
    return dc;
  }

  /** The line of {@code --check}'s output about {@code host} (as the list writes it). */
  private static String line(Run r, String host) {
    return r.out()
        .lines()
        .filter(l -> l.startsWith(host + ":") || l.startsWith(host + "/"))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no line for " + host + " in:\n" + r.out()));
  }

  @Test
  void check_reportsReachabilityProtocolTlsTokenCompilersAndRoundTrip_perHost() throws Exception {
    TestCertificates ca = TestCertificates.ca(tmp.resolve("pki"), "farm");
    TestCertificates.Pair cert = ca.issue("daemon", 2, "127.0.0.4");
    Path tokens = tmp.resolve("tokens");
    Files.writeString(tokens, TOKEN + " # hosts test\n");
    RemoteDaemon plain = daemon("127.0.0.2");
    DistccDaemon distccd = closed(DistccDaemon.start("127.0.0.3", tmp));
    RemoteDaemon secure =
        daemon(
            "127.0.0.4",
            "--tls-cert",
            cert.cert().toString(),
            "--tls-key",
            cert.key().toString(),
            "--auth-tokens",
            tokens.toString());
    int closedPort = Loopback.freePort("127.0.0.1");
    StallingServer silent = closed(StallingServer.start("127.0.0.5"));
    String nativeHost = "127.0.0.2:" + plain.port;
    String distccHost = "127.0.0.3:" + distccd.port;
    String tlsHost = "127.0.0.4:" + secure.port;
    String closedHost = "127.0.0.1:" + closedPort;
    String silentHost = "127.0.0.5:" + silent.port();
    Path tokenFile = tmp.resolve("client.token");
    Files.writeString(tokenFile, TOKEN + "\n");
    Distcache dc =
        client("check")
            .with(
                "DISTCACHE_HOSTS",
                String.join(
                    " ",
                    nativeHost + ",distcache",
                    distccHost,
                    tlsHost + ",tls",
                    closedHost,
                    silentHost))
            .with("DISTCACHE_REMOTE_TLS_CA", ca.caCert().toString())
            .with("DISTCACHE_REMOTE_TOKEN_FILE", tokenFile.toString());

    Run r = dc.run(project, "hosts", "--check");
    assertEquals(1, r.exitCode(), "two hosts cannot be used:\n" + r.out() + r.err());
    assertTrue(r.out().startsWith("from $DISTCACHE_HOSTS:\n"), r.out());
    assertEquals(6, r.out().lines().count(), r.out());

    String n = line(r, nativeHost);
    assertTrue(
        n.contains(
            ": reachable, distcache daemon, plaintext, compilers: gcc accepted, g++ accepted"),
        n);
    assertTrue(n.matches(".*, round trip [0-9]+\\.[0-9] ms$"), n);
    plain.awaitLog("for gcc accepted");

    String d = line(r, distccHost);
    assertTrue(d.contains(": reachable, distcc (not a distcache daemon"), d);
    assertTrue(d.contains("compilers: unknown"), d);
    assertTrue(d.matches(".*, round trip [0-9]+\\.[0-9] ms$"), d);

    String t = line(r, tlsHost);
    assertTrue(
        t.contains(": reachable, distcache daemon, TLS, token accepted, compilers: gcc accepted"),
        t);
    secure.awaitLog("over TLS (token of hosts test) for gcc accepted");

    String c = line(r, closedHost);
    assertTrue(c.contains(": unreachable: ") && c.contains("refused the connection"), c);

    String s = line(r, silentHost);
    assertTrue(s.contains(": accepts connections but answered nothing within 3 s"), s);
    assertFalse(r.out().contains("Exception"), r.out());

    Path badToken = tmp.resolve("bad.token");
    Files.writeString(badToken, "not-a-token-this-daemon-has-0000\n");
    Run denied =
        dc.with("DISTCACHE_HOSTS", tlsHost + ",tls")
            .with("DISTCACHE_REMOTE_TOKEN_FILE", badToken.toString())
            .run(project, "hosts", "--check");
    assertEquals(1, denied.exitCode(), denied.out());
    String dl = line(denied, tlsHost);
    assertTrue(dl.contains("denied this client") && dl.contains("not one this daemon accepts"), dl);

    Run good =
        dc.with("DISTCACHE_HOSTS", nativeHost + ",distcache " + distccHost)
            .run(project, "hosts", "--check");
    assertEquals(0, good.exitCode(), "every host usable:\n" + good.out() + good.err());
  }

  @Test
  void set_writesTheCacheDirectorysFile_thatHostsShows_andTheRunningServerCompilesWith()
      throws Exception {
    RemoteDaemon first = daemon("127.0.0.2");
    RemoteDaemon second = daemon("127.0.0.3");
    Distcache dc = client("set");
    Path file = dc.cacheDir.resolve("hosts");

    Run set = dc.run(project, "hosts", "--set", "127.0.0.2:" + first.port + ",distcache");
    set.ok();
    assertEquals("wrote " + file + "\n", set.out());
    assertEquals(
        "from " + file + ":\n127.0.0.2:" + first.port + "/4,distcache\n",
        dc.run(project, "hosts").ok().out());

    dc.run(project, "gcc", "-O2", "-I", "inc", "-c", "main.c", "-o", "main.o").ok();
    assertEquals(1, dc.stat("remote_compile"));
    assertEquals(1, first.awaitSummaries(1).size(), first.log());
    assertEquals(List.of(), second.summaries());

    // The server is running: the changed file is what its next compile uses.
    dc.run(project, "hosts", "--set", "127.0.0.3:" + second.port + ",distcache").ok();
    dc.run(project, "gcc", "-O2", "-c", "other.c", "-o", "other.o").ok();
    assertEquals(2, dc.stat("remote_compile"));
    assertEquals(1, second.awaitSummaries(1).size(), second.log());
    assertEquals(1, first.summaries().size(), first.log());

    byte[] before = Files.readAllBytes(file);
    Run bad = dc.run(project, "hosts", "--set", "127.0.0.2:" + first.port + ",distcache bad:x");
    assertNotEquals(0, bad.exitCode());
    int column = ("127.0.0.2:" + first.port + ",distcache bad:").length() + 1;
    assertEquals(
        "distcache: error: the new host list:1:"
            + column
            + ": bad host entry \"bad:x\": the port must be a number from 1 up;"
            + " the hosts file is unchanged\n",
        bad.err());
    assertEquals("", bad.out());
    assertArrayEquals(before, Files.readAllBytes(file), "nothing written");
    try (var files = Files.list(dc.cacheDir)) {
      assertEquals(
          List.of(),
          files.filter(f -> f.getFileName().toString().startsWith("hosts.")).toList(),
          "no temporary file left");
    }
  }

  @Test
  void set_whileTheEnvironmentNamesHosts_saysTheFileIsNotUsed() throws Exception {
    Distcache dc = client("shadowed").with("DISTCACHE_HOSTS", "127.0.0.9:1");
    Run set = dc.run(project, "hosts", "--set", "127.0.0.2:3632").ok();
    assertTrue(set.out().contains("note: it is not used: $DISTCACHE_HOSTS comes first"), set.out());
    assertEquals("from $DISTCACHE_HOSTS:\n127.0.0.9:1/4\n", dc.run(project, "hosts").ok().out());
  }

  @Test
  void noListAnywhere_saysSo_andNamesEveryPlaceLookedAt() {
    Distcache dc =
        client("none").with("HOME", tmp.resolve("home").toString()).without("DISTCC_HOSTS");
    // This machine's /etc/distcc/hosts or /etc/distcache/hosts would decide: in a mount namespace
    // of its own, an empty tmpfs covers them for this command and the server it starts.
    String hide =
        "for d in /etc/distcc /etc/distcache; do [ -d $d ] && mount -t tmpfs none $d; done; exec \"$0\" hosts";
    Run r =
        dc.exec(
            project,
            "unshare",
            "-m",
            "--propagation",
            "private",
            "sh",
            "-c",
            hide,
            Distcache.LAUNCHER.toString());
    assertEquals(
        "no host list is set; compiles run on this machine. Looked at, in order: $DISTCACHE_HOSTS,"
            + " hosts in distcache.conf, "
            + dc.cacheDir.resolve("hosts")
            + ", /etc/distcache/hosts, $DISTCC_HOSTS, "
            + tmp.resolve("home/.distcc/hosts")
            + ", /etc/distcc/hosts\n",
        r.ok().out());
  }
}
