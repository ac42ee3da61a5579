package dev.distcache.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.testing.DistccDaemon;
import dev.distcache.testing.Processes;
import dev.distcache.testing.RemoteDaemon;
import dev.distcache.testing.Run;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Diagnostics colour as ccache handles it: the compile is always asked for colour, the user's
 * colour options stay out of the key, and the colour is stripped where the user would not have got
 * it. A compile on a terminal and one on a pipe share one result, and each shows exactly what gcc
 * shows there. The terminal is a pseudo-terminal from {@code script}, which also turns each newline
 * into CR LF, for distcache and the plain gcc it is compared with alike.
 */
class DiagnosticsColourTest {
  private static final String WARNS =
      "int f(int x) { int unused; return x / 0; }\nint g(void) { return f(1) }\n";
  private static final String ESC = "\u001b[";

  @TempDir Path tmp;
  Distcache dc;
  Path src;

  /** The compiler the test runs: gcc unless it says otherwise. */
  String compiler = "gcc";

  @BeforeEach
  void setUp() {
    dc = new Distcache(tmp.resolve("cache")).with("TERM", "xterm");
    src = tmp.resolve("src");
    Distcache.write(src.resolve("w.c"), "int f(int x) { int unused; return x / 0; }\n");
    Distcache.write(src.resolve("bad.c"), WARNS);
  }

