package dev.distcache.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.distcache.testing.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Checkouts reached through a symbolic link ({@code run -> run.real}, as ccache's test runner sets
 * them up), with base_dir and the include directory named through the link while the client's
 * {@code PWD} is relative or unset, so the server knows only the real working directory. As in
 * ccache, such a path keys by its shorter real path, and the two checkouts share; the hit's object
 * and dependency file are gcc's.
 */
class BaseDirRealPathTest {
  /** Longer than the slack the server allows for coarse file times (as in DirectModeTest). */
  private static final long SETTLE_MILLIS = 150;

  @TempDir Path tmp;
  Distcache dc;
  Path run;

  @BeforeEach
  void setUp() throws IOException, InterruptedException {
    Path real = tmp.resolve("run.real");
    run = tmp.resolve("run");
    FileTime past = FileTime.from(Instant.now().minusSeconds(60));
    for (String d : List.of("dir1", "dir2")) {
      Distcache.write(real.resolve(d + "/src/test.c"), "#include <stdarg.h>\n#include <test.h>\n");
      Distcache.write(real.resolve(d + "/include/test.h"), "int test;\n");
    }
    try (Stream<Path> files = Files.walk(real)) {
      for (Path p : files.toList()) {
        Files.setLastModifiedTime(p, past);
      }
    }
    Files.createSymbolicLink(run, real);
    Thread.sleep(SETTLE_MILLIS);
    dc = new Distcache(tmp.resolve("cache"));
  }

  @AfterEach
  void tearDown() {
    dc.close();
  }

  @ParameterizedTest(name = "PWD {0}")
  @ValueSource(strings = {".", "unset"})
  void includePathsThroughTheLink_shareAcrossCheckouts(String pwd) {
    if (pwd.equals("unset")) {
      dc.env.remove("PWD");
    } else {
      dc.with("PWD", pwd);
    }
    Path dir1 = run.resolve("dir1");
    Path dir2 = run.resolve("dir2");
    dc.with("DISTCACHE_BASEDIR", dir1.toString());
    dc.run(dir1, args(dir1)).ok();
    dc.with("DISTCACHE_BASEDIR", dir2.toString());
    Run viaCache = dc.run(dir2, args(dir2)).ok();
    byte[] object = Distcache.read(dir2.resolve("test.o"));
    byte[] dep = Distcache.read(dir2.resolve("foo.d"));
    assertEquals(1, dc.stat("direct_cache_hit"), dc.stats().toString());
    Run gcc = dc.direct(dir2, args(dir2)).ok();
    assertEquals(gcc.err(), viaCache.err());
    assertArrayEquals(Distcache.read(dir2.resolve("test.o")), object);
    assertEquals(new String(Distcache.read(dir2.resolve("foo.d"))), new String(dep));
  }

  private static String[] args(Path checkout) {
    List<String> out = new ArrayList<>();
    out.add("gcc");
    out.add("-I" + checkout.resolve("include"));
    out.add("-MMD");
    out.add("-MF");
    out.add(checkout.resolve("foo.d").toString());
    out.add("-c");
    out.add("src/test.c");
    return out.toArray(String[]::new);
  }
}
