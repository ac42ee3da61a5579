package dev.distcache.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.testing.DistccDaemon;
import dev.distcache.testing.Loopback;
import dev.distcache.testing.Processes;
import dev.distcache.testing.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cache misses sent to real distccd processes on 127.0.0.2 and 127.0.0.3 through bin/distcache with
 * DISTCACHE_HOSTS: the outputs must be those of a local compile, and failures of the hosts must
 * never fail a build.
 */
class RemoteCompileTest {
  static final String MAIN_C =
      "#include <stdio.h>\n#include \"config.h\"\n"
          + "int main(void) { printf(\"%d\\n\", VALUE * SCALE); return 0; }\n";
  static final String BROKEN_C = "int f(void) { return undeclared; }\n";

  /**
   * gcc -c -O2 -DSCALE=3 -I inc -MD main.c -o obj/main.o: -D, -I and -MD must stay on this machine.
   */
  static final String[] FLAGS = {"-O2", "-DSCALE=3", "-I", "inc", "-MD", "-c"};

  @TempDir Path tmp;
  Distcache dc;
  final List<DistccDaemon> daemons = new ArrayList<>();

  @BeforeEach
  void setUp() {
    dc =
        new Distcache(tmp.resolve("cache"))
            .with("DISTCACHE_LOG_FILE", tmp.resolve("server.log").toString());
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    dc.close();
    for (DistccDaemon d : daemons) {
      d.close();
    }
  }

  private DistccDaemon distccd(String address) throws Exception {
    DistccDaemon d = DistccDaemon.start(address, tmp);
    daemons.add(d);
    return d;
  }

  private static Path project(Path dir) {
    Distcache.write(dir.resolve("main.c"), MAIN_C);
    Distcache.write(dir.resolve("inc/config.h"), "#define VALUE 14\n");
    Distcache.write(dir.resolve("obj/.keep"), "");
    return dir;
  }

  private static String[] compile(String object) {
    List<String> cmd = new ArrayList<>(List.of("gcc"));
    cmd.addAll(List.of(FLAGS));
    cmd.addAll(List.of("main.c", "-o", object));
    return cmd.toArray(String[]::new);
  }

  private String serverLog() throws Exception {
    Path log = tmp.resolve("server.log");
    return Files.exists(log) ? Files.readString(log) : "";
  }

  @Test
  void
      aRemoteCompileWithWarnings_isCompiledAgainLocally_soTheDiagnosticsAreTheLocalCompilersExactly()
          throws Exception {
    DistccDaemon d = distccd("127.0.0.2");
    Path src = Files.createDirectories(tmp.resolve("warn"));
    Distcache.write(src.resolve("w.c"), "int f(void) {\n  int unused = 1;\n  return 2;\n}\n");
    dc.with("DISTCACHE_HOSTS", d.host("/2,lzo"));
    Run viaFarm = dc.run(src, "gcc", "-Wall", "-c", "w.c", "-o", "farm.o").ok();
    Run direct = dc.direct(src, "gcc", "-Wall", "-c", "w.c", "-o", "direct.o").ok();

    assertEquals(1, d.jobs("COMPILE_OK"), "the host compiled it first: " + d.log());
    assertTrue(
        direct.err().contains("int unused = 1;"), "gcc shows the source line: " + direct.err());
    assertArrayEquals(direct.stderr(), viaFarm.stderr(), viaFarm.err());
    assertArrayEquals(
        Distcache.read(src.resolve("direct.o")), Distcache.read(src.resolve("farm.o")));
    assertTrue(serverLog().contains("w.c: diagnostics, compiling locally"), serverLog());
  }

  @Test
  void miss_compiledByDistccd_objectAndDepFileIdenticalToLocal_thenAHit() throws Exception {
    String[] suffixes = {"/2", "/2,lzo"};
    for (int i = 0; i < suffixes.length; i++) {
      String suffix = suffixes[i];
      DistccDaemon d = distccd("127.0.0.2");
      Path src = project(tmp.resolve("src" + i));
      Path local = project(tmp.resolve("local" + i));
      Distcache.write(src.resolve("inc/config.h"), "#define VALUE " + (20 + i) + "\n");
      Distcache.write(local.resolve("inc/config.h"), "#define VALUE " + (20 + i) + "\n");
      dc.with("DISTCACHE_HOSTS", d.host(suffix));
      Map<String, Long> before = dc.stats();

      Run miss = dc.run(src, compile("obj/main.o")).ok();
      Run direct = dc.direct(local, compile("obj/main.o")).ok();

      assertEquals(1, d.jobs("COMPILE_OK"), d.log());
      assertEquals(1, dc.stat("remote_compile") - before.getOrDefault("remote_compile", 0L));
      assertArrayEquals(
          Distcache.read(local.resolve("obj/main.o")), Distcache.read(src.resolve("obj/main.o")));
      assertArrayEquals(
          Distcache.read(local.resolve("obj/main.d")), Distcache.read(src.resolve("obj/main.d")));
      assertArrayEquals(direct.stdout(), miss.stdout());
      assertArrayEquals(direct.stderr(), miss.stderr());
      assertTrue(serverLog().contains("remote " + d.host(suffix) + " main.c: ok"), serverLog());

      Files.delete(src.resolve("obj/main.o"));
      Files.delete(src.resolve("obj/main.d"));
      dc.run(src, compile("obj/main.o")).ok();
      assertEquals(1, d.jobs("COMPILE_OK"), "the hit must not be compiled again: " + d.log());
      assertArrayEquals(
          Distcache.read(local.resolve("obj/main.o")), Distcache.read(src.resolve("obj/main.o")));
      assertArrayEquals(
          Distcache.read(local.resolve("obj/main.d")), Distcache.read(src.resolve("obj/main.d")));
    }
  }

