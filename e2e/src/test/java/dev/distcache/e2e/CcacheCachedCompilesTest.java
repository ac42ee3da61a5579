package dev.distcache.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.testing.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Compiles that ccache 4.7.5 caches, with the outputs it stores: each is run through distcache (a
 * miss, then a hit) in direct mode and in preprocessor mode, and compared with gcc run directly:
 * every file byte for byte, exit code, stdout and stderr exactly.
 */
class CcacheCachedCompilesTest {
  static final String WARNS_C = "int f(void) { int unused; return 0; }\n";
  static final String BROKEN_C = "int f(void) { return undeclared; }\n";
  static final String STACK_C =
      "int g(int n) { volatile char buf[64]; buf[0] = (char)n; return buf[0]; }\n"
          + "int f(int n) { return g(n) + 1; }\n";

  @TempDir Path tmp;
  Path src;
  Distcache dc;

  /** A cache of its own for {@code mode} ({@code direct} or {@code preprocessor}). */
  private void start(String mode) {
    src = tmp.resolve("src");
    dc = new Distcache(tmp.resolve("cache"));
    dc.directMode(mode.equals("direct"));
  }

  @AfterEach
  void tearDown() {
    if (dc != null) {
      dc.close();
    }
  }

  private Run distcache(String... args) {
    return dc.run(src, args);
  }

  private Run gcc(String... args) {
    return dc.direct(src, args);
  }

  private static void assertSameAs(Run expected, Run actual, String what) {
    assertEquals(expected.exitCode(), actual.exitCode(), what + ": exit code");
    assertEquals(expected.out(), actual.out(), what + ": stdout");
    assertEquals(expected.err(), actual.err(), what + ": stderr");
  }

  private byte[] read(String name) {
    return Distcache.read(src.resolve(name));
  }

  private static String[] cmd(List<String> base, String... more) {
    List<String> all = new ArrayList<>(base);
    all.addAll(List.of(more));
    return all.toArray(String[]::new);
  }

