package dev.distcache.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.testing.Run;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ccache's administration options against a real server and store. */
class AdministrationTest {
  @TempDir Path tmp;
  Distcache dc;

  @BeforeEach
  void setUp() {
    dc = new Distcache(tmp.resolve("cache"));
    for (int i = 0; i < 4; i++) {
      Distcache.write(tmp.resolve("f" + i + ".c"), "int f" + i + "(void) { return " + i + "; }\n");
    }
  }

  @AfterEach
  void tearDown() {
    dc.close();
  }

  @Test
  void showStats_countsAMissThenAHit_andZeroStatsResetsThem() {
    dc.run(tmp, "gcc", "-c", "f0.c").ok();
    dc.run(tmp, "gcc", "-c", "f0.c").ok();
    dc.run(tmp, "gcc", "f0.c", "-o", "f0");
    String s = dc.run(tmp, "-s").ok().out();
    assertTrue(s.matches("(?s).*Cacheable calls:\\s+2 /\\s+3.*"), s);
    assertTrue(s.matches("(?s).*Hits:\\s+1 /\\s+2.*"), s);
    assertTrue(s.matches("(?s).*Misses:\\s+1 /\\s+2.*"), s);
    assertTrue(s.matches("(?s).*Uncacheable calls:\\s+1 /\\s+3.*"), s);
    long files = dc.stat("files_in_cache");
    assertTrue(files >= 1, "the result (and the manifest, when its files were old enough)");
    dc.run(tmp, "-z").ok();
    assertEquals(0, dc.hits());
    assertEquals(files, dc.stat("files_in_cache"), "zeroing keeps the cache");
  }

  @Test
  void clear_removesEveryResult_soTheNextCompileMisses() {
    dc.run(tmp, "gcc", "-c", "f1.c").ok();
    dc.run(tmp, "-C").ok();
    assertEquals(0, dc.stat("files_in_cache"));
    dc.run(tmp, "gcc", "-c", "f1.c").ok();
    assertEquals(2, dc.stat("cache_miss"));
  }

  @Test
  void maxFilesThenCleanup_evictsLeastRecentlyUsed() {
    for (int i = 0; i < 4; i++) {
      dc.run(tmp, "gcc", "-c", "f" + i + ".c").ok();
    }
    dc.run(tmp, "gcc", "-c", "f0.c")
        .ok(); // f0's result and manifest are now the most recently used
    dc.run(tmp, "-F", "2").ok();
    dc.run(tmp, "-c").ok();
    assertEquals(2, dc.stat("files_in_cache"));
    dc.run(tmp, "gcc", "-c", "f0.c").ok();
    assertEquals(2, dc.hits(), "f0 survived the cleanup");
    assertEquals("2", dc.run(tmp, "-k", "max_files").ok().out().trim());
  }

  @Test
  void evictOlderThan_removesResultsUnusedThatLong() throws InterruptedException {
    dc.run(tmp, "gcc", "-c", "f2.c").ok();
    Thread.sleep(2100);
    dc.run(tmp, "--evict-older-than", "1s").ok();
    assertEquals(0, dc.stat("files_in_cache"));
  }

  @Test
  void evictNamespace_removesThatNamespacesResults_andLeavesTheOthers() {
    dc.with("DISTCACHE_NAMESPACE", "one").run(tmp, "gcc", "-c", "f0.c", "-o", "one.o").ok();
    dc.with("DISTCACHE_NAMESPACE", "two").run(tmp, "gcc", "-c", "f0.c", "-o", "two.o").ok();
    assertEquals(2, dc.stat("cache_miss"));
    long files = dc.stat("files_in_cache");

    Run evicted = dc.run(tmp, "--evict-namespace", "one").ok();

    assertTrue(
        evicted.out().matches("Evicted namespace one: removed [12] files? \\(.+\\)\n"),
        evicted.out());
    assertEquals(files / 2, dc.stat("files_in_cache"), "one's result (and manifest) are gone");
    dc.with("DISTCACHE_NAMESPACE", "one").run(tmp, "gcc", "-c", "f0.c", "-o", "one.o").ok();
    assertEquals(3, dc.stat("cache_miss"), "namespace one compiles again");
    assertEquals(0, dc.hits());
    dc.with("DISTCACHE_NAMESPACE", "two").run(tmp, "gcc", "-c", "f0.c", "-o", "two.o").ok();
    assertEquals(1, dc.hits(), "namespace two still hits");
    dc.direct(tmp, "gcc", "-c", "f0.c", "-o", "direct.o").ok();
    assertArrayEquals(
        Distcache.read(tmp.resolve("direct.o")), Distcache.read(tmp.resolve("two.o")));
    assertArrayEquals(
        Distcache.read(tmp.resolve("direct.o")), Distcache.read(tmp.resolve("one.o")));
  }

