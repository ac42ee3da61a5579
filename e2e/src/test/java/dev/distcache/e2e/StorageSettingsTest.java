package dev.distcache.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.testing.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ccache's settings about how results are stored, with the real gcc: {@code compression} and {@code
 * compression_level}, {@code hard_link} (accepted, a no-op), {@code read_only_direct}, {@code
 * stats_log} and {@code umask}.
 */
class StorageSettingsTest {
  /** Longer than the slack the server allows for coarse timestamps (see DirectModeTest). */
  private static final long SETTLE_MILLIS = 150;

  @TempDir Path tmp;
  Path src;
  Distcache dc;

  @BeforeEach
  void setUp() {
    src = tmp.resolve("src");
    dc = new Distcache(tmp.resolve("cache"));
    // 64 KiB of initialised data: an object that compresses to a small fraction of its size.
    Distcache.write(src.resolve("big.c"), "char table[65536] = {1};\nint f(void) { return 2; }\n");
    Distcache.write(src.resolve("a.c"), "int a(int x) { return x * 3 + 1; }\n");
    Distcache.write(src.resolve("b.c"), "int b(int x) { return x * 5 + 2; }\n");
    settle();
  }

  @AfterEach
  void tearDown() {
    dc.close();
  }

  @Test
  void compressionFalse_storesResultsUncompressed_andEachSettingServesTheOthersEntries() {
    dc.run(src, "gcc", "-c", "big.c", "-o", "compressed.o").ok();
    dc.direct(src, "gcc", "-c", "big.c", "-o", "direct.o").ok();
    byte[] direct = Distcache.read(src.resolve("direct.o"));
    long compressed = dc.stat("cache_size_kibibyte");
    dc.run(src, "-C").ok();

    dc.with("DISTCACHE_NOCOMPRESS", "1").run(src, "gcc", "-c", "big.c", "-o", "plain.o").ok();
    long uncompressed = dc.stat("cache_size_kibibyte");
    dc.env.remove("DISTCACHE_NOCOMPRESS");
    Run hit = dc.with("DISTCACHE_COMPRESSLEVEL", "19").run(src, "gcc", "-c", "big.c").ok();

    assertTrue(uncompressed >= 64, "the 64 KiB object is stored as it is: " + uncompressed);
    assertTrue(compressed * 4 < uncompressed, compressed + " KiB vs " + uncompressed + " KiB");
    assertEquals("", hit.err());
    assertEquals(1, dc.hits(), "an uncompressed entry is read with compression on");
    assertArrayEquals(direct, Distcache.read(src.resolve("compressed.o")));
    assertArrayEquals(direct, Distcache.read(src.resolve("plain.o")));
    assertArrayEquals(direct, Distcache.read(src.resolve("big.o")));
  }

  @Test
  void compressionLevel_highLevelsStoreWithLz4Hc_andTheEntriesServeWithAnyLevel() {
    dc.direct(src, "gcc", "-c", "big.c", "-o", "direct.o").ok();
    Path conf = tmp.resolve("cache/distcache.conf");
    Distcache.write(conf, "compression_level = 19\n");
    Run miss = dc.run(src, "gcc", "-c", "big.c", "-o", "miss.o").ok();
    Distcache.write(conf, "compression_level = -5\n");
    dc.run(src, "gcc", "-c", "big.c", "-o", "hit.o").ok();

    assertEquals("", miss.err(), "compression_level is distcache's now: no note");
    assertEquals(1, dc.hits());
    assertTrue(
        dc.stat("cache_size_kibibyte") < 16, "compressed: " + dc.stat("cache_size_kibibyte"));
    byte[] direct = Distcache.read(src.resolve("direct.o"));
    assertArrayEquals(direct, Distcache.read(src.resolve("miss.o")));
    assertArrayEquals(direct, Distcache.read(src.resolve("hit.o")));
    assertTrue(dc.run(src, "-p").ok().out().contains(") compression_level = -5\n"));
  }

  @Test
  void hardLink_isAcceptedWithoutANote_andOutputsStayFilesOfTheirOwn() throws IOException {
    Path conf = tmp.resolve("cache/distcache.conf");
    Distcache.write(conf, "hard_link = true\n");
    dc.with("DISTCACHE_HARDLINK", "1");

    Run miss = dc.run(src, "gcc", "-c", "a.c", "-o", "miss.o").ok();
    Run hit = dc.run(src, "gcc", "-c", "a.c", "-o", "hit.o").ok();
    dc.direct(src, "gcc", "-c", "a.c", "-o", "direct.o").ok();

    assertEquals("", miss.err(), "no configuration note");
    assertEquals("", hit.err());
    assertEquals(1, dc.hits());
    assertFalse(dc.run(src, "-s").ok().out().contains("Configuration notes"));
    assertTrue(dc.run(src, "-p").ok().out().contains("(environment) hard_link = true\n"));
    assertArrayEquals(
        Distcache.read(src.resolve("direct.o")), Distcache.read(src.resolve("hit.o")));
    assertEquals(1, Files.getAttribute(src.resolve("hit.o"), "unix:nlink"));
  }

