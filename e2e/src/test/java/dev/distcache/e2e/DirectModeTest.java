package dev.distcache.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.cache.StoreSchema;
import dev.distcache.testing.Run;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Direct mode with the real gcc and g++: a repeated compile is answered from the manifest without
 * the preprocessor, and whatever changed since (a header's content, even at the same size and
 * modification time) gives the object gcc gives now.
 */
class DirectModeTest {
  /**
   * Longer than the slack the server allows for coarse file timestamps: a file written before this
   * pause counts as older than the next compile's start.
   */
  private static final long SETTLE_MILLIS = 150;

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

  @Test
  void secondCompile_isADirectHit_withTheObjectGccWrites() {
    Distcache.write(src.resolve("h.h"), "#define GREETING \"hi\"\n");
    Distcache.write(
        src.resolve("main.c"),
        "#include <stdio.h>\n#include \"h.h\"\nint main(void) { puts(GREETING); return 0; }\n");
    settle();
    dc.run(src, "gcc", "-O2", "-c", "main.c", "-o", "miss.o").ok();
    Run hit = dc.run(src, "gcc", "-O2", "-c", "main.c", "-o", "hit.o").ok();
    dc.direct(src, "gcc", "-O2", "-c", "main.c", "-o", "direct.o").ok();

    byte[] direct = Distcache.read(src.resolve("direct.o"));
    assertArrayEquals(direct, Distcache.read(src.resolve("miss.o")));
    assertArrayEquals(direct, Distcache.read(src.resolve("hit.o")));
    assertEquals(0, hit.stdout().length + hit.stderr().length);
    Map<String, Long> stats = dc.stats();
    assertEquals(1, stats.get("direct_cache_hit"));
    assertEquals(1, stats.get("direct_cache_miss"));
    assertEquals(1, stats.get("cache_miss"));
    assertEquals(0, stats.get("preprocessed_cache_hit"));
  }

  /**
   * A stopping server saves the header hashes it trusts and the next one starts from them: after a
   * restart the compile is a direct hit with gcc's object, and a header rewritten while no server
   * ran, at the same size and modification time, is read again: a miss, with the object gcc writes
   * for the new text.
   */
  @Test
  void afterARestart_theSavedHashesServeHits_andAHeaderChangedMeanwhileIsReadAgain()
      throws IOException {
    Path header = src.resolve("h.h");
    Distcache.write(header, "#define GREETING \"hi\"\n");
    Distcache.write(
        src.resolve("main.c"),
        "#include <stdio.h>\n#include \"h.h\"\nint main(void) { puts(GREETING); return 0; }\n");
    settle();
    dc.run(src, "gcc", "-O2", "-c", "main.c", "-o", "miss.o").ok();
    dc.close();
    assertTrue(Files.isRegularFile(tmp.resolve("cache/file-hashes")), "saved when it stopped");

    dc.run(src, "gcc", "-O2", "-c", "main.c", "-o", "hit.o").ok();
    assertEquals(1, dc.stat("direct_cache_hit"));
    dc.close();
    dc.direct(src, "gcc", "-O2", "-c", "main.c", "-o", "direct.o").ok();
    assertArrayEquals(
        Distcache.read(src.resolve("direct.o")), Distcache.read(src.resolve("hit.o")));

    FileTime mtime = Files.getLastModifiedTime(header);
    Files.writeString(header, "#define GREETING \"ho\"\n");
    Files.setLastModifiedTime(header, mtime);
    settle();
    dc.run(src, "gcc", "-O2", "-c", "main.c", "-o", "changed.o").ok();
    dc.direct(src, "gcc", "-O2", "-c", "main.c", "-o", "direct2.o").ok();
    assertArrayEquals(
        Distcache.read(src.resolve("direct2.o")), Distcache.read(src.resolve("changed.o")));
    assertFalse(
        Arrays.equals(
            Distcache.read(src.resolve("direct.o")), Distcache.read(src.resolve("changed.o"))),
        "the new text gives another object");
    assertEquals(1, dc.stat("direct_cache_hit"), "no hit for the changed header");
    assertEquals(2, dc.stat("cache_miss"));
  }

