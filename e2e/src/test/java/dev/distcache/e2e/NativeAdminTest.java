package dev.distcache.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.testing.Processes;
import dev.distcache.testing.Run;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
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
          List.of("-svv"),
          List.of("-v", "--show-stats", "--verbose"),
          List.of("--print-stats"),
          List.of("--print-stats", "--format", "json"),
          List.of("--format=json", "--print-stats", "-svv"),
          List.of("--show-stats", "--print-stats"));

  /** A summer time (2023-07-22T04:26:40Z), when Paris is two hours ahead of UTC. */
  private static final long SUMMER = 1_690_000_000L;

  @TempDir Path tmp;
  Distcache dc;
  CopiedInstallation noJava;

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
        new CopiedInstallation(tmp.resolve("home")).withClientJava("/bin/false");

    Run print = dc.exec(tmp, copy.launcher().toString(), "--print-stats").ok();
    Run show = dc.exec(tmp, copy.launcher().toString(), "-s").ok();
    Run version = dc.exec(tmp, copy.launcher().toString(), "--version").ok();

    assertEquals(withServer, print.out());
    assertTrue(show.out().startsWith("Cacheable calls:      3 /    4 (75.00%)\n"), show.out());
    assertEquals("distcache version 0.1.0\n", version.out());
    assertEquals("", print.err() + show.err() + version.err());
  }

  @Test
  void dir_namesTheCacheDirectory_forTheNativeClientToo() {
    someCompiles();
    String withServer = dc.run(tmp, "-sv").ok().out();
    stopServer();
    CopiedInstallation copy =
        new CopiedInstallation(tmp.resolve("home")).withClientJava("/bin/false");
    dc.with("DISTCACHE_DIR", tmp.resolve("elsewhere").toString());

    Run dir = dc.exec(tmp, copy.launcher().toString(), "-s", "--dir", "cache", "-v");
    Run joined = dc.exec(tmp, copy.launcher().toString(), "-dcache", "-sv");

    assertEquals(withServer, dir.ok().out());
    assertEquals(withServer, joined.ok().out());
    assertFalse(Files.exists(tmp.resolve("elsewhere")));
  }

  @Test
  void everyLevel_showsTheDetailRowsAndTheFarm_asTheJavaClientDoes_withAndWithoutAServer() {
    someCompiles();
    failingAndUncacheableCalls();
    assertTrue(serverRuns());
    for (List<String> command : STATS_COMMANDS) {
      assertSameAsJava(command);
    }
    String verbose = dc.run(tmp, "-sv").ok().out();
    for (String row :
        List.of(
            "\n  Compilation failed: ",
            "\n  Preprocessing failed: ",
            "\n  No input file: ",
            "\n  Output to stdout: ",
            "\n  Could not find compiler: ",
            "\nRemote compiles:\n",
            "\n  Hosts unreachable: ")) {
      assertTrue(verbose.contains(row), row + " in\n" + verbose);
    }
    stopServer();
    for (List<String> command : STATS_COMMANDS) {
      assertSameAsJava(command);
    }
  }

  @Test
  void everyLevel_showsTheRemoteStorageAndFailureRows_ofAStoppedServersCounters() {
    someCompiles();
    stopServer();
    storedCounters(
        Map.of(
            "remote_storage_hit", "3",
            "remote_storage_miss", "1",
            "remote_storage_read_hit", "3",
            "remote_storage_write", "1",
            "remote_storage_error", "2",
            "remote_compile", "5",
            "remote_compile_error", "1",
            "remote_job_failed", "1",
            "cleanups_performed", "4",
            "local_storage_write_failed", "1"));
    storedCounters(Map.of("corrupt_cache_entry", "2", "stats_updated_timestamp", "" + SUMMER));
    for (List<String> command : STATS_COMMANDS) {
      assertSameAsJava(command);
    }
    String summary = dc.run(tmp, "-s").ok().out();
    assertTrue(
        summary.matches(
            "(?s).*\nRemote storage:\n  Hits: +3 / +4 \\(75.00%\\)\n"
                + "  Misses: +1 / +4 \\(25.00%\\)\n  Errors: +2\n"
                + "Remote compiles:\n  Compiled remotely: +5\n  Compile errors: +1\n"
                + "  Jobs failed: +1\n"),
        summary);
    assertFalse(serverRuns(), "showing the counters started a server");
  }

  @Test
  void timestamps_areInTheZoneOfTz_asTheJavaClientShowsThem() {
    someCompiles();
    stopServer();
    storedCounters(Map.of("stats_updated_timestamp", "" + SUMMER));

    dc.with("TZ", "Europe/Paris");
    assertSameAsJava(List.of("-sv"));
    String paris = dc.run(tmp, "-sv").ok().out();
    assertTrue(paris.matches("(?s).*\nStats updated: +Sat Jul 22 06:26:40 2023\n.*"), paris);
    dc.with("TZ", ":Europe/Paris");
    assertSameAsJava(List.of("-svv"));
    dc.env.remove("TZ");
    assertSameAsJava(List.of("-svv"));

    // The JVM reads a POSIX rule as a fixed offset: the native client leaves it to the JVM.
    dc.with("TZ", "CET-1CEST,M3.5.0,M10.5.0/3");
    assertTrue(dc.exec(tmp, noJava.launcher().toString(), "-sv").exitCode() != 0);
    assertEquals(javaRun(List.of("-sv")).out(), dc.run(tmp, "-sv").ok().out());
    assertSameAsJava(List.of("-s"));
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

  /**
   * Calls the native client cannot cache, or that fail: a compile error, a missing header, no input
   * file, output to stdout, preprocessing only, a compiler not found, and a farm host that does not
   * answer (the compile then runs here).
   */
  private void failingAndUncacheableCalls() {
    Distcache.write(tmp.resolve("bad.c"), "int b(void) { return undeclared; }\n");
    Distcache.write(tmp.resolve("inc.c"), "#include \"missing.h\"\n");
    assertEquals(1, dc.run(tmp, "gcc", "-c", "bad.c").exitCode());
    assertEquals(1, dc.run(tmp, "gcc", "-c", "inc.c").exitCode());
    assertTrue(dc.run(tmp, "gcc", "-c", "absent.c").exitCode() != 0);
    dc.run(tmp, "gcc", "-c", "g.c", "-o", "-");
    dc.run(tmp, "gcc", "-E", "g.c").ok();
    assertTrue(dc.run(tmp, "no-such-compiler", "-c", "g.c").exitCode() != 0);
    Map<String, String> saved = new HashMap<>(dc.env);
    dc.with("DISTCACHE_HOSTS", "127.0.0.3:1");
    dc.run(tmp, "gcc", "-O1", "-c", "g.c", "-o", "g1.o").ok();
    dc.env.clear();
    dc.env.putAll(saved);
  }

  /**
   * Sets ids of the counters file a stopped server left, the other lines kept in their order, as
   * the server writes the file (CountersFile: id TAB value lines).
   */
  private void storedCounters(Map<String, String> changes) {
    try {
      Path file = dc.cacheDir.resolve("counters");
      Map<String, String> values = new LinkedHashMap<>();
      for (String line : Files.readAllLines(file)) {
        int tab = line.indexOf('\t');
        values.put(line.substring(0, tab), line.substring(tab + 1));
      }
      values.putAll(changes);
      StringBuilder text = new StringBuilder();
      values.forEach((id, value) -> text.append(id).append('\t').append(value).append('\n'));
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Run javaRun(List<String> command) {
    Map<String, String> javaEnv = new HashMap<>(dc.env);
    javaEnv.put("DISTCACHE_JAVA_CLIENT", "1");
    List<String> cmd = new ArrayList<>();
    cmd.add(Distcache.LAUNCHER.toString());
    cmd.addAll(command);
    return Processes.run(tmp, javaEnv, cmd);
  }

  /**
   * The native client's output is the Java client's, and the native client made it alone: run from
   * a copy of the installation whose Java client cannot start.
   */
  private void assertSameAsJava(List<String> command) {
    if (noJava == null) {
      noJava = new CopiedInstallation(tmp.resolve("nojava")).withClientJava("/bin/false");
    }
    List<String> nativeCommand = new ArrayList<>(List.of(noJava.launcher().toString()));
    nativeCommand.addAll(command);
    Run nativeRun = dc.exec(tmp, nativeCommand.toArray(String[]::new));
    Run javaRun = javaRun(command);
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
