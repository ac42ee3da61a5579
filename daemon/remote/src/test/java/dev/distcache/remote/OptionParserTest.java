package dev.distcache.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.core.log.LogLevel;
import dev.distcache.remote.net.AccessList;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OptionParserTest {
  private static final Map<String, String> ENV = Map.of("HOME", "/home/u");

  private static DaemonOptions parse(String... args) throws Exception {
    return OptionParser.parse(List.of(args), ENV);
  }

  private static String error(String... args) {
    return assertThrows(OptionParser.UsageException.class, () -> parse(args)).getMessage();
  }

  @Test
  void defaults_areDistccdsExceptLoopbackOnly() throws Exception {
    DaemonOptions o = parse();
    assertEquals(3632, o.port());
    assertEquals(3633, o.statsPort());
    assertFalse(o.stats());
    assertEquals(Runtime.getRuntime().availableProcessors() + 2, o.jobs());
    assertEquals(5, o.nice());
    assertEquals(LogLevel.NOTICE, o.logLevel());
    assertEquals(300, o.ioTimeoutSeconds());
    assertEquals(0, o.jobLifetimeSeconds());
    assertNull(o.listen());
    assertEquals(DaemonOptions.Mode.GUESS, o.mode());
    assertFalse(o.access().explicit());
    assertTrue(o.access().allows(InetAddress.getByName("127.0.0.1")));
    assertTrue(o.access().allows(InetAddress.getByName("::1")));
    assertFalse(o.access().allows(InetAddress.getByName("192.168.1.2")));
    assertEquals(List.of(Path.of("/usr/lib/distcc")), o.masqueradeDirs());
    assertEquals(Path.of("/home/u/.cache/distcache-daemon"), o.cacheDir());
  }

  @Test
  void valueOptions_acceptEverySpellingPoptDoes() throws Exception {
    for (String[] spelling :
        List.of(
            new String[] {"--port", "4000"},
            new String[] {"--port=4000"},
            new String[] {"-p", "4000"},
            new String[] {"-p4000"})) {
      assertEquals(4000, parse(spelling).port(), String.join(" ", spelling));
    }
    assertEquals(3, parse("-j3").jobs());
    assertEquals(3, parse("--jobs=3").jobs());
    assertEquals(10, parse("-N", "10").nice());
    assertEquals(Path.of("/tmp/p"), parse("-P", "/tmp/p").pidFile());
    assertEquals(Path.of("/tmp/p"), parse("--pid-file=/tmp/p").pidFile());
  }

  @Test
  void allow_isRepeatable_forIpv4AndIpv6() throws Exception {
    DaemonOptions o =
        parse("--allow", "10.1.0.0/16", "-a", "192.168.7.9", "--allow=fd00::/8", "-a2001:db8::1");
    assertTrue(o.access().explicit());
    assertEquals(4, o.access().networks().size());
    assertTrue(o.access().allows(InetAddress.getByName("10.1.200.3")));
    assertFalse(o.access().allows(InetAddress.getByName("10.2.0.1")));
    assertTrue(o.access().allows(InetAddress.getByName("192.168.7.9")));
    assertFalse(o.access().allows(InetAddress.getByName("192.168.7.10")));
    assertTrue(o.access().allows(InetAddress.getByName("fd12::5")));
    assertTrue(o.access().allows(InetAddress.getByName("2001:db8::1")));
    assertFalse(
        o.access().allows(InetAddress.getByName("127.0.0.1")),
        "--allow replaces the loopback default");
  }

  @Test
  void modesLoggingStatsAndOurOptions() throws Exception {
    DaemonOptions o =
        parse(
            "--daemon",
            "--no-detach",
            "--log-level=debug",
            "--log-file",
            "/tmp/l",
            "--stats",
            "--stats-port",
            "4001",
            "--job-lifetime",
            "30",
            "--cache-dir",
            "/c",
            "--max-size",
            "1Gi",
            "--allow-compiler",
            "gcc,g++",
            "--allow-compiler",
            "cc",
            "--io-timeout",
            "7",
            "--listen",
            "127.0.0.2");
    assertEquals(DaemonOptions.Mode.DAEMON, o.mode());
    assertTrue(o.noDetach());
    assertEquals(LogLevel.DEBUG, o.logLevel());
    assertEquals(Path.of("/tmp/l"), o.logFile());
    assertTrue(o.stats());
    assertEquals(4001, o.statsPort());
    assertEquals(30, o.jobLifetimeSeconds());
    assertEquals(Path.of("/c"), o.cacheDir());
    assertEquals(1L << 30, o.maxSize());
    assertEquals(List.of("gcc", "g++", "cc"), o.compilers());
    assertEquals(
        List.of(), o.masqueradeDirs(), "a configured list replaces distccd's masquerade directory");
    assertEquals(7, o.ioTimeoutSeconds());
    assertEquals("127.0.0.2", o.listen());
    assertEquals(DaemonOptions.Mode.INETD, parse("--inetd").mode());
    assertEquals(LogLevel.DEBUG, parse("--verbose").logLevel());
  }

  @Test
  void limits_areConfigurable() throws Exception {
    DaemonOptions o =
        parse(
            "--max-argc",
            "64",
            "--max-arg-length",
            "1Ki",
            "--max-file-size",
            "1Mi",
            "--max-files",
            "9",
            "--max-request-size",
            "4Mi");
    assertEquals(64, o.limits().maxArgc());
    assertEquals(1024, o.limits().maxStringLength());
    assertEquals(1 << 20, o.limits().maxBodyLength());
    assertEquals(1 << 20, o.limits().maxDecodedLength());
    assertEquals(9, o.limits().maxFiles());
    assertEquals(4L << 20, o.limits().maxTotalLength());
  }

  @Test
  void connectionBounds_haveDefaults_andAreConfigurable() throws Exception {
    DaemonOptions o = parse("-j", "2");
    assertEquals(10, o.firstFrameSeconds());
    assertEquals(16, o.maxClientConnections(), "at least 16");
    assertEquals(40, parse("-j", "10").maxClientConnections(), "4 x jobs");
    o = parse("--first-frame-timeout", "3", "--max-client-connections=5");
    assertEquals(3, o.firstFrameSeconds());
    assertEquals(5, o.maxClientConnections());
    assertTrue(error("--max-client-connections", "0").contains("--max-client-connections"));
    assertTrue(error("--first-frame-timeout", "x").contains("--first-frame-timeout"));
  }

  @Test
  void ioTimeout_defaultsToDistccsVariable() throws Exception {
    assertEquals(
        12,
        OptionParser.parse(List.of(), Map.of("HOME", "/h", "DISTCC_IO_TIMEOUT", "12"))
            .ioTimeoutSeconds());
  }

  @Test
  void badCommandLines_sayWhatIsWrong() {
    assertEquals("unknown option --bogus (see distcache daemon --help)", error("--bogus"));
    assertEquals("unknown option -q (see distcache daemon --help)", error("-q"));
    assertEquals("option --port needs a value", error("--port"));
    assertEquals("--port must be between 1 and 65535 (got 0)", error("--port", "0"));
    assertEquals("--port takes a whole number, not \"http\"", error("-p", "http"));
    assertEquals("--jobs must be between 1 and 200 (got 201)", error("-j", "201"));
    assertTrue(error("--allow", "127.0.0.1/33").contains("invalid mask \"33\""));
    assertTrue(error("--allow", "300.0.0.1").contains("300 is over 255"));
    assertTrue(error("--allow", "example.com").contains("numeric"));
    assertTrue(
        error("--log-level", "loud").contains("critical, error, warning, notice, info, debug"));
    assertEquals("option --inetd takes no value (got \"--inetd=yes\")", error("--inetd=yes"));
    assertTrue(error("gcc").startsWith("unexpected argument \"gcc\""));
    assertTrue(error("--user", "nobody").contains("does not change user"));
    assertTrue(error("--enable-tcp-insecure").contains("only the compilers in its allowed list"));
    assertTrue(error("--stats", "--stats-port", "3632").contains("is the job port"));
    assertTrue(error("--allow-compiler", "/usr/bin/gcc").contains("without a directory"));
    assertTrue(error("--max-size", "lots").startsWith("--max-size: invalid size"));
  }

  @Test
  void enableTcpInsecure_isAcceptedWithInetd_becauseDistccsSshClientAlwaysSendsIt()
      throws Exception {
    DaemonOptions o =
        OptionParser.parse(List.of("--inetd", "--enable-tcp-insecure"), Map.of("HOME", "/h"));
    assertEquals(DaemonOptions.Mode.INETD, o.mode());
    assertTrue(
        error("--daemon", "--enable-tcp-insecure")
            .contains("only the compilers in its allowed list"));
  }

  @Test
  void storagePort_isOffByDefault_andRefusedWhereItCannotServe() throws Exception {
    assertEquals(0, parse().storagePort());
    assertEquals(3640, parse("--storage-port", "3640").storagePort());
    assertEquals(3640, parse("--storage-port=3640").storagePort());
    assertEquals(
        "--storage-port 3632 is the job port; give another one", error("--storage-port", "3632"));
    assertEquals(
        "--storage-port 3633 is the stats port; give another one",
        error("--stats", "--storage-port", "3633"));
    assertTrue(error("--inetd", "--storage-port", "3640").contains("--inetd serves one job"));
    assertEquals(
        3640,
        parse("--tls-cert", "/c.pem", "--tls-key", "/k.pem", "--storage-port", "3640")
            .storagePort(),
        "with TLS, the storage port serves HTTPS");
    assertTrue(error("--storage-port", "0").contains("--storage-port"));
    assertTrue(
        error("--max-file-size", "4096").contains("a size without a unit is in G, as in ccache"));
    assertEquals(4000, parse("--max-file-size", "4k").limits().maxBodyLength());
  }

  @Test
  void storageWritersAndReadTokens_needTheStoragePort_andTokensNeedTls() throws Exception {
    assertEquals(List.of(), parse("--storage-port", "3640").storageWriters());
    DaemonOptions o =
        parse(
            "--storage-port",
            "3640",
            "--storage-write-allow",
            "10.1.0.0/16",
            "--storage-write-allow=fd00::7");
    AccessList writers = new AccessList(o.storageWriters(), true);
    assertEquals(2, o.storageWriters().size());
    assertTrue(writers.allows(InetAddress.getByName("10.1.2.3")));
    assertFalse(writers.allows(InetAddress.getByName("10.2.0.1")));
    assertTrue(writers.allows(InetAddress.getByName("fd00::7")));
    assertEquals(
        "--storage-write-allow needs --storage-port: it says who may use the shared cache tier",
        error("--storage-write-allow", "10.1.0.0/16"));
    assertTrue(
        error("--storage-port", "3640", "--storage-write-allow", "10.1.0.0/33")
            .startsWith("--storage-write-allow: "));
    assertEquals(
        "--storage-read-tokens needs --tls-cert and --tls-key: clients prove who they are only"
            + " over TLS",
        error("--storage-port", "3640", "--storage-read-tokens", "/r"));
    assertEquals(
        "--storage-read-tokens needs --storage-port: it says who may use the shared cache tier",
        error("--tls-cert", "/c.pem", "--tls-key", "/k.pem", "--storage-read-tokens", "/r"));
    assertEquals(
        Path.of("/r"),
        parse(
                "--tls-cert",
                "/c.pem",
                "--tls-key",
                "/k.pem",
                "--storage-port",
                "3640",
                "--storage-read-tokens",
                "/r")
            .storageReadTokens());
  }

  @Test
  void tlsOptions_goTogether_orNameWhatIsMissing() throws Exception {
    DaemonOptions o =
        parse(
            "--tls-cert",
            "/c.pem",
            "--tls-key=/k.pem",
            "--tls-client-ca",
            "/ca.pem",
            "--auth-tokens",
            "/t");
    assertEquals(java.nio.file.Path.of("/c.pem"), o.tlsCert());
    assertEquals(java.nio.file.Path.of("/k.pem"), o.tlsKey());
    assertEquals(java.nio.file.Path.of("/ca.pem"), o.tlsClientCa());
    assertEquals(java.nio.file.Path.of("/t"), o.authTokens());
    assertEquals(null, parse().tlsCert());
    assertEquals(
        "--tls-key needs --tls-cert: TLS takes the certificate and its key",
        error("--tls-key", "/k.pem"));
    assertEquals(
        "--tls-cert needs --tls-key: TLS takes the certificate and its key",
        error("--tls-cert", "/c.pem"));
    assertEquals(
        "--auth-tokens needs --tls-cert and --tls-key: clients prove who they are only over TLS",
        error("--auth-tokens", "/t"));
    assertEquals(
        "--tls-client-ca needs --tls-cert and --tls-key: clients prove who they are only over TLS",
        error("--tls-client-ca", "/ca.pem"));
    assertEquals(
        "--tls-cert is for the listening daemon; --inetd jobs arrive through ssh or inetd",
        error("--inetd", "--tls-cert", "/c.pem", "--tls-key", "/k.pem"));
  }
}
