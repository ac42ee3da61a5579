package dev.distcache.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.testing.Run;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Compiles that ccache answers from one entry although their dependency-file options, their
 * directory or their input's name differ, in direct and in preprocessor mode. Every file a hit
 * writes is the file gcc writes with the same arguments, and no other file is written.
 */
class DependencyAndDebugSharingTest {
  private static final String[] HEADERS = {
    "a_header_with_a_rather_long_name_number_one.h",
    "a_header_with_a_rather_long_name_number_two.h",
    "a_header_with_a_rather_long_name_number_three.h",
    "a_header_with_a_rather_long_name_number_four.h",
  };

  /** Longer than the slack the server allows for coarse file times (as in DirectModeTest). */
  private static final long SETTLE_MILLIS = 150;

  @TempDir Path tmp;
  Path src;
  Distcache dc;
  boolean direct;

  @BeforeEach
  void setUp() {
    src = tmp.resolve("src");
    dc = new Distcache(tmp.resolve("cache"));
    StringBuilder main = new StringBuilder();
    int n = 0;
    for (String h : HEADERS) {
      Distcache.write(src.resolve(h), "#define H" + n + " " + n + "\n");
      main.append("#include \"").append(h).append("\"\n");
      n++;
    }
    main.append("int sum(void) { return H0 + H1 + H2 + H3; }\n");
    Distcache.write(src.resolve("t.c"), main.toString());
    for (String dir : List.of("out", "dep", "a_build_directory_with_a_long_name")) {
      try {
        Files.createDirectories(src.resolve(dir));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  @AfterEach
  void tearDown() {
    dc.close();
  }

  private void mode(boolean directMode) {
    direct = directMode;
    dc.directMode(directMode);
  }

  @ParameterizedTest(name = "direct mode {0}")
  @ValueSource(booleans = {true, false})
  void differentMtAndMqTargets_shareOneEntry_andTheHitNamesTheNewTargets(boolean directMode) {
    mode(directMode);
    age(src);
    compile(src, "gcc", "-MD", "-MT", "x", "-MQ", "q", "-c", "t.c", "-o", "a.o");
    assertSameAsGcc(
        src,
        List.of("b.o", "b.d"),
        "gcc",
        "-MD",
        "-MT",
        "a much longer target that pushes the headers to other lines",
        "-MQ",
        "quoted $target",
        "-c",
        "t.c",
        "-o",
        "b.o");
    assertSameAsGcc(
        src,
        List.of("c.o", "dep/c.dep"),
        "gcc",
        "-MD",
        "-MTjoined",
        "-MQ",
        "another_rather_long_target_name_for_wrapping.o",
        "-MF",
        "dep/c.dep",
        "-c",
        "t.c",
        "-o",
        "c.o");
    assertHits(2);
  }

  @Test
  void differentMtTargets_inDependMode_shareOneEntry_andTheHitNamesTheNewTargets() {
    mode(true);
    dc.with("DISTCACHE_DEPEND", "true");
    age(src);
    compile(src, "gcc", "-MMD", "-MT", "x", "-c", "t.c", "-o", "a.o");
    assertSameAsGcc(
        src,
        List.of("b.o", "b.d"),
        "gcc",
        "-MMD",
        "-MT",
        "another_target_long_enough_to_move_the_line_breaks.o",
        "-c",
        "t.c",
        "-o",
        "b.o");
    assertHits(1);
  }

  @ParameterizedTest(name = "direct mode {0}")
  @ValueSource(booleans = {true, false})
  void defaultTarget_ofAnotherLength_wrapsTheHeadersAsGccDoes(boolean directMode) {
    mode(directMode);
    age(src);
    compile(src, "gcc", "-MD", "-MP", "-c", "t.c", "-o", "a.o");
    assertSameAsGcc(
        src,
        List.of(
            "a_build_directory_with_a_long_name/and_an_object.o",
            "a_build_directory_with_a_long_name/and_an_object.d"),
        "gcc",
        "-MD",
        "-MP",
        "-c",
        "t.c",
        "-o",
        "a_build_directory_with_a_long_name/and_an_object.o");
    assertHits(1);
  }

  @ParameterizedTest(name = "direct mode {0}")
  @ValueSource(booleans = {true, false})
  void mmdWithWpMmd_hitUnderAnotherOutput_namesThatOutput(boolean directMode) {
    mode(directMode);
    age(src);
    compile(src, "gcc", "-MMD", "-Wp,-MMD,wp.d", "-c", "t.c", "-o", "a.o");
    assertSameAsGcc(
        src,
        List.of("out/b.o", "wp.d", "out/b.d"),
        "gcc",
        "-MMD",
        "-Wp,-MMD,wp.d",
        "-c",
        "t.c",
        "-o",
        "out/b.o");
    // Without the driver's -MMD, gcc names the source's object instead, whatever -o says.
    compile(src, "gcc", "-Wp,-MMD,wp2.d", "-c", "t.c", "-o", "a.o");
    assertSameAsGcc(
        src, List.of("out/c.o", "wp2.d"), "gcc", "-Wp,-MMD,wp2.d", "-c", "t.c", "-o", "out/c.o");
    assertHits(2);
  }

  @ParameterizedTest(name = "direct mode {0}")
  @ValueSource(booleans = {true, false})
  void assemblerSourceWithMd_isCached_andNoDependencyFileIsWritten(boolean directMode) {
    mode(directMode);
    Distcache.write(src.resolve("a.s"), "\t.text\n\t.globl f\nf:\n\tret\n");
    Distcache.write(src.resolve("stale.d"), "stale.o: old.c\n");
    age(src);
    compile(src, "gcc", "-MD", "-c", "a.s", "-o", "stale.o");
    assertSameAsGcc(src, List.of("b.o", "b.d"), "gcc", "-MD", "-c", "a.s", "-o", "b.o");
    assertFalse(Files.exists(src.resolve("b.d")));
    assertEquals("stale.o: old.c\n", new String(Distcache.read(src.resolve("stale.d"))));
    // Plain assembler is not preprocessed, so it has no direct mode: a preprocessed-mode hit.
    assertEquals(1, dc.stat("preprocessed_cache_hit"));
    // The preprocessed form (.S) does write one, and a hit writes it too.
    Distcache.write(
        src.resolve("p.S"), "#include \"" + HEADERS[0] + "\"\n\t.text\n\t.globl g\ng:\n\tret\n");
    age(src);
    compile(src, "gcc", "-MD", "-c", "p.S", "-o", "p1.o");
    assertSameAsGcc(src, List.of("p2.o", "p2.d"), "gcc", "-MD", "-c", "p.S", "-o", "p2.o");
    assertTrue(Files.exists(src.resolve("p2.d")));
    assertEquals(direct ? 1 : 0, dc.stat("direct_cache_hit"));
    assertEquals(direct ? 1 : 2, dc.stat("preprocessed_cache_hit"));
  }

  @ParameterizedTest(name = "direct mode {0}")
  @ValueSource(booleans = {true, false})
  void hashDirFalseWithDebugInfo_sharesAcrossDirectories(boolean directMode) {
    mode(directMode);
    dc.with("DISTCACHE_NOHASHDIR", "1");
    Path a = tmp.resolve("one/proj");
    Path b = tmp.resolve("two/proj");
    for (Path p : List.of(a, b)) {
      Distcache.write(
          p.resolve("g.c"), "#include \"" + HEADERS[0] + "\"\nint g(void) { return H0; }\n");
      Distcache.write(p.resolve(HEADERS[0]), "#define H0 7\n");
    }
    age(tmp);
    compile(a, "gcc", "-g", "-c", "g.c", "-o", "g.o");
    byte[] stored = Distcache.read(a.resolve("g.o"));
    compile(b, "gcc", "-g", "-c", "g.c", "-o", "g.o");
    assertHits(1);
    // As ccache's manual says of hash_dir=false: the object names the first compile's directory.
    assertArrayEquals(stored, Distcache.read(b.resolve("g.o")));
    dc.direct(a, "gcc", "-g", "-c", "g.c", "-o", "g.o").ok();
    assertArrayEquals(Distcache.read(a.resolve("g.o")), stored);
  }

  @ParameterizedTest(name = "direct mode {0}")
  @ValueSource(booleans = {true, false})
  void splitDwarfWithPrefixMaps_sharesAcrossCheckoutsUnderBaseDir(boolean directMode) {
    mode(directMode);
    dc.with("DISTCACHE_BASEDIR", tmp.toString());
    Path a = tmp.resolve("ci-1/proj");
    Path b = tmp.resolve("ci-2/proj");
    for (Path p : List.of(a, b)) {
      Distcache.write(p.resolve("include/" + HEADERS[0]), "#define H0 7\n");
      Distcache.write(
          p.resolve("src/s.c"), "#include \"" + HEADERS[0] + "\"\nint s(void) { return H0; }\n");
    }
    age(tmp);
    compile(a, gccSplit(a).toArray(String[]::new));
    assertSameAsGcc(b, List.of("s.o", "s.dwo", "s.d"), gccSplit(b).toArray(String[]::new));
    assertHits(1);
  }

  private static List<String> gccSplit(Path checkout) {
    return List.of(
        "gcc",
        "-g",
        "-gsplit-dwarf",
        "-fdebug-prefix-map=" + checkout + "=/src",
        "-Iinclude",
        "-MD",
        "-c",
        "src/s.c",
        "-o",
        "s.o");
  }

  @ParameterizedTest(name = "direct mode {0}")
  @ValueSource(booleans = {true, false})
  void preprocessedInputsWithTheSameText_shareUnderAnotherName(boolean directMode) {
    mode(directMode);
    dc.direct(src, "gcc", "-E", "t.c", "-o", "foo.i").ok();
    dc.direct(src, "gcc", "-P", "-E", "t.c", "-o", "nomarks1.i").ok();
    copy(src.resolve("foo.i"), src.resolve("bar.i"));
    copy(src.resolve("nomarks1.i"), src.resolve("nomarks2.i"));
    age(src);
    compile(src, "gcc", "-g", "-O2", "-c", "foo.i", "-o", "foo.o");
    assertSameAsGcc(src, List.of("bar.o"), "gcc", "-g", "-O2", "-c", "bar.i", "-o", "bar.o");
    // As in ccache, direct mode keys the input's path, so the copy is a preprocessed-mode hit.
    assertEquals(1, dc.stat("preprocessed_cache_hit"));
    assertEquals(0, dc.stat("direct_cache_hit"));
    // Without line markers gcc names the object's source after the input: no sharing then.
    compile(src, "gcc", "-O2", "-c", "nomarks1.i", "-o", "n1.o");
    assertSameAsGcc(src, List.of("n2.o"), "gcc", "-O2", "-c", "nomarks2.i", "-o", "n2.o");
    assertEquals(1, dc.stat("preprocessed_cache_hit") + dc.stat("direct_cache_hit"));
  }

  /** A miss, or any compile whose outputs the test does not check. */
  private void compile(Path cwd, String... cmd) {
    dc.run(cwd, cmd).ok();
  }

  /**
   * Compiles through distcache, then with gcc itself, and checks that each named file (relative to
   * {@code cwd}) is the same after both, or absent after both.
   */
  private void assertSameAsGcc(Path cwd, List<String> files, String... cmd) {
    for (String f : files) {
      delete(cwd.resolve(f));
    }
    Run viaCache = dc.run(cwd, cmd).ok();
    Map<String, byte[]> cached = new LinkedHashMap<>();
    for (String f : files) {
      cached.put(f, readIfPresent(cwd.resolve(f)));
      delete(cwd.resolve(f));
    }
    Run gcc = dc.direct(cwd, cmd).ok();
    assertEquals(gcc.out(), viaCache.out());
    assertEquals(gcc.err(), viaCache.err());
    for (String f : files) {
      byte[] want = readIfPresent(cwd.resolve(f));
      byte[] got = cached.get(f);
      if (want == null || got == null) {
        assertEquals(want == null, got == null, f + " written by only one of gcc and distcache");
      } else {
        assertEquals(new String(want), new String(got), f);
        assertArrayEquals(want, got, f);
      }
    }
  }

  /** {@code n} hits in all, each a direct hit in direct mode and a preprocessed one otherwise. */
  private void assertHits(long n) {
    Map<String, Long> s = dc.stats();
    assertEquals(direct ? n : 0, s.getOrDefault("direct_cache_hit", 0L), s.toString());
    assertEquals(direct ? 0 : n, s.getOrDefault("preprocessed_cache_hit", 0L), s.toString());
  }

  /**
   * Dates every file under {@code dir} a minute back and waits out the server's slack for file
   * times (their ctime is now), so direct mode may trust them.
   */
  private static void age(Path dir) {
    FileTime past = FileTime.from(Instant.now().minusSeconds(60));
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.toList()) {
        Files.setLastModifiedTime(p, past);
      }
      Thread.sleep(SETTLE_MILLIS);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static byte[] readIfPresent(Path p) {
    return Files.exists(p) ? Distcache.read(p) : null;
  }

  private static void delete(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void copy(Path from, Path to) {
    try {
      Files.copy(from, to);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
