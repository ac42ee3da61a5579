package dev.distcache.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.testing.Run;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Dependency files under base_dir, as ccache's users set it up: each checkout is its own base_dir
 * (or base_dir is {@code /}) and the include directories, {@code -MF} file and {@code -MT}/{@code
 * -MQ} targets are named by absolute paths. Two checkouts share one entry, and the hit in the
 * second writes the object and the dependency file gcc writes there, which name the second
 * checkout's files (ccache writes relative paths instead; distcache keeps gcc's).
 */
class BaseDirDependencyFileTest {
  /** Longer than the slack the server allows for coarse file times (as in DirectModeTest). */
  private static final long SETTLE_MILLIS = 150;

  @TempDir Path tmp;
  Distcache dc;
  Path a;
  Path b;
  Path sameDepth;

  @BeforeEach
  void setUp() {
    dc = new Distcache(tmp.resolve("cache"));
    a = tmp.resolve("dir1");
    b = tmp.resolve("a_second_checkout_with_a_much_longer_name/dir1");
    sameDepth = tmp.resolve("dir2");
    for (Path p : List.of(a, b, sameDepth)) {
      Distcache.write(p.resolve("src/test.c"), "#include <stdarg.h>\n#include <test.h>\n");
      Distcache.write(p.resolve("include/test.h"), "int test;\n");
      age(p);
    }
  }

  @AfterEach
  void tearDown() {
    dc.close();
  }

  /**
   * {@code option} is written before an absolute path: {@code "-MF "} separate, {@code "-MF"}
   * joined; {@code file} is what it names in the checkout.
   */
  @ParameterizedTest(name = "{0}<checkout>/{1}, direct mode {2}")
  @CsvSource({
    "'-MF ', foo.d, true",
    "-MF, foo.d, true",
    "'-MQ ', foo.o, true",
    "'-MT ', foo.o, true",
    "-MQ, foo.o, true",
    "'-MF ', foo.d, false",
    "'-MT ', foo.o, false",
  })
  void absoluteDependencyOptions_shareAcrossCheckouts_andTheHitNamesThisCheckout(
      String option, String file, boolean directMode) {
    if (!directMode) {
      dc.with("DISTCACHE_NODIRECT", "true");
    }
    String dep = option.startsWith("-MF") ? file : "test.d";
    dc.with("DISTCACHE_BASEDIR", a.toString());
    dc.run(a, args(a, option, file, "-MMD", "-MP")).ok();
    dc.with("DISTCACHE_BASEDIR", b.toString());
    assertSameAsGcc(b, List.of("test.o", dep), args(b, option, file, "-MMD", "-MP"));
    assertEquals(1, hits(directMode), dc.stats().toString());
    String text = new String(Distcache.read(b.resolve(dep)));
    assertTrue(text.contains(b.resolve("include/test.h").toString()), text);
  }

  /**
   * With base_dir {@code /} the system headers gcc lists are made relative too, so only checkouts
   * at the same depth share (as in ccache); gcc's absolute system-header names are kept.
   */
  @ParameterizedTest(name = "{0}<checkout>/{1}")
  @CsvSource({"'-MF ', test.d", "'-MQ ', test.o", "'-MT ', test.o", "-MF, test.d"})
  void baseDirRoot_withSystemHeadersInTheDependencyFile_sharesAcrossCheckouts(
      String option, String file) {
    dc.with("DISTCACHE_BASEDIR", "/");
    dc.run(a, args(a, option, file, "-MD")).ok();
    assertSameAsGcc(sameDepth, List.of("test.o", "test.d"), args(sameDepth, option, file, "-MD"));
    assertEquals(1, dc.stat("direct_cache_hit"), dc.stats().toString());
    String text = new String(Distcache.read(sameDepth.resolve("test.d")));
    assertTrue(text.contains(" /usr/"), text);
  }

  @Test
  void theObjectAndSourceNamedAbsolute_inTheSameCheckout_hit_withGccsDependencyFile() {
    dc.with("DISTCACHE_BASEDIR", a.toString());
    String include = "-I" + a.resolve("include");
    dc.run(a, "gcc", "-MMD", include, "-c", "src/test.c").ok();
    assertSameAsGcc(a, List.of("test.o", "test.d"), "gcc", "-MMD", include, "-c", "src/test.c");
    assertSameAsGcc(
        a, List.of("test.o", "test.d"), "gcc", "-MMD", include, "-c", "src/test.c", "-o", "test.o");
    assertSameAsGcc(
        a,
        List.of("test.o", "test.d"),
        "gcc",
        "-MMD",
        include,
        "-c",
        "src/test.c",
        "-o",
        a.resolve("test.o").toString());
    assertEquals(3, dc.stat("direct_cache_hit"), dc.stats().toString());
    assertSameAsGcc(
        a,
        List.of("test.o", "test.d"),
        "gcc",
        "-MMD",
        include,
        "-c",
        a.resolve("src/test.c").toString());
    assertEquals(4, dc.stat("direct_cache_hit"), dc.stats().toString());
    // A relative include directory could name files beside the source too: gcc's file, by a miss.
    dc.run(a, "gcc", "-MMD", "-Iinclude", "-c", "src/test.c").ok();
    assertSameAsGcc(
        a,
        List.of("test.o", "test.d"),
        "gcc",
        "-MMD",
        "-Iinclude",
        "-c",
        a.resolve("src/test.c").toString());
  }

  /** gcc with {@code -I<checkout>/include}, the option before {@code <checkout>/file}, and more. */
  private static String[] args(Path checkout, String option, String file, String... more) {
    List<String> out = new ArrayList<>();
    out.add("gcc");
    out.add("-I" + checkout.resolve("include"));
    out.addAll(List.of(more));
    if (option.endsWith(" ")) {
      out.add(option.strip());
      out.add(checkout.resolve(file).toString());
    } else {
      out.add(option + checkout.resolve(file));
    }
    out.add("-c");
    out.add("src/test.c");
    return out.toArray(String[]::new);
  }

  private long hits(boolean directMode) {
    Map<String, Long> s = dc.stats();
    return s.getOrDefault(directMode ? "direct_cache_hit" : "preprocessed_cache_hit", 0L);
  }

  /**
   * Compiles through distcache, then with gcc itself, and checks that each named file (relative to
   * {@code cwd}) is the same after both.
   */
  private void assertSameAsGcc(Path cwd, List<String> files, String... cmd) {
    files.forEach(f -> delete(cwd.resolve(f)));
    Run viaCache = dc.run(cwd, cmd).ok();
    List<byte[]> cached = new ArrayList<>();
    for (String f : files) {
      cached.add(Distcache.read(cwd.resolve(f)));
      delete(cwd.resolve(f));
    }
    Run gcc = dc.direct(cwd, cmd).ok();
    assertEquals(gcc.out(), viaCache.out());
    assertEquals(gcc.err(), viaCache.err());
    for (int i = 0; i < files.size(); i++) {
      byte[] want = Distcache.read(cwd.resolve(files.get(i)));
      assertEquals(new String(want), new String(cached.get(i)), files.get(i));
      assertArrayEquals(want, cached.get(i), files.get(i));
    }
  }

  /** Dates every file under {@code dir} a minute back and waits out the server's slack. */
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

  private static void delete(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
