package dev.distcache.remote.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatsPageTest {
  /** The keys of distccd 3.4's page, in its order (from its stats.c and a page it served). */
  private static final List<String> DISTCCD_KEYS =
      List.of(
          "dcc_tcp_accept",
          "dcc_rej_bad_req",
          "dcc_rej_overload",
          "dcc_compile_ok",
          "dcc_compile_error",
          "dcc_compile_timeout",
          "dcc_cli_disconnect",
          "dcc_other",
          "dcc_longest_job",
          "dcc_longest_job_compiler",
          "dcc_longest_job_time_msecs",
          "dcc_max_kids",
          "dcc_avg_kids1",
          "dcc_avg_kids2",
          "dcc_avg_kids3",
          "dcc_current_load",
          "dcc_load1",
          "dcc_load2",
          "dcc_load3",
          "dcc_num_compiles1",
          "dcc_num_compiles2",
          "dcc_num_compiles3",
          "dcc_num_procstate_D",
          "dcc_max_RSS",
          "dcc_max_RSS_name",
          "dcc_io_rate",
          "dcc_free_space");

  @Test
  void page_isDistccdsThenTheCacheCounters() {
    long[] now = {1_000_000};
    DaemonStats stats = new DaemonStats(() -> now[0]);
    stats.accepted();
    stats.record(new JobSummary("c", JobResult.COMPILE_OK, 0, 0, 40, "gcc", "a.c", CacheUse.MISS));
    stats.record(new JobSummary("c", JobResult.COMPILE_OK, 0, 0, 90, "g++", "b.cc", CacheUse.MISS));
    stats.record(JobSummary.early("c", JobResult.REJ_BAD_REQ, 109, 0));
    String page =
        StatsPage.render(
            stats.snapshot(),
            4,
            new double[] {0.5, 1, 2},
            new HostFacts.Processes(0, 1234, "(java)"),
            -1,
            77,
            new StatsPage.CacheNumbers(true, 3, 2, 2, 4096, 2, 1));

    assertTrue(
        page.startsWith(
            "HTTP/1.0 200 OK\nContent-Type: text/plain\nConnection: close\n\nargv /distccd\n"
                + "<distccstats>\n"),
        page);
    assertTrue(page.endsWith("</distccstats>\n"), page);
    List<String> keys = new ArrayList<>();
    for (String line :
        page.substring(page.indexOf("<distccstats>\n") + 14, page.indexOf("</distccstats>"))
            .split("\n")) {
      keys.add(line.substring(0, line.indexOf(' ')));
    }
    assertEquals(DISTCCD_KEYS, keys.subList(0, DISTCCD_KEYS.size()));
    assertEquals(
        List.of(
            "dcc_cache_enabled",
            "dcc_cache_hits",
            "dcc_cache_misses",
            "dcc_cache_stores",
            "dcc_cache_size_bytes",
            "dcc_cache_files",
            "dcc_cache_deduplicated"),
        keys.subList(DISTCCD_KEYS.size(), keys.size()));
    assertTrue(page.contains("\ndcc_tcp_accept 1\n"));
    assertTrue(page.contains("\ndcc_compile_ok 2\n"));
    assertTrue(page.contains("\ndcc_rej_bad_req 1\n"));
    assertTrue(
        page.contains(
            "\ndcc_longest_job b.cc\ndcc_longest_job_compiler g++\ndcc_longest_job_time_msecs 90\n"));
    assertTrue(page.contains("\ndcc_num_compiles1 2\n"), "rejected requests are not compiles");
    assertTrue(page.contains("\ndcc_load1 0.50\n"));
    assertTrue(page.contains("\ndcc_free_space 77 MB\n"));
    assertTrue(page.contains("\ndcc_cache_hits 3\ndcc_cache_misses 2\n"));
  }

  @Test
  void recentCompiles_fallOutOfTheirWindows() {
    long[] now = {0};
    DaemonStats stats = new DaemonStats(() -> now[0]);
    stats.record(
        new JobSummary("c", JobResult.COMPILE_ERROR, 256, 0, 5, "gcc", "a.c", CacheUse.MISS));
    now[0] = 120_000;
    DaemonStats.Snapshot s = stats.snapshot();
    assertEquals(0, s.compilesFinished()[0]);
    assertEquals(1, s.compilesFinished()[1]);
    assertEquals(1, s.compilesFinished()[2]);
    assertEquals("none", s.longestJob(), "only successful compiles count as the longest job");
  }

  @Test
  void averageRunning_isOverTheSamplesTaken() {
    DaemonStats stats = new DaemonStats(() -> 0);
    stats.jobStarted();
    stats.jobStarted();
    stats.sample();
    stats.jobFinished();
    stats.sample();
    assertEquals(1, stats.snapshot().averageRunning()[0]); // (2 + 1) / 2
    assertEquals(1, stats.snapshot().running());
  }
}