  @Test
  void cxxWithTheStandardLibrary_isADirectHit_withTheObjectGxxWrites() {
    Distcache.write(src.resolve("hello.cpp"), CompileTest.HELLO_CXX);
    settle();
    dc.run(src, "g++", "-O2", "-std=c++17", "-c", "hello.cpp", "-o", "a.o").ok();
    dc.run(src, "g++", "-O2", "-std=c++17", "-c", "hello.cpp", "-o", "b.o").ok();
    dc.direct(src, "g++", "-O2", "-std=c++17", "-c", "hello.cpp", "-o", "direct.o").ok();
    assertArrayEquals(Distcache.read(src.resolve("direct.o")), Distcache.read(src.resolve("b.o")));
    assertEquals(1, dc.stat("direct_cache_hit"));
  }

  @Test
  void warningsAndDependencyFile_areReplayedOnADirectHit_asGccWritesThem() {
    Distcache.write(
        src.resolve("inc/w.h"), "static inline int w(void) { int unused; return 1; }\n");
    Distcache.write(src.resolve("w.c"), "#include \"inc/w.h\"\nint f(void) { return w(); }\n");
    settle();
    dc.run(src, "gcc", "-Wall", "-MD", "-c", "w.c", "-o", "first.o").ok();
    Run hit = dc.run(src, "gcc", "-Wall", "-MD", "-c", "w.c", "-o", "second.o").ok();
    String dep = new String(Distcache.read(src.resolve("second.d")));
    Run direct = dc.direct(src, "gcc", "-Wall", "-MD", "-c", "w.c", "-o", "second.o").ok();
    assertTrue(direct.err().contains("unused variable"), direct.err());
    assertArrayEquals(direct.stderr(), hit.stderr());
    assertEquals(new String(Distcache.read(src.resolve("second.d"))), dep);
    assertEquals(1, dc.stat("direct_cache_hit"));
  }

  @Test
  void editedHeader_ofTheSameSizeAndModificationTime_isAMiss_withTheNewObject() throws IOException {
    Path header = src.resolve("v.h");
    Distcache.write(header, "#define V 1\n");
    Distcache.write(src.resolve("v.c"), "#include \"v.h\"\nint v = V;\n");
    settle();
    dc.run(src, "gcc", "-c", "v.c", "-o", "v1.o").ok();
    dc.run(src, "gcc", "-c", "v.c", "-o", "v1.o").ok();
    assertEquals(1, dc.stat("direct_cache_hit"));

    FileTime mtime = Files.getLastModifiedTime(header);
    Distcache.write(header, "#define V 2\n");
    Files.setLastModifiedTime(header, mtime);
    settle();
    dc.run(src, "gcc", "-c", "v.c", "-o", "v2.o").ok();
    dc.direct(src, "gcc", "-c", "v.c", "-o", "direct.o").ok();
    assertArrayEquals(Distcache.read(src.resolve("direct.o")), Distcache.read(src.resolve("v2.o")));
    assertFalse(
        Arrays.equals(Distcache.read(src.resolve("v1.o")), Distcache.read(src.resolve("v2.o"))));
    assertEquals(1, dc.stat("direct_cache_hit"), "the edited header was noticed");
    assertEquals(2, dc.stat("cache_miss"));

    dc.run(src, "gcc", "-c", "v.c", "-o", "v3.o").ok();
    assertArrayEquals(Distcache.read(src.resolve("direct.o")), Distcache.read(src.resolve("v3.o")));
    assertEquals(2, dc.stat("direct_cache_hit"), "the new header's entry was recorded");
  }

