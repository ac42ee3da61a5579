package dev.distcache.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.testing.Processes;
import dev.distcache.testing.Run;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Builds small real projects with real build systems (autotools, CMake, make -j) through distcache
 * twice and once directly, and checks that every generated file is byte for byte what the direct
 * build produces and that the second build is answered from the cache.
 *
 * <p>Objects built with -g embed the directory they were compiled in, so each comparison builds in
 * the very same directory: through distcache, save the outputs, then directly in that place. The
 * projects are under src/test/resources/projects/.
 */
class BuildSystemsTest {
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
  void autotoolsProject_configureAndMake_throughPrefixMode_matchesDirectBuild() {
    Path pristine = project("autotools", tmp.resolve("pristine"));
    dc.direct(pristine, "autoreconf", "-fi").ok();
    assertTrue(
        Files.isExecutable(pristine.resolve("configure")), "autoreconf made no configure script");
    Path work = tmp.resolve("greet");
    String cc = "CC=" + Distcache.LAUNCHER + " gcc";
    List<String> sources = List.of("main.c", "greet.c", "count.c");

    copyTree(pristine, work);
    Map<String, Long> before = dc.stats();
    dc.exec(work, "./configure", cc).ok();
    Map<String, Long> afterConfigure = dc.stats();
    // As in ccache: configure's conftest compiles (-c) are cached, its conftest links are counted
    // as autoconf_test.
    assertTrue(
        delta(before, afterConfigure, "cache_miss") > 0,
        "configure's conftest compiles did not go through the cache: " + afterConfigure);
    assertTrue(
        delta(before, afterConfigure, "autoconf_test") > 0,
        "configure's conftest links did not go through distcache: " + afterConfigure);
    assertTrue(
        new String(Distcache.read(work.resolve("config.log")))
            .contains(Distcache.LAUNCHER.toString()),
        "config.log does not show distcache as CC");
    byte[] configH = Distcache.read(work.resolve("config.h"));

    Run firstMake = dc.exec(work, "make").ok();
    assertTrue(firstMake.out().contains(Distcache.LAUNCHER + " gcc"), firstMake.out());
    Map<String, Long> afterFirst = dc.stats();
    assertEquals(
        sources.size(), delta(afterConfigure, afterFirst, "cache_miss"), afterFirst.toString());
    assertEquals(0, hits(afterConfigure, afterFirst));
    assertEquals(
        1, delta(afterConfigure, afterFirst, "called_for_link"), "make links the program once");
    SortedMap<String, byte[]> missOutputs = files(work, BuildSystemsTest::isAutotoolsOutput);
    String missRun = dc.exec(work, "./greet").ok().out();

    dc.exec(work, "make", "clean").ok();
    assertFalse(Files.exists(work.resolve("main.o")), "make clean left main.o");
    dc.exec(work, "make").ok();
    Map<String, Long> afterSecond = dc.stats();
    assertEquals(sources.size(), hits(afterFirst, afterSecond), afterSecond.toString());
    assertEquals(0, delta(afterFirst, afterSecond, "cache_miss"), afterSecond.toString());
    SortedMap<String, byte[]> hitOutputs = files(work, BuildSystemsTest::isAutotoolsOutput);
    String hitRun = dc.exec(work, "./greet").ok().out();

    deleteTree(work);
    copyTree(pristine, work);
    dc.direct(work, "./configure", "CC=gcc").ok();
    dc.direct(work, "make").ok();
    SortedMap<String, byte[]> direct = files(work, BuildSystemsTest::isAutotoolsOutput);
    String directRun = dc.direct(work, "./greet").ok().out();

    assertArrayEquals(
        Distcache.read(work.resolve("config.h")),
        configH,
        "config.h from a configure run through distcache differs from a direct configure");
    assertEquals(
        List.of(
            ".deps/count.Po", ".deps/greet.Po", ".deps/main.Po", "count.o", "greet.o", "main.o"),
        List.copyOf(direct.keySet()));
    assertSameFiles(direct, missOutputs, "first build through distcache (misses)");
    assertSameFiles(direct, hitOutputs, "second build through distcache (hits)");
    assertEquals("hello from greet (16) [greet 1.0]\n", directRun);
    assertEquals(directRun, missRun);
    assertEquals(directRun, hitRun);
  }

