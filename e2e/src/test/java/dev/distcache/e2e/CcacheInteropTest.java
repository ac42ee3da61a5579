package dev.distcache.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.testing.Processes;
import dev.distcache.testing.Run;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * distcache together with Debian's ccache: under it as CCACHE_PREFIX (as Gentoo users stack them),
 * and as masquerade directories on PATH in either order, which must end at the real compiler
 * instead of looping.
 */
class CcacheInteropTest {
  static final Path CCACHE = Path.of("/usr/bin/ccache");

  /** A wrapper loop spawns processes without end; anything this slow is a hang, not a build. */
  static final long LOOP_LIMIT_SECONDS = 90;

  static final String FOO_C = "#include <stdio.h>\nint foo(void) { return printf(\"foo\\n\"); }\n";
  static final String BAR_CXX =
      "#include <string>\n#include <vector>\n"
          + "int bar() { std::vector<std::string> v{\"a\", \"bc\"}; return (int) v[1].size(); }\n";
  static final String WARNS_C = CompileTest.WARNS_C;
  static final String BROKEN_C = CompileTest.BROKEN_C;

  @TempDir Path tmp;
  Path src;
  Distcache dc;

  @BeforeEach
  void setUp() {
    src = tmp.resolve("src");
    dc = new Distcache(tmp.resolve("cache"));
    assertTrue(Files.isExecutable(CCACHE), CCACHE + " is not installed");
  }

  @AfterEach
  void tearDown() {
    dc.close();
  }

  @Test
  void ccacheWithDistcachePrefix_buildsIdenticalObjects_andDistcacheSeesTheMisses() {
    Distcache.write(src.resolve("foo.c"), FOO_C);
    Distcache.write(src.resolve("bar.cpp"), BAR_CXX);
    Map<String, String> env = ccacheEnv(true);
    dc.direct(src, "gcc", "-O2", "-c", "foo.c", "-o", "foo-direct.o").ok();
    dc.direct(src, "g++", "-O2", "-c", "bar.cpp", "-o", "bar-direct.o").ok();

    Run foo = run(env, "ccache", "gcc", "-O2", "-c", "foo.c", "-o", "foo.o").ok();
    Run bar = run(env, "ccache", "g++", "-O2", "-c", "bar.cpp", "-o", "bar.o").ok();
    assertEquals("", foo.out() + foo.err());
    assertEquals("", bar.out() + bar.err());
    assertArrayEquals(
        Distcache.read(src.resolve("foo-direct.o")), Distcache.read(src.resolve("foo.o")));
    assertArrayEquals(
        Distcache.read(src.resolve("bar-direct.o")), Distcache.read(src.resolve("bar.o")));
    Map<String, Long> afterMisses = dc.stats();
    assertEquals(
        2,
        afterMisses.get("cache_miss"),
        "ccache runs its prefix for the real compile: " + afterMisses);
    assertEquals(
        0,
        afterMisses.getOrDefault("preprocessed_cache_hit", 0L)
            + afterMisses.getOrDefault("direct_cache_hit", 0L));
    assertEquals(
        0,
        afterMisses.getOrDefault("called_for_preprocessing", 0L),
        "ccache preprocesses without its prefix (that would be prefix_command_cpp)");
    assertEquals(2, ccacheStats(env).getOrDefault("cache_miss", 0L), "ccache's own misses");

    delete(src.resolve("foo.o"), src.resolve("bar.o"));
    run(env, "ccache", "gcc", "-O2", "-c", "foo.c", "-o", "foo.o").ok();
    run(env, "ccache", "g++", "-O2", "-c", "bar.cpp", "-o", "bar.o").ok();
    assertArrayEquals(
        Distcache.read(src.resolve("foo-direct.o")), Distcache.read(src.resolve("foo.o")));
    assertArrayEquals(
        Distcache.read(src.resolve("bar-direct.o")), Distcache.read(src.resolve("bar.o")));
    Map<String, Long> ccache = ccacheStats(env);
    assertEquals(
        2,
        ccache.getOrDefault("direct_cache_hit", 0L)
            + ccache.getOrDefault("preprocessed_cache_hit", 0L),
        "ccache answers the second round itself: " + ccache);
    assertEquals(
        counters(afterMisses), counters(dc.stats()), "distcache must not be called on ccache hits");
  }