  /**
   * Together the two options select what both select (as in ccache), not one after the other: a
   * day-old limit keeps namespace a's fresh results. The age itself is tested on the store, with
   * its clock (ResultStoreContract).
   */
  @Test
  void evictNamespaceWithEvictOlderThan_removesOnlyWhatBothSelect() {
    dc.with("DISTCACHE_NAMESPACE", "a").run(tmp, "gcc", "-c", "f1.c").ok();
    dc.with("DISTCACHE_NAMESPACE", "b").run(tmp, "gcc", "-c", "f1.c").ok();
    assertEquals(2, dc.stat("cache_miss"));

    Run none = dc.run(tmp, "--evict-namespace", "a", "--evict-older-than", "1d").ok();

    assertEquals(
        "Evicted namespace a results unused for 86400 s: removed 0 files (0.0 kB)\n", none.out());
    dc.with("DISTCACHE_NAMESPACE", "a").run(tmp, "gcc", "-c", "f1.c").ok();
    assertEquals(1, dc.hits(), "a's fresh result stays");

    dc.run(tmp, "--evict-namespace", "a").ok();

    dc.with("DISTCACHE_NAMESPACE", "b").run(tmp, "gcc", "-c", "f1.c").ok();
    assertEquals(2, dc.hits(), "b's result stays");
    dc.with("DISTCACHE_NAMESPACE", "a").run(tmp, "gcc", "-c", "f1.c").ok();
    assertEquals(3, dc.stat("cache_miss"), "a's is gone");
  }

  @Test
  void inspectAndExtractResult_takeTheKeyThatLogFileNames_andShowOrWriteTheStoredFiles()
      throws Exception {
    Path log = tmp.resolve("log");
    Distcache.write(tmp.resolve("w.c"), CompileTest.WARNS_C);
    String[] compile = {"gcc", "-Wall", "-MD", "-c", "w.c", "-o", "w.o"};
    Run miss = dc.with("DISTCACHE_LOGFILE", log.toString()).run(tmp, compile).ok();
    Run direct = dc.direct(tmp, "gcc", "-Wall", "-MD", "-c", "w.c", "-o", "direct.o").ok();
    byte[] object = Distcache.read(tmp.resolve("direct.o"));
    byte[] deps = Distcache.read(tmp.resolve("w.d"));
    // As ccache, the compile is asked for colour and the stored stderr is the coloured text.
    Run coloured =
        dc.direct(tmp, "gcc", "-fdiagnostics-color", "-Wall", "-MD", "-c", "w.c", "-o", "c.o").ok();
    assertTrue(coloured.err().contains("\u001b["), coloured.err());
    Matcher stored = Pattern.compile("stored ([0-9a-f]{64}) ").matcher(Files.readString(log));
    assertTrue(stored.find(), Files.readString(log));
    String key = stored.group(1);

    String inspected = dc.run(tmp, "--inspect", key).ok().out();

    assertTrue(inspected.startsWith("Result key: " + key + "\n"), inspected);
    assertTrue(
        inspected.endsWith(
            "Number of files: 3\n"
                + "Embedded file #0: <stderr> ("
                + coloured.err().getBytes(StandardCharsets.UTF_8).length
                + " bytes)\n"
                + "Embedded file #1: .o ("
                + object.length
                + " bytes)\n"
                + "Embedded file #2: .d ("
                + deps.length
                + " bytes)\n"),
        inspected);

    Path out = Files.createDirectory(tmp.resolve("out"));
    assertEquals("", dc.run(out, "--extract-result", key).ok().out());
    assertArrayEquals(object, Distcache.read(out.resolve("ccache-result.o")));
    assertArrayEquals(deps, Distcache.read(out.resolve("ccache-result.d")));
    assertEquals(coloured.err(), Files.readString(out.resolve("ccache-result.stderr")));
    assertEquals(direct.err(), miss.err());
    try (var names = Files.list(out)) {
      assertEquals(3, names.count());
    }

    Run none = dc.run(tmp, "--inspect", "0".repeat(64));
    assertEquals(1, none.exitCode());
    assertEquals(
        "distcache: error: no result is stored under " + "0".repeat(64) + "\n", none.err());
  }

  @Test
  void setConfig_isShownWithItsOrigin_andEnvironmentWins() {
    dc.run(tmp, "-o", "max_size=10Mi").ok();
    String p = dc.run(tmp, "-p").ok().out();
    assertTrue(
        p.contains("(" + dc.cacheDir.resolve("distcache.conf") + ") max_size = 10.5M"),
        p); // 10Mi as ccache -p shows it
    String pe = dc.with("DISTCACHE_MAXSIZE", "20Mi").run(tmp, "-p").ok().out();
    assertTrue(pe.contains("(environment) max_size = 21.0M"), pe);
    Run bad = dc.run(tmp, "-o", "max_size=lots");
    assertEquals(1, bad.exitCode());
    assertFalse(bad.err().contains("Exception"), bad.err());
  }

