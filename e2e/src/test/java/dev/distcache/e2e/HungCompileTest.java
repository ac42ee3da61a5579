package dev.distcache.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.testing.Processes;
import dev.distcache.testing.Run;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A build never waits on the cache: a compile whose compiler hangs holds only itself, a client
 * stopped with Ctrl-C leaves no preprocessor behind, and a server that does not answer is compiled
 * around. Every wait has a hang guard, none a speed limit.
 */
class HungCompileTest {
  private static final long GUARD_SECONDS = 60;

  @TempDir Path tmp;
  Distcache dc;
  private final List<Process> started = new ArrayList<>();
  private Path pids;

  @BeforeEach
  void setUp() {
    dc = new Distcache(tmp.resolve("cache"));
    pids = tmp.resolve("sleepers.pids");
  }

  @AfterEach
  void tearDown() {
    for (Process p : started) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
    sleepers().forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
    // A server that does not answer (the failure these tests look for) is killed, not waited for.
    try {
      guarded("server", "stop");
    } catch (AssertionError e) {
      ProcessHandle.allProcesses()
          .filter(h ->
              h.info()
                  .commandLine()
                  .map(c -> c.endsWith("LocalServerMain " + dc.cacheDir))
                  .orElse(false))
          .forEach(ProcessHandle::destroyForcibly);
    }
    sleepers().forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
    dc.close();
  }

  /**
   * The case: more compiles than the server has carrier threads hang in their compiler, and
   * hits of another file and administration still answer. The server's virtual-thread scheduler is
   * held to two carriers and no spare ones (what a two-CPU machine has once the JDK's compensation
   * for blocking file reads is used up), so that a request thread blocked in a read of a compiler's
   * pipe would stop every other request.
   */
  @Test
  void compilesHeldByAHangingCompiler_doNotStopHitsOrAdministration() throws Exception {
    startServerWithTwoCarriers();
    Distcache.write(tmp.resolve("hit.c"), "int hit(void) { return 7; }\n");
    guarded("gcc", "-c", "hit.c", "-o", "first.o").ok();

    Path sleeper = script("sleepy/gcc", "echo $$ >> " + pids + "\nexec sleep 600\n");
    int hung = Math.max(2, Runtime.getRuntime().availableProcessors()) + 1;
    for (int i = 0; i < hung; i++) {
      Distcache.write(tmp.resolve("slow" + i + ".c"), "int slow" + i + ";\n");
      start(List.of(Distcache.LAUNCHER.toString(), sleeper.toString(), "-c", "slow" + i + ".c"));
    }
    waitFor(() -> sleepers().size() >= hung, 120, "every hanging compile reached its compiler");

    dc.direct(tmp, "gcc", "-c", "hit.c", "-o", "direct.o").ok();
    for (int i = 0; i < 3; i++) {
      guarded("gcc", "-c", "hit.c", "-o", "hit" + i + ".o").ok();
      assertArrayEquals(
          Distcache.read(tmp.resolve("direct.o")), Distcache.read(tmp.resolve("hit" + i + ".o")));
    }
    Run stats = guarded("--print-stats").ok();
    long hits =
        stats
            .out()
            .lines()
            .filter(
                l -> l.startsWith("direct_cache_hit\t") || l.startsWith("preprocessed_cache_hit\t"))
            .mapToLong(l -> Long.parseLong(l.substring(l.indexOf('\t') + 1).trim()))
            .sum();
    assertEquals(3, hits, "the compiles while the others hang were hits, served by the server");
    assertTrue(guarded("server", "status").ok().out().contains("pid"));
    assertEquals(hung, sleepers().size(), "the hanging compiles are still running");
  }

  /**
   * Ctrl-C in a build in preprocessor mode stops the preprocessor the server started, while another
   * compile hangs in its preprocessor too (with the server held to two carrier threads, as above:
   * the thread that notices the hang-up must not wait for a carrier).
   */
  @Test
  void ctrlC_inPreprocessorMode_stopsThePreprocessorTheServerRuns_whileAnotherHangs()
      throws Exception {
    Path gcc = preprocessorThatHangs();
    dc.with("DISTCACHE_NODIRECT", "1");
    startServerWithTwoCarriers();
    Distcache.write(tmp.resolve("other.c"), "int other;\n");
    start(List.of(Distcache.LAUNCHER.toString(), gcc.toString(), "-c", "other.c"));
    waitFor(() -> sleepers().size() == 1, 120, "the other compile reached its preprocessor");
    Distcache.write(tmp.resolve("x.c"), "int x;\n");
    interruptWhileHanging(List.of(Distcache.LAUNCHER.toString(), gcc.toString(), "-c", "x.c"));
    assertFalse(gone(sleepers().get(0)), "the other compile's preprocessor runs on");
  }

  /** Ctrl-C stops the preprocessor the client runs itself ({@code -E} is not cached). */
  @Test
  void ctrlC_stopsThePreprocessorTheClientRunsItself() throws Exception {
    Path gcc = preprocessorThatHangs();
    Distcache.write(tmp.resolve("x.c"), "int x;\n");
    interruptWhileHanging(List.of(Distcache.LAUNCHER.toString(), gcc.toString(), "-E", "x.c"));
  }