  @Test
  void sourceWrittenJustBeforeTheCompile_asAutoconfDoes_isRecorded_andTheRewriteIsADirectHit()
      throws IOException {
    // configure writes conftest.c and compiles it at once, milliseconds apart; ccache serves a
    // repeated test from direct mode, and so must distcache.
    Files.createDirectories(src);
    for (String value : List.of("0", "0", "1")) {
      String write = "printf 'int conftest_main(void) { return " + value + "; }\\n' > conftest.c";
      dc.exec(src, "/bin/sh", "-c", write + " && exec " + Distcache.LAUNCHER + " gcc -c conftest.c")
          .ok();
      dc.direct(src, "gcc", "-c", "conftest.c", "-o", "direct.o").ok();
      assertArrayEquals(
          Distcache.read(src.resolve("direct.o")),
          Distcache.read(src.resolve("conftest.o")),
          value);
    }
    Map<String, Long> stats = dc.stats();
    assertEquals(1, stats.get("direct_cache_hit"), "the rewritten, unchanged conftest.c");
    assertEquals(0, stats.get("preprocessed_cache_hit"));
    assertEquals(2, stats.get("cache_miss"), "the first conftest.c and the changed one");
  }

  @Test
  void headerChangedDuringTheCompile_isNotRecorded() {
    Distcache.write(src.resolve("r.h"), "#define R 1\n");
    Distcache.write(src.resolve("r.c"), "#include \"r.h\"\nint r = R;\n");
    Distcache.write(
        tmp.resolve("touch-header"), "#!/bin/sh\ntouch " + src.resolve("r.h") + "\nexec \"$@\"\n");
    dc.exec(tmp, "chmod", "+x", "touch-header").ok();
    settle();
    dc.with("DISTCACHE_PREFIX", tmp.resolve("touch-header").toString())
        .run(src, "gcc", "-c", "r.c")
        .ok();
    dc.with("DISTCACHE_PREFIX", "");
    settle();
    dc.run(src, "gcc", "-c", "r.c").ok();
    assertEquals(0, dc.stat("direct_cache_hit"), "the first compile recorded no manifest entry");
    assertEquals(1, dc.stat("preprocessed_cache_hit"));
    dc.run(src, "gcc", "-c", "r.c").ok();
    assertEquals(
        1, dc.stat("direct_cache_hit"), "the second compile, a preprocessed hit, recorded one");
  }

  @Test
  void headerNewerThanTheCompile_isNotRecorded_unlessSloppinessIncludeFileMtime()
      throws IOException {
    Path header = src.resolve("f.h");
    Distcache.write(header, "#define F 1\n");
    Distcache.write(src.resolve("f.c"), "#include \"f.h\"\nint f = F;\n");
    Files.setLastModifiedTime(header, FileTime.from(Instant.now().plus(Duration.ofHours(1))));
    settle();
    dc.run(src, "gcc", "-c", "f.c").ok();
    dc.run(src, "gcc", "-c", "f.c").ok();
    assertEquals(0, dc.stat("direct_cache_hit"));
    assertEquals(1, dc.stat("preprocessed_cache_hit"));

    dc.with("DISTCACHE_SLOPPINESS", "include_file_mtime");
    dc.run(src, "gcc", "-c", "f.c").ok();
    dc.run(src, "gcc", "-c", "f.c").ok();
    assertEquals(1, dc.stat("direct_cache_hit"));
    assertObjectIsGccs("f.o", "-c", "f.c");
  }

  @Test
  void timeMacroInTheSource_keepsDirectModeOff_unlessSloppinessTimeMacros() {
    Distcache.write(src.resolve("t.c"), "const char *built = __TIME__;\n");
    settle();
    dc.run(src, "gcc", "-c", "t.c").ok();
    dc.run(src, "gcc", "-c", "t.c").ok();
    assertEquals(0, dc.stat("direct_cache_hit"));
    assertEquals(0, dc.stat("direct_cache_miss"), "direct mode was not tried");

    dc.with("DISTCACHE_SLOPPINESS", "time_macros");
    dc.run(src, "gcc", "-c", "t.c").ok();
    dc.run(src, "gcc", "-c", "t.c").ok();
    assertEquals(1, dc.stat("direct_cache_hit"));
  }

