package dev.distcache.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.testing.Processes;
import dev.distcache.testing.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Real clang and clang++ (Debian's, which bin/setup installs) through the local cache in prefix
 * mode and through masquerade links, in direct and preprocessor mode: objects, stdout, stderr
 * (warnings included) and exit codes exactly plain clang's; clang's own options ({@code --target=},
 * {@code -target}, {@code -Xclang}) keyed; and a gcc compile never served for a clang one, nor the
 * reverse.
 */
class ClangCompileTest {
  /** A warning (-Wall) from a header and from the source, so stderr has something to compare. */
  static final String WARNS_H = "static inline int h(void) { int unused_in_header; return 1; }\n";

  static final String WARNS_C =
      "#include <stdio.h>\n#include \"inc/w.h\"\n"
          + "int main(void) { int unused; printf(\"%d\\n\", h()); return 0; }\n";
  static final String WARNS_CXX =
      "#include <string>\n#include \"inc/w.h\"\n"
          + "int main() { int unused; std::string s(\"x\"); return (int)s.size() - h(); }\n";

  /** Longer than the server's slack for coarse timestamps (see DirectModeTest). */
  private static final long SETTLE_MILLIS = 150;

  @TempDir Path tmp;
  Path src;
  Distcache dc;

  @BeforeEach
  void setUp() {
    src = tmp.resolve("src");
    dc = new Distcache(tmp.resolve("cache"));
    Distcache.write(src.resolve("inc/w.h"), WARNS_H);
    Distcache.write(src.resolve("w.c"), WARNS_C);
    Distcache.write(src.resolve("w.cpp"), WARNS_CXX);
  }

  @AfterEach
  void tearDown() {
    dc.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"direct", "preprocessor"})
  void clangAndClangxx_missThenHit_objectsStdoutStderrAndExitAsPlainClang(String mode) {
    if (mode.equals("preprocessor")) {
      dc.directMode(false);
    }
    settle();
    for (String[] c : List.of(new String[] {"clang", "w.c"}, new String[] {"clang++", "w.cpp"})) {
      String[] args = {c[0], "-Wall", "-O2", "-MD", "-c", c[1], "-o", "out.o"};
      Run miss = dc.run(src, args);
      byte[] missObject = Distcache.read(src.resolve("out.o"));
      String missDep = readString(src.resolve("out.d"));
      Run hit = dc.run(src, args);
      byte[] hitObject = Distcache.read(src.resolve("out.o"));
      Run plain = dc.direct(src, args);

      assertTrue(plain.err().contains("unused variable 'unused'"), plain.err());
      for (Run r : new Run[] {miss, hit}) {
        assertEquals(plain.exitCode(), r.exitCode(), c[0]);
        assertArrayEquals(plain.stdout(), r.stdout(), c[0]);
        assertArrayEquals(plain.stderr(), r.stderr(), c[0] + ": " + r.err());
      }
      byte[] plainObject = Distcache.read(src.resolve("out.o"));
      assertArrayEquals(plainObject, missObject, c[0]);
      assertArrayEquals(plainObject, hitObject, c[0]);
      assertEquals(readString(src.resolve("out.d")), missDep, c[0]);
    }
    Map<String, Long> stats = dc.stats();
    assertEquals(2, stats.get("cache_miss"), stats.toString());
    assertEquals(mode.equals("direct") ? 2 : 0, stats.get("direct_cache_hit"), stats.toString());
    assertEquals(
        mode.equals("direct") ? 0 : 2, stats.get("preprocessed_cache_hit"), stats.toString());
  }

  /**
   * clang's installation and link-only long options are cached (misses, then hits, with plain
   * clang's object and its "unused" warning); its options file is not (the compile runs as given).
   */
  @Test
  void clangsLongOptions_areCachedAsPlainClangCompiles_butAnOptionsFileIsNot() {
    Distcache.write(src.resolve("l.c"), "int l(int x) { return x * 3; }\n");
    Distcache.write(src.resolve("opts.cfg"), "-O2\n");
    List<List<String>> cached =
        List.of(
            List.of("--gcc-toolchain=/usr"),
            List.of("--rtlib=libgcc", "--unwindlib=libgcc"),
            List.of("--start-no-unused-arguments", "--ld-path=/usr/bin/ld"));
    for (List<String> options : cached) {
      List<String> cmd = new ArrayList<>(List.of("clang"));
      cmd.addAll(options);
      cmd.addAll(List.of("-c", "l.c", "-o", "l.o"));
      String[] args = cmd.toArray(String[]::new);
      Run miss = dc.run(src, args).ok();
      Run hit = dc.run(src, args).ok();
      byte[] hitObject = Distcache.read(src.resolve("l.o"));
      Run plain = dc.direct(src, args).ok();
      assertArrayEquals(Distcache.read(src.resolve("l.o")), hitObject, options.toString());
      assertArrayEquals(plain.stderr(), miss.stderr(), options + ": " + miss.err());
      assertArrayEquals(plain.stderr(), hit.stderr(), options + ": " + hit.err());
    }
    assertEquals(3, dc.stat("cache_miss"), dc.stats().toString());
    assertEquals(3, dc.hits(), dc.stats().toString());
    assertEquals(0, dc.stat("preprocessor_error"), dc.stats().toString());

    String[] config = {"clang", "--config", "./opts.cfg", "-c", "l.c", "-o", "l.o"};
    dc.run(src, config).ok();
    byte[] viaDistcache = Distcache.read(src.resolve("l.o"));
    dc.direct(src, config).ok();
    assertArrayEquals(Distcache.read(src.resolve("l.o")), viaDistcache, "--config");
    assertEquals(1, dc.stat("unsupported_compiler_option"), dc.stats().toString());
  }

  @Test
  void compileError_exitCodeAndStderrAsPlainClang_andNothingIsCached() {
    Distcache.write(src.resolve("bad.c"), "int f(void) { return undeclared; }\n");
    String[] args = {"clang", "-c", "bad.c", "-o", "bad.o"};
    Run plain = dc.direct(src, args);
    Run first = dc.run(src, args);
    Run second = dc.run(src, args);
    assertNotEquals(0, plain.exitCode());
    for (Run r : new Run[] {first, second}) {
      assertEquals(plain.exitCode(), r.exitCode());
      assertArrayEquals(plain.stdout(), r.stdout());
      assertArrayEquals(plain.stderr(), r.stderr(), r.err());
    }
    assertFalse(Files.exists(src.resolve("bad.o")));
    assertEquals(2, dc.stat("compile_failed"));
    assertEquals(0, dc.hits());
  }

  @Test
  void masqueradeLinks_forClangAndClangxx_cacheAsPrefixModeDoes() throws IOException {
    Path masq = tmp.resolve("masq");
    dc.run(tmp, "install-masquerade", masq.toString()).ok();
    for (String name : List.of("clang", "clang++")) {
      Path link = masq.resolve(name);
      assertTrue(Files.isSymbolicLink(link), "install-masquerade made no link " + link);
      assertEquals(Distcache.masqueradeTarget().toRealPath(), link.toRealPath());
    }
    Map<String, String> env = new HashMap<>(dc.env);
    env.put("PATH", masq + ":" + dc.env.get("PATH"));
    for (String[] c : List.of(new String[] {"clang", "w.c"}, new String[] {"clang++", "w.cpp"})) {
      // the link by its path: ProcessBuilder would look a bare name up on this JVM's PATH
      List<String> cmd = List.of(masq.resolve(c[0]).toString(), "-Wall", "-c", c[1], "-o", "m.o");
      Run miss = Processes.run(src, env, cmd);
      Run hit = Processes.run(src, env, cmd);
      byte[] hitObject = Distcache.read(src.resolve("m.o"));
      Run plain = dc.direct(src, c[0], "-Wall", "-c", c[1], "-o", "m.o");
      assertArrayEquals(Distcache.read(src.resolve("m.o")), hitObject, c[0]);
      for (Run r : new Run[] {miss, hit}) {
        assertEquals(plain.exitCode(), r.exitCode());
        assertArrayEquals(plain.stderr(), r.stderr(), r.err());
      }
    }
    assertEquals(2, dc.stat("cache_miss"), "each went through the masquerade link");
    assertEquals(2, dc.hits());
  }

  /**
   * gcc and clang, same source and flags, in either order: two misses, each with its own compiler's
   * object, and neither a hit for the other.
   */
  @ParameterizedTest
  @ValueSource(strings = {"gcc,clang", "clang,gcc", "g++,clang++", "clang++,g++"})
  void sameSourceAndFlags_withGccAndWithClang_areTwoMisses_withEachCompilersObject(String order) {
    String[] compilers = order.split(",");
    String source = compilers[0].endsWith("++") ? "w.cpp" : "w.c";
    // compiler_type=other: no colour flag is added, so the compilers' identities alone tell the
    // direct-mode keys apart
    for (String mode : List.of("direct", "preprocessor", "other")) {
      Distcache cache = new Distcache(tmp.resolve("cache-" + order + "-" + mode));
      try {
        cache.directMode(!mode.equals("preprocessor"));
        if (mode.equals("other")) {
          cache.with("DISTCACHE_COMPILERTYPE", "other");
        }
        List<byte[]> objects = new ArrayList<>();
        for (String compiler : compilers) {
          String[] args = {compiler, "-O2", "-c", source, "-o", compiler + ".o"};
          cache.run(src, args).ok();
          byte[] cached = Distcache.read(src.resolve(compiler + ".o"));
          cache.direct(src, args).ok();
          assertArrayEquals(Distcache.read(src.resolve(compiler + ".o")), cached, compiler);
          objects.add(cached);
        }
        assertFalse(Arrays.equals(objects.get(0), objects.get(1)), "two compilers, two objects");
        assertEquals(2, cache.stat("cache_miss"), order + " " + mode);
        assertEquals(0, cache.hits(), order + " " + mode);
      } finally {
        cache.close();
      }
    }
  }

  @Test
  void target_bothSpellings_isInTheKey_andTheObjectIsPlainClangs() {
    Distcache.write(src.resolve("t.c"), "int twice(int x) { return 2 * x; }\n");
    List<List<String>> variants =
        List.of(
            List.of(),
            List.of("--target=aarch64-linux-gnu"),
            List.of("-target", "aarch64-linux-gnu"),
            List.of("--target=i686-linux-gnu"));
    List<byte[]> objects = new ArrayList<>();
    for (List<String> target : variants) {
      List<String> args = new ArrayList<>(List.of("clang"));
      args.addAll(target);
      args.addAll(List.of("-O2", "-c", "t.c", "-o", "t.o"));
      String[] cmd = args.toArray(String[]::new);
      dc.run(src, cmd).ok();
      Run hit = dc.run(src, cmd).ok();
      byte[] cached = Distcache.read(src.resolve("t.o"));
      dc.direct(src, cmd).ok();
      assertArrayEquals(Distcache.read(src.resolve("t.o")), cached, target.toString());
      assertEquals(0, hit.stderr().length, hit.err());
      objects.add(cached);
    }
    assertFalse(Arrays.equals(objects.get(0), objects.get(1)), "aarch64 is not x86-64");
    assertArrayEquals(objects.get(1), objects.get(2), "two spellings of one target");
    assertFalse(Arrays.equals(objects.get(0), objects.get(3)), "i686 is not x86-64");
    assertEquals(4, dc.stat("cache_miss"), "each spelling keys on its own, as ccache does");
    assertEquals(4, dc.hits());
  }

  @Test
  void xclang_anAllowedCc1Option_isCachedAndKeyed_andItsValueIsNoInput() {
    Distcache.write(
        src.resolve("f.c"),
        "#ifdef __AVX2__\nint avx2 = 1;\n#else\nint avx2 = 0;\n#endif\n"
            + "int g(int x) { return x + avx2; }\n");
    String[] plainArgs = {"clang", "-c", "f.c", "-o", "f.o"};
    String[] featureArgs = {
      "clang", "-Xclang", "-target-feature", "-Xclang", "+avx2", "-c", "f.c", "-o", "f.o"
    };
    String[] optnoneArgs = {"clang", "-Xclang", "-disable-O0-optnone", "-c", "f.c", "-o", "f.o"};
    List<byte[]> objects = new ArrayList<>();
    for (String[] args : List.of(plainArgs, featureArgs, optnoneArgs)) {
      dc.run(src, args).ok();
      Run hit = dc.run(src, args).ok();
      assertEquals(0, hit.stderr().length, hit.err());
      byte[] cached = Distcache.read(src.resolve("f.o"));
      dc.direct(src, args).ok();
      assertArrayEquals(Distcache.read(src.resolve("f.o")), cached, List.of(args).toString());
      objects.add(cached);
    }
    assertFalse(Arrays.equals(objects.get(0), objects.get(1)), "+avx2 defines __AVX2__");
    assertEquals(3, dc.stat("cache_miss"));
    assertEquals(3, dc.hits());
  }

  @Test
  void xclang_aCc1OptionOffTheList_runsClangAsGiven_uncached() {
    Distcache.write(src.resolve("f.c"), "int f;\n");
    String[] args = {"clang", "-Xclang", "-load", "-Xclang", "nosuch.so", "-c", "f.c", "-o", "f.o"};
    Run plain = dc.direct(src, args);
    Run viaCache = dc.run(src, args);
    assertNotEquals(0, plain.exitCode(), plain.err());
    assertEquals(plain.exitCode(), viaCache.exitCode());
    assertArrayEquals(plain.stderr(), viaCache.stderr(), viaCache.err());
    assertEquals(1, dc.stat("unsupported_compiler_option"));
    assertEquals(0, dc.stat("cache_miss"));
  }

  private static String readString(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Lets the files written so far become older than the next compile's start. */
  private static void settle() {
    try {
      Thread.sleep(SETTLE_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
