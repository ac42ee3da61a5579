package dev.distcache.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.testing.Loopback;
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
    String summary = dc.run(src, "-s").ok().out();
    assertTrue(
        summary.contains("\nRemote compiles:\n")
            && summary.lines().anyMatch(l -> l.matches("  Hosts unreachable: +1")),
        "-s shows the farm's counters when nonzero: " + summary);
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

  /** A prefix command that says something on UNCACHED_ERR_FD, then runs the compiler. */
  private Path chattyWrapper() throws Exception {
    Path wrapper = tmp.resolve("wrapper.sh");
    Files.writeString(
        wrapper, "#!/bin/sh\necho \"wrapper: compiling $*\" >&$UNCACHED_ERR_FD\nexec \"$@\"\n");
    Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwxr-xr-x"));
    return wrapper;
  }

  @Test
  void prefixCommandsUncachedMessage_reachesStderrOnTheMiss_andIsNotReplayedOnTheHit()
      throws Exception {
    dc.with("DISTCACHE_PREFIX", chattyWrapper().toString());
    Run direct = dc.direct(src, "gcc", "-Wall", "-c", "w.c", "-o", "direct.o").ok();

    Run miss = dc.run(src, "gcc", "-Wall", "-c", "w.c", "-o", "w.o").ok();
    Files.delete(src.resolve("w.o"));
    Run hit = dc.run(src, "gcc", "-Wall", "-c", "w.c", "-o", "w.o").ok();

    String first = miss.err().substring(0, miss.err().indexOf('\n') + 1);
    assertTrue(
        first.startsWith("wrapper: compiling /") && first.contains(" -Wall -c w.c -o w.o"), first);
    assertEquals(direct.err(), miss.err().substring(first.length()), "then the compiler's stderr");
    assertEquals(direct.err(), hit.err(), "the wrapper's message is not cached");
    assertEquals(1, dc.hits());
    assertArrayEquals(Distcache.read(src.resolve("direct.o")), Distcache.read(src.resolve("w.o")));
  }

  /** Under a wrapper that gives distcache its own UNCACHED_ERR_FD, the message goes there. */
  @Test
  void prefixCommandsUncachedMessage_goesToTheClientsOwnUncachedErrFd() throws Exception {
    dc.with("DISTCACHE_PREFIX", chattyWrapper().toString());
    Run direct = dc.direct(src, "gcc", "-Wall", "-c", "w.c", "-o", "direct.o").ok();
    Path notes = tmp.resolve("notes");

    Run miss = withFd3(notes, "3", "gcc", "-Wall", "-c", "w.c", "-o", "w.o").ok();

    assertEquals(direct.err(), miss.err());
    assertTrue(Files.readString(notes).startsWith("wrapper: compiling /"), Files.readString(notes));
  }

  /**
   * distcache as ccache's prefix, with a chatty prefix of its own: the message reaches the user on
   * ccache's miss, and ccache's hit replays only the compiler's stderr.
   */
  @Test
  void underCcache_theWrappersMessageReachesTheUser_andCcacheCachesOnlyTheCompilersStderr()
      throws Exception {
    Map<String, String> env = new HashMap<>(dc.env);
    env.put("CCACHE_DIR", tmp.resolve("ccache").toString());
    env.put("CCACHE_TEMPDIR", tmp.resolve("ccache-tmp").toString());
    env.put("CCACHE_PREFIX", Distcache.LAUNCHER.toString());
    env.put("DISTCACHE_PREFIX", chattyWrapper().toString());
    Run direct = dc.direct(src, "gcc", "-Wall", "-c", "w.c", "-o", "direct.o").ok();
    List<String> ccache = List.of("ccache", "gcc", "-Wall", "-c", "w.c", "-o", "w.o");

    Run miss = Processes.run(src, env, ccache).ok();
    Files.delete(src.resolve("w.o"));
    Run hit = Processes.run(src, env, ccache).ok();

    assertTrue(miss.err().startsWith("wrapper: compiling /"), miss.err());
    assertTrue(miss.err().endsWith(direct.err()), miss.err());
    assertEquals(direct.err(), hit.err(), "ccache cached the compiler's stderr alone");
    assertArrayEquals(Distcache.read(src.resolve("direct.o")), Distcache.read(src.resolve("w.o")));
  }
}