  @Test
  void readOnlyDirect_servesDirectHits_compilesTheRestWithoutPreprocessorModeOrStoring() {
    dc.run(src, "gcc", "-c", "a.c", "-o", "stored.o").ok();
    Map<String, Long> before = dc.stats();

    dc.with("DISTCACHE_READONLY_DIRECT", "1");
    Run directHit = dc.run(src, "gcc", "-c", "a.c", "-o", "hit.o").ok();
    Run newSource = dc.run(src, "gcc", "-c", "b.c", "-o", "b.o").ok();
    // The same code with a comment: a preprocessed hit, which read_only_direct does not look for.
    Distcache.write(src.resolve("a.c"), "int a(int x) { return x * 3 + 1; } /* same code */\n");
    settle();
    Run commented = dc.run(src, "gcc", "-c", "a.c", "-o", "commented.o").ok();
    Map<String, Long> after = dc.stats();

    assertEquals("", directHit.err() + newSource.err() + commented.err());
    assertEquals(before.get("direct_cache_hit") + 1, after.get("direct_cache_hit"));
    assertEquals(before.get("preprocessed_cache_hit"), after.get("preprocessed_cache_hit"));
    assertEquals(before.get("preprocessed_cache_miss"), after.get("preprocessed_cache_miss"));
    assertEquals(before.get("cache_miss") + 2, after.get("cache_miss"));
    assertEquals(before.get("direct_cache_miss") + 2, after.get("direct_cache_miss"));
    assertEquals(before.get("files_in_cache"), after.get("files_in_cache"), "nothing stored");
    assertSameAsGcc("a.c", "commented.o");
    assertSameAsGcc("b.c", "b.o");
    assertArrayEquals(
        Distcache.read(src.resolve("stored.o")), Distcache.read(src.resolve("hit.o")));

    dc.env.remove("DISTCACHE_READONLY_DIRECT");
    dc.run(src, "gcc", "-c", "a.c", "-o", "preprocessed.o").ok();
    dc.run(src, "gcc", "-c", "b.c", "-o", "b2.o").ok();
    assertEquals(
        after.get("preprocessed_cache_hit") + 1,
        dc.stat("preprocessed_cache_hit"),
        "without read_only_direct the commented source is a preprocessed hit");
    assertEquals(after.get("cache_miss") + 1, dc.stat("cache_miss"), "b.c had not been stored");
  }

  private void assertSameAsGcc(String source, String object) {
    dc.direct(src, "gcc", "-c", source, "-o", "direct.o").ok();
    assertArrayEquals(
        Distcache.read(src.resolve("direct.o")), Distcache.read(src.resolve(object)), object);
  }

  @Test
  void statsLog_getsEachCompilesCounterChanges_inCcachesFormat() throws IOException {
    Path log = tmp.resolve("logs/stats.log");
    Files.createDirectories(log.getParent());
    dc.with("DISTCACHE_STATSLOG", log.toString());

    dc.run(src, "gcc", "-c", "a.c").ok();
    dc.run(src, "gcc", "-c", "a.c").ok();
    dc.with("DISTCACHE_NOSTATS", "1").run(src, "gcc", "-c", "b.c").ok();
    dc.env.remove("DISTCACHE_NOSTATS");
    dc.run(src, "gcc", "-c", "a.c", "-E").ok();

    List<List<String>> blocks = blocks(Files.readAllLines(log));
    assertEquals(4, blocks.size(), blocks.toString());
    assertEquals("# a.c", blocks.get(0).get(0));
    assertTrue(blocks.get(0).contains("cache_miss"), blocks.toString());
    assertEquals("# a.c", blocks.get(1).get(0));
    assertTrue(blocks.get(1).contains("direct_cache_hit"), blocks.toString());
    assertFalse(blocks.get(1).contains("cache_miss"), blocks.toString());
    assertEquals("# b.c", blocks.get(2).get(0));
    assertTrue(blocks.get(2).contains("cache_miss"), "logged with stats = false too");
    assertEquals(List.of("# a.c", "called_for_preprocessing"), blocks.get(3));
    for (List<String> b : blocks) {
      List<String> ids = b.subList(1, b.size());
      assertEquals(ids.stream().sorted().toList(), ids, "sorted, as ccache writes them");
      assertTrue(ids.stream().allMatch(id -> id.matches("[a-z_0-9]+")), ids.toString());
    }
    assertEquals(1, dc.stat("direct_cache_hit"), "stats = false kept b.c out of the counters");
    assertEquals(1, dc.stat("cache_miss"));
  }

  @Test
  void umask_appliesToTheStatsLogAndTheConfigFile_notToOutputs_asInCcache() throws IOException {
    Path log = tmp.resolve("stats.log");
    dc.with("DISTCACHE_STATSLOG", log.toString()).with("DISTCACHE_UMASK", "077");

    umask022(src, "gcc", "-c", "a.c", "-MD", "-o", "miss.o");
    umask022(src, "gcc", "-c", "a.c", "-MD", "-o", "hit.o");
    umask022(src, "-o", "max_files=1000");

    assertEquals(1, dc.hits());
    assertEquals("rw-------", mode(log), "the stats log, created under umask 077");
    assertEquals("rw-------", mode(tmp.resolve("cache/distcache.conf")));
    for (String out : new String[] {"miss.o", "miss.d", "hit.o", "hit.d"}) {
      assertEquals("rw-r--r--", mode(src.resolve(out)), out + ": the compile's own umask");
    }
  }

  /** {@code distcache args...} run with umask 022, as a user's shell would. */
  private void umask022(Path cwd, String... args) {
    List<String> cmd = new ArrayList<>(List.of("sh", "-c", "umask 022 && exec \"$@\"", "sh"));
    cmd.add(Distcache.LAUNCHER.toString());
    cmd.addAll(List.of(args));
    dc.exec(cwd, cmd.toArray(String[]::new)).ok();
  }

  private static String mode(Path file) throws IOException {
    return PosixFilePermissions.toString(
        Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS));
  }

  /** The stats log's lines, split into blocks each starting with its "# file" line. */
  private static List<List<String>> blocks(List<String> lines) {
    List<List<String>> out = new ArrayList<>();
    for (String line : lines) {
      if (line.startsWith("#")) {
        out.add(new ArrayList<>());
      }
      out.get(out.size() - 1).add(line);
    }
    return out;
  }

  private static void settle() {
    try {
      Thread.sleep(SETTLE_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