  @ParameterizedTest
  @ValueSource(strings = {"direct", "preprocessor"})
  void syntaxOnly_warningsAndExitReplayedOnAHit_andNoObjectWritten(String mode) {
    start(mode);
    Distcache.write(src.resolve("w.c"), WARNS_C);
    Run direct = gcc("gcc", "-fsyntax-only", "-Wall", "w.c");
    Run miss = distcache("gcc", "-fsyntax-only", "-Wall", "w.c");
    Run hit = distcache("gcc", "-fsyntax-only", "-Wall", "w.c");
    assertTrue(direct.err().contains("unused variable"), direct.err());
    assertSameAs(direct, miss, "miss");
    assertSameAs(direct, hit, "hit");
    assertFalse(Files.exists(src.resolve("w.o")));
    assertFalse(Files.exists(src.resolve("a.out")));
    assertEquals(1, dc.stat("cache_miss"), dc.stats().toString());
    assertEquals(1, dc.hits(), dc.stats().toString());

    // with -c and -o: still no object, as gcc
    distcache("gcc", "-fsyntax-only", "-Wall", "-c", "w.c", "-o", "w.o");
    assertSameAs(
        direct, distcache("gcc", "-fsyntax-only", "-Wall", "-c", "w.c", "-o", "w.o"), "-c");
    assertFalse(Files.exists(src.resolve("w.o")));
    assertEquals(1, dc.stat("cache_miss"), dc.stats().toString());
    assertEquals(3, dc.hits(), dc.stats().toString());

    // an error is replayed exactly and never cached
    Distcache.write(src.resolve("bad.c"), BROKEN_C);
    Run gccFails = gcc("gcc", "-fsyntax-only", "bad.c");
    assertNotEquals(0, gccFails.exitCode());
    assertSameAs(gccFails, distcache("gcc", "-fsyntax-only", "bad.c"), "error");
    assertSameAs(gccFails, distcache("gcc", "-fsyntax-only", "bad.c"), "error again");
    assertEquals(2, dc.stat("compile_failed"), dc.stats().toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"direct", "preprocessor"})
  void stackUsage_theSuFileOfAHitIsGccs_namedAfterTheOutput(String mode) {
    start(mode);
    Distcache.write(src.resolve("s.c"), STACK_C);
    List<String> base = List.of("gcc", "-O1", "-fstack-usage", "-c", "s.c", "-o");
    for (String dir : List.of("one", "two", "gcc")) {
      Distcache.write(src.resolve(dir + "/.keep"), "");
    }
    distcache(cmd(base, "one/s.o")).ok();
    assertTrue(Files.exists(src.resolve("one/s.su")));
    Run hit = distcache(cmd(base, "two/s.o")).ok();
    assertEquals("", hit.out() + hit.err());
    gcc(cmd(base, "gcc/s.o")).ok();
    Path gccDir = src.resolve("gcc");
    assertTrue(Files.exists(gccDir.resolve("s.su")), "gcc names the .su after -o");
    for (String dir : List.of("one", "two")) {
      assertArrayEquals(read("gcc/s.o"), read(dir + "/s.o"), dir);
      assertArrayEquals(read("gcc/s.su"), read(dir + "/s.su"), dir);
    }
    // without -o: named after the source, in the working directory
    distcache("gcc", "-fstack-usage", "-c", "s.c").ok();
    dc.exec(src, "rm", "s.o", "s.su").ok();
    distcache("gcc", "-fstack-usage", "-c", "s.c").ok();
    byte[] su = read("s.su");
    gcc("gcc", "-fstack-usage", "-c", "s.c").ok();
    assertArrayEquals(read("s.su"), su);
    assertEquals(2, dc.stat("cache_miss"), dc.stats().toString());
    assertEquals(2, dc.hits(), dc.stats().toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"direct", "preprocessor"})
  void assemblerListing_isStoredAndWrittenUnderTheNameOfThisCompile(String mode) {
    start(mode);
    Distcache.write(src.resolve("s.c"), STACK_C);
    distcache("gcc", "-O1", "-c", "s.c", "-o", "a.o", "-Wa,-adhln=a.lst").ok();
    Run hit = distcache("gcc", "-O1", "-c", "s.c", "-o", "b.o", "-Wa,-adhln=b.lst").ok();
    assertEquals("", hit.out() + hit.err());
    gcc("gcc", "-O1", "-c", "s.c", "-o", "g.o", "-Wa,-adhln=g.lst").ok();
    assertTrue(read("g.lst").length > 0);
    assertArrayEquals(read("g.lst"), read("a.lst"));
    assertArrayEquals(read("g.lst"), read("b.lst"));
    assertArrayEquals(read("g.o"), read("b.o"));
    // the listing on standard output is the result's stdout
    Run toStdout = gcc("gcc", "-O1", "-c", "s.c", "-o", "g.o", "-Wa,-adhln").ok();
    assertTrue(toStdout.out().contains(".text"), toStdout.out());
    distcache("gcc", "-O1", "-c", "s.c", "-o", "c.o", "-Wa,-adhln").ok();
    assertSameAs(
        toStdout, distcache("gcc", "-O1", "-c", "s.c", "-o", "c.o", "-Wa,-adhln"), "stdout");
    assertEquals(2, dc.stat("cache_miss"), dc.stats().toString());
    assertEquals(2, dc.hits(), dc.stats().toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"direct", "preprocessor"})
  void wpWithSeveralItems_dependencyFileAndDefinesAsGccHasThem(String mode) {
    start(mode);
    Distcache.write(src.resolve("inc/h.h"), "#define BASE 40\n");
    Distcache.write(src.resolve("w.c"), "#include \"inc/h.h\"\nint v = BASE + X + Y;\n");
    List<String> wp = List.of("gcc", "-c", "w.c", "-Wp,-MD,w.d,-DX=1", "-Wp,-DY=2,-DZ", "-o");
    distcache(cmd(wp, "a.o")).ok();
    byte[] dep = read("w.d");
    dc.exec(src, "rm", "w.d").ok();
    Run hit = distcache(cmd(wp, "b.o")).ok();
    assertEquals("", hit.out() + hit.err());
    byte[] hitDep = read("w.d");
    gcc(cmd(wp, "g.o")).ok();
    assertArrayEquals(read("g.o"), read("a.o"));
    assertArrayEquals(read("g.o"), read("b.o"));
    assertArrayEquals(read("w.d"), dep);
    assertArrayEquals(read("w.d"), hitDep);
    assertTrue(new String(hitDep).startsWith("w.o:"), new String(hitDep));
    assertEquals(1, dc.stat("cache_miss"), dc.stats().toString());
    assertEquals(1, dc.hits(), dc.stats().toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"direct", "preprocessor"})
  void wpDefine_sharesTheEntryOfTheSameDefine_andKeepsGccsOrderOfMacros(String mode) {
    start(mode);
    Distcache.write(src.resolve("d.c"), "int v = X;\n");
    distcache("gcc", "-c", "d.c", "-DX=5", "-o", "a.o").ok();
    Run viaWp = distcache("gcc", "-c", "d.c", "-Wp,-DX=5", "-o", "b.o").ok();
    Run separate = distcache("gcc", "-c", "d.c", "-D", "X=5", "-o", "c.o").ok();
    assertEquals("", viaWp.out() + viaWp.err() + separate.out() + separate.err());
    gcc("gcc", "-c", "d.c", "-Wp,-DX=5", "-o", "g.o").ok();
    for (String o : List.of("a.o", "b.o", "c.o")) {
      assertArrayEquals(read("g.o"), read(o), o);
    }
    assertEquals(1, dc.stat("cache_miss"), dc.stats().toString());
    assertEquals(2, dc.hits(), dc.stats().toString());
    // gcc passes -Wp, items after every -D: here X is 2, not 1, and the entry of -DX=2 -DX=1
    // (X is 1) must not answer
    for (String[] c :
        List.of(
            new String[] {"gcc", "-c", "d.c", "-DX=2", "-DX=1", "-o"},
            new String[] {"gcc", "-c", "d.c", "-Wp,-DX=2", "-DX=1", "-o"})) {
      Run direct = gcc(cmd(List.of(c), "g.o"));
      assertSameAs(direct, distcache(cmd(List.of(c), "e.o")), String.join(" ", c));
      assertArrayEquals(read("g.o"), read("e.o"), String.join(" ", c));
    }
    assertEquals(3, dc.stat("cache_miss"), dc.stats().toString());
  }