  @Test
  void marchNative_resolvedHere_compiledRemotely_objectIdenticalToLocal() throws Exception {
    DistccDaemon d = distccd("127.0.0.2");
    Path src = tmp.resolve("src");
    Path local = tmp.resolve("local");
    // Vectorisable code, so the CPU's options change the object.
    String code =
        "void axpy(int n, float a, const float *x, float *y) { for (int i = 0; i < n; i++) y[i] += a * x[i]; }\n";
    Distcache.write(src.resolve("v.c"), code);
    Distcache.write(local.resolve("v.c"), code);
    dc.with("DISTCACHE_HOSTS", d.host("/2,lzo"));
    for (String[] flags :
        new String[][] {{"-march=native"}, {"-mtune=native"}, {"-march=native", "-mtune=native"}}) {
      List<String> cmd = new ArrayList<>(List.of("gcc", "-O3", "-c"));
      cmd.addAll(List.of(flags));
      cmd.addAll(List.of("v.c", "-o", "v.o"));
      long before = d.jobs("COMPILE_OK");
      dc.run(src, cmd.toArray(String[]::new)).ok();
      dc.direct(local, cmd.toArray(String[]::new)).ok();
      assertEquals(before + 1, d.jobs("COMPILE_OK"), List.of(flags) + ": " + d.log());
      assertArrayEquals(
          Distcache.read(local.resolve("v.o")),
          Distcache.read(src.resolve("v.o")),
          List.of(flags).toString());
    }
    dc.direct(local, "gcc", "-O3", "-c", "v.c", "-o", "generic.o").ok();
    assertTrue(
        !java.util.Arrays.equals(
            Distcache.read(local.resolve("generic.o")), Distcache.read(src.resolve("v.o"))),
        "-march=native must matter for this source, or the test proves nothing");
  }

