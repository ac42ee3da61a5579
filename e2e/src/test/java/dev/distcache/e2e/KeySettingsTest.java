package dev.distcache.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.testing.Run;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ccache's settings that change what a compile's key holds or what runs to make it, with the real
 * gcc: extra_files_to_hash, ignore_options, namespace, keep_comments_cpp, prefix_command_cpp, path,
 * compiler_type, absolute_paths_in_stderr and debug_dir, each through its DISTCACHE_ variable.
 */
class KeySettingsTest {
  private static final String SOURCE = "int answer(void) { return 42; }\n";

  @TempDir Path tmp;
  Path src;
  Distcache dc;

  @BeforeEach
  void setUp() {
    src = tmp.resolve("src");
    dc = new Distcache(tmp.resolve("cache"));
    Distcache.write(src.resolve("a.c"), SOURCE);
  }

  @AfterEach
  void tearDown() {
    dc.close();
  }

  @Test
  void extraFilesToHash_aChangedFileMisses_inDirectAndPreprocessorMode() {
    Distcache.write(src.resolve("version.txt"), "1\n");
    dc.with("DISTCACHE_EXTRAFILES", "version.txt:" + src.resolve("flags.txt"));
    Distcache.write(src.resolve("flags.txt"), "-O2\n");
    for (String direct : List.of("true", "false")) {
      dc.directMode(direct.equals("true"));
      Distcache.write(src.resolve("version.txt"), "1 " + direct + "\n");
      long misses = dc.stat("cache_miss");
      compileAndCheck("a.o");
      compileAndCheck("b.o");
      assertEquals(misses + 1, dc.stat("cache_miss"), "direct=" + direct);
      Distcache.write(src.resolve("version.txt"), "2 " + direct + "\n");
      compileAndCheck("c.o");
      assertEquals(misses + 2, dc.stat("cache_miss"), "direct=" + direct);
    }
    assertEquals(1, dc.stat("direct_cache_hit"));
    assertEquals(1, dc.stat("preprocessed_cache_hit"));
  }

  @Test
  void extraFilesToHash_aMissingFile_compilesWithoutTheCache_andCountsIt() {
    dc.with("DISTCACHE_EXTRAFILES", "no-such-file.txt");
    compileAndCheck("a.o");
    compileAndCheck("b.o");
    assertEquals(2, dc.stat("error_hashing_extra_file"));
    assertEquals(0, dc.stat("cache_miss"));
  }

  @Test
  void ignoreOptions_leavesMatchingOptionsOutOfTheKey() {
    dc.with("DISTCACHE_IGNOREOPTIONS", "-DBUILD_ID=* -Wextra");
    compileAndCheck("a.o", "-DBUILD_ID=1");
    compileAndCheck("b.o", "-DBUILD_ID=2", "-Wextra");
    assertEquals(1, dc.stat("cache_miss"));
    assertEquals(1, dc.hits());
    compileAndCheck("c.o", "-DBUILD=3");
    assertEquals(2, dc.stat("cache_miss"));
    dc.with("DISTCACHE_IGNOREOPTIONS", "");
    compileAndCheck("d.o", "-DBUILD_ID=4");
    assertEquals(3, dc.stat("cache_miss"));
  }

  @Test
  void namespace_entriesOfDifferentNamespacesNeverShare() {
    dc.with("DISTCACHE_NAMESPACE", "one");
    compileAndCheck("a.o");
    dc.with("DISTCACHE_NAMESPACE", "two");
    compileAndCheck("b.o");
    dc.with("DISTCACHE_NAMESPACE", "");
    compileAndCheck("c.o");
    assertEquals(3, dc.stat("cache_miss"));
    assertEquals(0, dc.hits());
    dc.with("DISTCACHE_NAMESPACE", "two");
    compileAndCheck("d.o");
    assertEquals(3, dc.stat("cache_miss"));
    assertEquals(1, dc.hits());
  }

