package dev.distcache.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.testing.Processes;
import dev.distcache.testing.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which counters a compile moves, side by side with the real ccache 4.7.5 on the same files: each
 * case states the counters it expects, and ccache must move the same ones.
 */
class CcacheCountersTest {
  static final Path CCACHE = Path.of("/usr/bin/ccache");

  /** The counters these cases are about; the storage read/write counts are not compared. */
  static final List<String> COMPARED =
      List.of(
          "bad_output_file",
          "cache_miss",
          "called_for_preprocessing",
          "compile_failed",
          "compiler_produced_empty_output",
          "compiler_produced_no_output",
          "direct_cache_hit",
          "direct_cache_miss",
          "no_input_file",
          "preprocessed_cache_hit",
          "preprocessed_cache_miss",
          "recache",
          "unsupported_compiler_option");

  @TempDir Path tmp;
  Path src;
  Distcache dc;
  Map<String, String> ccacheEnv;

  @BeforeEach
  void setUp() throws Exception {
    assertTrue(Files.isExecutable(CCACHE), CCACHE + " is not installed");
    src = Files.createDirectories(tmp.resolve("src"));
    dc = new Distcache(tmp.resolve("cache"));
    ccacheEnv = new HashMap<>(dc.env);
    ccacheEnv.keySet().removeIf(k -> k.startsWith("DISTCACHE_"));
    ccacheEnv.put("CCACHE_DIR", tmp.resolve("ccache").toString());
    ccacheEnv.put("CCACHE_TEMPDIR", tmp.resolve("ccache-tmp").toString());
    script("truncate.sh", "\"$@\"; rc=$?\nfor a; do [ \"$p\" = -o ] && : > \"$a\"; p=$a; done\n");
    script("remove.sh", "\"$@\"; rc=$?\nfor a; do [ \"$p\" = -o ] && rm -f \"$a\"; p=$a; done\n");
  }

  @AfterEach
  void tearDown() {
    dc.close();
  }

