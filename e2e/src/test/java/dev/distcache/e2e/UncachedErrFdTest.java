package dev.distcache.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.testing.Loopback;
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
 * UNCACHED_ERR_FD, which ccache exports to its prefix command: distcache's own messages go to that
 * descriptor, the compiler's stderr stays on stderr, so ccache caches exactly the compiler's
 * output.
 */
class UncachedErrFdTest {
  static final Path CCACHE = Path.of("/usr/bin/ccache");
  static final String MISSING = "no-such-compiler-xyz";

  @TempDir Path tmp;
  Path src;
  Distcache dc;

  @BeforeEach
  void setUp() {
    src = tmp.resolve("src");
    dc =
        new Distcache(tmp.resolve("cache"))
            .with("DISTCACHE_LOG_FILE", tmp.resolve("server.log").toString());
    Distcache.write(src.resolve("w.c"), CompileTest.WARNS_C);
  }

  @AfterEach
  void tearDown() {
    dc.close();
  }

  /**
   * Runs distcache with descriptor 3 open on {@code notes} and UNCACHED_ERR_FD set to {@code fd}.
   */
  private Run withFd3(Path notes, String fd, String... args) {
    StringBuilder cmd =
        new StringBuilder(
            "exec 3>>'"
                + notes
                + "'; UNCACHED_ERR_FD="
                + fd
                + " exec '"
                + Distcache.LAUNCHER
                + "'");
    for (String a : args) {
      cmd.append(" '").append(a).append("'");
    }
    return dc.exec(src, "sh", "-c", cmd.toString());
  }

  @Test
  void distcachesOwnError_goesToUncachedErrFd_andNotToStderr() throws Exception {
    Path notes = tmp.resolve("notes");
    Run r = withFd3(notes, "3", MISSING, "-c", "w.c", "-o", "w.o");
    assertEquals(1, r.exitCode());
    assertEquals("", r.err(), "stderr holds the compiler's output only");
    String note = Files.readString(notes);
    assertTrue(note.startsWith("distcache: error: ") && note.contains(MISSING), note);
  }

  @Test
  void withoutUsableUncachedErrFd_theErrorGoesToStderr() throws Exception {
    Path notes = tmp.resolve("notes");
    for (String fd : new String[] {"", "9", "x"}) {
      Run r = withFd3(notes, fd, MISSING, "-c", "w.c", "-o", "w.o");
      assertEquals(1, r.exitCode());
      assertTrue(
          r.err().startsWith("distcache: error: ") && r.err().contains(MISSING),
          "fd '" + fd + "': " + r.err());
    }
    assertEquals("", Files.readString(notes));
  }

  @Test
  void underCcache_withARefusedHost_ccacheCachesExactlyTheCompilersStderr() throws Exception {
    assertTrue(Files.isExecutable(CCACHE), CCACHE + " is not installed");
    int refused = Loopback.freePort("127.0.0.2");
    Map<String, String> env = new HashMap<>(dc.env);
    env.put("CCACHE_DIR", tmp.resolve("ccache").toString());
    env.put("CCACHE_TEMPDIR", tmp.resolve("ccache-tmp").toString());
    env.put("CCACHE_PREFIX", Distcache.LAUNCHER.toString());
    env.put("DISTCACHE_HOSTS", "127.0.0.2:" + refused + "/2");
    Run direct = dc.direct(src, "gcc", "-Wall", "-c", "w.c", "-o", "direct.o").ok();
    assertTrue(direct.err().contains("unused"), direct.err());

    Run miss =
        Processes.run(src, env, List.of("ccache", "gcc", "-Wall", "-c", "w.c", "-o", "w.o")).ok();
    assertArrayEquals(direct.stderr(), miss.stderr(), miss.err());
    assertArrayEquals(Distcache.read(src.resolve("direct.o")), Distcache.read(src.resolve("w.o")));
    assertEquals(
        1,
        dc.stat("remote_host_unreachable"),
        "distcache tried the refused host, then compiled here");
    String log = Files.readString(tmp.resolve("server.log"));
    assertTrue(
        log.contains("unreachable"),
        "the host failure is the server log's, not the compiler's: " + log);

    Files.delete(src.resolve("w.o"));
    Run hit =
        Processes.run(src, env, List.of("ccache", "gcc", "-Wall", "-c", "w.c", "-o", "w.o")).ok();
    assertArrayEquals(direct.stderr(), hit.stderr(), "ccache's cached stderr: " + hit.err());
    assertArrayEquals(Distcache.read(src.resolve("direct.o")), Distcache.read(src.resolve("w.o")));
    Run stats = Processes.run(src, env, List.of("ccache", "--print-stats")).ok();
    assertTrue(
        stats.out().lines().anyMatch(l -> l.matches("(direct|preprocessed)_cache_hit\t1")),
        stats.out());
  }
}
