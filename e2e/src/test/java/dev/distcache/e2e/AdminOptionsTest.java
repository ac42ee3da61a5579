package dev.distcache.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.testing.Processes;
import dev.distcache.testing.Run;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ccache's options added in issue 10, through bin/distcache and a real server. */
class AdminOptionsTest {
  /** BLAKE3 of no bytes, from the reference implementation's test vectors. */
  private static final String BLAKE3_OF_NOTHING =
      "af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262";

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
  void hashFile_printsTheBlake3OfTheFile_andOfStdin() {
    Distcache.write(tmp.resolve("empty"), "");
    Distcache.write(tmp.resolve("a.c"), "int a;\n");

    Run empty = dc.run(tmp, "--hash-file", "empty").ok();
    Run checksum = dc.run(tmp, "--checksum-file", tmp.resolve("empty").toString()).ok();
    Run a = dc.run(tmp, "--hash-file", "a.c").ok();
    Run stdin = dc.exec(tmp, "/bin/sh", "-c", Distcache.LAUNCHER + " --hash-file - < a.c").ok();

    assertEquals(BLAKE3_OF_NOTHING + "\n", empty.out());
    assertEquals(empty.out(), checksum.out());
    assertTrue(a.out().matches("[0-9a-f]{64}\n") && !a.out().equals(empty.out()), a.out());
    assertEquals(a.out(), stdin.out());
    assertEquals("", empty.err() + a.err() + stdin.err());
  }

  @Test
  void dir_namesTheCacheDirectory_forEveryOption() {
    Distcache.write(tmp.resolve("f.c"), "int f(void) { return 1; }\n");
    dc.run(tmp, "gcc", "-c", "f.c").ok();
    Map<String, String> elsewhere = new HashMap<>(dc.env);
    elsewhere.put("DISTCACHE_DIR", tmp.resolve("elsewhere").toString());

    Run run =
        Processes.run(
            tmp,
            elsewhere,
            List.of(Distcache.LAUNCHER.toString(), "--print-stats", "-d", dc.cacheDir.toString()));

    assertTrue(run.ok().out().contains("cache_miss\t1\n"), run.out());
  }

  @Test
  void printStatsAsJson_throughTheServer() {
    Distcache.write(tmp.resolve("f.c"), "int f(void) { return 1; }\n");
    dc.run(tmp, "gcc", "-c", "f.c").ok();

    Run run = dc.run(tmp, "--print-stats", "--format", "json").ok();

    assertTrue(run.out().startsWith("{\n  \"autoconf_test\": 0,\n"), run.out());
    assertTrue(run.out().contains("\n  \"cache_miss\": 1,\n"), run.out());
    assertTrue(run.out().endsWith("\n}\n"), run.out());
  }
}
