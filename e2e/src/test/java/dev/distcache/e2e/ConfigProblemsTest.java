package dev.distcache.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.testing.Processes;
import dev.distcache.testing.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A configuration distcache cannot fully use (a copied ccache.conf, a typo, a bad variable, a host
 * list it cannot parse) never turns the cache off: the valid settings still apply, compiles are
 * cached, the problem is told once per server start on a compile's stderr and in {@code -s}, and
 * the administration commands work.
 */
class ConfigProblemsTest {
  @TempDir Path tmp;
  Distcache dc;

  @BeforeEach
  void setUp() {
    dc = new Distcache(tmp.resolve("cache"));
    for (String name : new String[] {"a", "b", "c"}) {
      Distcache.write(tmp.resolve(name + ".c"), "int " + name + "(int x) { return x * 3 + 1; }\n");
    }
  }

  @AfterEach
  void tearDown() {
    dc.close();
  }

  @Test
  void copiedCcacheConfWithATypo_compilesAreCached_andTheNoteIsToldOncePerServerStart() {
    Path conf = tmp.resolve("cache/distcache.conf");
    Distcache.write(
        conf,
        "# copied from ccache.conf\nfile_clone = true\ncompression_level = 6\nmax_size = 5G\n"
            + "direct_mod = false\nhard_link = true\n");

    Run first = dc.run(tmp, "gcc", "-c", "a.c", "-o", "a.o").ok();
    String note = first.err();
    assertTrue(
        note.contains(conf + ":5:") && note.contains("direct_mod") && note.contains("direct_mode"),
        note);
    assertTrue(
        note.contains(conf + ":2:") && note.contains("file_clone"),
        "ccache's keys distcache does not implement get a note: " + note);
    assertFalse(
        note.contains("compression") || note.contains("hard_link"),
        "the ones it implements (hard_link as a no-op) get none: " + note);
    assertTrue(note.lines().allMatch(l -> l.startsWith("distcache: note: ")), note);
    dc.direct(tmp, "gcc", "-c", "a.c", "-o", "direct.o").ok();
    assertArrayEquals(Distcache.read(tmp.resolve("direct.o")), Distcache.read(tmp.resolve("a.o")));

    Run second = dc.run(tmp, "gcc", "-c", "a.c", "-o", "a.o").ok();
    assertEquals("", second.err(), "told once per server start, not per compile");
    assertEquals(1, dc.hits(), "the valid settings apply and the cache is used");
    assertArrayEquals(Distcache.read(tmp.resolve("direct.o")), Distcache.read(tmp.resolve("a.o")));
    assertEquals("", dc.run(tmp, "gcc", "-c", "b.c").ok().err());

    String stats = dc.run(tmp, "-s").ok().out();
    assertTrue(stats.contains(conf + ":5:") && stats.contains("direct_mode"), stats);
    assertTrue(dc.run(tmp, "-p").ok().out().contains("(" + conf + ") max_size = 5.0G"));
    assertEquals("5.0G", dc.run(tmp, "-k", "max_size").ok().out().trim());
    dc.run(tmp, "-C").ok();
    assertEquals(0, dc.stat("files_in_cache"));
    assertEquals("distcache server stopped", dc.run(tmp, "server", "stop").ok().out().trim());

    Run afterRestart = dc.run(tmp, "gcc", "-c", "c.c").ok();
    assertTrue(
        afterRestart.err().contains(conf + ":5:"),
        "a new server tells it again: " + afterRestart.err());
    assertEquals("", dc.run(tmp, "gcc", "-c", "c.c").ok().err());
  }

  @Test
  void badVariableValues_areIgnoredWithANote_andEverythingElseWorks() {
    dc.with("DISTCACHE_MAXSIZE", "abc").with("DISTCACHE_FILECLONE", "1");

    Run first = dc.run(tmp, "gcc", "-c", "a.c").ok();
    assertTrue(
        first.err().contains("DISTCACHE_MAXSIZE") && first.err().contains("abc"), first.err());
    assertTrue(
        first.err().contains("DISTCACHE_FILECLONE") && first.err().contains("file_clone"),
        first.err());
    assertEquals("", dc.run(tmp, "gcc", "-c", "a.c").ok().err());
    assertEquals(1, dc.hits());
    dc.direct(tmp, "gcc", "-c", "a.c", "-o", "direct.o").ok();
    assertArrayEquals(Distcache.read(tmp.resolve("direct.o")), Distcache.read(tmp.resolve("a.o")));

    String stats = dc.run(tmp, "-s").ok().out();
    assertTrue(stats.contains("DISTCACHE_MAXSIZE"), stats);
    assertTrue(dc.run(tmp, "-p").ok().out().contains("(default) max_size = 5.0G"));
    dc.run(tmp, "-C").ok();
    assertEquals("distcache server stopped", dc.run(tmp, "server", "stop").ok().out().trim());
  }