  @Test
  void timeMacroInAHeader_isNotRecorded() {
    Distcache.write(src.resolve("d.h"), "#define STAMP __DATE__\n");
    Distcache.write(src.resolve("d.c"), "#include \"d.h\"\nconst char *stamp = STAMP;\n");
    settle();
    dc.run(src, "gcc", "-c", "d.c").ok();
    dc.run(src, "gcc", "-c", "d.c").ok();
    assertEquals(0, dc.stat("direct_cache_hit"));
    assertEquals(2, dc.stat("direct_cache_miss"));
  }

  /**
   * ccache's documented limitation, kept: a manifest records the files a compile read, not the
   * files it looked for and did not find, so a new header that shadows a recorded one from earlier
   * in the include path is not noticed until something recorded changes (or direct mode is off).
   */
  @Test
  void newHeaderEarlierInTheIncludePath_isNotNoticed_asInCcache() {
    Distcache.write(src.resolve("late/s.h"), "#define S 2\n");
    Distcache.write(src.resolve("early/.keep"), "");
    Distcache.write(src.resolve("s.c"), "#include \"s.h\"\nint s = S;\n");
    settle();
    String[] args = {"gcc", "-Iearly", "-Ilate", "-c", "s.c", "-o", "s.o"};
    dc.run(src, args).ok();
    byte[] before = Distcache.read(src.resolve("s.o"));
    Distcache.write(src.resolve("early/s.h"), "#define S 1\n");
    settle();
    dc.run(src, args).ok();
    assertEquals(1, dc.stat("direct_cache_hit"));
    assertArrayEquals(
        before, Distcache.read(src.resolve("s.o")), "the stale object, as ccache serves it");

    dc.with("DISTCACHE_NODIRECT", "1").run(src, args).ok();
    byte[] withoutDirectMode = Distcache.read(src.resolve("s.o"));
    assertFalse(Arrays.equals(before, withoutDirectMode));
    assertObjectIsGccs("s.o", Arrays.copyOfRange(args, 1, args.length));
  }

  @Test
  void xpreprocessor_fallsBackToThePreprocessorMode() {
    Distcache.write(src.resolve("x.c"), "int x = X;\n");
    settle();
    dc.run(src, "gcc", "-Xpreprocessor", "-DX=3", "-c", "x.c").ok();
    dc.run(src, "gcc", "-Xpreprocessor", "-DX=3", "-c", "x.c").ok();
    assertEquals(1, dc.stat("preprocessed_cache_hit"));
    assertEquals(0, dc.stat("direct_cache_hit") + dc.stat("direct_cache_miss"));
    assertObjectIsGccs("x.o", "-Xpreprocessor", "-DX=3", "-c", "x.c");
  }

  @Test
  void directModeFalse_usesOnlyThePreprocessorMode() {
    Distcache.write(src.resolve("p.c"), "int p = 1;\n");
    dc.run(src, "-o", "direct_mode=false").ok();
    settle();
    dc.run(src, "gcc", "-c", "p.c").ok();
    dc.run(src, "gcc", "-c", "p.c").ok();
    assertEquals(1, dc.stat("preprocessed_cache_hit"));
    assertEquals(0, dc.stat("direct_cache_hit") + dc.stat("direct_cache_miss"));
  }

  @Test
  void debugInfo_isADirectHit_withTheObjectGccWrites() {
    Distcache.write(src.resolve("g.h"), "struct g { int a; };\n");
    Distcache.write(src.resolve("g.c"), "#include \"g.h\"\nstruct g gv;\n");
    settle();
    dc.run(src, "gcc", "-g", "-c", "g.c").ok();
    dc.run(src, "gcc", "-g", "-c", "g.c").ok();
    assertEquals(1, dc.stat("direct_cache_hit"));
    assertObjectIsGccs("g.o", "-g", "-c", "g.c");
  }

