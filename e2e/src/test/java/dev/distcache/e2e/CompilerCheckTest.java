package dev.distcache.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.testing.Processes;
import dev.distcache.testing.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * compiler_check commands, run as ccache 4.7.5 runs them (and checked against it): a relative
 * command is the compile directory's, and %compiler% names the compiler.
 */
class CompilerCheckTest {
  @TempDir Path tmp;
  Path one;
  Path two;
  Distcache dc;

  @BeforeEach
  void setUp() throws Exception {
    one = Files.createDirectories(tmp.resolve("one"));
    two = Files.createDirectories(tmp.resolve("two"));
    for (Path dir : List.of(one, two)) {
      Distcache.write(dir.resolve("t.c"), CompileTest.HELLO_C);
    }
    dc = new Distcache(tmp.resolve("cache"));
  }

  @AfterEach
  void tearDown() {
    dc.close();
  }

  private static void check(Path dir, String output) throws Exception {
    Path p = dir.resolve("version.sh");
    Files.writeString(p, "#!/bin/sh\necho " + output + "\n");
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  /** Compiles t.c in {@code dir} under distcache and ccache; the hits each counted so far. */
  private long[] compile(Path dir, String compilerCheck) {
    dc.with("DISTCACHE_COMPILERCHECK", compilerCheck);
    Run d = dc.run(dir, "gcc", "-c", "t.c", "-o", "t.o").ok();
    assertEquals("", d.err());
    Map<String, String> env = new HashMap<>(dc.env);
    env.keySet().removeIf(k -> k.startsWith("DISTCACHE_"));
    env.put("CCACHE_DIR", tmp.resolve("ccache").toString());
    env.put("CCACHE_TEMPDIR", tmp.resolve("ccache-tmp").toString());
    env.put("CCACHE_COMPILERCHECK", compilerCheck);
    Processes.run(dir, env, List.of("ccache", "gcc", "-c", "t.c", "-o", "c.o")).ok();
    Run s = Processes.run(dir, env, List.of("ccache", "--print-stats")).ok();
    long ccacheHits =
        s.out()
            .lines()
            .filter(l -> l.matches("(direct|preprocessed)_cache_hit\t\\d+"))
            .mapToLong(l -> Long.parseLong(l.substring(l.indexOf('\t') + 1)))
            .sum();
    return new long[] {dc.hits(), ccacheHits};
  }

  @Test
  void relativeCommand_runsInTheCompilesDirectory() throws Exception {
    check(one, "v1");
    check(two, "v1");
    assertArrayEquals(new long[] {0, 0}, compile(one, "./version.sh"));
    assertArrayEquals(
        new long[] {1, 1},
        compile(two, "./version.sh"),
        "the same identity in the other directory");

    check(two, "v2");
    Files.delete(two.resolve("t.o"));
    assertArrayEquals(
        new long[] {1, 1}, compile(two, "./version.sh"), "another compiler by its check: a miss");
    assertArrayEquals(
        Distcache.read(one.resolve("t.o")), Distcache.read(two.resolve("t.o")), "same object");
    assertEquals(0, dc.stat("compiler_check_failed"));
  }

  @Test
  void compilerPlaceholder_namesTheCompiler_andSemicolonsSeparateCommands() throws Exception {
    String cmd = "%compiler% -dumpversion; %compiler% -dumpmachine";
    assertArrayEquals(new long[] {0, 0}, compile(one, cmd));
    assertArrayEquals(new long[] {1, 1}, compile(two, cmd));
    assertEquals(0, dc.stat("compiler_check_failed"));
  }

  @Test
  void commandThatFails_isCompilerCheckFailed_andTheCompileStillWorks() throws Exception {
    Run r = dc.with("DISTCACHE_COMPILERCHECK", "./missing-check").run(one, "gcc", "-c", "t.c");

    assertEquals(0, r.exitCode(), r.err());
    assertTrue(Files.size(one.resolve("t.o")) > 0);
    assertEquals(1, dc.stat("compiler_check_failed"));
  }
}
