package dev.distcache.remote.report;

import java.util.Locale;

/**
 * {@code GET /metrics} on the daemon's {@code --stats-port}: the stats page's numbers in
 * Prometheus' text exposition format (version 0.0.4), named by Prometheus' conventions (a {@code
 * distcache_daemon_} prefix, {@code _total} on counters, base units: seconds and bytes). The job
 * results are one counter labelled by distccd's result name; job durations are a histogram of the
 * jobs the stats page counts as finished. Served under the same access list as the stats page.
 */
public final class MetricsPage {
  private MetricsPage() {}

  public static String render(DaemonStats.Snapshot s, int maxJobs, StatsPage.CacheNumbers cache) {
    return render(s, maxJobs, cache, null);
  }

  /**
   * The same, with the storage port's requests by outcome ({@code storage}; null when the daemon
   * has no storage port).
   */
  public static String render(
      DaemonStats.Snapshot s, int maxJobs, StatsPage.CacheNumbers cache, StorageCounts storage) {
    StringBuilder b = new StringBuilder();
    b.append("HTTP/1.0 200 OK\r\n")
        .append("Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n")
        .append("Connection: close\r\n\r\n");
    metric(
        b,
        "distcache_daemon_connections_accepted_total",
        "counter",
        "Connections that passed the access list.");
    sample(
        b, "distcache_daemon_connections_accepted_total", "", s.counts().get(JobResult.TCP_ACCEPT));
    metric(
        b,
        "distcache_daemon_jobs_total",
        "counter",
        "Jobs by result, as distccd's job summary names them.");
    for (JobResult r : JobResult.values()) {
      if (r != JobResult.TCP_ACCEPT) {
        String label = r.statsName().substring("dcc_".length());
        sample(b, "distcache_daemon_jobs_total", "{result=\"" + label + "\"}", s.counts().get(r));
      }
    }
    metric(b, "distcache_daemon_jobs_running", "gauge", "Jobs running now.");
    sample(b, "distcache_daemon_jobs_running", "", s.running());
    metric(b, "distcache_daemon_job_slots", "gauge", "Jobs that may run at once (--jobs).");
    sample(b, "distcache_daemon_job_slots", "", maxJobs);
    histogram(b, s);
    metric(b, "distcache_daemon_cache_hits_total", "counter", "Jobs answered from the cache.");
    sample(b, "distcache_daemon_cache_hits_total", "", cache.hits());
    metric(b, "distcache_daemon_cache_misses_total", "counter", "Jobs the cache could not answer.");
    sample(b, "distcache_daemon_cache_misses_total", "", cache.misses());
    metric(b, "distcache_daemon_cache_stores_total", "counter", "Results stored in the cache.");
    sample(b, "distcache_daemon_cache_stores_total", "", cache.stores());
    metric(
        b,
        "distcache_daemon_cache_deduplicated_total",
        "counter",
        "Jobs that waited for the same job's compile instead of compiling again.");
    sample(b, "distcache_daemon_cache_deduplicated_total", "", cache.deduplicated());
    metric(b, "distcache_daemon_cache_size_bytes", "gauge", "Size of the daemon's cache.");
    sample(b, "distcache_daemon_cache_size_bytes", "", cache.sizeBytes());
    metric(b, "distcache_daemon_cache_entries", "gauge", "Results in the daemon's cache.");
    sample(b, "distcache_daemon_cache_entries", "", cache.files());
    if (storage != null) {
      String name = "distcache_daemon_storage_requests_total";
      metric(b, name, "counter", "Requests to the storage port (--storage-port) by outcome.");
      storage
          .snapshot()
          .forEach((outcome, n) -> sample(b, name, "{outcome=\"" + outcome.label() + "\"}", n));
    }
    return b.toString();
  }

  private static void histogram(StringBuilder b, DaemonStats.Snapshot s) {
    String name = "distcache_daemon_job_duration_seconds";
    metric(b, name, "histogram", "Time from a job's start to its reply, by finished job.");
    long cumulative = 0;
    long[] bounds = DaemonStats.DURATION_BOUNDS_MILLIS;
    for (int i = 0; i < bounds.length; i++) {
      cumulative += s.durations()[i];
      sample(b, name + "_bucket", "{le=\"" + seconds(bounds[i]) + "\"}", cumulative);
    }
    cumulative += s.durations()[bounds.length];
    sample(b, name + "_bucket", "{le=\"+Inf\"}", cumulative);
    b.append(name).append("_sum ").append(seconds(s.durationMillisSum())).append('\n');
    sample(b, name + "_count", "", cumulative);
  }

  private static String seconds(long millis) {
    return String.format(Locale.ROOT, "%.3f", millis / 1000.0);
  }

  private static void metric(StringBuilder b, String name, String type, String help) {
    b.append("# HELP ").append(name).append(' ').append(help).append('\n');
    b.append("# TYPE ").append(name).append(' ').append(type).append('\n');
  }

  private static void sample(StringBuilder b, String name, String labels, long value) {
    b.append(name).append(labels).append(' ').append(value).append('\n');
  }
}