  /**
   * ccache with run_second_cpp=false compiles its preprocessed output: gcc then loses the macro
   * context of a warning and writes other debug info (columns) than for the command given.
   * distcache always compiles the source, so its outputs stay gcc's own; it says so once.
   */
  @Test
  void runSecondCppFalse_isAcceptedWithItsReason_andOutputsStayThoseOfTheCommand() {
    Distcache.write(
        tmp.resolve("m.c"),
        "#define UNUSED int unused_thing = 3\nint f(int a) {\n  UNUSED;\n  return a;\n}\n");
    dc.with("DISTCACHE_NOCPP2", "1");
    String[] compile = {"gcc", "-g", "-Wall", "-c", "m.c", "-o", "m.o"};
    Run direct = dc.direct(tmp, "gcc", "-g", "-Wall", "-c", "m.c", "-o", "direct.o").ok();
    assertTrue(direct.err().contains("in expansion of macro"), direct.err());

    Run first = dc.run(tmp, compile).ok();

    assertEquals(
        "distcache: note: DISTCACHE_NOCPP2: ccache's run_second_cpp is not implemented: distcache"
            + " always compiles the source, as run_second_cpp=true (ccache's default) does;"
            + " compiling the preprocessed output changes warnings and debug info from what the"
            + " command gives; ignored\n"
            + direct.err(),
        first.err());
    assertArrayEquals(Distcache.read(tmp.resolve("direct.o")), Distcache.read(tmp.resolve("m.o")));
    Run hit = dc.run(tmp, compile).ok();
    assertEquals(direct.err(), hit.err());
    assertEquals(1, dc.hits());
    assertArrayEquals(Distcache.read(tmp.resolve("direct.o")), Distcache.read(tmp.resolve("m.o")));
    dc.with("DISTCACHE_NOCPP2", "").with("DISTCACHE_CPP2", "1").run(tmp, compile).ok();
    assertEquals(2, dc.hits(), "the setting is not in the key: outputs do not depend on it");
  }

  @Test
  void unparseableHostList_compilesLocally_withTheNoteOnce() {
    dc.with("DISTCACHE_HOSTS", "127.0.0.1:notaport");

    Run first = dc.run(tmp, "gcc", "-c", "a.c").ok();
    assertTrue(
        first.err().contains("$DISTCACHE_HOSTS") && first.err().contains("notaport"), first.err());
    dc.direct(tmp, "gcc", "-c", "a.c", "-o", "direct.o").ok();
    assertArrayEquals(Distcache.read(tmp.resolve("direct.o")), Distcache.read(tmp.resolve("a.o")));
    assertEquals("", dc.run(tmp, "gcc", "-c", "b.c").ok().err(), "another miss is not told again");
    assertEquals(2, dc.stat("cache_miss"));

    String stats = dc.run(tmp, "-s").ok().out();
    assertTrue(stats.contains("$DISTCACHE_HOSTS") && stats.contains("notaport"), stats);
    assertEquals("distcache server stopped", dc.run(tmp, "server", "stop").ok().out().trim());
  }

  @Test
  void underCcache_theNoteGoesToUncachedErrFd_andCcacheCachesExactlyTheCompilersStderr()
      throws Exception {
    assertTrue(
        Files.isExecutable(UncachedErrFdTest.CCACHE),
        UncachedErrFdTest.CCACHE + " is not installed");
    Distcache.write(tmp.resolve("w.c"), CompileTest.WARNS_C);
    Map<String, String> env = new HashMap<>(dc.env);
    env.put("CCACHE_DIR", tmp.resolve("ccache").toString());
    env.put("CCACHE_TEMPDIR", tmp.resolve("ccache-tmp").toString());
    env.put("CCACHE_PREFIX", Distcache.LAUNCHER.toString());
    env.put("DISTCACHE_MAXSIZE", "abc");
    Run direct = dc.direct(tmp, "gcc", "-Wall", "-c", "w.c", "-o", "direct.o").ok();
    assertTrue(direct.err().contains("unused"), direct.err());

    Run miss =
        Processes.run(tmp, env, List.of("ccache", "gcc", "-Wall", "-c", "w.c", "-o", "w.o")).ok();
    String note = "distcache: note: DISTCACHE_MAXSIZE: ";
    assertTrue(
        miss.err().contains(note), "ccache passes UNCACHED_ERR_FD's lines on: " + miss.err());
    assertTrue(miss.err().contains(direct.err()), miss.err());
    assertArrayEquals(Distcache.read(tmp.resolve("direct.o")), Distcache.read(tmp.resolve("w.o")));

    Files.delete(tmp.resolve("w.o"));
    Run hit =
        Processes.run(tmp, env, List.of("ccache", "gcc", "-Wall", "-c", "w.c", "-o", "w.o")).ok();
    assertArrayEquals(
        direct.stderr(), hit.stderr(), "ccache cached the compiler's stderr only: " + hit.err());
    Run stats = Processes.run(tmp, env, List.of("ccache", "--print-stats")).ok();
    assertTrue(
        stats.out().lines().anyMatch(l -> l.matches("(direct|preprocessed)_cache_hit\t1")),
        stats.out());
  }
}
