package dev.distcache.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.testing.Run;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local server's life: start-up races, parallel builds, crashes, idling, bad peers, masquerade.
 */
class ServerLifecycleTest {
  @TempDir Path tmp;
  Distcache dc;

  @BeforeEach
  void setUp() {
    dc = new Distcache(tmp.resolve("cache"));
  }

  @AfterEach
  void tearDown() {
    dc.close();
  }

  @Test
  void parallelMakeOfHundredsOfFiles_concurrentFirstUseStartsOneServer_andSecondBuildIsAllHits() {
    Path proj = tmp.resolve("proj");
    int n = 240;
    GeneratedProject.create(proj, n);
    String cc = "CC=" + Distcache.LAUNCHER + " gcc";
    dc.exec(proj, "make", "-s", "-j32", cc).ok();
    assertEquals(1, serverProcesses(), "exactly one server for the cache directory");
    assertEquals(n, dc.stat("cache_miss"));
    Map<String, byte[]> first = GeneratedProject.objects(proj);
    dc.exec(proj, "make", "-s", "clean").ok();
    dc.exec(proj, "make", "-s", "-j32", cc).ok();
    assertEquals(n, dc.hits());
    Map<String, byte[]> second = GeneratedProject.objects(proj);
    dc.exec(proj, "make", "-s", "clean").ok();
    dc.direct(proj, "make", "-s", "-j4", "CC=gcc").ok();
    assertSameFiles(GeneratedProject.objects(proj), first);
    assertSameFiles(GeneratedProject.objects(proj), second);
  }

  @Test
  void serverKilledMidBuild_buildStillSucceedsWithCorrectObjects() throws Exception {
    Path proj = tmp.resolve("proj");
    GeneratedProject.create(proj, 150);
    dc.run(tmp, "server", "start").ok();
    long pid = dc.serverPid().orElseThrow();
    ProcessBuilder pb =
        new ProcessBuilder("make", "-s", "-j4", "CC=" + Distcache.LAUNCHER + " gcc")
            .directory(proj.toFile())
            .redirectErrorStream(true)
            .redirectOutput(tmp.resolve("make.log").toFile());
    pb.environment().clear();
    pb.environment().putAll(dc.env);
    Process make = pb.start();
    waitFor(() -> Files.exists(proj.resolve("obj")) && count(proj.resolve("obj")) >= 20, 120);
    ProcessHandle.of(pid).orElseThrow().destroyForcibly();
    assertTrue(make.waitFor(300, TimeUnit.SECONDS), "make finished");
    assertEquals(0, make.exitValue(), Files.readString(tmp.resolve("make.log")));
    Map<String, byte[]> built = GeneratedProject.objects(proj);
    assertEquals(300, built.size());
    dc.exec(proj, "make", "-s", "clean").ok();
    dc.direct(proj, "make", "-s", "-j4", "CC=gcc").ok();
    assertSameFiles(GeneratedProject.objects(proj), built);
  }

  @Test
  void cacheDirectoryTooLongForASocketPath_stillWorks_withTheSocketElsewhere() {
    Path deep = tmp.resolve("d".repeat(70)).resolve("e".repeat(70)).resolve("cache");
    Distcache longDir = new Distcache(deep);
    try {
      Distcache.write(tmp.resolve("l.c"), "int l;\n");
      longDir.run(tmp, "gcc", "-c", "l.c").ok();
      longDir.run(tmp, "gcc", "-c", "l.c", "-o", "l2.o").ok();
      assertEquals(1, longDir.hits());
      assertFalse(
          Files.exists(deep.resolve("server.sock")), "no socket path over the sockaddr_un limit");
      String status = longDir.run(tmp, "server", "status").ok().out();
      assertTrue(
          status.contains(".sock") && !status.contains(deep.toString() + "/server.sock"), status);
    } finally {
      longDir.close();
    }
  }

  @Test
  void serverExitsAfterIdleTimeout() throws Exception {
    Distcache.write(tmp.resolve("i.c"), "int i;\n");
    dc.with("DISTCACHE_IDLE_TIMEOUT", "2").run(tmp, "gcc", "-c", "i.c").ok();
    long pid = dc.serverPid().orElseThrow();
    ProcessHandle h = ProcessHandle.of(pid).orElseThrow();
    h.onExit().get(60, TimeUnit.SECONDS);
    assertFalse(h.isAlive());
    assertFalse(Files.exists(dc.cacheDir.resolve("server.sock")));
  }