  @Test
  void ccacheWithDistcachePrefix_warningsAndErrorsPassThroughUnchanged() {
    Distcache.write(src.resolve("w.c"), WARNS_C);
    Distcache.write(src.resolve("bad.c"), BROKEN_C);
    Map<String, String> env = ccacheEnv(true);

    Run direct = dc.direct(src, "gcc", "-Wall", "-c", "w.c", "-o", "w.o");
    assertEquals(0, direct.exitCode());
    assertTrue(direct.err().contains("unused variable"), direct.err());
    byte[] directObject = Distcache.read(src.resolve("w.o"));
    delete(src.resolve("w.o"));
    Run miss = run(env, "ccache", "gcc", "-Wall", "-c", "w.c", "-o", "w.o");
    assertEquals(1, dc.stat("cache_miss"), "the warning compile went through distcache");
    Run hit = run(env, "ccache", "gcc", "-Wall", "-c", "w.c", "-o", "w.o");
    for (Run r : List.of(miss, hit)) {
      assertEquals(direct.exitCode(), r.exitCode());
      assertEquals(direct.out(), r.out());
      assertEquals(direct.err(), r.err());
    }
    assertArrayEquals(directObject, Distcache.read(src.resolve("w.o")));

    Run directError = dc.direct(src, "gcc", "-c", "bad.c", "-o", "bad.o");
    assertNotEquals(0, directError.exitCode());
    assertTrue(directError.err().contains("undeclared"), directError.err());
    for (int i = 0; i < 2; i++) {
      Run stacked = run(env, "ccache", "gcc", "-c", "bad.c", "-o", "bad.o");
      assertEquals(directError.exitCode(), stacked.exitCode());
      assertEquals(directError.out(), stacked.out());
      assertEquals(directError.err(), stacked.err());
      assertFalse(Files.exists(src.resolve("bad.o")));
    }
    assertEquals(
        2, dc.stat("compile_failed"), "ccache does not cache failures, so both reached distcache");
  }

  @Test
  void distcacheMasqueradeAfterCcacheMasquerade_onPath_doesNotLoop() {
    Distcache.write(src.resolve("foo.c"), FOO_C);
    Path ccacheDir = ccacheMasquerade(tmp.resolve("ccache-bin"));
    Path distcacheDir = distcacheMasquerade(tmp.resolve("distcache-bin"));
    dc.direct(src, "gcc", "-c", "foo.c", "-o", "direct.o").ok();
    byte[] direct = Distcache.read(src.resolve("direct.o"));

    Map<String, String> ccacheFirst = ccacheEnv(false);
    ccacheFirst.put("PATH", ccacheDir + ":" + distcacheDir + ":" + dc.env.get("PATH"));
    Run a = runWithin(ccacheFirst, "gcc", "-c", "foo.c", "-o", "a.o");
    assertEquals(0, a.exitCode(), a.err());
    assertEquals("", a.err());
    assertArrayEquals(direct, Distcache.read(src.resolve("a.o")));
    assertEquals(1, dc.stat("cache_miss"), "ccache's compile went on to distcache: " + dc.stats());
    assertEquals(1, ccacheStats(ccacheFirst).getOrDefault("cache_miss", 0L), "ccache ran first");

    Map<String, String> distcacheFirst = ccacheEnv(false);
    distcacheFirst.put("CCACHE_DIR", tmp.resolve("ccache2").toString());
    distcacheFirst.put("PATH", distcacheDir + ":" + ccacheDir + ":" + dc.env.get("PATH"));
    Run b = runWithin(distcacheFirst, "gcc", "-c", "foo.c", "-o", "b.o");
    assertEquals(0, b.exitCode(), b.err());
    assertEquals("", b.err());
    assertArrayEquals(direct, Distcache.read(src.resolve("b.o")));
    assertEquals(
        2,
        dc.stat("cache_miss"),
        "distcache ran first, with ccache as its compiler: " + dc.stats());
    assertEquals(
        1,
        ccacheStats(distcacheFirst).getOrDefault("cache_miss", 0L),
        "distcache's compile went on to ccache");
  }

  @Test
  void onlyDistcacheOnPath_failsWithAClearError_notALoop() {
    Distcache.write(src.resolve("foo.c"), FOO_C);
    Path distcacheDir = distcacheMasquerade(tmp.resolve("distcache-bin"));
    Map<String, String> env = new HashMap<>(dc.env);
    env.put("PATH", distcacheDir.toString());

    Run r = runWithin(env, "gcc", "-c", "foo.c", "-o", "foo.o");
    assertNotEquals(0, r.exitCode());
    assertTrue(r.err().contains("cannot find the real compiler"), r.err());
    assertFalse(r.err().contains("Exception"), r.err());
    assertFalse(Files.exists(src.resolve("foo.o")));
  }

