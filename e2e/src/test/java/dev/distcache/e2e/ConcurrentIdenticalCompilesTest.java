package dev.distcache.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.testing.Processes;
import dev.distcache.testing.RemoteDaemon;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two builds that compile the same file at the same time (two checkouts of one tree, or one file
 * built for two targets) run the compiler once: the second request waits for the first one's result
 * instead of compiling again. The compiler is gcc behind a script that makes the compile (not the
 * preprocessor) slow and writes a line for every compile it runs.
 */
class ConcurrentIdenticalCompilesTest {
  private static final String SOURCE =
      "#include <stdio.h>\nint main(void) { puts(\"same\"); return 0; }\n";

  @TempDir Path tmp;
  private final List<Process> started = new ArrayList<>();

  @AfterEach
  void tearDown() {
    for (Process p : started) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
  }

  @Test
  void theSameCompileFromTwoCheckoutsAtOnce_runsTheCompilerOnce_andBothGetGccsObject()
      throws Exception {
    Path compiles = tmp.resolve("compiles");
    Path gcc = tmp.resolve("slow/gcc");
    Distcache.write(
        gcc,
        "#!/bin/sh\n"
            + "for a in \"$@\"; do [ \"$a\" = -E ] && exec /usr/bin/gcc \"$@\"; done\n"
            + "echo compile >> "
            + compiles
            + "\nsleep 5\nexec /usr/bin/gcc \"$@\"\n");
    Files.setPosixFilePermissions(gcc, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path a = tmp.resolve("a");
    Path b = tmp.resolve("b");
    Distcache.write(a.resolve("x.c"), SOURCE);
    Distcache.write(b.resolve("x.c"), SOURCE);
    Path log = tmp.resolve("distcache.log");

    try (Distcache dc =
        new Distcache(tmp.resolve("cache")).with("DISTCACHE_LOGFILE", log.toString())) {
      dc.run(tmp, "server", "start").ok();
      Process first = start(dc, a, gcc);
      waitFor(() -> lines(compiles) == 1, "the first compile runs");
      Process second = start(dc, b, gcc);
      waitFor(
          () -> Files.exists(log) && read(log).contains("waiting for the compile of"),
          "the second request waits for it");

      assertTrue(first.waitFor(120, TimeUnit.SECONDS), "the first client ends");
      assertTrue(second.waitFor(120, TimeUnit.SECONDS), "the second client ends");
      assertEquals(0, first.exitValue(), read(tmp.resolve("a.err")));
      assertEquals(0, second.exitValue(), read(tmp.resolve("b.err")));
      assertEquals("", read(tmp.resolve("b.err")), "the waiter's stderr is gcc's: empty");
      assertEquals(1, lines(compiles), "gcc compiled once");
      assertEquals(1, dc.stat("deduplicated_compile"), dc.stats().toString());
      assertEquals(1, dc.stat("cache_miss"), dc.stats().toString());

      dc.direct(a, "/usr/bin/gcc", "-c", "x.c", "-o", "plain.o").ok();
      byte[] plain = Distcache.read(a.resolve("plain.o"));
      assertArrayEquals(plain, Distcache.read(a.resolve("x.o")), "the compiling request's");
      assertArrayEquals(plain, Distcache.read(b.resolve("x.o")), "the waiting request's");
    }
  }

  /**
   * The daemon's case: two stock distcc clients send the same job at once; the daemon compiles it
   * once (its gcc is the slow one), answers both, and counts the waiter on its stats page.
   */
  @Test
  void theSameJobFromTwoDistccClientsAtOnce_isCompiledOnceByTheDaemon() throws Exception {
    Path compiles = tmp.resolve("compiles");
    Path gcc = tmp.resolve("slow/gcc");
    Distcache.write(
        gcc, "#!/bin/sh\necho compile >> " + compiles + "\nsleep 5\nexec /usr/bin/gcc \"$@\"\n");
    Files.setPosixFilePermissions(gcc, PosixFilePermissions.fromString("rwxr-xr-x"));
    // distcc 3.4 sends gcc under its target-triple name.
    String triple =
        Processes.run(tmp, Map.of("PATH", System.getenv("PATH")), List.of("gcc", "-dumpmachine"))
            .ok()
            .out()
            .strip();
    Files.createSymbolicLink(gcc.resolveSibling(triple + "-gcc"), gcc);
    Path a = tmp.resolve("a");
    Path b = tmp.resolve("b");
    Distcache.write(a.resolve("x.c"), SOURCE);
    Distcache.write(b.resolve("x.c"), SOURCE);

    try (RemoteDaemon daemon =
        RemoteDaemon.on("127.0.0.2", tmp.resolve("daemon"))
            .allowGccAndGxx()
            .env("PATH", gcc.getParent() + ":" + System.getenv("PATH"))
            .stats()
            .start()) {
      String hosts = "127.0.0.2:" + daemon.port + "/4";
      Process first = startDistcc(a, DistccSources.distccEnv(tmp.resolve("state-a"), hosts));
      waitFor(() -> lines(compiles) == 1, "the daemon compiles the first job");
      Process second = startDistcc(b, DistccSources.distccEnv(tmp.resolve("state-b"), hosts));

      assertTrue(first.waitFor(120, TimeUnit.SECONDS), "the first client ends");
      assertTrue(second.waitFor(120, TimeUnit.SECONDS), "the second client ends");
      assertEquals(0, first.exitValue(), read(tmp.resolve("a.err")));
      assertEquals(0, second.exitValue(), read(tmp.resolve("b.err")));
      List<String> summaries = daemon.awaitSummaries(2);
      assertTrue(
          summaries.stream().allMatch(l -> l.contains(" COMPILE_OK ")), summaries.toString());
      assertEquals(1, lines(compiles), "the daemon's gcc compiled once: " + summaries);
      assertTrue(daemon.statsPage().contains("\ndcc_cache_deduplicated 1\n"), daemon.statsPage());

      Processes.run(
              a,
              Map.of("PATH", System.getenv("PATH"), "LC_ALL", "C"),
              List.of("/usr/bin/gcc", "-c", "x.c", "-o", "plain.o"))
          .ok();
      byte[] plain = Distcache.read(a.resolve("plain.o"));
      assertArrayEquals(plain, Distcache.read(a.resolve("x.o")), "the compiled job's");
      assertArrayEquals(plain, Distcache.read(b.resolve("x.o")), "the waiting job's");
    }
  }

  private Process startDistcc(Path dir, Map<String, String> env) throws IOException {
    ProcessBuilder pb =
        new ProcessBuilder("distcc", "gcc", "-c", "x.c", "-o", "x.o")
            .directory(dir.toFile())
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(tmp.resolve(dir.getFileName() + ".err").toFile());
    pb.environment().clear();
    pb.environment().putAll(env);
    Process p = pb.start();
    started.add(p);
    return p;
  }

  private Process start(Distcache dc, Path dir, Path gcc) throws IOException {
    ProcessBuilder pb =
        new ProcessBuilder(Distcache.LAUNCHER.toString(), gcc.toString(), "-c", "x.c", "-o", "x.o")
            .directory(dir.toFile())
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(tmp.resolve(dir.getFileName() + ".err").toFile());
    pb.environment().clear();
    pb.environment().putAll(dc.env);
    Process p = pb.start();
    started.add(p);
    return p;
  }

  private static int lines(Path file) {
    return Files.exists(file) ? read(file).split("\n", -1).length - 1 : 0;
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      return "";
    }
  }

  private static void waitFor(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "timed out: " + what);
      Thread.sleep(20);
    }
  }
}