  @Test
  void keepCommentsCpp_aChangedCommentMissesInPreprocessorMode() {
    dc.with("DISTCACHE_NODIRECT", "1");
    Distcache.write(src.resolve("a.c"), "/* first */\n" + SOURCE);
    compileAndCheck("a.o");
    Distcache.write(src.resolve("a.c"), "/* second */\n" + SOURCE);
    compileAndCheck("b.o");
    assertEquals(1, dc.stat("preprocessed_cache_hit"), "comments are not hashed by default");
    dc.with("DISTCACHE_COMMENTS", "1");
    compileAndCheck("c.o");
    Distcache.write(src.resolve("a.c"), "/* third */\n" + SOURCE);
    compileAndCheck("d.o");
    compileAndCheck("e.o");
    assertEquals(3, dc.stat("cache_miss"));
    assertEquals(2, dc.stat("preprocessed_cache_hit"));
  }

  @Test
  void prefixCommandCpp_runsInFrontOfThePreprocessorOnly() throws IOException {
    Path log = tmp.resolve("cpp.log");
    Path wrapper = script("logcpp", "#!/bin/sh\necho \"$*\" >> '" + log + "'\nexec \"$@\"\n");
    dc.with("DISTCACHE_PREFIX_CPP", wrapper.toString());
    compileAndCheck("a.o");
    List<String> lines = Files.readAllLines(log);
    assertEquals(1, lines.size(), lines.toString());
    assertTrue(lines.get(0).endsWith(" -E"), lines.get(0));
    assertTrue(lines.get(0).contains("a.c"), lines.get(0));
    compileAndCheck("b.o");
    assertEquals(1, Files.readAllLines(log).size(), "a direct hit runs no preprocessor");
    assertEquals(1, dc.stat("cache_miss"));
  }

  @Test
  void path_isSearchedForTheCompilerInsteadOfPath() throws IOException {
    Path log = tmp.resolve("gcc.log");
    Path bin = Files.createDirectories(tmp.resolve("bin"));
    script("bin/gcc", "#!/bin/sh\necho \"$*\" >> '" + log + "'\nexec " + gccPath() + " \"$@\"\n");
    dc.with("DISTCACHE_PATH", tmp.resolve("nothing") + ":" + bin);
    compileAndCheck("a.o");
    assertTrue(Files.readString(log).contains("-c a.c -o a.o"), Files.readString(log));
    assertEquals(1, dc.stat("cache_miss"));
    Distcache.write(
        src.resolve("main.c"), "int answer(void);\nint main(void) { return answer(); }\n");
    dc.run(src, "gcc", "main.c", "a.o", "-o", "prog").ok();
    assertTrue(
        Files.readString(log).contains("main.c a.o -o prog"),
        "a link, which the client runs itself, uses path too: " + Files.readString(log));
    dc.env.remove("DISTCACHE_PATH");
    Distcache.write(dc.cacheDir.resolve("distcache.conf"), "path = " + bin + "\n");
    dc.run(src, "gcc", "main.c", "a.o", "-o", "prog2").ok();
    dc.run(src, "gcc", "-c", "main.c", "-o", "main.o").ok();
    String logged = Files.readString(log);
    assertTrue(logged.contains("-o prog2") && logged.contains("-o main.o"), logged);
    assertEquals(42, dc.exec(src, src.resolve("prog2").toString()).exitCode());
  }

  @Test
  void compilerType_decidesTheColourFlagOnATerminal() throws IOException {
    Distcache.write(src.resolve("w.c"), "int f(void) { int unused; return 0; }\n");
    script("mycc", "#!/bin/sh\nexec " + gccPath() + " \"$@\"\n");
    dc.with("TERM", "xterm");
    String auto = onTerminal(src.resolve("mycc") + " -Wall -c w.c -o w1.o");
    assertTrue(auto.contains("warning: unused variable"), auto);
    assertFalse(auto.contains("\u001b["), "a compiler of type other is not asked for colour");
    dc.with("DISTCACHE_COMPILERTYPE", "gcc");
    String gcc = onTerminal(src.resolve("mycc") + " -Wall -c w.c -o w2.o");
    assertTrue(gcc.contains("\u001b["), "gcc is asked for colour on a terminal: " + gcc);
    assertTrue(gcc.contains("unused variable"), gcc);
  }