  @Test
  void baseDir_anotherCheckoutIsADirectHit_withItsOwnRightObject() {
    Distcache shared = dc.with("DISTCACHE_BASEDIR", tmp.toString());
    Path a = checkout("ci-1", "#define TWICE(x) ((x) * 2)\n");
    Path b = checkout("ci-2", "#define TWICE(x) ((x) * 2)\n");
    settle();
    shared
        .run(
            a,
            "gcc",
            "-O2",
            "-I" + a.resolve("include"),
            "-c",
            a.resolve("src/main.c").toString(),
            "-o",
            "main.o")
        .ok();
    shared
        .run(
            b,
            "gcc",
            "-O2",
            "-I" + b.resolve("include"),
            "-c",
            b.resolve("src/main.c").toString(),
            "-o",
            "main.o")
        .ok();
    assertEquals(1, shared.stat("direct_cache_hit"));
    byte[] viaCache = Distcache.read(b.resolve("main.o"));
    dc.direct(
            b,
            "gcc",
            "-O2",
            "-I" + b.resolve("include"),
            "-c",
            b.resolve("src/main.c").toString(),
            "-o",
            "main.o")
        .ok();
    assertArrayEquals(Distcache.read(b.resolve("main.o")), viaCache);
  }

  @Test
  void baseDir_headerNamingItsOwnPath_neverServesTheOtherCheckoutsObject() {
    Distcache shared = dc.with("DISTCACHE_BASEDIR", tmp.toString());
    String header = "#define TWICE(x) ((x) * 2)\nconst char *where = __FILE__;\n";
    Path a = checkout("ci-1", header);
    Path b = checkout("ci-2", header);
    settle();
    shared
        .run(a, "gcc", "-O2", "-I" + a.resolve("include"), "-c", "src/main.c", "-o", "main.o")
        .ok();
    shared
        .run(a, "gcc", "-O2", "-I" + a.resolve("include"), "-c", "src/main.c", "-o", "main.o")
        .ok();
    assertEquals(1, shared.stat("direct_cache_hit"));
    shared
        .run(b, "gcc", "-O2", "-I" + b.resolve("include"), "-c", "src/main.c", "-o", "main.o")
        .ok();
    assertEquals(1, shared.stat("direct_cache_hit"), "checkout b did not get a's entry");
    byte[] viaCache = Distcache.read(b.resolve("main.o"));
    assertFalse(
        Arrays.equals(Distcache.read(a.resolve("main.o")), viaCache),
        "each object names its own header");
    dc.direct(b, "gcc", "-O2", "-I" + b.resolve("include"), "-c", "src/main.c", "-o", "main.o")
        .ok();
    assertArrayEquals(Distcache.read(b.resolve("main.o")), viaCache);
  }

  @Test
  void corruptManifest_isCountedAndIgnored_andRecordedAgain() throws Exception {
    Distcache.write(
        src.resolve("c.c"), "#include <stdio.h>\nint main(void) { puts(\"ok\"); return 0; }\n");
    settle();
    dc.run(src, "gcc", "-c", "c.c", "-o", "first.o").ok();
    dc.run(src, "server", "stop").ok();
    int damaged =
        CorruptStoreTest.rewriteValues(
            dc.cacheDir.resolve("store"),
            StoreSchema.MANIFESTS,
            v -> {
              byte[] c = v.clone();
              c[c.length / 2] ^= 0x40;
              return c;
            });
    assertEquals(1, damaged);
    dc.run(src, "gcc", "-c", "c.c", "-o", "second.o").ok();
    assertEquals(1, dc.stat("corrupt_cache_entry"));
    assertEquals(0, dc.stat("direct_cache_hit"));
    assertEquals(1, dc.stat("preprocessed_cache_hit"), "the result itself was fine");
    dc.run(src, "gcc", "-c", "c.c", "-o", "third.o").ok();
    assertEquals(1, dc.stat("direct_cache_hit"));
    dc.direct(src, "gcc", "-c", "c.c", "-o", "direct.o").ok();
    for (String o : List.of("first.o", "second.o", "third.o")) {
      assertArrayEquals(Distcache.read(src.resolve("direct.o")), Distcache.read(src.resolve(o)), o);
    }
  }