  /** docs/integration/build-systems.md: CMake's compiler launcher runs distcache in prefix mode. */
  @Test
  void cmakeProject_withCompilerLauncher_missesThenHits_andMatchesDirectBuild() {
    Path src = project("cmake", tmp.resolve("src"));
    Path build = tmp.resolve("build");
    int sources = 5;
    List<String> configure =
        List.of(
            "cmake", "-S", src.toString(), "-B", build.toString(), "-DCMAKE_BUILD_TYPE=Release");
    List<String> launcher = new ArrayList<>(configure);
    launcher.add("-DCMAKE_C_COMPILER_LAUNCHER=" + Distcache.LAUNCHER);
    launcher.add("-DCMAKE_CXX_COMPILER_LAUNCHER=" + Distcache.LAUNCHER);
    Processes.run(tmp, dc.env, launcher).ok();

    Map<String, Long> before = dc.stats();
    Run first = Processes.run(build, dc.env, List.of("make", "-j2", "VERBOSE=1")).ok();
    assertTrue(first.out().contains(Distcache.LAUNCHER + " "), first.out());
    Map<String, Long> afterFirst = dc.stats();
    assertEquals(sources, delta(before, afterFirst, "cache_miss"), afterFirst.toString());
    SortedMap<String, byte[]> missOutputs = files(build, BuildSystemsTest::isCmakeOutput);
    Processes.run(build, dc.env, List.of("make", "clean")).ok();
    Processes.run(build, dc.env, List.of("make", "-j2")).ok();
    Map<String, Long> afterSecond = dc.stats();
    assertEquals(sources, hits(afterFirst, afterSecond), afterSecond.toString());
    SortedMap<String, byte[]> hitOutputs = files(build, BuildSystemsTest::isCmakeOutput);

    deleteTree(build);
    Map<String, String> plain = new HashMap<>(dc.env);
    plain.keySet().removeIf(k -> k.startsWith("DISTCACHE_"));
    Processes.run(tmp, plain, configure).ok();
    Processes.run(build, plain, List.of("make", "-j2")).ok();
    SortedMap<String, byte[]> direct = files(build, BuildSystemsTest::isCmakeOutput);
    assertEquals(2 * sources + 1, direct.size(), direct.keySet().toString());
    assertSameFiles(direct, missOutputs, "launcher build (misses)");
    assertSameFiles(direct, hitOutputs, "launcher build (hits)");
  }