  @Test
  void cacheDirectoryRemovedUnderARunningServer_theOldServerStops_andNeverTakesTheNewServersSocket()
      throws Exception {
    Distcache.write(tmp.resolve("r.c"), "int r;\n");
    dc.run(tmp, "gcc", "-c", "r.c").ok();
    ProcessHandle old = ProcessHandle.of(dc.serverPid().orElseThrow()).orElseThrow();
    dc.exec(tmp, "rm", "-rf", dc.cacheDir.toString()).ok(); // as a user clearing ~/.cache by hand
    dc.run(tmp, "gcc", "-c", "r.c", "-o", "r2.o").ok(); // starts a new server in a new directory
    long fresh = dc.serverPid().orElseThrow();
    assertNotEquals(old.pid(), fresh);
    old.onExit().get(60, TimeUnit.SECONDS); // it finds its socket is not its own, and stops
    assertTrue(
        Files.exists(dc.cacheDir.resolve("server.sock")),
        "the old server removed the new one's socket");
    dc.run(tmp, "gcc", "-c", "r.c", "-o", "r3.o").ok();
    assertEquals(fresh, dc.serverPid().orElseThrow(), "the new server still serves");
    assertEquals(1, dc.hits(), "the new server answered the third compile from its cache");
  }

  @Test
  void serverCannotStart_compileStillSucceedsWithTheRealCompiler() {
    Distcache.write(tmp.resolve("blocker"), "a file where the cache directory should be\n");
    Distcache broken = new Distcache(tmp.resolve("blocker/cache"));
    Distcache.write(tmp.resolve("u.c"), "int u(void) { return 1; }\n");
    Run r = broken.run(tmp, "gcc", "-Wall", "-c", "u.c", "-o", "u1.o");
    Run direct = broken.direct(tmp, "gcc", "-Wall", "-c", "u.c", "-o", "u2.o");
    assertEquals(0, r.exitCode(), r.err());
    assertArrayEquals(direct.stderr(), r.stderr());
    assertArrayEquals(Distcache.read(tmp.resolve("u2.o")), Distcache.read(tmp.resolve("u1.o")));
  }

  @Test
  void malformedAndTruncatedRequests_areDropped_andTheServerKeepsServing() throws Exception {
    Distcache.write(tmp.resolve("g.c"), "int g;\n");
    dc.run(tmp, "gcc", "-c", "g.c").ok();
    Path socket = dc.cacheDir.resolve("server.sock");
    List<byte[]> garbage =
        List.of(
            "garbage that is no frame at all".getBytes(),
            new byte[] {
              'D', 'C', 'S', '1', 0, 0, 0, 1, 'M', 'O', 'D', 'E', 0, 0, 0, 1, 'C', 'W', 'D', ' ',
              0x7f, -1, -1, -1
            },
            new byte[] {
              'D', 'C', 'S', '1', 0, 0, 0, 1, 'M', 'O', 'D', 'E', 0, 0, 0, 1, 'C', 'W', 'D', ' ', 0,
              0, 0, 100, 'x'
            },
            new byte[] {'D', 'C', 'S', '1', 0, 0, 0, 9},
            new byte[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
    for (byte[] g : garbage) {
      try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
        ch.connect(UnixDomainSocketAddress.of(socket));
        ch.write(ByteBuffer.wrap(g));
        ch.shutdownOutput();
        ByteBuffer reply = ByteBuffer.allocate(64);
        assertEquals(-1, ch.read(reply), "the server closes a malformed request without answering");
      }
    }
    long pid = dc.serverPid().orElseThrow();
    dc.run(tmp, "gcc", "-c", "g.c", "-o", "g2.o").ok();
    assertEquals(1, dc.hits());
    assertEquals(pid, dc.serverPid().orElseThrow(), "the same server kept serving");
  }

  @Test
  void silentOrSlowClient_isDroppedAfterTheRequestDeadline_andTheServerStillIdlesOut()
      throws Exception {
    Distcache.write(tmp.resolve("s.c"), "int s;\n");
    dc.with("DISTCACHE_IDLE_TIMEOUT", "3").run(tmp, "gcc", "-c", "s.c").ok();
    long pid = dc.serverPid().orElseThrow();
    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      ch.connect(UnixDomainSocketAddress.of(dc.cacheDir.resolve("server.sock")));
      ch.write(ByteBuffer.wrap(new byte[] {'D', 'C', 'S', '1', 0, 0})); // then nothing more
      long start = System.nanoTime();
      assertEquals(-1, ch.read(ByteBuffer.allocate(16)), "the server hangs up on a silent client");
      long waited = (System.nanoTime() - start) / 1_000_000;
      assertTrue(waited >= 5_000, "not before the deadline: " + waited + " ms");
    }
    ProcessHandle.of(pid).orElseThrow().onExit().get(60, TimeUnit.SECONDS);
  }