  @AfterEach
  void tearDown() {
    dc.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"direct", "preprocessor", "depend"})
  void aPipeThenATerminal_shareOneResult_andEachShowsWhatGccShowsThere(String mode) {
    mode(mode);
    String[] args = {"-Wall", "-MD", "-c", "w.c", "-o", "w.o"};
    Run piped = dc.run(src, gcc(args)).ok();
    assertEquals(plain(args).err(), piped.err());
    assertFalse(piped.err().contains(ESC));
    byte[] object = Distcache.read(src.resolve("w.o"));

    String shown = onTerminal(true, args);
    assertEquals(1, dc.hits());
    assertEquals(onTerminal(false, args), shown);
    assertTrue(shown.contains(ESC + "01;35m"), shown);
    assertArrayEquals(object, Distcache.read(src.resolve("w.o")));
    plain(args);
    assertArrayEquals(Distcache.read(src.resolve("w.o")), object);
  }

  @Test
  void aTerminalThenAPipe_shareOneResult_andThePipeGetsNoColour() {
    String[] args = {"-Wall", "-c", "w.c", "-o", "w.o"};
    String shown = onTerminal(true, args);
    assertEquals(onTerminal(false, args), shown);
    assertTrue(shown.contains(ESC), shown);

    Run piped = dc.run(src, gcc(args)).ok();
    assertEquals(1, dc.hits());
    assertEquals(plain(args).err(), piped.err());
    assertFalse(piped.err().contains(ESC));
  }

  @Test
  void explicitColourAndNoOption_shareOneResult_andKeepTheirOwnOutput() {
    String[] none = {"-Wall", "-c", "w.c", "-o", "w.o"};
    String[] always = {"-Wall", "-fdiagnostics-color", "-c", "w.c", "-o", "w.o"};
    String[] alwaysEq = {"-Wall", "-fdiagnostics-color=always", "-c", "w.c", "-o", "w.o"};
    Run first = dc.run(src, gcc(none)).ok();
    assertEquals(plain(none).err(), first.err());

    Run coloured = dc.run(src, gcc(always)).ok();
    assertEquals(1, dc.hits());
    assertEquals(plain(always).err(), coloured.err());
    assertTrue(coloured.err().contains(ESC), "=always keeps colour on a pipe");

    Run colouredEq = dc.run(src, gcc(alwaysEq)).ok();
    assertEquals(2, dc.hits());
    assertEquals(plain(alwaysEq).err(), colouredEq.err());
  }

  @Test
  void never_showsNoColourEvenOnATerminal_andShares() {
    String[] none = {"-Wall", "-c", "w.c", "-o", "w.o"};
    String[] never = {"-Wall", "-fdiagnostics-color=never", "-c", "w.c", "-o", "w.o"};
    String[] no = {"-Wall", "-fno-diagnostics-color", "-c", "w.c", "-o", "w.o"};
    dc.run(src, gcc(none)).ok();

    String shown = onTerminal(true, never);
    assertEquals(1, dc.hits());
    assertEquals(onTerminal(false, never), shown);
    assertFalse(shown.contains(ESC), shown);

    String shownNo = onTerminal(true, no);
    assertEquals(2, dc.hits());
    assertEquals(onTerminal(false, no), shownNo);
    assertFalse(shownNo.contains(ESC), shownNo);
  }

  @Test
  void autoOnATerminalWithADumbTerm_showsNoColour() {
    String[] args = {"-Wall", "-fdiagnostics-color=auto", "-c", "w.c", "-o", "w.o"};
    dc.with("TERM", "dumb");
    String shown = onTerminal(true, args);
    assertEquals(onTerminal(false, args), shown);
    assertFalse(shown.contains(ESC), shown);
  }

  @Test
  void aFailingCompile_showsGccsErrorsAndExitCode_withColourOnlyWhereGccHasIt() {
    String[] args = {"-Wall", "-c", "bad.c", "-o", "bad.o"};
    Run piped = dc.run(src, gcc(args));
    Run plainPiped = plain(args);
    assertEquals(plainPiped.exitCode(), piped.exitCode());
    assertTrue(piped.exitCode() != 0);
    assertEquals(plainPiped.err(), piped.err());
    assertFalse(piped.err().contains(ESC));

    String shown = onTerminal(true, args);
    assertEquals(onTerminal(false, args), shown);
    assertTrue(shown.contains(ESC), shown);
  }

  @Test
  void clangsColourSpellingWithGcc_failsAsGccDoes_evenWhenThePlainCompileIsCached() {
    dc.run(src, gcc("-c", "w.c", "-o", "w.o")).ok();
    String[] clangs = {"-fcolor-diagnostics", "-c", "w.c", "-o", "w.o"};
    Run viaCache = dc.run(src, gcc(clangs));
    Run direct = plain(clangs);
    assertTrue(direct.exitCode() != 0, "gcc rejects it: " + direct.err());
    assertEquals(direct.exitCode(), viaCache.exitCode());
    assertEquals(direct.err(), viaCache.err());
    assertEquals(0, dc.hits());
  }

  /**
   * clang takes gcc's spellings as well as its own: with each (and with none) it shows exactly what
   * plain clang shows, on a pipe and on a terminal, and all of them share one result.
   */
  @ParameterizedTest
  @ValueSource(strings = {"direct", "preprocessor"})
  void clang_everyColourSpelling_showsWhatPlainClangShows_andAllShareOneResult(String mode) {
    compiler = "clang";
    mode(mode);
    List<String> spellings =
        List.of(
            "",
            "-fcolor-diagnostics",
            "-fno-color-diagnostics",
            "-fdiagnostics-color",
            "-fdiagnostics-color=always",
            "-fdiagnostics-color=never",
            "-fdiagnostics-color=auto",
            "-fno-diagnostics-color");
    for (String spelling : spellings) {
      List<String> list = new ArrayList<>(List.of("-Wall"));
      if (!spelling.isEmpty()) {
        list.add(spelling);
      }
      list.addAll(List.of("-c", "w.c", "-o", "w.o"));
      String[] args = list.toArray(String[]::new);
      Run piped = dc.run(src, gcc(args));
      Run plainPiped = plain(args);
      assertEquals(plainPiped.exitCode(), piped.exitCode(), spelling);
      assertEquals(plainPiped.err(), piped.err(), spelling);
      assertTrue(plainPiped.err().contains("unused variable"), plainPiped.err());
      String shown = onTerminal(true, args);
      assertEquals(onTerminal(false, args), shown, spelling);
      boolean colour = !spelling.contains("never") && !spelling.contains("-fno-");
      assertEquals(colour, shown.contains(ESC), spelling + ": " + shown);
    }
    assertEquals(2 * spellings.size() - 1, dc.hits(), "one result for all");
  }

  @ParameterizedTest
  @ValueSource(strings = {"distccd", "distcache daemon"})
  void onTheFarm_theColourOptionsGoRemote_andTheResultIsSharedWithATerminal(String host)
      throws Exception {
    Distcache.write(src.resolve("ok.c"), "int ok(int x) { return x * 3; }\n");
    String[] never = {"-O2", "-fdiagnostics-color=never", "-c", "ok.c", "-o", "ok.o"};
    String[] none = {"-O2", "-c", "ok.c", "-o", "ok.o"};
    DistccDaemon distccd = null;
    RemoteDaemon daemon = null;
    try {
      if (host.equals("distccd")) {
        distccd = DistccDaemon.start("127.0.0.2", tmp);
        dc.with("DISTCACHE_HOSTS", distccd.host("/2"));
      } else {
        daemon = RemoteDaemon.on("127.0.0.2", tmp).allowGccAndGxx().start();
        dc.with("DISTCACHE_HOSTS", daemon.address + ":" + daemon.port + ",distcache");
      }
      Run piped = dc.run(src, gcc(never)).ok();
      assertEquals(1, dc.stat("remote_compile"), "the host took the colour options");
      assertEquals("", piped.err());
      byte[] remote = Distcache.read(src.resolve("ok.o"));
      plain(never);
      assertArrayEquals(Distcache.read(src.resolve("ok.o")), remote);
      if (daemon != null) {
        assertTrue(daemon.awaitSummaries(1).getFirst().contains("COMPILE_OK"), daemon.log());
      }

      String shown = onTerminal(true, none);
      assertEquals(1, dc.hits());
      assertEquals(onTerminal(false, none), shown);
      assertArrayEquals(remote, Distcache.read(src.resolve("ok.o")));
    } finally {
      if (distccd != null) {
        distccd.close();
      }
      if (daemon != null) {
        daemon.close();
      }
    }
  }

  private void mode(String mode) {
    switch (mode) {
      case "preprocessor" -> dc.with("DISTCACHE_NODIRECT", "1");
      case "depend" -> dc.with("DISTCACHE_DEPEND", "1");
      default -> {}
    }
  }

  /** The test's compiler ({@link #compiler}) with {@code args}. */
  private String[] gcc(String... args) {
    List<String> cmd = new ArrayList<>(List.of(compiler));
    cmd.addAll(List.of(args));
    return cmd.toArray(String[]::new);
  }

  /** Plain gcc on a pipe, with the test's environment. */
  private Run plain(String... args) {
    return dc.direct(src, gcc(args));
  }

  /**
   * What a terminal shows (stdout and stderr, CR LF line ends) when gcc runs on it, through
   * distcache or not; the exit code must be gcc's either way.
   */
  private String onTerminal(boolean throughDistcache, String... args) {
    Map<String, String> env = new HashMap<>(dc.env);
    List<String> cmd = new ArrayList<>();
    if (throughDistcache) {
      cmd.add(Distcache.LAUNCHER.toString());
    } else {
      env.keySet().removeIf(k -> k.startsWith("DISTCACHE_"));
    }
    cmd.addAll(List.of(gcc(args)));
    StringBuilder line = new StringBuilder();
    for (String c : cmd) {
      line.append(" '").append(c.replace("'", "'\\''")).append('\'');
    }
    // script's own copy of the session goes to a file of the test's, not the machine's /dev/null.
    Path typescript = src.resolve("typescript-" + System.nanoTime());
    Run r =
        Processes.run(
            src, env, List.of("script", "-qec", line.toString().trim(), typescript.toString()));
    return "exit " + r.exitCode() + "\n" + new String(r.stdout(), StandardCharsets.UTF_8);
  }
}
