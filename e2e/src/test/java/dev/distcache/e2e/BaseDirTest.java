package dev.distcache.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.distcache.testing.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two checkouts of the same tree at different paths, as CI makes them. Under base_dir they share
 * results wherever the objects cannot differ, and never serve an object, a dependency file or a
 * diagnostic that names the other checkout.
 */
class BaseDirTest {
  @TempDir Path tmp;
  Distcache dc;
  Path a;
  Path b;

  @BeforeEach
  void setUp() {
    dc = new Distcache(tmp.resolve("cache")).with("DISTCACHE_BASEDIR", tmp.toString());
    a = tmp.resolve("ci-1/proj");
    b = tmp.resolve("ci-2/proj");
    for (Path p : List.of(a, b)) {
      Distcache.write(
          p.resolve("include/util.h"),
          "#define TWICE(x) ((x) * 2)\nstatic inline int warn(void) { int unused; return 0; }\n");
      Distcache.write(
          p.resolve("src/main.c"),
          "#include \"util.h\"\nint main(void) { return TWICE(warn()); }\n");
      Distcache.write(p.resolve("src/plain.c"), "#define ONE 1\nint plain(void) { return ONE; }\n");
    }
  }

  @AfterEach
  void tearDown() {
    dc.close();
  }

  @Test
  void absoluteIncludePathsWithoutDebugInfo_hitAcrossCheckouts_withTheRightObject() {
    List<String> args =
        args(a, "-O2", "-I" + a.resolve("include"), "-c", "src/main.c", "-o", "main.o");
    dc.run(a, args.toArray(String[]::new)).ok();
    dc.run(
            b,
            args(b, "-O2", "-I" + b.resolve("include"), "-c", "src/main.c", "-o", "main.o")
                .toArray(String[]::new))
        .ok();
    assertEquals(1, dc.hits());
    assertSameAsDirect(b, "-O2", "-I" + b.resolve("include"), "-c", "src/main.c", "-o", "main.o");
  }

  @Test
  void absoluteSourcePathWithoutDebugInfo_hitsAcrossCheckouts_withTheRightObject() {
    dc.run(a, "gcc", "-c", a.resolve("src/plain.c").toString(), "-o", "plain.o").ok();
    dc.run(b, "gcc", "-c", b.resolve("src/plain.c").toString(), "-o", "plain.o").ok();
    assertEquals(1, dc.hits());
    assertSameAsDirect(b, "-c", b.resolve("src/plain.c").toString(), "-o", "plain.o");
  }

  @Test
  void debugInfo_embedsTheWorkingDirectory_soAnotherCheckoutMisses() {
    dc.run(a, "gcc", "-g", "-c", "src/plain.c", "-o", "plain.o").ok();
    dc.run(b, "gcc", "-g", "-c", "src/plain.c", "-o", "plain.o").ok();
    assertEquals(0, dc.hits());
    assertSameAsDirect(b, "-g", "-c", "src/plain.c", "-o", "plain.o");
  }

  @Test
  void debugInfoWithPrefixMapOfTheCheckout_hitsAcrossCheckouts_withTheRightObject() {
    dc.run(a, "gcc", "-g", "-fdebug-prefix-map=" + a + "=.", "-c", "src/plain.c", "-o", "plain.o")
        .ok();
    dc.run(b, "gcc", "-g", "-fdebug-prefix-map=" + b + "=.", "-c", "src/plain.c", "-o", "plain.o")
        .ok();
    assertEquals(1, dc.hits());
    assertSameAsDirect(
        b, "-g", "-fdebug-prefix-map=" + b + "=.", "-c", "src/plain.c", "-o", "plain.o");
  }

  @Test
  void diagnosticsNamingTheOtherCheckout_areNeverReplayed() {
    String[] argsA = {
      "gcc", "-Wall", "-I" + a.resolve("include"), "-MD", "-c", "src/main.c", "-o", "main.o"
    };
    String[] argsB = {
      "gcc", "-Wall", "-I" + b.resolve("include"), "-MD", "-c", "src/main.c", "-o", "main.o"
    };
    dc.run(a, argsA).ok();
    Run viaCache = dc.run(b, argsB).ok();
    String dep = new String(Distcache.read(b.resolve("main.d")));
    Run direct = dc.direct(b, argsB).ok();
    assertArrayEquals(direct.stderr(), viaCache.stderr());
    assertEquals(new String(Distcache.read(b.resolve("main.d"))), dep);
    assertEquals(0, dc.hits());
  }

