package dev.distcache.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.distcache.testing.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Paths under base_dir written with {@code //}, {@code /./} or {@code dir/..} key as their normal
 * form, as in ccache, where the kernel walks them to the same place; where it cannot (a missing
 * directory before {@code ..}), gcc's own answer is given.
 */
class BaseDirPathNormalizationTest {
  /** Longer than the slack the server allows for coarse file times (as in DirectModeTest). */
  private static final long SETTLE_MILLIS = 150;

  @TempDir Path tmp;
  Distcache dc;
  Path dir;

  @BeforeEach
  void setUp() throws IOException {
    dir = tmp.resolve("dir1");
    Distcache.write(dir.resolve("src/test.c"), "#include <stdarg.h>\n#include <test.h>\n");
    Distcache.write(dir.resolve("include/test.h"), "int test;\n");
    FileTime past = FileTime.from(Instant.now().minusSeconds(60));
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.toList()) {
        Files.setLastModifiedTime(p, past);
      }
    }
    sleep();
    dc = new Distcache(tmp.resolve("cache")).with("DISTCACHE_BASEDIR", dir.toString());
    dc.run(dir, "gcc", "-I" + dir.resolve("include"), "-c", "src/test.c").ok();
  }

  @AfterEach
  void tearDown() {
    dc.close();
  }

  @Test
  void dotNamesAndDoubleSlashes_hitTheEntryOfThePlainPath_withGccsObject() throws IOException {
    Files.createDirectory(dir.resolve("subdir"));
    String[] cmd = {
      "gcc", "-I" + dir + "//./subdir/../include", "-c", dir.resolve("src/test.c").toString()
    };
    Run viaCache = dc.run(dir, cmd).ok();
    byte[] cached = Distcache.read(dir.resolve("test.o"));
    assertEquals(1, dc.stat("direct_cache_hit"), dc.stats().toString());
    Run gcc = dc.direct(dir, cmd).ok();
    assertEquals(gcc.err(), viaCache.err());
    assertArrayEquals(Distcache.read(dir.resolve("test.o")), cached);
  }

  @Test
  void aMissingDirectoryBeforeDotDot_isNoHit_andGccsErrorIsTheAnswer() throws IOException {
    Files.delete(dir.resolve("test.o"));
    String[] cmd = {"gcc", "-I" + dir + "/missing/../include", "-c", "src/test.c"};
    Run viaCache = dc.run(dir, cmd);
    Run gcc = dc.direct(dir, cmd);
    assertEquals(1, gcc.exitCode(), gcc.err());
    assertEquals(gcc.exitCode(), viaCache.exitCode());
    assertEquals(gcc.err(), viaCache.err());
    assertEquals(0, dc.stat("direct_cache_hit") + dc.stat("preprocessed_cache_hit"));
  }

  private static void sleep() {
    try {
      Thread.sleep(SETTLE_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