  @Test
  void masquerade_findsTheRealCompilerAfterItsOwnDirectory_andHits() throws IOException {
    Path masq = tmp.resolve("masq");
    Files.createDirectories(masq);
    for (String name : List.of("gcc", "cc", "g++")) {
      Files.createSymbolicLink(masq.resolve(name), Distcache.LAUNCHER);
    }
    dc.with("PATH", masq + ":" + dc.env.get("PATH"));
    Distcache.write(tmp.resolve("m.c"), "int m(void) { return 2; }\n");
    dc.exec(tmp, "gcc", "-c", "m.c", "-o", "m1.o").ok();
    dc.exec(tmp, "cc", "-c", "m.c", "-o", "m2.o").ok();
    dc.exec(tmp, masq.resolve("gcc").toString(), "-c", "m.c", "-o", "m3.o").ok();
    dc.direct(tmp, "/usr/bin/gcc", "-c", "m.c", "-o", "direct.o").ok();
    byte[] direct = Distcache.read(tmp.resolve("direct.o"));
    for (String o : List.of("m1.o", "m2.o", "m3.o")) {
      assertArrayEquals(direct, Distcache.read(tmp.resolve(o)), o);
    }
    assertEquals(1, dc.hits(), "gcc twice hits once; cc is keyed as another name");
  }

  @Test
  void masqueradeWithOnlyDistcacheOnPath_failsClearly_withoutLooping() throws IOException {
    Path masq = tmp.resolve("masq");
    Files.createDirectories(masq);
    Files.createSymbolicLink(masq.resolve("gcc"), Distcache.LAUNCHER);
    dc.with("PATH", masq.toString());
    Distcache.write(tmp.resolve("x.c"), "int x;\n");
    Run r = dc.exec(tmp, masq.resolve("gcc").toString(), "-c", "x.c");
    assertNotEquals(0, r.exitCode());
    assertTrue(r.err().contains("cannot find the real compiler \"gcc\""), r.err());
    assertFalse(r.err().contains("Exception"), r.err());
  }

