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

  /** Every id ccache 4.7.5 prints, zeros and both timestamps included, tab-separated. */
  @Test
  void printStats_listsEveryIdCcachePrints() {
    List<String> lines =
        printStats("stats_updated_timestamp\t1796527973\nstats_zeroed_timestamp\t1796520000\n");

    assertTrue(lines.contains("stats_updated_timestamp\t1796527973"), lines.toString());
    assertTrue(lines.contains("stats_zeroed_timestamp\t1796520000"), lines.toString());
    List<String> ids = lines.stream().map(l -> l.substring(0, l.indexOf('\t'))).toList();
    for (String id :
        List.of(
            "autoconf_test",
            "bad_compiler_arguments",
            "bad_output_file",
            "cache_miss",
            "cache_size_kibibyte",
            "called_for_link",
            "called_for_preprocessing",
            "cleanups_performed",
            "compile_failed",
            "compiler_check_failed",
            "compiler_produced_empty_output",
            "compiler_produced_no_output",
            "compiler_produced_stdout",
            "could_not_find_compiler",
            "could_not_use_modules",
            "could_not_use_precompiled_header",
            "direct_cache_hit",
            "direct_cache_miss",
            "error_hashing_extra_file",
            "files_in_cache",
            "internal_error",
            "local_storage_hit",
            "local_storage_miss",
            "local_storage_read_hit",
            "local_storage_read_miss",
            "local_storage_write",
            "missing_cache_file",
            "multiple_source_files",
            "no_input_file",
            "output_to_stdout",
            "preprocessed_cache_hit",
            "preprocessed_cache_miss",
            "preprocessor_error",
            "recache",
            "remote_storage_error",
            "remote_storage_hit",
            "remote_storage_miss",
            "remote_storage_read_hit",
            "remote_storage_read_miss",
            "remote_storage_timeout",
            "remote_storage_write",
            "stats_updated_timestamp",
            "stats_zeroed_timestamp",
            "unsupported_code_directive",
            "unsupported_compiler_option",
            "unsupported_environment_variable",
            "unsupported_source_language")) {
      assertTrue(ids.contains(id), id + " missing from " + ids);
    }
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