  @Test
  void noRealCompilerBesideTheMasquerade_failsWithAClearError_notALoop() {
    // PATH as on a machine without gcc: the masquerade directory, then ordinary tools.
    Distcache.write(src.resolve("foo.c"), FOO_C);
    Path distcacheDir = distcacheMasquerade(tmp.resolve("distcache-bin"));
    Path tools = tmp.resolve("tools");
    try {
      Files.createDirectories(tools);
      for (String tool : List.of("readlink", "dirname", "basename", "env", "cat", "sh")) {
        Path real = Path.of("/usr/bin", tool).toRealPath();
        Files.createSymbolicLink(tools.resolve(tool), real);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, String> env = new HashMap<>(dc.env);
    env.put("PATH", distcacheDir + ":" + tools);

    Run r = runWithin(env, "gcc", "-c", "foo.c", "-o", "foo.o");
    assertNotEquals(0, r.exitCode());
    assertTrue(r.err().contains("cannot find the real compiler"), r.err());
    assertFalse(r.err().contains("Exception"), r.err());
    assertFalse(Files.exists(src.resolve("foo.o")));
  }

  // ---------------------------------------------------------------------------------------------

  /**
   * distcache's environment plus a ccache of this test's own, optionally with distcache as prefix.
   */
  private Map<String, String> ccacheEnv(boolean distcacheAsPrefix) {
    Map<String, String> env = new HashMap<>(dc.env);
    env.put("CCACHE_DIR", tmp.resolve("ccache").toString());
    env.put("CCACHE_TEMPDIR", tmp.resolve("ccache-tmp").toString());
    if (distcacheAsPrefix) {
      env.put("CCACHE_PREFIX", Distcache.LAUNCHER.toString());
    }
    return env;
  }

  private Run run(Map<String, String> env, String... cmd) {
    return Processes.run(src, env, List.of(cmd));
  }

  /** ccache's counters, by id, from {@code ccache --print-stats}. */
  private Map<String, Long> ccacheStats(Map<String, String> env) {
    Run r = Processes.run(src, env, List.of(CCACHE.toString(), "--print-stats")).ok();
    Map<String, Long> out = new HashMap<>();
    for (String line : r.out().split("\n")) {
      String[] kv = line.split("\t");
      if (kv.length == 2 && kv[1].trim().matches("\\d+")) {
        out.put(kv[0], Long.parseLong(kv[1].trim()));
      }
    }
    return out;
  }

  /** The counters only: sizes and timestamps may change without a compile. */
  private static Map<String, Long> counters(Map<String, Long> stats) {
    Map<String, Long> out = new HashMap<>(stats);
    out.keySet()
        .removeIf(k -> k.contains("timestamp") || k.contains("size") || k.contains("files"));
    return out;
  }

  /** A ccache masquerade directory as Debian's /usr/lib/ccache: gcc is a link to ccache. */
  private static Path ccacheMasquerade(Path dir) {
    try {
      Files.createDirectories(dir);
      Files.createSymbolicLink(dir.resolve("gcc"), CCACHE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return dir;
  }

  /** {@code distcache install-masquerade DIR}, checked. */
  private Path distcacheMasquerade(Path dir) {
    dc.run(tmp, "install-masquerade", dir.toString()).ok();
    Path gcc = dir.resolve("gcc");
    assertTrue(Files.isSymbolicLink(gcc), "install-masquerade made no gcc link in " + dir);
    try {
      assertEquals(Distcache.masqueradeTarget().toRealPath(), gcc.toRealPath());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return dir;
  }

  /**
   * Runs {@code name args...} found through {@code env}'s PATH by a shell, as make does, and fails
   * (killing what it started) instead of hanging when wrappers call each other without end.
   */
  private Run runWithin(Map<String, String> env, String name, String... args) {
    StringBuilder script = new StringBuilder("exec ").append(name);
    for (String a : args) {
      script.append(" '").append(a.replace("'", "'\\''")).append('\'');
    }
    return Processes.run(src, env, List.of("/bin/sh", "-c", script.toString()), LOOP_LIMIT_SECONDS);
  }

  private static void delete(Path... files) {
    try {
      for (Path f : files) {
        Files.delete(f);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