  @Test
  void connectionFromAnotherUser_isClosedWithoutAnswer_evenWhenTheSocketIsOpenToAll()
      throws Exception {
    Distcache.write(tmp.resolve("o.c"), "int o;\n");
    dc.run(tmp, "gcc", "-c", "o.c").ok();
    Path socket = dc.cacheDir.resolve("server.sock");
    for (Path p : List.of(tmp, dc.cacheDir)) {
      Files.setPosixFilePermissions(
          p, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    Files.setPosixFilePermissions(
        socket, java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw-rw-"));
    // A valid "stats" request; the script prints how many reply bytes it got. The server may close
    // before the request is written: a write to the closed socket must not kill perl (SIGPIPE).
    String perl =
        "$SIG{PIPE} = 'IGNORE'; use IO::Socket::UNIX; my $s = IO::Socket::UNIX->new(Type => SOCK_STREAM(), Peer => $ARGV[0])"
            + " or die \"connect: $!\"; print $s \"DCS1\\0\\0\\0\\1MODE\\0\\0\\0\\2CWD \\0\\0\\0\\1/UMSK\\0\\0\\0\\0"
            + "TTYS\\0\\0\\0\\0INVK\\0\\0\\0\\0ARGC\\0\\0\\0\\1ARGV\\0\\0\\0\\5statsENVC\\0\\0\\0\\0END \\0\\0\\0\\0\";"
            + " shutdown($s, 1); my $n = 0; while (my $r = sysread($s, my $b, 4096)) { $n += $r } print $n;";
    Run asOwner = dc.exec(tmp, "perl", "-e", perl, socket.toString()).ok();
    assertTrue(
        Long.parseLong(asOwner.out().trim()) > 100, "the owner gets the stats: " + asOwner.out());
    assertEquals(
        "0",
        String.valueOf(
            ProcessHandle.current().info().user().map(u -> u.equals("root") ? 0 : 1).orElse(1)),
        "this test switches to the user nobody and must run as root (CI does)");
    Run asOther =
        dc.exec(
                tmp,
                "setpriv",
                "--reuid=nobody",
                "--regid=nogroup",
                "--clear-groups",
                "perl",
                "-e",
                perl,
                socket.toString())
            .ok();
    assertEquals("0", asOther.out().trim(), "another user gets no answer");
    dc.run(tmp, "gcc", "-c", "o.c", "-o", "o2.o").ok();
    assertEquals(1, dc.hits(), "the server still serves its owner");
  }

  @Test
  void ctrlC_stopsTheClient_andTheServerStopsTheCompilerItStartedForIt() throws Exception {
    Path pids = tmp.resolve("compiler.pids");
    Path slow = tmp.resolve("slow/gcc"); // a compiler that starts a child and takes ten minutes
    Distcache.write(
        slow, "#!/bin/sh\necho $$ >> " + pids + "\nsleep 600 &\necho $! >> " + pids + "\nwait\n");
    Files.setPosixFilePermissions(
        slow, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    Distcache.write(tmp.resolve("x.c"), "int x;\n");
    // Runs the client with the default action for every stopping signal, prints its pid, then how
    // it ended.
    String perl =
        "$| = 1; my $pid = fork(); if ($pid == 0) { $SIG{$_} = 'DEFAULT' for qw(INT TERM HUP QUIT);"
            + " exec @ARGV or die \"exec: $!\"; } print \"$pid\\n\"; waitpid($pid, 0);"
            + " print(($? & 127) ? 'signal ' . ($? & 127) : 'exit ' . ($? >> 8), \"\\n\");";
    ProcessBuilder pb =
        new ProcessBuilder(
                "perl", "-e", perl, Distcache.LAUNCHER.toString(), slow.toString(), "-c", "x.c")
            .directory(tmp.toFile())
            .redirectError(tmp.resolve("client.err").toFile());
    pb.environment().clear();
    pb.environment().putAll(dc.env);
    Process perlProcess = pb.start();
    try (java.io.BufferedReader out =
        new java.io.BufferedReader(new java.io.InputStreamReader(perlProcess.getInputStream()))) {
      String client = out.readLine();
      waitFor(() -> lines(pids).size() == 2, 120);
      List<Long> compiler = lines(pids).stream().map(Long::parseLong).toList();
      assertEquals(0, new ProcessBuilder("kill", "-INT", client).start().waitFor());

      String ended = out.readLine();
      // The JVM turns SIGINT into exit 130; the native client dies of the signal, as a compiler
      // would.
      assertEquals(
          Distcache.JAVA_CLIENT ? "exit 130" : "signal 2",
          ended,
          Files.readString(tmp.resolve("client.err")));
      waitFor(() -> compiler.stream().allMatch(ServerLifecycleTest::gone), 120);
    } finally {
      perlProcess.destroyForcibly();
    }
    waitFor(
        () ->
            new String(Distcache.read(dc.cacheDir.resolve("server.out")))
                .contains("stopped its compile"),
        120);
    dc.run(tmp, "gcc", "-c", "x.c").ok();
    assertEquals(1, dc.stat("cache_miss"), "the same server compiles on");
    assertEquals(
        0, dc.stat("internal_error"), "a compile cancelled by its client is not an internal error");
  }

  /** Whether a process has exited (a zombie has). */
  private static boolean gone(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      char state = stat.charAt(stat.lastIndexOf(')') + 2);
      return state == 'Z' || state == 'X';
    } catch (IOException e) {
      return true;
    }
  }

  private static List<String> lines(Path file) {
    try {
      return Files.exists(file) ? Files.readAllLines(file) : List.of();
    } catch (IOException e) {
      return List.of();
    }
  }

  private long serverProcesses() {
    String needle = "LocalServerMain " + dc.cacheDir;
    return ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().map(c -> c.endsWith(needle)).orElse(false))
        .count();
  }

  private static void assertSameFiles(Map<String, byte[]> expected, Map<String, byte[]> actual) {
    assertEquals(expected.keySet(), actual.keySet());
    for (Map.Entry<String, byte[]> e : expected.entrySet()) {
      assertArrayEquals(e.getValue(), actual.get(e.getKey()), e.getKey());
    }
  }

  private static long count(Path dir) {
    try (var s = Files.list(dir)) {
      return s.filter(p -> p.toString().endsWith(".o")).count();
    } catch (IOException e) {
      return 0;
    }
  }

  private static void waitFor(java.util.function.BooleanSupplier condition, int seconds)
      throws InterruptedException {
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within " + seconds + " s");
      }
      Thread.sleep(20);
    }
  }
}
