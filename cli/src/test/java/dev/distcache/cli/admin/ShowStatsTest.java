package dev.distcache.cli.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShowStatsTest {
  private static final String LOCAL =
      "cache_size_bytes\t0\nfiles_in_cache\t3\nmax_size\t5368709120\nmax_files\t0\ncache_dir\t/c\n";

  @TempDir Path cacheDir;

  private AdminRun showStats(String stats, String... args) {
    return AdminRun.run(new FakeChannel().answering("stats", stats), cacheDir, args);
  }

  @Test
  void showStats_formatsCountersAsCcacheDoes() {
    AdminRun run =
        showStats(
            "direct_cache_hit\t0\npreprocessed_cache_hit\t1\ncache_miss\t1\ncalled_for_link\t1\n"
                + "local_storage_hit\t1\nlocal_storage_miss\t1\n"
                + LOCAL,
            "-s");

    assertEquals(0, run.exitCode(), run.err());
    assertEquals(
        """
        Cacheable calls:      2 /    3 (66.67%)
          Hits:               1 /    2 (50.00%)
            Direct:           0 /    1 ( 0.00%)
            Preprocessed:     1 /    1 (100.0%)
          Misses:             1 /    2 (50.00%)
        Uncacheable calls:    1 /    3 (33.33%)
        Local storage:
          Cache size (GB): 0.00 / 5.37 ( 0.00%)
        """,
        run.out());
  }

  @Test
  void showStats_listsTheServersConfigurationNotesAfterTheTable() {
    AdminRun run =
        showStats(
            LOCAL
                + "config_note_1\t/c/distcache.conf:3: unknown key \"direct_mod\"\n"
                + "config_note_2\tDISTCACHE_MAXSIZE: bad\n",
            "-s");

    assertEquals(0, run.exitCode(), run.err());
    assertEquals(
        """
        Local storage:
          Cache size (GB): 0.00 / 5.37 ( 0.00%)
        Configuration notes:
          /c/distcache.conf:3: unknown key "direct_mod"
          DISTCACHE_MAXSIZE: bad
        """,
        run.out());
  }

  @Test
  void showStats_withNoCallsYet_showsOnlyLocalStorage() {
    AdminRun run = showStats(LOCAL, "--show-stats");

    assertEquals(
        """
        Local storage:
          Cache size (GB): 0.00 / 5.37 ( 0.00%)
        """,
        run.out());
  }

  @Test
  void showStats_withFileLimitAndNoSizeLimit_showsFilesAgainstLimitAndSizeAlone() {
    AdminRun run =
        showStats(
            "cache_size_bytes\t1610612736\nfiles_in_cache\t250\nmax_size\t0\nmax_files\t1000\n",
            "-sv");

    assertEquals(
        """
        Local storage:
          Cache size (GB):  1.61
          Files:             250 / 1000 (25.00%)
          Hits:                0
          Misses:              0
          Reads:               0
          Writes:              0
        """,
        run.out().substring(run.out().indexOf("Local storage:")));
  }

  @Test
  void showStats_countsErrorsIntoTheTotalAndShowsThemOnlyWhenNonzero() {
    String withError = "cache_miss\t3\ninternal_error\t1\n" + LOCAL;
    List<String> lines = Arrays.asList(showStats(withError, "-s").out().split("\n"));

    assertEquals("Cacheable calls:      3 /    4 (75.00%)", lines.get(0));
    assertEquals("Errors:               1 /    4 (25.00%)", lines.get(5));
    assertFalse(showStats("cache_miss\t3\n" + LOCAL, "-s").out().contains("Errors"));
  }

  @Test
  void showStatsVerbose_listsNonzeroUncacheableAndErrorCountersByDescription() {
    AdminRun run =
        showStats(
            "cache_miss\t1\ncalled_for_link\t2\nno_input_file\t1\nrecache\t1\n"
                + "autoconf_test\t0\ninternal_error\t1\n"
                + LOCAL,
            "-sv");

    List<String> labels =
        Arrays.stream(run.out().split("\n")).map(l -> l.replaceAll(":.*", ":")).toList();
    int uncacheable = labels.indexOf("Uncacheable calls:");
    assertEquals(
        List.of(
            "Uncacheable calls:",
            "  Called for linking:",
            "  Forced recache:",
            "  No input file:",
            "Errors:",
            "  Internal error:"),
        labels.subList(uncacheable, uncacheable + 6));
    assertFalse(run.out().contains("Autoconf"), "zero counters are not listed");
    assertTrue(run.out().contains("  Called for linking:    2 /    4 (50.00%)\n"), run.out());
  }

  @Test
  void showStatsWithoutVerbose_listsNoCounterDetails() {
    AdminRun run = showStats("cache_miss\t1\ncalled_for_link\t2\n" + LOCAL, "-s");

    assertFalse(run.out().contains("Called for linking"));
  }

  @Test
  void percent_usesTwoDecimalsInEightCharactersAndOneDecimalForAHundred() {
    assertEquals("(66.67%)", StatsSummary.percent(2, 3));
    assertEquals("( 0.00%)", StatsSummary.percent(0, 7));
    assertEquals("( 5.00%)", StatsSummary.percent(1, 20));
    assertEquals("(100.0%)", StatsSummary.percent(1, 1));
    assertEquals("(99.99%)", StatsSummary.percent(9999, 10000));
    assertEquals("(200.0%)", StatsSummary.percent(2, 1));
  }

  /** The counters of a session in ccache 4.7.5 (a miss, a hit, a failed compile, no input). */
  private static final String SESSION =
      "direct_cache_hit\t1\ndirect_cache_miss\t2\npreprocessed_cache_miss\t2\ncache_miss\t1\n"
          + "compile_failed\t1\nno_input_file\t1\nlocal_storage_hit\t1\nlocal_storage_miss\t2\n"
          + "local_storage_read_hit\t2\nlocal_storage_read_miss\t4\nlocal_storage_write\t2\n"
          + "stats_updated_timestamp\t1796527973\nstats_zeroed_timestamp\t1796520000\n"
          + "cache_size_bytes\t16384\nfiles_in_cache\t4\nmax_size\t5368709120\nmax_files\t0\n"
          + "cache_dir\t/c\nconfig_file\t/c/distcache.conf\n";

  private static String format(String stats, int verbosity) throws AdminException {
    return StatsSummary.format(KeyValues.parse(stats), verbosity, ZoneOffset.UTC);
  }

  /**
   * ccache 4.7.5's -sv for the same counters, but for the cache size row (GiB, one decimal), whose
   * narrower cells narrow the number columns.
   */
  @Test
  void showStatsVerbose_isCcachesLayout() throws AdminException {
    assertEquals(
        """
        Cache directory:      /c
        Config file:          /c/distcache.conf
        System config file:   none
        Stats updated:        Sun Dec  6 03:32:53 2026
        Cacheable calls:         2 /    4 (50.00%)
          Hits:                  1 /    2 (50.00%)
            Direct:              1 /    1 (100.0%)
            Preprocessed:        0 /    1 ( 0.00%)
          Misses:                1 /    2 (50.00%)
        Uncacheable calls:       2 /    4 (50.00%)
          Compilation failed:    1 /    2 (50.00%)
          No input file:         1 /    2 (50.00%)
        Successful lookups:
          Direct:                1 /    3 (33.33%)
          Preprocessed:          0 /    2 ( 0.00%)
        Local storage:
          Cache size (GB):    0.00 / 5.37 ( 0.00%)
          Files:                 4
          Hits:                  1 /    3 (33.33%)
          Misses:                2 /    3 (66.67%)
          Reads:                 6
          Writes:                2
        """,
        format(SESSION, 1));
  }

  /**
   * ccache 4.7.5's -svv: every counter and section, zeros included (and distcache's own counters
   * and farm section).
   */
  @Test
  void showStatsVeryVerbose_listsEveryCounterAndSection() throws AdminException {
    assertEquals(
        """
        Cache directory:                      /c
        Config file:                          /c/distcache.conf
        System config file:                   none
        Stats updated:                        Sun Dec  6 03:32:53 2026
        Stats zeroed:                         Sun Dec  6 01:20:00 2026
        Cacheable calls:                         2 /    4 (50.00%)
          Hits:                                  1 /    2 (50.00%)
            Direct:                              1 /    1 (100.0%)
            Preprocessed:                        0 /    1 ( 0.00%)
          Misses:                                1 /    2 (50.00%)
        Uncacheable calls:                       2 /    4 (50.00%)
          Autoconf compile/link:                 0 /    2 ( 0.00%)
          Bad compiler arguments:                0 /    2 ( 0.00%)
          Called for linking:                    0 /    2 ( 0.00%)
          Called for preprocessing:              0 /    2 ( 0.00%)
          Compilation failed:                    1 /    2 (50.00%)
          Compiler output file missing:          0 /    2 ( 0.00%)
          Compiler produced empty output:        0 /    2 ( 0.00%)
          Compiler produced stdout:              0 /    2 ( 0.00%)
          Could not use modules:                 0 /    2 ( 0.00%)
          Could not use precompiled header:      0 /    2 ( 0.00%)
          Forced recache:                        0 /    2 ( 0.00%)
          Multiple source files:                 0 /    2 ( 0.00%)
          No input file:                         1 /    2 (50.00%)
          Output to stdout:                      0 /    2 ( 0.00%)
          Preprocessing failed:                  0 /    2 ( 0.00%)
          Unsupported code directive:            0 /    2 ( 0.00%)
          Unsupported compiler option:           0 /    2 ( 0.00%)
          Unsupported environment variable:      0 /    2 ( 0.00%)
          Unsupported source language:           0 /    2 ( 0.00%)
        Errors:                                  0 /    4 ( 0.00%)
          Compiler check failed:                 0
          Corrupt cache entry removed:           0
          Could not find compiler:               0
          Could not read or parse input file:    0
          Could not write to output file:        0
          Error hashing extra file:              0
          Internal error:                        0
          Missing cache file:                    0
        Successful lookups:
          Direct:                                1 /    3 (33.33%)
          Preprocessed:                          0 /    2 ( 0.00%)
        Local storage:
          Cache size (GB):                    0.00 / 5.37 ( 0.00%)
          Files:                                 4
          Cleanups:                              0
          Hits:                                  1 /    3 (33.33%)
          Misses:                                2 /    3 (66.67%)
          Reads:                                 6
          Writes:                                2
          Write failures:                        0
          Damaged stores moved aside:            0
        Remote storage:
          Hits:                                  0
          Misses:                                0
          Reads:                                 0
          Writes:                                0
          Errors:                                0
          Timeouts:                              0
        Remote compiles:
          Compiled remotely:                     0
          Compile errors:                        0
          Hosts unreachable:                     0
          Jobs failed:                           0
        """,
        format(SESSION, 2));
  }

  @Test
  void showStatsVerbose_withNoCounters_saysNeverAndShowsLocalStorage() throws AdminException {
    assertEquals(
        """
        Cache directory:    /c
        Config file:        /c/distcache.conf
        System config file: none
        Stats updated:      never
        Local storage:
          Cache size (GB):  0.00 / 5.37 ( 0.00%)
          Files:               3
          Hits:                0
          Misses:              0
          Reads:               0
          Writes:              0
        """,
        format(LOCAL + "config_file\t/c/distcache.conf\n", 1));
  }

  /** The farm's counters, shown in ccache's style when nonzero: the failure rows only when so. */
  @Test
  void showStats_showsTheFarmsCounters_whenNonzero() throws AdminException {
    assertEquals(
        """
        Cacheable calls:        3 /    3 (100.0%)
          Hits:                 0 /    3 ( 0.00%)
            Direct:             0
            Preprocessed:       0
          Misses:               3 /    3 (100.0%)
        Local storage:
          Cache size (GB):   0.00 / 5.37 ( 0.00%)
        Remote compiles:
          Compiled remotely:    2
          Hosts unreachable:    1
        """,
        format("cache_miss\t3\nremote_compile\t2\nremote_host_unreachable\t1\n" + LOCAL, 0));
    assertFalse(format("cache_miss\t3\n" + LOCAL, 1).contains("Remote"));
  }

  @Test
  void showStats_showsTheRemoteTiersCounters_whenNonzero() throws AdminException {
    String out =
        format(
            "cache_miss\t1\nremote_storage_hit\t1\nremote_storage_miss\t1\n"
                + "local_storage_miss\t2\nremote_storage_error\t1\n"
                + LOCAL,
            0);

    assertTrue(
        out.endsWith(
            """
              Hits:               0 /    2 ( 0.00%)
              Misses:             2 /    2 (100.0%)
            Remote storage:
              Hits:               1 /    2 (50.00%)
              Misses:             1 /    2 (50.00%)
              Errors:             1
            """),
        out);
  }

  @Test
  void timestamp_isStrftimesCInTheLocalZone_orNever() {
    assertEquals("never", StatsSummary.timestamp(0, ZoneOffset.UTC));
    assertEquals("Sun Dec  6 03:32:53 2026", StatsSummary.timestamp(1796527973, ZoneOffset.UTC));
    assertEquals(
        "Sun Dec  6 13:32:53 2026", StatsSummary.timestamp(1796527973, ZoneOffset.ofHours(10)));
  }
}