  /** A server that accepts and never answers: the client compiles alone, and rightly. */
  @Test
  void serverThatNeverAnswers_theClientCompilesAlone() throws Exception {
    Files.createDirectories(dc.cacheDir);
    Path socket = dc.cacheDir.resolve("server.sock");
    List<SocketChannel> held = new CopyOnWriteArrayList<>();
    try (ServerSocketChannel silent = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      silent.bind(UnixDomainSocketAddress.of(socket));
      Thread acceptor =
          Thread.ofPlatform()
              .daemon()
              .start(() -> {
                try {
                  while (true) {
                    held.add(silent.accept()); // reads nothing, answers nothing, keeps it open
                  }
                } catch (IOException e) {
                  // Closed at the end of the test.
                }
              });
      Distcache.write(
          tmp.resolve("a.c"), "#include <stdio.h>\nint main(void) { puts(\"a\"); return 0; }\n");
      Run r = guarded("gcc", "-c", "a.c", "-o", "a.o");
      assertEquals(0, r.exitCode(), r.err());
      assertEquals("", r.out());
      assertEquals("", r.err(), "a silent server is compiled around without a word");
      assertFalse(held.isEmpty(), "the client did connect to the silent server");
      dc.direct(tmp, "gcc", "-c", "a.c", "-o", "direct.o").ok();
      assertArrayEquals(
          Distcache.read(tmp.resolve("direct.o")), Distcache.read(tmp.resolve("a.o")));
      silent.close();
      acceptor.join(10_000);
    } finally {
      for (SocketChannel ch : held) {
        ch.close();
      }
      Files.deleteIfExists(socket);
    }
  }

  /**
   * A gcc that hangs (writing its pid to the pid file) when asked to preprocess, and compiles
   * otherwise.
   */
  private Path preprocessorThatHangs() throws IOException {
    return script(
        "pp/gcc",
        "for a in \"$@\"; do\n  if [ \"$a\" = -E ]; then echo $$ >> "
            + pids
            + "; exec sleep 300; fi\ndone\nexec /usr/bin/gcc \"$@\"\n");
  }

  /**
   * Runs the client (with the default action for every stopping signal, as in a shell), waits until
   * the preprocessor hangs, sends the client SIGINT, and checks that the preprocessor dies.
   */
  private void interruptWhileHanging(List<String> client) throws Exception {
    String perl =
        "$| = 1; my $pid = fork(); if ($pid == 0) { $SIG{$_} = 'DEFAULT' for qw(INT TERM HUP QUIT);"
            + " exec @ARGV or die \"exec: $!\"; } print \"$pid\\n\"; waitpid($pid, 0); print \"done\\n\";";
    List<String> cmd = new ArrayList<>(List.of("perl", "-e", perl));
    cmd.addAll(client);
    Process p = start(cmd);
    try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
      String pid = out.readLine();
      int before = sleepers().size();
      waitFor(() -> sleepers().size() > before, 120, "the preprocessor started");
      List<Long> hanging = sleepers().subList(before, sleepers().size());
      assertEquals(0, new ProcessBuilder("kill", "-INT", pid).start().waitFor());
      assertEquals("done", out.readLine(), "the client ended");
      waitFor(
          () -> hanging.stream().allMatch(HungCompileTest::gone),
          60,
          "the preprocessor was stopped");
    }
  }

  /**
   * Starts the server with its virtual-thread scheduler held to two carrier threads and no spare
   * ones: a machine with two CPUs once the JDK's compensation for blocking reads is used up.
   */
  private void startServerWithTwoCarriers() {
    dc.with(
        "JDK_JAVA_OPTIONS",
        "-Djdk.virtualThreadScheduler.parallelism=2 -Djdk.virtualThreadScheduler.maxPoolSize=2");
    dc.run(tmp, "server", "start").ok();
    dc.env.remove("JDK_JAVA_OPTIONS");
  }

  private Path script(String name, String body) throws IOException {
    Path file = tmp.resolve(name);
    Distcache.write(file, "#!/bin/sh\n" + body);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    return file;
  }

  private Process start(List<String> cmd) throws IOException {
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .directory(tmp.toFile())
            .redirectError(tmp.resolve("client" + started.size() + ".err").toFile());
    pb.environment().clear();
    pb.environment().putAll(dc.env);
    Process p = pb.start();
    started.add(p);
    return p;
  }

  /** {@code distcache args...}, failing instead of hanging. */
  private Run guarded(String... args) {
    List<String> cmd = new ArrayList<>(List.of(Distcache.LAUNCHER.toString()));
    cmd.addAll(List.of(args));
    return Processes.run(tmp, dc.env, cmd, GUARD_SECONDS);
  }

  private List<Long> sleepers() {
    try {
      return Files.exists(pids)
          ? Files.readAllLines(pids).stream().map(Long::parseLong).toList()
          : List.of();
    } catch (IOException | NumberFormatException e) {
      return List.of();
    }
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

  private static void waitFor(BooleanSupplier condition, int seconds, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + seconds + " s: " + what);
      }
      Thread.sleep(20);
    }
  }
}
