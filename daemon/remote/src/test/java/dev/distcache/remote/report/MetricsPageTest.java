package dev.distcache.remote.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class MetricsPageTest {
  @Test
  void durations_fallInTheirBuckets_cumulatively_withSumAndCount() {
    AtomicLong clock = new AtomicLong(1_000_000);
    DaemonStats stats = new DaemonStats(clock::get);
    for (long millis : new long[] {3, 5, 6, 40, 70_000}) {
      stats.record(job(JobResult.COMPILE_OK, millis));
    }
    stats.record(job(JobResult.REJ_BAD_REQ, 1)); // not a finished job: not in the histogram
    String page =
        MetricsPage.render(
            stats.snapshot(), 4, new StatsPage.CacheNumbers(true, 2, 3, 3, 4096, 3, 1));
    assertTrue(
        page.contains("distcache_daemon_job_duration_seconds_bucket{le=\"0.005\"} 2\n"), page);
    assertTrue(
        page.contains("distcache_daemon_job_duration_seconds_bucket{le=\"0.010\"} 3\n"), page);
    assertTrue(
        page.contains("distcache_daemon_job_duration_seconds_bucket{le=\"0.050\"} 4\n"), page);
    assertTrue(
        page.contains("distcache_daemon_job_duration_seconds_bucket{le=\"60.000\"} 4\n"), page);
    assertTrue(
        page.contains("distcache_daemon_job_duration_seconds_bucket{le=\"+Inf\"} 5\n"), page);
    assertTrue(page.contains("distcache_daemon_job_duration_seconds_sum 70.054\n"), page);
    assertTrue(page.contains("distcache_daemon_job_duration_seconds_count 5\n"), page);
    assertTrue(page.contains("distcache_daemon_jobs_total{result=\"compile_ok\"} 5\n"), page);
    assertTrue(page.contains("distcache_daemon_jobs_total{result=\"rej_bad_req\"} 1\n"), page);
    assertTrue(page.contains("distcache_daemon_cache_size_bytes 4096\n"), page);
    assertEquals(0, page.indexOf("HTTP/1.0 200 OK\r\n"));
  }

  private static JobSummary job(JobResult result, long millis) {
    return new JobSummary("127.0.0.1", result, 0, 0, millis, "gcc", "a.c", CacheUse.NONE);
  }
}