  private void script(String name, String body) throws Exception {
    Path p = tmp.resolve(name);
    Files.writeString(p, "#!/bin/sh\n" + body + "exit $rc\n");
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  /** What one compile did under each tool: its outcome and the compared counters it moved. */
  record Both(Run distcache, Run ccache, Map<String, Long> dcMoved, Map<String, Long> ccMoved) {}

  /**
   * Runs {@code gcc args} under distcache and under ccache, with {@code env} (ccache's names; the
   * distcache run gets them as DISTCACHE_*), each after zeroing its counters.
   */
  private Both both(Map<String, String> env, String... args) {
    dc.run(src, "-z").ok();
    Processes.run(src, ccacheEnv, List.of("ccache", "-z")).ok();
    Distcache withEnv = dc;
    Map<String, String> cc = new HashMap<>(ccacheEnv);
    env.forEach((k, v) -> {
      dc.with("DISTCACHE_" + k, v);
      cc.put("CCACHE_" + k, v);
    });
    List<String> argv = new ArrayList<>(List.of("gcc"));
    argv.addAll(List.of(args));
    Run d = withEnv.run(src, argv.toArray(String[]::new));
    env.keySet().forEach(k -> dc.env.remove("DISTCACHE_" + k));
    List<String> ccArgv = new ArrayList<>(List.of("ccache"));
    ccArgv.addAll(argv);
    Run c = Processes.run(src, cc, ccArgv);
    return new Both(d, c, compared(dc.stats()), compared(ccacheStats()));
  }

  private Map<String, Long> ccacheStats() {
    Run r = Processes.run(src, ccacheEnv, List.of("ccache", "--print-stats")).ok();
    Map<String, Long> out = new HashMap<>();
    for (String line : r.out().split("\n")) {
      String[] kv = line.split("\t");
      out.put(kv[0], Long.parseLong(kv[1]));
    }
    return out;
  }

  private static Map<String, Long> compared(Map<String, Long> all) {
    Map<String, Long> out = new TreeMap<>();
    for (String id : COMPARED) {
      long n = all.getOrDefault(id, 0L);
      if (n != 0) {
        out.put(id, n);
      }
    }
    return out;
  }

  /** Asserts that both tools moved exactly {@code expected}, and answered alike. */
  private static void assertCounted(Map<String, Long> expected, Both b) {
    assertEquals(expected, b.ccMoved(), "ccache 4.7.5, the reference");
    assertEquals(expected, b.dcMoved(), "distcache");
    assertEquals(b.ccache().exitCode(), b.distcache().exitCode());
    assertEquals(b.ccache().err(), b.distcache().err());
  }

  private void source(String name, String text) {
    Distcache.write(src.resolve(name), text);
  }

  @Test
  void missingSource_isNoInputFile() {
    Both b = both(Map.of(), "-c", "missing.c", "-o", "m.o");

    assertCounted(Map.of("no_input_file", 1L), b);
    assertTrue(b.distcache().err().contains("missing.c"), b.distcache().err());
  }

  @Test
  void outputThatIsADirectory_isBadOutputFile() throws Exception {
    source("a.c", "int a(void) { return 1; }\n");
    Files.createDirectory(src.resolve("d"));

    assertCounted(Map.of("bad_output_file", 1L), both(Map.of(), "-c", "a.c", "-o", "d"));
  }

  @Test
  void dependenciesOnly_isUnsupportedCompilerOption_andPrintsWhatGccPrints() {
    source("m.c", "int m;\n");
    Run direct = dc.direct(src, "gcc", "-M", "m.c").ok();

    Both b = both(Map.of(), "-M", "m.c");

    assertCounted(Map.of("unsupported_compiler_option", 1L), b);
    assertArrayEquals(direct.stdout(), b.distcache().stdout());
    assertCounted(Map.of("unsupported_compiler_option", 1L), both(Map.of(), "-MM", "-c", "m.c"));
    assertCounted(Map.of("called_for_preprocessing", 1L), both(Map.of(), "-E", "-M", "m.c"));
  }

  @Test
  void failedCompile_isCompileFailed_andNoCacheMiss() {
    source("bad.c", "int bad(void) { return undeclared; }\n");

    Both b = both(Map.of(), "-c", "bad.c", "-o", "bad.o");

    assertCounted(
        Map.of("compile_failed", 1L, "direct_cache_miss", 1L, "preprocessed_cache_miss", 1L), b);
    assertEquals(1, b.distcache().exitCode());
  }

  @Test
  void wrapperThatLeavesAnEmptyObject_isEmptyOutput_andNothingIsStored() throws Exception {
    source("e.c", "int e(void) { return 2; }\n");
    Map<String, String> prefix = Map.of("PREFIX", tmp.resolve("truncate.sh").toString());
    Map<String, Long> expected =
        Map.of(
            "compiler_produced_empty_output", 1L,
            "direct_cache_miss", 1L,
            "preprocessed_cache_miss", 1L);

    Both first = both(prefix, "-c", "e.c", "-o", "e.o");
    assertCounted(expected, first);
    assertEquals(0, Files.size(src.resolve("e.o")));
    assertCounted(expected, both(prefix, "-c", "e.c", "-o", "e.o"));
  }

  @Test
  void wrapperThatRemovesTheObject_isNoOutput() {
    source("n.c", "int n(void) { return 3; }\n");

    Both b = both(Map.of("PREFIX", tmp.resolve("remove.sh").toString()), "-c", "n.c", "-o", "n.o");

    assertCounted(
        Map.of(
            "compiler_produced_no_output", 1L,
            "direct_cache_miss", 1L,
            "preprocessed_cache_miss", 1L),
        b);
    assertFalse(Files.exists(src.resolve("n.o")));
  }

  @Test
  void recache_isRecacheAlone_andThenServesTheNewResult() {
    source("r.c", "int r(void) { return 4; }\n");
    assertCounted(
        Map.of("cache_miss", 1L, "direct_cache_miss", 1L, "preprocessed_cache_miss", 1L),
        both(Map.of(), "-c", "r.c", "-o", "r.o"));

    assertCounted(Map.of("recache", 1L), both(Map.of("RECACHE", "1"), "-c", "r.c", "-o", "r.o"));

    Both hit = both(Map.of(), "-c", "r.c", "-o", "r.o");
    assertEquals(1, hit.dcMoved().values().stream().mapToLong(Long::longValue).sum(), "one hit");
  }

  @Test
  void disableSetToZero_isAnErrorThatStopsTheCompile_asInCcache() {
    source("z.c", "int z;\n");

    Both b = both(Map.of("DISABLE", "0"), "-c", "z.c", "-o", "z.o");

    assertEquals(1, b.ccache().exitCode());
    assertEquals(1, b.distcache().exitCode());
    assertEquals(
        b.ccache().err().replace("ccache", "distcache").replace("CCACHE_", "DISTCACHE_"),
        b.distcache().err());
    assertEquals(
        "distcache: error: DISTCACHE_DISABLE: invalid boolean environment variable value \"0\""
            + " (did you mean to set \"DISTCACHE_NODISABLE=true\"?)\n",
        b.distcache().err());
    assertFalse(Files.exists(src.resolve("z.o")), "nothing compiled");
    assertEquals(Map.of(), b.dcMoved());
  }

  /** Every id ccache prints, timestamps included, in ccache's order and id-TAB-value format. */
  @Test
  void printStats_listsEveryIdCcachePrints_zerosIncluded() {
    source("p.c", "int p;\n");
    both(Map.of(), "-c", "p.c", "-o", "p.o");
    List<String> ccache =
        Processes.run(src, ccacheEnv, List.of("ccache", "--print-stats"))
            .ok()
            .out()
            .lines()
            .toList();
    List<String> distcache = dc.run(src, "--print-stats").ok().out().lines().toList();

    List<String> ids = distcache.stream().map(l -> l.substring(0, l.indexOf('\t'))).toList();
    for (String line : ccache) {
      assertTrue(ids.contains(line.substring(0, line.indexOf('\t'))), line + " missing: " + ids);
    }
    List<String> sorted = new ArrayList<>(distcache);
    sorted.sort(null);
    assertEquals(sorted, distcache, "sorted as ccache sorts its lines");
    for (String line : distcache) {
      assertTrue(line.matches("[a-z_]+\t\\d+"), line);
    }
    long updated =
        Long.parseLong(distcache.get(ids.indexOf("stats_updated_timestamp")).split("\t")[1]);
    assertTrue(
        Math.abs(updated - java.time.Instant.now().getEpochSecond()) < 3600,
        "stats_updated_timestamp is the time of the last compile: " + updated);
  }

  /**
   * -sv and -svv have ccache's rows in ccache's order; distcache's own rows (its extra counters,
   * the farm) come in between or after, and no ccache row is missing.
   */
  @Test
  void showStatsVerbose_hasCcachesRowsInCcachesOrder() {
    source("v.c", "int v;\n");
    both(Map.of(), "-c", "v.c", "-o", "v.o");
    both(Map.of(), "-c", "missing.c", "-o", "m.o");
    for (String verbose : List.of("-s", "-sv", "-svv")) {
      List<String> ccache =
          labels(Processes.run(src, ccacheEnv, List.of("ccache", verbose)).ok().out());
      List<String> distcache = labels(dc.run(src, verbose).ok().out());
      int at = 0;
      for (String label : ccache) {
        String expected = label;
        int found = distcache.subList(at, distcache.size()).indexOf(expected);
        assertTrue(
            found >= 0, verbose + ": " + expected + " missing or out of order in " + distcache);
        at += found + 1;
      }
    }
  }

  private static List<String> labels(String summary) {
    return summary
        .lines()
        .map(l -> l.contains(":") ? l.substring(0, l.indexOf(':') + 1) : l)
        .toList();
  }
}
