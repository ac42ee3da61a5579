package dev.distcache.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.testing.Processes;
import dev.distcache.testing.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The native client answers -s, -v, --print-stats, -z, --version and --help itself, from the
 * running server or, when none runs, from the counters file the last one left, without starting
 * one. Its output must be the Java client's for the same state, byte for byte: the two render the
 * same counters (admin.c and StatsSummary/MachineStats), so each check here runs both.
 */
class NativeAdminTest {
  private static final List<List<String>> STATS_COMMANDS =
      List.of(
          List.of("-s"),
          List.of("-sv"),
          List.of("-s", "--verbose"),
          List.of("--print-stats"),
          List.of("--show-stats", "--print-stats"));

  @TempDir Path tmp;
  Distcache dc;

  @BeforeEach
  void setUp() {
    dc = new Distcache(tmp.resolve("cache"));
    dc.env.remove("DISTCACHE_JAVA_CLIENT");
    Distcache.write(tmp.resolve("f.c"), "int f(void) { return 1; }\n");
    Distcache.write(tmp.resolve("g.c"), "int g(void) { return 2; }\n");
    Distcache.write(tmp.resolve("m.c"), "int main(void) { return 0; }\n");
  }

  @AfterEach
  void tearDown() {
    dc.close();
  }

  @Test
  void statsCommands_printWhatTheJavaClientPrints_withAServerRunning() {
    someCompiles();
    assertTrue(serverRuns());
    for (List<String> command : STATS_COMMANDS) {
      assertSameAsJava(command);
    }
  }

  @Test
  void statsCommands_withoutAServer_printWhatTheJavaClientPrints_andStartNone() {
    someCompiles();
    stopServer();
    for (List<String> command : STATS_COMMANDS) {
      assertSameAsJava(command);
    }
    assertFalse(serverRuns(), "showing the counters started a server");
  }

  @Test
  void statsCommands_withoutAServer_answerWithoutAnyJvm() {
    someCompiles();
    String withServer = dc.run(tmp, "--print-stats").ok().out();
    stopServer();
    CopiedInstallation copy =
        new CopiedInstallation(tmp.resolve("home")).withClientJava("/nonexistent/java");

    Run print = dc.exec(tmp, copy.launcher().toString(), "--print-stats").ok();
    Run show = dc.exec(tmp, copy.launcher().toString(), "-s").ok();
    Run version = dc.exec(tmp, copy.launcher().toString(), "--version").ok();

    assertEquals(withServer, print.out());
    assertTrue(show.out().startsWith("Cacheable calls:      3 /   4 (75.00%)\n"), show.out());
    assertEquals("distcache version 0.1.0\n", version.out());
    assertEquals("", print.err() + show.err() + version.err());
  }

  @Test
  void dir_namesTheCacheDirectory_forTheNativeClientToo() {
    someCompiles();
    String withServer = dc.run(tmp, "-sv").ok().out();
    stopServer();
    CopiedInstallation copy =
        new CopiedInstallation(tmp.resolve("home")).withClientJava("/nonexistent/java");
    dc.with("DISTCACHE_DIR", tmp.resolve("elsewhere").toString());

    Run dir = dc.exec(tmp, copy.launcher().toString(), "-s", "--dir", "cache", "-v");
    Run joined = dc.exec(tmp, copy.launcher().toString(), "-dcache", "-sv");

    assertEquals(withServer, dir.ok().out());
    assertEquals(withServer, joined.ok().out());
    assertFalse(Files.exists(tmp.resolve("elsewhere")));
  }

  @Test
  void zeroStats_withoutAServer_startsNone_andTheNextServerKeepsTheZeros() {
    someCompiles();
    stopServer();

    Run zero = dc.run(tmp, "-z");

    assertEquals("Statistics zeroed\n", zero.ok().out());
    assertFalse(serverRuns(), "zeroing started a server");
    assertEquals(0, dc.stat("cache_miss"));
    assertTrue(dc.stat("stats_zeroed_timestamp") > 0);
    assertSameAsJava(List.of("-sv"));
    dc.run(tmp, "gcc", "-c", "f.c").ok(); // starts a server, which takes the file's counters
    assertEquals(0, dc.stat("cache_miss"));
    assertEquals(1, dc.hits());
    assertEquals(0, dc.stat("called_for_link"));
  }

  @Test
  void zeroStats_withAServer_zeroesItsCounters_inOrderWithTheOtherOptions() {
    someCompiles();
    Run run = dc.run(tmp, "--print-stats", "-z", "-s");

    String out = run.ok().out();
    assertTrue(out.contains("cache_miss\t2\n"), out);
    assertTrue(out.contains("Statistics zeroed\nLocal storage:\n"), out);
    assertEquals(0, dc.stat("cache_miss"));
  }

  @Test
  void versionAndHelp_areTheJavaClientsTexts() {
    assertSameAsJava(List.of("--version"));
    assertSameAsJava(List.of("-V"));
    assertSameAsJava(List.of("--help"));
    assertSameAsJava(List.of("-h"));
    assertFalse(serverRuns());
  }

  @Test
  void rareCommands_runInAJvm_thatArchivesItsClassesAtItsFirstExit() {
    CopiedInstallation copy = new CopiedInstallation(tmp.resolve("home"));
    Path archive = copy.home.resolve("target/admin.jsa");

    Run first = dc.exec(tmp, copy.launcher().toString(), "-k", "stats");
    Run second = dc.exec(tmp, copy.launcher().toString(), "-k", "stats");

    assertEquals("true\n", first.ok().out());
    assertEquals(first.out(), second.ok().out());
    assertEquals("", first.err() + second.err());
    assertTrue(Files.isRegularFile(archive), "no class-data archive at " + archive);
  }

  /** Two misses, a hit and a link (uncacheable), then a server that runs. */
  private void someCompiles() {
    dc.run(tmp, "gcc", "-c", "f.c").ok();
    dc.run(tmp, "gcc", "-c", "g.c").ok();
    dc.run(tmp, "gcc", "-c", "f.c").ok();
    dc.run(tmp, "gcc", "m.c", "-o", "m").ok();
  }

  private void assertSameAsJava(List<String> command) {
    Run nativeRun = dc.run(tmp, command.toArray(String[]::new));
    Map<String, String> javaEnv = new HashMap<>(dc.env);
    javaEnv.put("DISTCACHE_JAVA_CLIENT", "1");
    List<String> cmd = new ArrayList<>();
    cmd.add(Distcache.LAUNCHER.toString());
    cmd.addAll(command);
    Run javaRun = Processes.run(tmp, javaEnv, cmd);
    assertEquals(javaRun.exitCode(), nativeRun.exitCode(), "exit code of " + command);
    assertEquals(javaRun.out(), nativeRun.out(), "stdout of " + command);
    assertEquals(javaRun.err(), nativeRun.err(), "stderr of " + command);
  }

  private boolean serverRuns() {
    return Files.exists(dc.cacheDir.resolve("server.sock"));
  }

  /** Stops the server and waits for it to exit (it writes the counters file a last time). */
  private void stopServer() {
    dc.close();
    assertFalse(serverRuns(), "the server did not stop");
  }
}
