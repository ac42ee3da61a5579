package dev.distcache.cli.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.core.stats.Counter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrintStatsTest {
  @TempDir Path cacheDir;

  private List<String> printStats(String stats) {
    AdminRun run =
        AdminRun.run(new FakeChannel().answering("stats", stats), cacheDir, "--print-stats");
    assertEquals(0, run.exitCode(), run.err());
    return Arrays.asList(run.out().split("\n"));
  }

  @Test
  void printStats_listsEveryCounterIdSortedWithZeroForAbsentOnes() {
    List<String> lines = printStats("cache_miss\t4\ndirect_cache_hit\t2\n");

    List<String> ids = lines.stream().map(l -> l.substring(0, l.indexOf('\t'))).toList();
    for (Counter c : Counter.values()) {
      assertTrue(ids.contains(c.id()), c.id() + " missing from " + ids);
    }
    List<String> sorted = new ArrayList<>(ids);
    sorted.sort(null);
    assertEquals(sorted, ids);
    assertTrue(lines.contains("cache_miss\t4"));
    assertTrue(lines.contains("direct_cache_hit\t2"));
    assertTrue(lines.contains("autoconf_test\t0"));
  }

  @Test
  void printStats_givesSizesInKibibytesAndFileCountsUnderCcachesIds() {
    List<String> lines =
        printStats(
            "cache_size_bytes\t10240\nfiles_in_cache\t7\nmax_size\t5368709120\nmax_files\t100\n");

    assertTrue(lines.contains("cache_size_kibibyte\t10"), lines.toString());
    assertTrue(lines.contains("files_in_cache\t7"));
    assertTrue(lines.contains("max_cache_size_kibibyte\t5242880"));
    assertTrue(lines.contains("max_files_in_cache\t100"));
    assertEquals(Counter.values().length + 4, lines.size());
  }

  @Test
  void printStats_withAMalformedValueFromTheServer_failsWithExit1() {
    AdminRun run =
        AdminRun.run(
            new FakeChannel().answering("stats", "cache_miss\tmany\n"), cacheDir, "--print-stats");

    assertEquals(1, run.exitCode());
    assertEquals(
        "distcache: error: malformed value in the server's reply: cache_miss = \"many\" (expected a whole number)\n",
        run.err());
  }
}