  @Test
  void absolutePathsInStderr_rewritesRelativeNamesOnMissAndHit() throws IOException {
    Distcache.write(src.resolve("sub/w.c"), "int f(void) { int unused; return 0; }\n");
    Run direct = dc.direct(src, "gcc", "-Wall", "-c", "sub/w.c", "-o", "direct.o").ok();
    String absolute = src.resolve("sub/w.c").toRealPath().toString();
    String expected = direct.err().replace("sub/w.c:", absolute + ":");
    assertTrue(expected.contains(absolute + ":1:"), expected);
    dc.with("DISTCACHE_ABSSTDERR", "1");
    Run miss = dc.run(src, "gcc", "-Wall", "-c", "sub/w.c", "-o", "miss.o").ok();
    Run hit = dc.run(src, "gcc", "-Wall", "-c", "sub/w.c", "-o", "hit.o").ok();
    assertEquals(expected, miss.err());
    assertEquals(expected, hit.err());
    assertEquals(1, dc.hits());
    dc.without("DISTCACHE_ABSSTDERR");
    assertEquals(
        direct.err(), dc.run(src, "gcc", "-Wall", "-c", "sub/w.c", "-o", "again.o").ok().err());
  }

  @Test
  void debugDir_holdsTheDebugFilesUnderTheObjectsAbsolutePath() throws IOException {
    Path dbg = tmp.resolve("dbg");
    dc.with("DISTCACHE_DEBUG", "1").with("DISTCACHE_DEBUGDIR", dbg.toString());
    Files.createDirectories(src.resolve("out"));
    dc.run(src, "gcc", "-c", "a.c", "-o", "out/a.o").ok();
    Path object = src.resolve("out/a.o").toAbsolutePath();
    Path under = Path.of(dbg + object.toString());
    assertTrue(Files.isRegularFile(Path.of(under + ".distcache-input-text")), under.toString());
    assertTrue(Files.isRegularFile(Path.of(under + ".distcache-input-direct")), under.toString());
    assertFalse(Files.exists(src.resolve("out/a.o.distcache-input-text")));
    assertTrue(Files.readString(Path.of(under + ".distcache-input-text")).contains("answer"));
  }

  /** Compiles a.c through distcache and checks the object against gcc's own. */
  private void compileAndCheck(String object, String... flags) {
    List<String> args = new java.util.ArrayList<>(List.of("gcc", "-O2"));
    args.addAll(List.of(flags));
    args.addAll(List.of("-c", "a.c", "-o", object));
    Run r = dc.run(src, args.toArray(String[]::new)).ok();
    assertEquals("", r.err());
    List<String> direct = new java.util.ArrayList<>(args);
    direct.set(direct.size() - 1, "direct-" + object);
    dc.direct(src, direct.toArray(String[]::new)).ok();
    assertArrayEquals(
        Distcache.read(src.resolve("direct-" + object)), Distcache.read(src.resolve(object)));
  }

  /** {@code command} in src through distcache with a terminal as stdout and stderr. */
  private String onTerminal(String command) {
    Run r =
        dc.exec(
                src,
                "script",
                "-q",
                "-e",
                "-c",
                Distcache.LAUNCHER + " " + command,
                tmp.resolve("typescript").toString())
            .ok();
    return r.out();
  }

  private Path script(String name, String text) throws IOException {
    Path file = name.contains("/") ? tmp.resolve(name) : src.resolve(name);
    Distcache.write(file, text);
    dc.exec(tmp, "chmod", "+x", file.toString()).ok();
    return file;
  }

  private static String gccPath() {
    for (String dir : System.getenv("PATH").split(":")) {
      Path p = Path.of(dir, "gcc");
      if (Files.isExecutable(p)) {
        return p.toString();
      }
    }
    throw new UncheckedIOException(new IOException("no gcc in PATH"));
  }
}