  @Test
  void cmakeProject_withMasqueradeFirstOnPath_andResponseFiles_matchesDirectBuild() {
    Path src = project("cmake", tmp.resolve("src"));
    Path masq = installMasquerade(tmp.resolve("masq"));
    Path build = tmp.resolve("build");
    Map<String, String> viaMasquerade = new HashMap<>(dc.env);
    viaMasquerade.put("PATH", masq + ":" + dc.env.get("PATH"));
    viaMasquerade.put("CC", masq.resolve("gcc").toString());
    viaMasquerade.put("CXX", masq.resolve("g++").toString());
    int sources = 5;

    Processes.run(
            tmp,
            viaMasquerade,
            List.of(
                "cmake",
                "-S",
                src.toString(),
                "-B",
                build.toString(),
                "-DCMAKE_BUILD_TYPE=RelWithDebInfo"))
        .ok();
    String cmakeCache = new String(Distcache.read(build.resolve("CMakeCache.txt")));
    assertTrue(
        cmakeCache.contains("CMAKE_C_COMPILER:FILEPATH=" + masq.resolve("gcc") + "\n"),
        "CMake did not keep the masquerade gcc as its C compiler");
    assertTrue(
        cmakeCache.contains("CMAKE_CXX_COMPILER:FILEPATH=" + masq.resolve("g++") + "\n"),
        "CMake did not keep the masquerade g++ as its C++ compiler");

    Map<String, Long> before = dc.stats();
    Run first = Processes.run(build, viaMasquerade, List.of("make", "-j2", "VERBOSE=1")).ok();
    assertCompileLinesUseResponseFiles(first.out(), masq, sources);
    Map<String, Long> afterFirst = dc.stats();
    assertEquals(
        sources,
        delta(before, afterFirst, "cache_miss"),
        "every compile must be cached, which needs the @file includes: " + afterFirst);
    assertEquals(0, hits(before, afterFirst));
    assertEquals(0, delta(before, afterFirst, "preprocessor_error"), afterFirst.toString());
    assertEquals(0, delta(before, afterFirst, "bad_compiler_arguments"), afterFirst.toString());
    assertEquals(1, delta(before, afterFirst, "called_for_link"), "the executable is linked once");
    SortedMap<String, byte[]> missOutputs = files(build, BuildSystemsTest::isCmakeOutput);
    String missRun = Processes.run(build, viaMasquerade, List.of("./report")).ok().out();

    Processes.run(build, viaMasquerade, List.of("make", "clean")).ok();
    assertFalse(
        Files.exists(build.resolve("CMakeFiles/shapes.dir/lib/area.c.o")),
        "make clean left objects");
    Run second = Processes.run(build, viaMasquerade, List.of("make", "-j2", "VERBOSE=1")).ok();
    assertCompileLinesUseResponseFiles(second.out(), masq, sources);
    Map<String, Long> afterSecond = dc.stats();
    assertEquals(sources, hits(afterFirst, afterSecond), afterSecond.toString());
    assertEquals(0, delta(afterFirst, afterSecond, "cache_miss"), afterSecond.toString());
    SortedMap<String, byte[]> hitOutputs = files(build, BuildSystemsTest::isCmakeOutput);
    String hitRun = Processes.run(build, viaMasquerade, List.of("./report")).ok().out();

    // CMake embeds absolute paths, and -g the compile directory: the direct build reuses the
    // same build directory, configured from scratch with the plain compilers.
    deleteTree(build);
    Map<String, String> plain = new HashMap<>(dc.env);
    plain.keySet().removeIf(k -> k.startsWith("DISTCACHE_"));
    plain.put("CC", "gcc");
    plain.put("CXX", "g++");
    Processes.run(
            tmp,
            plain,
            List.of(
                "cmake",
                "-S",
                src.toString(),
                "-B",
                build.toString(),
                "-DCMAKE_BUILD_TYPE=RelWithDebInfo"))
        .ok();
    assertFalse(
        new String(Distcache.read(build.resolve("CMakeCache.txt"))).contains(masq.toString()),
        "the direct build must not use the masquerade directory");
    Processes.run(build, plain, List.of("make", "-j2")).ok();
    SortedMap<String, byte[]> direct = files(build, BuildSystemsTest::isCmakeOutput);
    String directRun = Processes.run(build, plain, List.of("./report")).ok().out();

    assertEquals(
        2 * sources + 1,
        direct.size(),
        "objects, dependency files and the library: " + direct.keySet());
    assertSameFiles(direct, missOutputs, "first build through distcache (misses)");
    assertSameFiles(direct, hitOutputs, "second build through distcache (hits)");
    assertTrue(directRun.startsWith("shapes 2.1: 2x3 rectangle area 6 perimeter 10"), directRun);
    assertEquals(directRun, missRun);
    assertEquals(directRun, hitRun);
  }

  @Test
  void makeWithCcEnvironment_parallelJobs_matchesDirectBuild() {
    Path work = project("make", tmp.resolve("calc"));
    String cc = "CC=" + Distcache.LAUNCHER + " gcc";
    int sources = 8;

    Map<String, Long> before = dc.stats();
    Run first = dc.exec(work, "make", "-j8", cc).ok();
    assertTrue(first.out().contains(Distcache.LAUNCHER + " gcc"), first.out());
    Map<String, Long> afterFirst = dc.stats();
    assertEquals(sources, delta(before, afterFirst, "cache_miss"), afterFirst.toString());
    assertEquals(1, delta(before, afterFirst, "called_for_link"), afterFirst.toString());
    SortedMap<String, byte[]> missOutputs = files(work, BuildSystemsTest::isMakeOutput);
    String missRun = dc.exec(work, "./calc").ok().out();

    dc.exec(work, "make", "clean").ok();
    dc.exec(work, "make", "-j8", cc).ok();
    Map<String, Long> afterSecond = dc.stats();
    assertEquals(sources, hits(afterFirst, afterSecond), afterSecond.toString());
    assertEquals(0, delta(afterFirst, afterSecond, "cache_miss"), afterSecond.toString());
    SortedMap<String, byte[]> hitOutputs = files(work, BuildSystemsTest::isMakeOutput);
    String hitRun = dc.exec(work, "./calc").ok().out();

    dc.direct(work, "make", "clean").ok();
    dc.direct(work, "make", "-j8", "CC=gcc").ok();
    SortedMap<String, byte[]> direct = files(work, BuildSystemsTest::isMakeOutput);
    String directRun = dc.direct(work, "./calc").ok().out();

    assertEquals(
        2 * sources,
        direct.size(),
        "an object and a dependency file per source: " + direct.keySet());
    assertSameFiles(direct, missOutputs, "first make -j8 through distcache (misses)");
    assertSameFiles(direct, hitOutputs, "second make -j8 through distcache (hits)");
    assertTrue(directRun.contains("pow(7, 3) = 343\n"), directRun);
    assertEquals(directRun, missRun);
    assertEquals(directRun, hitRun);
  }