  /**
   * Options gcc does not know (clang's): distcache reads them as clang would (one source, the file
   * an option's value), and the user sees exactly what gcc says and returns. As with ccache, the
   * options the preprocessor gets fail it ({@code preprocessor_error}); {@code
   * --serialize-diagnostics}, kept from the preprocessor, fails the compile ({@code
   * compile_failed}).
   */
  @ParameterizedTest
  @ValueSource(strings = {"direct", "preprocessor"})
  void clangOptions_withGcc_areOneSourceAndGccsAnswerIsReplayed(String mode) {
    start(mode);
    Distcache.write(src.resolve("t.c"), "int t;\n");
    Distcache.write(src.resolve("other.c"), "int o;\n");
    Distcache.write(src.resolve("list.txt"), "fun:t\n");
    List<List<String>> calls =
        List.of(
            List.of("--serialize-diagnostics", "other.c"),
            List.of("-fsanitize-blacklist=list.txt"),
            List.of("-fsanitize-ignorelist=list.txt"),
            List.of("-index-store-path", "other.c"));
    for (List<String> extra : calls) {
      List<String> argv = new ArrayList<>(List.of("gcc", "-c", "t.c"));
      argv.addAll(extra);
      String[] a = argv.toArray(String[]::new);
      Run direct = gcc(a);
      assertNotEquals(0, direct.exitCode(), extra.toString());
      assertSameAs(direct, distcache(a), extra + " first");
      assertSameAs(direct, distcache(a), extra + " second");
    }
    assertEquals(0, dc.stat("multiple_source_files"), dc.stats().toString());
    assertEquals(2, dc.stat("compile_failed"), dc.stats().toString());
    assertEquals(6, dc.stat("preprocessor_error"), dc.stats().toString());
    assertFalse(Files.exists(src.resolve("other.o")));
  }
}