  @Test
  void dependMode_missRunsNoPreprocessor_hitAndEditedHeaderGiveGccsObjectAndDependencies() {
    dc.with("DISTCACHE_DEPEND", "1");
    Path header = src.resolve("inc/dm.h");
    Distcache.write(header, "#define DM 10\n");
    Distcache.write(
        src.resolve("dm.c"),
        "#include <stdio.h>\n#include \"inc/dm.h\"\nint dm(void) { return DM; }\n");
    settle();
    dc.run(src, "gcc", "-MD", "-c", "dm.c").ok();
    assertEquals(1, dc.stat("cache_miss"));
    assertEquals(0, dc.stat("preprocessed_cache_miss"), "no preprocessor run");
    dc.run(src, "gcc", "-MD", "-c", "dm.c").ok();
    assertEquals(1, dc.stat("direct_cache_hit"));
    String dep = new String(Distcache.read(src.resolve("dm.d")));
    assertObjectIsGccs("dm.o", "-MD", "-c", "dm.c");
    assertEquals(new String(Distcache.read(src.resolve("dm.d"))), dep);

    Distcache.write(header, "#define DM 20\n");
    settle();
    dc.run(src, "gcc", "-MD", "-c", "dm.c").ok();
    assertEquals(2, dc.stat("cache_miss"));
    assertObjectIsGccs("dm.o", "-MD", "-c", "dm.c");
    dc.run(src, "gcc", "-MD", "-c", "dm.c").ok();
    assertEquals(2, dc.stat("direct_cache_hit"));
    assertEquals(0, dc.stat("preprocessed_cache_miss") + dc.stat("preprocessed_cache_hit"));
  }

  @Test
  void dependMode_withoutDependencyFile_isPlainDirectMode() {
    dc.with("DISTCACHE_DEPEND", "1");
    Distcache.write(src.resolve("n.c"), "int n = 5;\n");
    settle();
    dc.run(src, "gcc", "-c", "n.c").ok();
    dc.run(src, "gcc", "-c", "n.c").ok();
    assertEquals(1, dc.stat("preprocessed_cache_miss"), "the miss ran the preprocessor");
    assertEquals(1, dc.stat("direct_cache_hit"));
  }

  // --- helpers ---

  /** Lets the files written so far become older than the next compile's start. */
  private static void settle() {
    try {
      Thread.sleep(SETTLE_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private Path checkout(String name, String header) {
    Path root = tmp.resolve(name).resolve("proj");
    Distcache.write(root.resolve("include/util.h"), header);
    Distcache.write(
        root.resolve("src/main.c"), "#include \"util.h\"\nint main(void) { return TWICE(3); }\n");
    return root;
  }

  /**
   * Compiles again with gcc alone and checks the object distcache wrote at {@code output} is that
   * one.
   */
  private void assertObjectIsGccs(String output, String... gccArgs) {
    byte[] viaCache = Distcache.read(src.resolve(output));
    List<String> cmd = new ArrayList<>();
    cmd.add("gcc");
    cmd.addAll(List.of(gccArgs));
    try {
      Files.delete(src.resolve(output));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    dc.direct(src, cmd.toArray(String[]::new)).ok();
    assertArrayEquals(Distcache.read(src.resolve(output)), viaCache);
  }
}