  // ---------------------------------------------------------------------------------------------

  /** Runs {@code distcache install-masquerade DIR} and checks the links it made. */
  private Path installMasquerade(Path dir) {
    dc.run(tmp, "install-masquerade", dir.toString()).ok();
    for (String name : List.of("gcc", "g++", "cc", "c++")) {
      Path link = dir.resolve(name);
      assertTrue(Files.isSymbolicLink(link), "install-masquerade made no link " + link);
      try {
        assertEquals(
            Distcache.masqueradeTarget().toRealPath(),
            link.toRealPath(),
            link + " does not lead to distcache");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return dir;
  }

  /** Every compile line in make's VERBOSE output uses the masquerade compiler and an @file. */
  private static void assertCompileLinesUseResponseFiles(
      String makeOutput, Path masq, int sources) {
    List<String> compiles =
        makeOutput
            .lines()
            .filter(l -> l.contains(masq.toString()) && l.contains(" -c "))
            .collect(Collectors.toList());
    assertEquals(sources, compiles.size(), "compile lines through the masquerade:\n" + makeOutput);
    for (String line : compiles) {
      assertTrue(
          line.matches(".*\\s@CMakeFiles/\\S+/includes_(C|CXX)\\.rsp\\s.*"),
          "no include response file on: " + line);
      assertFalse(
          line.contains(" -I"),
          "include directories on the command line instead of an @file: " + line);
    }
    assertTrue(
        makeOutput
            .lines()
            .anyMatch(l ->
                l.contains(masq.resolve("g++").toString())
                    && l.contains("@CMakeFiles/report.dir/objects")
                    && l.contains("-o report")),
        "the link does not use an objects response file:\n" + makeOutput);
  }

  private static boolean isAutotoolsOutput(String rel) {
    return rel.matches("[^/]+\\.o") || rel.matches("\\.deps/[^/]+\\.Po");
  }

  private static boolean isCmakeOutput(String rel) {
    return rel.matches("CMakeFiles/(shapes|report)\\.dir/.+\\.o(\\.d)?")
        || rel.equals("libshapes.a");
  }

  private static boolean isMakeOutput(String rel) {
    return rel.matches("obj/[^/]+\\.[od]");
  }

  private static long delta(Map<String, Long> before, Map<String, Long> after, String id) {
    return after.getOrDefault(id, 0L) - before.getOrDefault(id, 0L);
  }

  /** Hits of either mode between two snapshots (see Distcache.hits). */
  private static long hits(Map<String, Long> before, Map<String, Long> after) {
    return delta(before, after, "direct_cache_hit")
        + delta(before, after, "preprocessed_cache_hit");
  }

  /** A project from src/test/resources/projects/, copied to {@code dest}. */
  private Path project(String name, Path dest) {
    URL url = BuildSystemsTest.class.getResource("/projects/" + name);
    if (url == null) {
      throw new AssertionError("test resource /projects/" + name + " is missing");
    }
    try {
      copyTree(Path.of(url.toURI()), dest);
    } catch (URISyntaxException e) {
      throw new AssertionError(e);
    }
    return dest;
  }

  /** {@code cp -a}: keeps modification times, which make and automake's rebuild rules look at. */
  private void copyTree(Path from, Path to) {
    dc.direct(tmp, "cp", "-a", from.toString(), to.toString()).ok();
  }

  private void deleteTree(Path dir) {
    dc.direct(tmp, "rm", "-rf", dir.toString()).ok();
    assertFalse(Files.exists(dir));
  }

  /** The files under {@code root} whose relative path matches, with their bytes, sorted by path. */
  static SortedMap<String, byte[]> files(Path root, Predicate<String> wanted) {
    SortedMap<String, byte[]> out = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      walk.filter(Files::isRegularFile)
          .forEach(p -> {
            String rel = root.relativize(p).toString();
            if (wanted.test(rel)) {
              out.put(rel, Distcache.read(p));
            }
          });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  static void assertSameFiles(
      SortedMap<String, byte[]> expected, SortedMap<String, byte[]> actual, String what) {
    assertEquals(expected.keySet(), actual.keySet(), what + ": not the same files");
    for (Map.Entry<String, byte[]> e : expected.entrySet()) {
      assertArrayEquals(
          e.getValue(),
          actual.get(e.getKey()),
          what + ": " + e.getKey() + " differs from the direct build");
    }
  }
}
