package dev.distcache.cli.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
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
          Files:              3
          Hits:               1 /    2 (50.00%)
          Misses:             1 /    2 (50.00%)
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
          Files:              3
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
          Files:              3
        """,
        run.out());
  }

  @Test
  void showStats_withFileLimitAndNoSizeLimit_showsFilesAgainstLimitAndSizeAlone() {
    AdminRun run =
        showStats(
            "cache_size_bytes\t1610612736\nfiles_in_cache\t250\nmax_size\t0\nmax_files\t1000\n",
            "-s");

    assertEquals(
        """
        Local storage:
          Cache size (GB): 1.61
          Files:            250 / 1000 (25.00%)
        """,
        run.out());
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
            "cache_miss\t1\ncalled_for_link\t2\nno_input_file\t1\ndisabled\t1\n"
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
            "  No input file:",
            "  distcache disabled:",
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
  }
}