  @Test
  void withoutBaseDir_absoluteIncludePathsMissAcrossCheckouts() {
    Distcache plain = new Distcache(tmp.resolve("cache2"));
    try {
      plain.run(a, "gcc", "-I" + a.resolve("include"), "-c", "src/main.c", "-o", "main.o").ok();
      plain.run(b, "gcc", "-I" + b.resolve("include"), "-c", "src/main.c", "-o", "main.o").ok();
      assertEquals(0, plain.hits());
    } finally {
      plain.close();
    }
  }

  @Test
  void checkoutsReachedThroughSymlinks_shareWithTheirApparentPaths_withEachCheckoutsObject()
      throws IOException {
    Path one = link("ws/one", a);
    Path two = link("ws/two", b);
    String[] inOne = {
      "gcc",
      "-O2",
      "-I" + one.resolve("include"),
      "-c",
      one.resolve("src/main.c").toString(),
      "-o",
      "main.o"
    };
    String[] inTwo = {
      "gcc",
      "-O2",
      "-I" + two.resolve("include"),
      "-c",
      two.resolve("src/main.c").toString(),
      "-o",
      "main.o"
    };
    dc.with("PWD", one.toString()).run(one, inOne).ok();
    dc.with("PWD", two.toString()).run(two, inTwo).ok();
    assertEquals(1, dc.hits());
    assertSameAsDirect(two, Arrays.copyOfRange(inTwo, 1, inTwo.length));
  }

  @Test
  void debugInfoInASymlinkedCheckout_namesTheApparentDirectory_soItsPrefixMapShares()
      throws IOException {
    Path one = link("ws/one", a);
    Path two = link("ws/two", b);
    dc.with("PWD", one.toString())
        .run(one, "gcc", "-g", "-fdebug-prefix-map=" + one + "=.", "-c", "src/plain.c", "-o", "p.o")
        .ok();
    assertSameAsDirect(
        one, "-g", "-fdebug-prefix-map=" + one + "=.", "-c", "src/plain.c", "-o", "p.o");
    dc.with("PWD", two.toString())
        .run(two, "gcc", "-g", "-fdebug-prefix-map=" + two + "=.", "-c", "src/plain.c", "-o", "p.o")
        .ok();
    assertEquals(1, dc.hits());
    assertSameAsDirect(
        two, "-g", "-fdebug-prefix-map=" + two + "=.", "-c", "src/plain.c", "-o", "p.o");
  }

  @Test
  void aPwdThatNamesAnotherDirectory_isIgnored() throws IOException {
    Path one = link("ws/one", a);
    dc.with("PWD", one.toString()).run(b, "gcc", "-g", "-c", "src/plain.c", "-o", "p.o").ok();
    assertSameAsDirect(b, "-g", "-c", "src/plain.c", "-o", "p.o");
  }

  /** A symbolic link at {@code name} under the test directory to {@code target}. */
  private Path link(String name, Path target) throws IOException {
    Path link = tmp.resolve(name);
    Files.createDirectories(link.getParent());
    return Files.createSymbolicLink(link, target);
  }

  private static List<String> args(Path checkout, String... rest) {
    List<String> out = new ArrayList<>();
    out.add("gcc");
    out.addAll(List.of(rest));
    return out;
  }

  private void assertSameAsDirect(Path checkout, String... gccArgs) {
    byte[] viaCache = Distcache.read(checkout.resolve(output(gccArgs)));
    List<String> cmd = new ArrayList<>();
    cmd.add("gcc");
    cmd.addAll(List.of(gccArgs));
    dc.direct(checkout, cmd.toArray(String[]::new)).ok();
    assertArrayEquals(Distcache.read(checkout.resolve(output(gccArgs))), viaCache);
  }

  private static String output(String... args) {
    for (int i = 0; i < args.length - 1; i++) {
      if (args[i].equals("-o")) {
        return args[i + 1];
      }
    }
    throw new IllegalArgumentException("no -o");
  }
}
