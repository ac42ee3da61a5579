package dev.distcache.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.testing.DistccDaemon;
import dev.distcache.testing.Processes;
import dev.distcache.testing.RemoteDaemon;
import dev.distcache.testing.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stock distcc client (Debian's distcc 3.4) compiles through {@code distcache daemon} on
 * 127.0.0.2 in protocols 1, 2 and 3: objects and dependency files byte-identical to local compiles,
 * the daemon's cache serving a second client, compile errors as distcc reports them, and distcc's
 * own fallback when the daemon dies in the middle of a job.
 */
class DaemonCompileTest {
  private static final String ADDRESS = "127.0.0.2";

  @TempDir Path tmp;
  Path src;
  RemoteDaemon daemon;

  @BeforeEach
  void setUp() throws Exception {
    src = tmp.resolve("src");
    DistccSources.write(src);
  }

  @AfterEach
  void tearDown() throws Exception {
    if (daemon != null) {
      daemon.close();
    }
  }

  private RemoteDaemon start() throws Exception {
    daemon = RemoteDaemon.on(ADDRESS, tmp.resolve("daemon")).allowGccAndGxx().stats().start();
    return daemon;
  }

  private String host(String options) {
    return ADDRESS + ":" + daemon.port + options;
  }

  private byte[] local(String compiler, String source, String object, String... flags) {
    List<String> cmd = new ArrayList<>(List.of(compiler));
    cmd.addAll(List.of(flags));
    cmd.addAll(List.of(source, "-o", object));
    Processes.run(src, Map.of("PATH", System.getenv("PATH"), "LC_ALL", "C"), cmd).ok();
    return Distcache.read(src.resolve(object));
  }

  @Test
  void protocols1And2_cAndCxx_objectsAreByteIdenticalToLocalCompiles() throws Exception {
    start();
    int jobs = 0;
    for (String options : List.of("", ",lzo")) {
      Map<String, String> env =
          DistccSources.distccEnv(tmp.resolve("state" + options), host(options));
      for (String[] c :
          List.of(new String[] {"gcc", "hello.c"}, new String[] {"g++", "hello.cpp"})) {
        String object = c[1] + options.replace(",", "-") + ".o";
        DistccSources.distcc(src, env, c[0], "-c", "-O2", "-DX", "-Iinc", c[1], "-o", object).ok();
        jobs++;
        assertArrayEquals(
            local(c[0], c[1], "local.o", "-c", "-O2", "-DX", "-Iinc"),
            Distcache.read(src.resolve(object)),
            c[1] + " over protocol " + (options.isEmpty() ? 1 : 2));
      }
    }
    List<String> lines = daemon.awaitSummaries(jobs);
    assertTrue(
        lines.stream().allMatch(l -> l.contains(" COMPILE_OK exit:0 sig:0 core:0 ret:0 ")),
        lines.toString());
    assertTrue(lines.get(0).endsWith(" hello.c cache:miss"), lines.get(0));
    // protocol 2 asks for what protocol 1 stored: the key does not hold the protocol version
    assertTrue(lines.get(2).endsWith(" hello.c cache:hit"), lines.get(2));
    assertTrue(lines.get(3).endsWith(" hello.cpp cache:hit"), lines.get(3));
  }

  /**
   * With -g, protocols 1 and 2 compile the client's preprocessed text, whose columns differ from
   * the source's wherever a macro was expanded, so gcc's DW_AT_decl_column differs from a local
   * compile's; stock distccd gives the very same object, which is what this checks.
   */
  @Test
  void protocols1And2_withDebugInfo_objectsAreByteIdenticalToStockDistccds() throws Exception {
    start();
    try (DistccDaemon distccd =
        DistccDaemon.start("127.0.0.3", tmp.resolve("distccd"), "127.0.0.1", false)) {
      int port = distccd.port;
      for (String options : List.of("", ",lzo")) {
        for (String[] c :
            List.of(new String[] {"gcc", "hello.c"}, new String[] {"g++", "hello.cpp"})) {
          DistccSources.distcc(
                  src,
                  DistccSources.distccEnv(tmp.resolve("s1" + options), host(options)),
                  c[0],
                  "-c",
                  "-O2",
                  "-g",
                  "-DX",
                  "-Iinc",
                  c[1],
                  "-o",
                  "ours.o")
              .ok();
          DistccSources.distcc(
                  src,
                  DistccSources.distccEnv(
                      tmp.resolve("s2" + options), "127.0.0.3:" + port + options),
                  c[0],
                  "-c",
                  "-O2",
                  "-g",
                  "-DX",
                  "-Iinc",
                  c[1],
                  "-o",
                  "stock.o")
              .ok();
          assertArrayEquals(
              Distcache.read(src.resolve("stock.o")),
              Distcache.read(src.resolve("ours.o")),
              c[1] + " with -g" + options);
        }
      }
    }
  }

  @Test
  void damagedCache_isMovedAside_andTheDaemonStartsEmptyAndCaches() throws Exception {
    Path cache = tmp.resolve("shared-cache");
    daemon =
        RemoteDaemon.on(ADDRESS, tmp.resolve("daemon"))
            .allowGccAndGxx()
            .args("--cache-dir", cache.toString())
            .start();
    Map<String, String> env = DistccSources.distccEnv(tmp.resolve("state"), host(""));
    DistccSources.distcc(src, env, "gcc", "-c", "-O2", "-DX", "-Iinc", "hello.c", "-o", "first.o")
        .ok();
    daemon.awaitSummaries(1);
    daemon.close();
    Files.writeString(cache.resolve("store/CURRENT"), "garbage\n");

    daemon =
        RemoteDaemon.on(ADDRESS, tmp.resolve("daemon2"))
            .allowGccAndGxx()
            .args("--cache-dir", cache.toString())
            .start();
    env = DistccSources.distccEnv(tmp.resolve("state2"), host(""));
    for (String object : List.of("a.o", "b.o")) {
      DistccSources.distcc(src, env, "gcc", "-c", "-O2", "-DX", "-Iinc", "hello.c", "-o", object)
          .ok();
      assertArrayEquals(
          local("gcc", "hello.c", "local.o", "-c", "-O2", "-DX", "-Iinc"),
          Distcache.read(src.resolve(object)));
    }
    List<String> lines = daemon.awaitSummaries(2);
    assertTrue(lines.get(0).endsWith(" hello.c cache:miss"), lines.get(0));
    assertTrue(
        lines.get(1).endsWith(" hello.c cache:hit"), "the fresh store works: " + lines.get(1));
    assertTrue(
        daemon.log().contains("store.broken-"),
        "the log says where the damaged store went: " + daemon.log());
    try (var files = Files.list(cache)) {
      List<Path> broken =
          files.filter(f -> f.getFileName().toString().startsWith("store.broken-")).toList();
      assertEquals(1, broken.size(), broken.toString());
      assertEquals("garbage\n", Files.readString(broken.get(0).resolve("CURRENT")));
    }
  }

  @Test
  void protocol3_pumpMode_objectsAndDependencyFilesAreByteIdenticalToLocalCompiles()
      throws Exception {
    start();
    List<Path> mirrors = new ArrayList<>();
    try {
      for (String[] c :
          List.of(new String[] {"gcc", "hello.c"}, new String[] {"g++", "hello.cpp"})) {
        Path top = Files.createTempDirectory(Path.of("/tmp"), "distcc-mirror");
        mirrors.add(top);
        String stub =
            DistccSources.pumpStub(top, List.of(src.resolve(c[1]), src.resolve("inc/greet.h")));
        Map<String, String> env =
            DistccSources.distccEnv(tmp.resolve("pump-" + c[1]), host(",cpp,lzo"));
        env.put("INCLUDE_SERVER_STUB", stub);
        Run run =
            DistccSources.distcc(
                    src, env, c[0], "-c", "-O2", "-g", "-DX", "-Iinc", "-MD", c[1], "-o", "pump.o")
                .ok();
        byte[] object = Distcache.read(src.resolve("pump.o"));
        byte[] deps = Distcache.read(src.resolve("pump.d"));
        assertArrayEquals(
            local(c[0], c[1], "pump.o", "-c", "-O2", "-g", "-DX", "-Iinc", "-MD"),
            object,
            c[1] + " in pump mode: " + run.err());
        assertEquals(
            Files.readString(src.resolve("pump.d")),
            new String(deps),
            "the dependency file names the" + " client's paths, as a local compile's does");
      }
      List<String> lines = daemon.awaitSummaries(2);
      assertTrue(
          lines.get(0).contains(" COMPILE_OK ") && lines.get(0).endsWith(" hello.c cache:miss"),
          lines.get(0));
      assertTrue(
          lines.get(1).contains(" COMPILE_OK ") && lines.get(1).endsWith(" hello.cpp cache:miss"),
          lines.get(1));
    } finally {
      for (Path top : mirrors) {
        Processes.run(
                tmp, Map.of("PATH", System.getenv("PATH")), List.of("rm", "-rf", top.toString()))
            .ok();
      }
    }
  }

  @Test
  void aSecondClient_withAFreshDistccDir_inAnotherCheckout_getsTheDaemonsCachedObject()
      throws Exception {
    start();
    Path other = tmp.resolve("elsewhere/checkout");
    DistccSources.write(other);
    DistccSources.distcc(
            src,
            DistccSources.distccEnv(tmp.resolve("client-a"), host(",lzo")),
            "gcc",
            "-c",
            "-O2",
            "-DX",
            "-Iinc",
            "hello.c",
            "-o",
            "a.o")
        .ok();
    daemon.awaitSummaries(1);
    DistccSources.distcc(
            other,
            DistccSources.distccEnv(tmp.resolve("client-b"), host("")),
            "gcc",
            "-c",
            "-O2",
            "-DX",
            "-Iinc",
            "hello.c",
            "-o",
            "b.o")
        .ok();

    List<String> lines = daemon.awaitSummaries(2);
    assertTrue(lines.get(0).endsWith("cache:miss"), lines.get(0));
    assertTrue(lines.get(1).endsWith("hello.c cache:hit"), lines.get(1));
    assertArrayEquals(Distcache.read(src.resolve("a.o")), Distcache.read(other.resolve("b.o")));
    assertArrayEquals(
        local("gcc", "hello.c", "local.o", "-c", "-O2", "-DX", "-Iinc"),
        Distcache.read(other.resolve("b.o")));
    assertEquals(1, daemon.stat("dcc_cache_hits"));
    assertEquals(1, daemon.stat("dcc_cache_misses"));
    assertEquals(1, daemon.stat("dcc_cache_stores"));
    assertEquals(2, daemon.stat("dcc_compile_ok"));
  }

  @Test
  void distcacheWithAnEmptyLocalCache_getsADaemonSideHit_throughDistccAsItsPrefix()
      throws Exception {
    start();
    for (String name : List.of("first", "second")) {
      try (Distcache dc = new Distcache(tmp.resolve("local-cache-" + name))) {
        dc.with("DISTCACHE_PREFIX", "distcc");
        DistccSources.distccEnv(tmp.resolve("state-" + name), host("")).forEach(dc::with);
        dc.run(src, "gcc", "-c", "-O2", "-DX", "-Iinc", "hello.c", "-o", name + ".o").ok();
        assertEquals(1, dc.stat("cache_miss"), "each local cache starts empty");
      }
    }
    List<String> lines = daemon.awaitSummaries(2);
    assertTrue(lines.get(0).endsWith(" hello.c cache:miss"), lines.get(0));
    assertTrue(lines.get(1).endsWith(" hello.c cache:hit"), lines.get(1));
    assertArrayEquals(
        local("gcc", "hello.c", "local.o", "-c", "-O2", "-DX", "-Iinc"),
        Distcache.read(src.resolve("second.o")));
  }

  @Test
  void aCompileError_returnsTheCompilersExitCodeAndStderr_andIsNotCached() throws Exception {
    start();
    Map<String, String> env = DistccSources.distccEnv(tmp.resolve("state"), host(",lzo"));
    Run first = DistccSources.distcc(src, env, "gcc", "-c", "broken.c", "-o", "broken.o");
    Run second = DistccSources.distcc(src, env, "gcc", "-c", "broken.c", "-o", "broken.o");

    assertEquals(1, first.exitCode(), first.err());
    // The daemon's locale, not the client's, decides the quotes (as with distccd).
    assertTrue(
        first.err().matches("(?s).*broken.c:1:25: error: .undeclared_name. undeclared.*"),
        first.err());
    assertFalse(Files.exists(src.resolve("broken.o")));
    List<String> lines = daemon.awaitSummaries(2);
    for (String line : lines) {
      assertTrue(
          line.contains(" COMPILE_ERROR exit:1 sig:0 core:0 ret:0 ")
              && line.endsWith(" broken.c cache:miss"),
          line);
    }
    assertEquals(withoutDistccsOwnLines(first.err()), withoutDistccsOwnLines(second.err()));
    assertEquals(0, daemon.stat("dcc_cache_stores"));
  }

  private static String withoutDistccsOwnLines(String stderr) {
    return stderr.lines().filter(l -> !l.startsWith("distcc[")).reduce("", (a, b) -> a + b + "\n");
  }

  /**
   * The compiler on the daemon's PATH is a script that says it started and then sleeps, so the
   * daemon is certainly in the middle of the job when it is killed.
   */
  @Test
  void theDaemonKilledMidJob_distccFallsBackToALocalCompile() throws Exception {
    String triple =
        Processes.run(src, Map.of("PATH", System.getenv("PATH")), List.of("gcc", "-dumpmachine"))
            .ok()
            .out()
            .strip();
    Path bin = Files.createDirectories(tmp.resolve("slow-bin"));
    Path started = tmp.resolve("started");
    Path slow = bin.resolve(triple + "-gcc");
    Files.writeString(
        slow,
        "#!/bin/sh\necho $$ > "
            + started
            + "\nsleep 120\nexec /usr/bin/"
            + triple
            + "-gcc \"$@\"\n");
    Files.setPosixFilePermissions(slow, PosixFilePermissions.fromString("rwxr-xr-x"));
    daemon =
        RemoteDaemon.on(ADDRESS, tmp.resolve("daemon"))
            .allowGccAndGxx()
            .env("PATH", bin + ":" + System.getenv("PATH"))
            .start();
    Map<String, String> env = DistccSources.distccEnv(tmp.resolve("state"), host(""));
    env.put("DISTCC_FALLBACK", "1"); // distcc's default: compile locally when the host fails

    CompletableFuture<Run> client =
        CompletableFuture.supplyAsync(() ->
            DistccSources.distcc(
                src, env, "gcc", "-c", "-O2", "-DX", "-Iinc", "hello.c", "-o", "fallback.o"));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!Files.exists(started) && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertTrue(Files.exists(started), "the daemon never started the compiler:\n" + daemon.log());
    ProcessHandle killed = ProcessHandle.of(daemon.pid()).orElseThrow();
    List<ProcessHandle> compilers = killed.descendants().toList(); // the scripts and their sleeps
    killed.destroyForcibly(); // kill -9
    daemon.process.waitFor();
    compilers.forEach(ProcessHandle::destroyForcibly);

    Run run = client.get(120, TimeUnit.SECONDS).ok();
    assertArrayEquals(
        local("gcc", "hello.c", "local.o", "-c", "-O2", "-DX", "-Iinc"),
        Distcache.read(src.resolve("fallback.o")),
        run.err());
    assertTrue(
        run.err().contains("failed to distribute") || run.err().contains("running locally"),
        run.err());

    // The killed daemon's job directory is left behind; the next daemon there removes it. distcc
    // may have tried the host more than once before the kill (it retries a failed attempt), so
    // there can be more than one.
    Path jobs = tmp.resolve("daemon/tmp");
    String killedLog = daemon.log();
    long left = Files.list(jobs).count();
    assertTrue(left >= 1, () -> listing(jobs) + killedLog);
    daemon = RemoteDaemon.on(ADDRESS, tmp.resolve("daemon")).allowGccAndGxx().start();
    assertEquals(0, Files.list(jobs).count(), () -> listing(jobs));
    assertTrue(
        daemon.log().contains("removed " + left + " job directories left in " + jobs),
        () -> daemon.log() + "\nthe killed daemon's log:\n" + killedLog);
  }

  private static String listing(Path dir) {
    try (var entries = Files.walk(dir)) {
      return entries.map(Path::toString).reduce("", (a, b) -> a + b + "\n");
    } catch (java.io.IOException e) {
      return e.toString();
    }
  }
}
