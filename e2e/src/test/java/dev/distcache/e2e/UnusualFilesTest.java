package dev.distcache.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.testing.Processes;
import dev.distcache.testing.Run;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Outputs and inputs that are not regular files (devices, FIFOs, the client's standard input) and
 * sources that make the assembler read files the preprocessor never names: distcache must do
 * exactly what gcc does, never replace a device or FIFO with a regular file, and never serve an
 * object built from other bytes than gcc reads now.
 */
class UnusualFilesTest {
  private static final String MARKER = "distcache-private-dev-marker";

  @TempDir Path tmp;
  Path src;
  Distcache dc;

  @BeforeEach
  void setUp() {
    src = tmp.resolve("src");
    dc = new Distcache(tmp.resolve("cache"));
  }

  @AfterEach
  void tearDown() {
    dc.close();
  }

  /**
   * Runs in a private mount namespace with its own tmpfs on /dev and its own /dev/null node; the
   * server is started inside it (the cache directory is new). The machine's /dev is never touched.
   */
  @Test
  void devNullAndFifoOutputs_stayWhatTheyAre_andDevNullDepFilesAreCached() {
    Distcache.write(src.resolve("t.c"), "int x = 1;\nint f(void) { return x; }\n");
    String script =
        String.join(
            "\n",
            "set -u",
            "mount -t tmpfs tmpfs /dev || exit 90",
            "mknod -m 666 /dev/null c 1 3 || exit 91",
            "mknod -m 666 /dev/zero c 1 5 && mknod -m 666 /dev/urandom c 1 9 && mknod -m 666 /dev/random c 1 8 || exit 91",
            "ln -s /proc/self/fd /dev/fd && ln -s /proc/self/fd/0 /dev/stdin && ln -s /proc/self/fd/1 /dev/stdout"
                + " && ln -s /proc/self/fd/2 /dev/stderr || exit 91",
            "touch /dev/" + MARKER + " || exit 92",
            "[ -e /dev/" + MARKER + " ] || exit 93",
            "check() { if [ -c /dev/null ] && [ \"$(stat -c %a /dev/null)\" = 666 ]; then echo \"ok $1\";"
                + " else echo \"BROKEN /dev/null after $1\"; ls -la /dev; exit 1; fi; }",
            "DC=\"$1\"",
            "umask 022",
            "\"$DC\" gcc -c t.c -o t.o || exit 2",
            "\"$DC\" gcc -c t.c -o /dev/null || exit 3",
            "check hit-o-devnull",
            "\"$DC\" gcc -O1 -c t.c -o /dev/null || exit 4",
            "check miss-o-devnull",
            "\"$DC\" gcc -O1 -c t.c -o /dev/null || exit 5",
            "check second-o-devnull",
            "\"$DC\" gcc -MD -MF /dev/null -c t.c -o a.o || exit 6",
            "check miss-mf-devnull",
            "(umask 077; \"$DC\" gcc -MD -MF /dev/null -c t.c -o b.o) || exit 7",
            "check hit-mf-devnull",
            "gcc -MD -MF /dev/null -c t.c -o direct.o || exit 8",
            "cmp direct.o a.o && cmp direct.o b.o || { echo 'OBJECTS DIFFER'; exit 9; }",
            "\"$DC\" gcc -O2 -Wp,-MD,/dev/null -c t.c -o c.o && \"$DC\" gcc -O2 -Wp,-MD,/dev/null -c t.c -o d.o"
                + " || exit 10",
            "check wp-md-devnull",
            "mkfifo direct.fifo out.fifo || exit 11",
            "(timeout 30 cat direct.fifo > direct.bin) &",
            "timeout 60 gcc -c t.c -o direct.fifo; echo \"direct-fifo-rc=$?\"",
            "wait",
            "(timeout 30 cat out.fifo > out.bin) &",
            "timeout 60 \"$DC\" gcc -c t.c -o out.fifo; echo \"distcache-fifo-rc=$?\"",
            "wait",
            "[ -p out.fifo ] && echo 'fifo still a fifo' || ls -la out.fifo",
            "cmp direct.bin out.bin && echo 'fifo bytes equal'",
            "[ -e /dev/" + MARKER + " ] || exit 94",
            "echo done");
    Path sh = src.resolve("in-namespace.sh");
    Distcache.write(sh, script);
    Run r =
        dc.exec(
            src,
            "unshare",
            "-m",
            "--propagation",
            "private",
            "sh",
            sh.toString(),
            Distcache.LAUNCHER.toString());
    String out = r.out();
    assertFalse(
        Files.exists(Path.of("/dev/" + MARKER)), "the namespace's /dev leaked onto the machine's");
    assertTrue(isCharDevice(Path.of("/dev/null")));
    assertEquals(0, r.exitCode(), out + r.err());
    assertFalse(out.contains("BROKEN"), out);
    assertTrue(out.contains("ok wp-md-devnull"), out);
    assertTrue(out.contains("fifo still a fifo"), out);
    assertTrue(out.contains("fifo bytes equal"), out);
    String directRc = line(out, "direct-fifo-rc=");
    assertEquals(directRc, line(out, "distcache-fifo-rc="), out);
    assertTrue(out.endsWith("done\n"), out);
    // t.o miss; hit for -o /dev/null; the -O1 -o /dev/null compile is not stored and counted as
    // ccache counts it (compiler_produced_empty_output), so its repeat compiles too; -MF
    // /dev/null: miss then hit; -Wp,-MD,/dev/null: miss then hit.
    assertEquals(3, dc.hits(), dc.stats().toString());
    assertEquals(3, dc.stat("cache_miss"), dc.stats().toString());
    assertEquals(2, dc.stat("compiler_produced_empty_output"), dc.stats().toString());
    assertEquals(1, dc.stat("bad_output_file"), dc.stats().toString());
  }

  /**
   * {@code -MD -MF /dev/null} is cached in both modes, as ccache caches it: a miss, then a hit
   * whose object is gcc's, and /dev/null stays the device. In a private mount namespace with its
   * own /dev, as above.
   */
  @ParameterizedTest
  @ValueSource(strings = {"direct", "preprocessor"})
  void devNullDependencyFile_isCachedInEitherMode(String mode) {
    dc.directMode(mode.equals("direct"));
    Distcache.write(src.resolve("t.c"), "#include \"t.h\"\nint f(void) { return X; }\n");
    Distcache.write(src.resolve("t.h"), "#define X 3\n");
    String script =
        String.join(
            "\n",
            "set -u",
            "mount -t tmpfs tmpfs /dev || exit 90",
            "mknod -m 666 /dev/null c 1 3 || exit 91",
            "ln -s /proc/self/fd /dev/fd || exit 91",
            "touch /dev/" + MARKER + " || exit 92",
            "DC=\"$1\"",
            "\"$DC\" gcc -MD -MF /dev/null -c t.c -o a.o || exit 2",
            "\"$DC\" gcc -MD -MF /dev/null -c t.c -o b.o || exit 3",
            "gcc -MD -MF /dev/null -c t.c -o g.o || exit 4",
            "cmp g.o a.o && cmp g.o b.o || { echo 'OBJECTS DIFFER'; exit 5; }",
            "\"$DC\" gcc -Wa,-adhln=/dev/null -c t.c -o c.o || exit 10",
            "\"$DC\" gcc -Wa,-adhln=/dev/null -c t.c -o d.o || exit 11",
            "gcc -Wa,-adhln=/dev/null -c t.c -o h.o || exit 12",
            "cmp h.o c.o && cmp h.o d.o || { echo 'LISTING OBJECTS DIFFER'; exit 13; }",
            "[ -c /dev/null ] && [ ! -s /dev/null ] || { echo 'BROKEN /dev/null'; exit 6; }",
            "ls *.d 2>/dev/null && { echo 'A DEPENDENCY FILE WAS WRITTEN'; exit 7; }",
            "echo done");
    Path sh = src.resolve("in-namespace.sh");
    Distcache.write(sh, script);
    Run r =
        dc.exec(
            src,
            "unshare",
            "-m",
            "--propagation",
            "private",
            "sh",
            sh.toString(),
            Distcache.LAUNCHER.toString());
    assertFalse(
        Files.exists(Path.of("/dev/" + MARKER)), "the namespace's /dev leaked onto the machine's");
    assertTrue(isCharDevice(Path.of("/dev/null")));
    assertEquals(0, r.exitCode(), r.out() + r.err());
    assertEquals("done\n", r.out());
    assertEquals(2, dc.stat("cache_miss"), dc.stats().toString());
    assertEquals(2, dc.hits(), dc.stats().toString());
    if (mode.equals("preprocessor")) {
      assertEquals(2, dc.stat("preprocessed_cache_hit"), dc.stats().toString());
    }
  }

  /**
   * Option probes (autoconf's and hand-made build systems') compile {@code /dev/null} as the
   * source: as in ccache, the repeat is a direct hit (the preprocessor does not run), its object is
   * gcc's, and a probe with other options has its own entry. In a private mount namespace with its
   * own /dev and its own null device node, as above.
   */
  @Test
  void devNullSource_isServedFromDirectMode() {
    String check =
        "[ -c /dev/null ] && [ \"$(stat -c %a,%t,%T /dev/null)\" = 666,1,3 ] && [ ! -s /dev/null ]"
            + " || { echo \"BROKEN /dev/null after $1\"; ls -la /dev; exit 1; }";
    String script =
        String.join(
            "\n",
            "set -u",
            "mount -t tmpfs tmpfs /dev || exit 90",
            "mknod -m 666 /dev/null c 1 3 || exit 91",
            "ln -s /proc/self/fd /dev/fd || exit 91",
            "touch /dev/" + MARKER + " || exit 92",
            "check() { " + check + "; }",
            "DC=\"$1\"",
            "\"$DC\" gcc -x c -c /dev/null -o a.o || exit 2",
            "check first-probe",
            "\"$DC\" gcc -x c -c /dev/null -o b.o || exit 3",
            "check second-probe",
            "\"$DC\" gcc -Werror -Wall -x c -c /dev/null -o w1.o || exit 4",
            "\"$DC\" gcc -Werror -Wall -x c -c /dev/null -o w2.o || exit 5",
            "check option-probes",
            "gcc -x c -c /dev/null -o plain.o || exit 6",
            "gcc -Werror -Wall -x c -c /dev/null -o wplain.o || exit 7",
            "cmp plain.o a.o && cmp plain.o b.o || { echo 'OBJECTS DIFFER'; exit 8; }",
            "cmp wplain.o w1.o && cmp wplain.o w2.o || { echo 'OPTION OBJECTS DIFFER'; exit 9; }",
            "check plain-gcc",
            "echo done");
    Path sh = src.resolve("in-namespace.sh");
    Distcache.write(sh, script);
    Run r =
        dc.exec(
            src,
            "unshare",
            "-m",
            "--propagation",
            "private",
            "sh",
            sh.toString(),
            Distcache.LAUNCHER.toString());
    assertFalse(
        Files.exists(Path.of("/dev/" + MARKER)), "the namespace's /dev leaked onto the machine's");
    assertTrue(isCharDevice(Path.of("/dev/null")));
    assertEquals(0, r.exitCode(), r.out() + r.err());
    assertEquals("done\n", r.out());
    Map<String, Long> stats = dc.stats();
    // Each probe: a miss (its own entry: the options differ), then a direct hit.
    assertEquals(2, stats.getOrDefault("cache_miss", 0L), stats.toString());
    assertEquals(2, stats.getOrDefault("direct_cache_hit", 0L), stats.toString());
    assertEquals(0, stats.getOrDefault("preprocessed_cache_hit", 0L), stats.toString());
    // The misses were looked up in direct mode first (with direct mode off for them there would
    // be no direct_cache_miss), then preprocessed.
    assertEquals(2, stats.getOrDefault("direct_cache_miss", 0L), stats.toString());
    assertEquals(2, stats.getOrDefault("preprocessed_cache_miss", 0L), stats.toString());
  }

  /**
   * gcc writes a dependency file and -S output through a link, and the assembler replaces a link to
   * a file.
   */
  @Test
  void linkedOutputs_endAsGccLeavesThem() throws IOException {
    Distcache.write(src.resolve("t.c"), "int x = 1;\n");
    for (String run : List.of("gcc", "distcache-miss", "distcache-hit")) {
      Path dir = src.resolve(run);
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("real.d"), "old");
      Files.writeString(dir.resolve("real.o"), "old");
      Files.writeString(dir.resolve("real.s"), "old");
      Files.createSymbolicLink(dir.resolve("link.d"), Path.of("real.d"));
      Files.createSymbolicLink(dir.resolve("link.o"), Path.of("real.o"));
      Files.createSymbolicLink(dir.resolve("link.s"), Path.of("real.s"));
      List<String[]> compiles =
          List.of(
              new String[] {"gcc", "-c", "../t.c", "-o", "link.o"},
              new String[] {"gcc", "-MD", "-MF", "link.d", "-c", "../t.c", "-o", "plain.o"},
              new String[] {"gcc", "-S", "../t.c", "-o", "link.s"});
      for (String[] c : compiles) {
        (run.equals("gcc") ? dc.direct(dir, c) : dc.run(dir, c)).ok();
      }
    }
    for (String run : List.of("distcache-miss", "distcache-hit")) {
      for (String name : List.of("link.d", "link.o", "link.s", "real.d", "real.o", "real.s")) {
        Path want = src.resolve("gcc").resolve(name);
        Path got = src.resolve(run).resolve(name);
        assertEquals(Files.isSymbolicLink(want), Files.isSymbolicLink(got), run + " " + name);
        assertArrayEquals(Files.readAllBytes(want), Files.readAllBytes(got), run + " " + name);
      }
    }
    assertEquals(1, dc.hits(), dc.stats().toString()); // link.o; the others went to gcc
    assertEquals(4, dc.stat("bad_output_file"), dc.stats().toString());
  }

  @Test
  void incbin_inTheSource_isNotCached_inDirectMode() {
    assemblerReadsAFile(
        "__asm__(\".section .rodata\\n.incbin \\\"data.bin\\\"\\n.previous\");\n", null, true);
  }

  @Test
  void incbin_inTheSource_isNotCached_inPreprocessorMode() {
    dc.with("DISTCACHE_NODIRECT", "1");
    assemblerReadsAFile(
        "__asm__(\".section .rodata\\n.incbin \\\"data.bin\\\"\\n.previous\");\n", null, true);
  }

  @Test
  void incbin_inAHeader_isNotCached_inDependMode() {
    dc.with("DISTCACHE_DEPEND_MODE", "true");
    assemblerReadsAFile(
        "#include \"blob.h\"\nint g;\n",
        "__asm__(\".section .rodata\\n.incbin\\t\\\"data.bin\\\"\\n.previous\");\n",
        false);
  }

  @Test
  void incbin_inAHeader_isNotCached_inDirectMode() {
    assemblerReadsAFile(
        "#include \"blob.h\"\nint g;\n",
        "__asm__(\".section .rodata\\n.incbin\\t\\\"data.bin\\\"\\n.previous\");\n",
        true);
  }

  @Test
  void asmInclude_isNotCached() {
    assemblerReadsAFile("__asm__(\".include \\\"data.bin\\\"\");\n", null, true);
  }

  /**
   * Compiles {@code source} (and {@code header}, included by it as blob.h) with data.bin holding
   * assembler text, then changes data.bin: the object must be the one gcc writes now.
   *
   * @param counted the compiles are refused as unsupported_code_directive (depend mode runs no
   *     preprocessor: it compiles each time and records no manifest entry)
   */
  private void assemblerReadsAFile(String source, String header, boolean counted) {
    Distcache.write(src.resolve("t.c"), source);
    if (header != null) {
      Distcache.write(src.resolve("blob.h"), header);
    }
    List<String> cmd = List.of("gcc", "-MD", "-c", "t.c", "-o", "t.o");
    for (String data : List.of(".byte 1\n", ".byte 2\n", ".byte 2, 3\n")) {
      Distcache.write(src.resolve("data.bin"), data);
      Run mine = dc.run(src, cmd.toArray(String[]::new));
      byte[] object = Distcache.read(src.resolve("t.o"));
      byte[] dep = Distcache.read(src.resolve("t.d"));
      Run gcc = dc.direct(src, cmd.toArray(String[]::new));
      assertEquals(gcc.exitCode(), mine.exitCode(), mine.err());
      assertArrayEquals(gcc.stderr(), mine.stderr());
      assertArrayEquals(
          Distcache.read(src.resolve("t.o")), object, "stale object for data.bin " + data);
      assertArrayEquals(Distcache.read(src.resolve("t.d")), dep);
    }
    Map<String, Long> stats = dc.stats();
    assertEquals(0, dc.hits(), stats.toString());
    assertEquals(
        counted ? 3 : 0, stats.getOrDefault("unsupported_code_directive", 0L), stats.toString());
  }

  @Test
  void sourceFromDevStdin_compilesWithTheClientsStdin() throws IOException {
    Path in = tmp.resolve("stdin.c");
    Files.writeString(in, "int from_stdin = 42;\n");
    Files.createDirectories(src);
    List<String> cmd = List.of("gcc", "-c", "-x", "c", "/dev/stdin", "-o", "a.o");
    Run mine = Processes.run(src, dc.env, prefixed(cmd), 120, in);
    byte[] object = Distcache.read(src.resolve("a.o"));
    Run gcc = Processes.run(src, Map.of("PATH", dc.env.get("PATH"), "LC_ALL", "C"), cmd, 120, in);
    assertEquals(0, gcc.exitCode(), gcc.err());
    assertEquals(gcc.exitCode(), mine.exitCode(), mine.err());
    assertArrayEquals(Distcache.read(src.resolve("a.o")), object);
    assertEquals(0, dc.hits());
  }

  @Test
  void includeOfDevStdin_compilesWithTheClientsStdin() throws IOException {
    Path in = tmp.resolve("decls.h");
    Files.writeString(in, "extern int declared_on_stdin;\n");
    Distcache.write(
        src.resolve("t.c"), "#include \"/dev/stdin\"\nint f(void) { return declared_on_stdin; }\n");
    for (String mode : List.of("direct", "preprocessor", "depend")) {
      // As in ccache 4.7, a boolean variable is turned off by its NO form, not by "false".
      dc.env.keySet().removeAll(List.of("DISTCACHE_NODIRECT", "DISTCACHE_DEPEND_MODE"));
      if (mode.equals("preprocessor")) {
        dc.with("DISTCACHE_NODIRECT", "1");
      }
      if (mode.equals("depend")) {
        dc.with("DISTCACHE_DEPEND_MODE", "true");
      }
      List<String> cmd = List.of("gcc", "-MD", "-c", "t.c", "-o", "t.o");
      Run mine = Processes.run(src, dc.env, prefixed(cmd), 120, in);
      byte[] object = Distcache.read(src.resolve("t.o"));
      Run gcc = Processes.run(src, Map.of("PATH", dc.env.get("PATH"), "LC_ALL", "C"), cmd, 120, in);
      assertEquals(0, gcc.exitCode(), gcc.err());
      assertEquals(0, mine.exitCode(), mine.err());
      assertArrayEquals(gcc.stderr(), mine.stderr());
      assertArrayEquals(Distcache.read(src.resolve("t.o")), object);
    }
    assertEquals(0, dc.hits());
    assertEquals(3, dc.stat("bad_input_file"), dc.stats().toString());
  }

  /** bison and flex write #line directives naming files that need not exist here: still cached. */
  @Test
  void lineDirectiveNamingAMissingFile_isStillCached() {
    Distcache.write(
        src.resolve("parse.c"), "#line 1 \"../gone/parse.y\"\nint parse(void) { return 1; }\n");
    dc.with("DISTCACHE_NODIRECT", "1");
    dc.run(src, "gcc", "-c", "parse.c", "-o", "a.o").ok();
    dc.run(src, "gcc", "-c", "parse.c", "-o", "b.o").ok();
    dc.direct(src, "gcc", "-c", "parse.c", "-o", "c.o").ok();
    assertArrayEquals(Distcache.read(src.resolve("c.o")), Distcache.read(src.resolve("b.o")));
    assertEquals(1, dc.hits(), dc.stats().toString());
  }

  @Test
  void sourceThatIsAFifo_isCompiledByTheClient() throws IOException {
    Distcache.write(
        src.resolve("gen.sh"), "mkfifo s.c && { printf 'int z = 3;\\n' > s.c & } && exec \"$@\"\n");
    Run mine =
        Processes.run(
            src,
            dc.env,
            List.of(
                "sh", "gen.sh", Distcache.LAUNCHER.toString(), "gcc", "-c", "s.c", "-o", "mine.o"),
            120);
    Files.delete(src.resolve("s.c"));
    Run gcc =
        Processes.run(src, dc.env, List.of("sh", "gen.sh", "gcc", "-c", "s.c", "-o", "gcc.o"), 120);
    assertEquals(0, gcc.exitCode(), gcc.err());
    assertEquals(0, mine.exitCode(), mine.err());
    assertArrayEquals(Distcache.read(src.resolve("gcc.o")), Distcache.read(src.resolve("mine.o")));
    assertEquals(1, dc.stat("no_input_file"), dc.stats().toString());
  }

  private static List<String> prefixed(List<String> cmd) {
    List<String> out = new java.util.ArrayList<>();
    out.add(Distcache.LAUNCHER.toString());
    out.addAll(cmd);
    return out;
  }

  private static String line(String out, String prefix) {
    for (String l : out.split("\n")) {
      if (l.startsWith(prefix)) {
        return l.substring(prefix.length());
      }
    }
    throw new AssertionError("no line " + prefix + " in\n" + out);
  }

  private static boolean isCharDevice(Path p) {
    try {
      int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
      return (mode & 0170000) == 0020000;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
