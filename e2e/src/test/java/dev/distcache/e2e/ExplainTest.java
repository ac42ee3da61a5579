package dev.distcache.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.testing.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code distcache explain} (issue 15) after real compiles: "would hit" after a plain rebuild, and
 * otherwise the cause, named: a changed header, a changed -D, a changed environment variable of the
 * key, another compiler, another working directory with -g. It never compiles and changes nothing:
 * the counters and the cache's files stay as they were.
 */
class ExplainTest {
  @TempDir Path tmp;
  Path work;
  Distcache dc;

  @BeforeEach
  void setUp() {
    work = tmp.resolve("work");
    Distcache.write(
        work.resolve("main.c"), "#include \"config.h\"\nint value(void) { return LEVEL; }\n");
    Distcache.write(work.resolve("config.h"), "#define LEVEL 1\n");
    dc = new Distcache(tmp.resolve("cache"));
  }

  @AfterEach
  void tearDown() {
    dc.close();
  }

  @Test
  void afterAPlainRebuild_wouldHit_andExplainingChangesNothing() throws IOException {
    compile("gcc", "-c", "main.c", "-o", "main.o");
    Map<String, Long> before = dc.stats();
    String listing = listing(tmp.resolve("cache"));
    String out = explain("gcc", "-c", "main.c", "-o", "main.o");
    assertTrue(out.startsWith("would hit (direct mode)"), out);
    assertEquals(before, dc.stats(), "explain counted something");
    assertEquals(listing, listing(tmp.resolve("cache")), "explain wrote into the cache directory");
    assertTrue(Files.exists(work.resolve("main.o")));
  }

  @Test
  void aChangedHeader_isNamed_withHowItChanged() {
    compile("gcc", "-c", "main.c", "-o", "main.o");
    Distcache.write(work.resolve("config.h"), "#define LEVEL 22\n");
    String out = explain("gcc", "-c", "main.c", "-o", "main.o");
    assertTrue(out.startsWith("would miss"), out);
    assertTrue(out.contains("include file config.h: changed, 16 bytes then, 17 now"), out);
  }

  @Test
  void aChangedDefine_isNamed() {
    compile("gcc", "-c", "-DMODE=1", "main.c", "-o", "main.o");
    String out = explain("gcc", "-c", "-DMODE=2", "main.c", "-o", "main.o");
    assertTrue(out.startsWith("would miss"), out);
    assertTrue(out.contains("argument -DMODE=1 was given then, not now"), out);
    assertTrue(out.contains("argument -DMODE=2 is given now, not then"), out);
    assertEquals(3, out.strip().lines().count(), out); // the verdict, then nothing but the -D
  }

  @Test
  void aChangedEnvironmentVariableOfTheKey_isNamed() {
    dc.with("CPATH", tmp.resolve("one").toString());
    compile("gcc", "-c", "main.c", "-o", "main.o");
    dc.with("CPATH", tmp.resolve("two").toString());
    String out = explain("gcc", "-c", "main.c", "-o", "main.o");
    assertTrue(
        out.contains(
            "environment variable CPATH: \""
                + tmp.resolve("one")
                + "\" then, \""
                + tmp.resolve("two")
                + "\" now"),
        out);
  }

  @Test
  void anotherCompiler_isNamed() {
    compile("gcc", "-c", "main.c", "-o", "main.o");
    String out = explain("clang", "-c", "main.c", "-o", "main.o");
    assertTrue(out.startsWith("would miss"), out);
    assertTrue(out.contains("another compiler: name=gcc;"), out);
    assertTrue(out.contains(" now"), out);
  }

  @Test
  void anotherWorkingDirectory_withDebugInfo_isNamed() throws IOException {
    compile("gcc", "-g", "-c", "main.c", "-o", "main.o");
    Path copy = tmp.resolve("copy");
    Files.createDirectories(copy);
    for (String f : new String[] {"main.c", "config.h"}) {
      Files.copy(work.resolve(f), copy.resolve(f));
    }
    Run r = dc.run(copy, "explain", "gcc", "-g", "-c", "main.c", "-o", "main.o").ok();
    assertTrue(
        r.out()
            .contains(
                "the working directory (in the key because of -g): "
                    + work
                    + " then, "
                    + copy
                    + " now"),
        r.out());
    assertEquals(2, r.out().strip().lines().count(), r.out()); // nothing else differs
  }

  private void compile(String... cmd) {
    String[] args = new String[cmd.length];
    System.arraycopy(cmd, 0, args, 0, cmd.length);
    dc.run(work, args).ok();
  }

  private String explain(String... cmd) {
    String[] args = new String[cmd.length + 1];
    args[0] = "explain";
    System.arraycopy(cmd, 0, args, 1, cmd.length);
    Run r = dc.run(work, args).ok();
    assertEquals("", r.err(), "explain wrote to stderr");
    return r.out();
  }

  /** Every file under the cache directory with its size and modification time. */
  private static String listing(Path dir) throws IOException {
    StringBuilder b = new StringBuilder();
    try (var files = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) files.sorted()::iterator) {
        if (Files.isRegularFile(p) && !p.getFileName().toString().startsWith("LOG")) {
          b.append(dir.relativize(p))
              .append(' ')
              .append(Files.size(p))
              .append(' ')
              .append(Files.getLastModifiedTime(p).toMillis())
              .append('\n');
        }
      }
    }
    return b.toString();
  }
}