  @Test
  void logFile_receivesTheServersNotes_andTheCompilersStderrIsUntouched() {
    Path log = tmp.resolve("distcache.log");
    Distcache.write(tmp.resolve("w.c"), "int w(void) { int unused; return 0; }\n");
    Run r = dc.with("DISTCACHE_LOGFILE", log.toString()).run(tmp, "gcc", "-Wall", "-c", "w.c").ok();
    Run direct = dc.direct(tmp, "gcc", "-Wall", "-c", "w.c").ok();
    assertArrayEquals(direct.stderr(), r.stderr());
    String text = new String(Distcache.read(log));
    assertTrue(text.contains("stored ") && text.contains("w.c"), text);
  }

  @Test
  void recache_compilesAgainAndStores_readOnly_neverStores_disable_bypassesTheCache() {
    dc.run(tmp, "gcc", "-c", "f0.c").ok();
    dc.with("DISTCACHE_RECACHE", "1").run(tmp, "gcc", "-c", "f0.c").ok();
    dc.env.remove("DISTCACHE_RECACHE");
    assertEquals(1, dc.stat("cache_miss"), "as ccache: a recache is counted as that alone");
    assertEquals(1, dc.stat("recache"));
    long files = dc.stat("files_in_cache");
    dc.with("DISTCACHE_READONLY", "1").run(tmp, "gcc", "-c", "f1.c").ok();
    dc.env.remove("DISTCACHE_READONLY");
    assertEquals(files, dc.stat("files_in_cache"), "read_only stored nothing");
    assertEquals(2, dc.stat("cache_miss"), "as ccache: a read-only compile is a miss");
    dc.with("DISTCACHE_DISABLE", "1").run(tmp, "gcc", "-c", "f0.c", "-o", "disabled.o").ok();
    dc.env.remove("DISTCACHE_DISABLE");
    assertTrue(Files.exists(tmp.resolve("disabled.o")));
    assertEquals(0, dc.hits());
    assertEquals(2, dc.stat("cache_miss"), "disable neither hits nor misses");
  }

  @Test
  void unknownOption_isAUsageError_withoutAStackTrace() {
    Run r = dc.run(tmp, "--no-such-option");
    assertEquals(2, r.exitCode());
    assertTrue(r.err().startsWith("distcache: error:"), r.err());
    assertFalse(r.err().contains("at dev.distcache"), r.err());
  }

  @Test
  void javaClientsCompilePath_loadsNeitherPicocliNorRocksDbNorBouncyCastle() {
    Path classes = tmp.resolve("classes.txt");
    dc.with("DISTCACHE_JAVA_CLIENT", "1").run(tmp, "gcc", "-c", "f3.c").ok();
    dc.with("DISTCACHE_CLIENT_JAVA_OPTS", "-Xlog:class+load=info:file=" + classes)
        .run(tmp, "gcc", "-c", "f3.c", "-o", "again.o")
        .ok();
    String loaded = new String(Distcache.read(classes));
    assertTrue(
        loaded.contains("dev.distcache.cli.client.CompileClient"),
        "the log lists the client's classes");
    for (String forbidden :
        new String[] {"picocli", "org.rocksdb", "org.bouncycastle", "net.jpountz"}) {
      assertFalse(loaded.contains(forbidden), forbidden + " was loaded on the compile path");
    }
  }

  @Test
  void fullDisk_compilesStillSucceedWithRightObjects() throws Exception {
    assertEquals(
        "root",
        ProcessHandle.current().info().user().orElse(""),
        "mounting a small disk needs root (CI is root)");
    Path small = tmp.resolve("small");
    Files.createDirectories(small);
    dc.exec(tmp, "mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", small.toString()).ok();
    Distcache full = new Distcache(small.resolve("cache"));
    try {
      java.util.Random random = new java.util.Random(42);
      for (int i = 0; i < 12; i++) {
        StringBuilder c = new StringBuilder("const unsigned char big" + i + "[] = {");
        for (int b = 0; b < 200_000; b++) {
          c.append(random.nextInt(256)).append(',');
        }
        Distcache.write(tmp.resolve("big" + i + ".c"), c.append("};\n").toString());
        full.run(tmp, "gcc", "-c", "big" + i + ".c").ok();
        full.direct(tmp, "gcc", "-c", "big" + i + ".c", "-o", "direct" + i + ".o").ok();
        assertArrayEquals(
            Distcache.read(tmp.resolve("direct" + i + ".o")),
            Distcache.read(tmp.resolve("big" + i + ".o")));
      }
      assertTrue(
          full.stat("internal_error") > 0 || full.stat("local_storage_write") < 12,
          "the small disk filled up (otherwise this test proves nothing)");
      Distcache.write(tmp.resolve("tiny.c"), "int tiny;\n");
      full.run(tmp, "gcc", "-c", "tiny.c").ok();
      full.run(tmp, "gcc", "-c", "big0.c", "-o", "again.o").ok();
      assertArrayEquals(
          Distcache.read(tmp.resolve("direct0.o")), Distcache.read(tmp.resolve("again.o")));
      assertEquals(
          0,
          full.run(tmp, "server", "stop").exitCode(),
          "the server stops even though its store cannot flush");
    } finally {
      full.close();
      dc.exec(tmp, "umount", "-l", small.toString());
    }
  }
}