  @Test
  void mon_showsTheRunningRemoteCompile_withHostAndSlot() throws Exception {
    // distccd's gcc waits for the test's release, so the job runs until mon has been seen to show
    // it: however fast or loaded the machine, the compile cannot end between two polls. distccd
    // runs its compilers as the distcc user, so the wrapper's directories must let others in.
    Path gate = tmp.resolve("gate");
    Path release = gate.resolve("release");
    Path ran = gate.resolve("held-ran");
    Path bin = tmp.resolve("held-bin");
    String wrapper =
        "#!/bin/sh\n"
            + "i=0\n"
            + "while [ ! -e '"
            + release
            + "' ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done\n"
            + "touch '"
            + ran
            + "'\n"
            + "exec /usr/bin/gcc \"$@\"\n";
    // distccd may run the target-qualified name, as Debian's distcc client asks for.
    for (String name : List.of("gcc", "x86_64-linux-gnu-gcc")) {
      Distcache.write(bin.resolve(name), wrapper);
      Files.setPosixFilePermissions(
          bin.resolve(name), PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    Files.createDirectories(gate);
    Files.setPosixFilePermissions(gate, PosixFilePermissions.fromString("rwxrwxrwx"));
    Files.setPosixFilePermissions(bin, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
    DistccDaemon d = DistccDaemon.startWithPathFirst("127.0.0.2", tmp, bin);
    daemons.add(d);
    Path src = tmp.resolve("src");
    Distcache.write(src.resolve("held.c"), "int held(void) { return 7; }\n");
    dc.with("DISTCACHE_HOSTS", d.host("/2"));
    dc.run(src, "server", "start").ok();
    CompletableFuture<Run> compile =
        CompletableFuture.supplyAsync(
            () -> dc.run(src, "gcc", "-O2", "-c", "held.c", "-o", "held.o"));
    String expected = "\tCompile\theld.c\t" + d.host("") + "[0]\n";
    boolean seen = false;
    try {
      while (!seen && !compile.isDone()) {
        seen = dc.run(src, "mon").ok().out().endsWith(expected);
      }
    } finally {
      Distcache.write(release, "");
    }
    compile.get().ok();
    assertTrue(seen, "mon never showed the job while it ran on " + d.host("") + ": " + d.log());
    assertEquals(1, d.jobs("COMPILE_OK"), d.log());
    assertTrue(Files.exists(ran), "distccd ran the held gcc: " + d.log());
    dc.direct(src, "gcc", "-O2", "-c", "held.c", "-o", "direct.o").ok();
    assertArrayEquals(
        Distcache.read(src.resolve("direct.o")),
        Distcache.read(src.resolve("held.o")),
        "the held job's object is gcc's own");
    assertEquals("", dc.run(src, "mon").ok().out(), "no job after the compile");
    Run bad = dc.run(src, "mon", "0");
    assertEquals(1, bad.exitCode(), bad.err());
    assertTrue(bad.err().contains("DELAY must be from 1 to 3600 seconds"), bad.err());
  }

  @Test
  void compileError_retriedLocally_exitCodeAndStderrExactlyGccs() throws Exception {
    DistccDaemon d = distccd("127.0.0.2");
    Path src = tmp.resolve("src");
    Distcache.write(src.resolve("broken.c"), BROKEN_C);
    dc.with("DISTCACHE_HOSTS", d.host("/2"));

    Run r = dc.run(src, "gcc", "-c", "broken.c", "-o", "broken.o");
    Run direct = dc.direct(src, "gcc", "-c", "broken.c", "-o", "broken.o");

    assertEquals(1, direct.exitCode());
    assertEquals(direct.exitCode(), r.exitCode());
    assertArrayEquals(direct.stdout(), r.stdout());
    assertArrayEquals(direct.stderr(), r.stderr(), r.err());
    assertEquals(1, d.jobs("COMPILE_ERROR"), d.log());
    assertEquals(1, dc.stat("remote_compile_error"));
    assertEquals(
        0, dc.stat("remote_host_unreachable"), "a compile error does not back the host off");
  }

  @Test
  void compileError_withSkipLocalRetry_returnsTheRemoteExitCodeAndStderr() throws Exception {
    DistccDaemon d = distccd("127.0.0.2");
    Path src = tmp.resolve("src");
    Distcache.write(src.resolve("broken.c"), BROKEN_C);
    dc.with("DISTCACHE_HOSTS", d.host("/2")).with("DISTCC_SKIP_LOCAL_RETRY", "1");

    Run r = dc.run(src, "gcc", "-c", "broken.c", "-o", "broken.o");
    // What distccd runs: gcc on the preprocessed text, in a directory without the source (so gcc
    // cannot quote the source line under the message, unlike a local compile), in distccd's
    // environment (its locale, not the client's LC_ALL=C: distcc does not forward it either).
    Path elsewhere = tmp.resolve("elsewhere");
    Distcache.write(
        elsewhere.resolve("broken.i"), dc.direct(src, "gcc", "-E", "broken.c").ok().out());
    Run remoteLike =
        Processes.run(
            elsewhere, System.getenv(), List.of("gcc", "-c", "broken.i", "-o", "broken.o"));

    assertEquals(1, r.exitCode());
    assertArrayEquals(remoteLike.stderr(), r.stderr(), r.err());
    assertEquals(1, d.jobs("COMPILE_ERROR"), d.log());
    assertEquals(0, d.jobs("COMPILE_OK"));
    assertTrue(!Files.exists(src.resolve("broken.o")));
  }

  @Test
  void refusedHost_isBackedOff_andTheNextHostOrLocalCompiles() throws Exception {
    DistccDaemon d = distccd("127.0.0.3");
    int nobody = Loopback.freePort("127.0.0.2");
    Path src = project(tmp.resolve("src"));
    Path local = project(tmp.resolve("local"));
    dc.direct(local, compile("obj/main.o")).ok();

    dc.with("DISTCACHE_HOSTS", "127.0.0.2:" + nobody + "/2 " + d.host("/2"));
    dc.run(src, compile("obj/main.o")).ok();
    assertEquals(1, dc.stat("remote_host_unreachable"));
    assertEquals(1, d.jobs("COMPILE_OK"), "the second host compiles: " + d.log());
    assertArrayEquals(
        Distcache.read(local.resolve("obj/main.o")), Distcache.read(src.resolve("obj/main.o")));

    Distcache.write(src.resolve("inc/config.h"), "#define VALUE 15\n");
    dc.run(src, compile("obj/main.o")).ok();
    assertEquals(
        1, dc.stat("remote_host_unreachable"), "backed off: not tried again within the period");
    assertEquals(2, d.jobs("COMPILE_OK"), d.log());

    // Only the refused host: compiled here, the build goes on.
    dc.with("DISTCACHE_HOSTS", "127.0.0.2:" + nobody + "/2").with("DISTCC_BACKOFF_PERIOD", "0");
    Distcache.write(src.resolve("inc/config.h"), "#define VALUE 14\n");
    Distcache.write(src.resolve("main.c"), MAIN_C + "int another_miss;\n");
    Distcache.write(local.resolve("main.c"), MAIN_C + "int another_miss;\n");
    dc.direct(local, compile("obj/main.o")).ok();
    dc.run(src, compile("obj/main.o")).ok();
    assertEquals(2, dc.stat("remote_host_unreachable"), "backoff 0 disables backing off");
    assertEquals(0, dc.hits(), "three different compiles");
    assertEquals(2, d.jobs("COMPILE_OK"), d.log());
    assertArrayEquals(
        Distcache.read(local.resolve("obj/main.o")), Distcache.read(src.resolve("obj/main.o")));
    assertArrayEquals(
        Distcache.read(local.resolve("obj/main.d")), Distcache.read(src.resolve("obj/main.d")));
  }

  @Test
  void distccdKilledDuringMakeJ4_everyCompileSucceedsWithCorrectObjects_secondBuildAllHits()
      throws Exception {
    int n = 8;
    Path src = tmp.resolve("make");
    Path local = tmp.resolve("make-local");
    StringBuilder makefile = new StringBuilder("OBJS =");
    for (int i = 0; i < n; i++) {
      makefile.append(" f").append(i).append(".o");
      StringBuilder c = new StringBuilder("#include <string.h>\n");
      for (int j = 0; j < 150; j++) {
        c.append("int f")
            .append(i)
            .append('_')
            .append(j)
            .append("(const char *s) { int h = ")
            .append(j)
            .append("; for (size_t k = 0; k < strlen(s); k++) h = h * 31 + s[k] * ")
            .append(i + 1)
            .append("; return h; }\n");
      }
      Distcache.write(src.resolve("f" + i + ".c"), c.toString());
      Distcache.write(local.resolve("f" + i + ".c"), c.toString());
    }
    makefile.append("\nall: $(OBJS)\n%.o: %.c\n\t$(CC) -O2 -c $< -o $@\nclean:\n\trm -f $(OBJS)\n");
    Distcache.write(src.resolve("Makefile"), makefile.toString());
    Distcache.write(local.resolve("Makefile"), makefile.toString());
    dc.direct(local, "make", "-j2", "CC=gcc").ok();

    DistccDaemon d = distccd("127.0.0.2");
    dc.with("DISTCACHE_HOSTS", d.host("/4,lzo"));
    CompletableFuture<Run> build =
        CompletableFuture.supplyAsync(
            () -> dc.exec(src, "make", "-j4", "CC=" + Distcache.LAUNCHER + " gcc"));
    while (!build.isDone() && d.jobs("COMPILE_OK") == 0) {
      Thread.sleep(10);
    }
    d.kill();
    build.get().ok();

    for (int i = 0; i < n; i++) {
      assertArrayEquals(
          Distcache.read(local.resolve("f" + i + ".o")),
          Distcache.read(src.resolve("f" + i + ".o")),
          "f" + i + ".o");
    }
    Map<String, Long> first = dc.stats();
    assertEquals(n, first.get("cache_miss"), first.toString());
    assertTrue(first.getOrDefault("remote_compile", 0L) >= 1, first.toString());
    assertTrue(
        first.getOrDefault("remote_job_failed", 0L)
                + first.getOrDefault("remote_host_unreachable", 0L)
            >= 1,
        "the kill must have cut jobs or refused connections: " + first);

    dc.exec(src, "make", "clean").ok();
    dc.exec(src, "make", "-j4", "CC=" + Distcache.LAUNCHER + " gcc").ok();
    Map<String, Long> second = dc.stats();
    long hitsBefore =
        first.getOrDefault("direct_cache_hit", 0L)
            + first.getOrDefault("preprocessed_cache_hit", 0L);
    assertEquals(
        n,
        second.get("direct_cache_hit") + second.get("preprocessed_cache_hit") - hitsBefore,
        second.toString());
    assertEquals(n, second.get("cache_miss"), "no new misses: " + second);
    for (int i = 0; i < n; i++) {
      assertArrayEquals(
          Distcache.read(local.resolve("f" + i + ".o")),
          Distcache.read(src.resolve("f" + i + ".o")));
    }
  }
}
