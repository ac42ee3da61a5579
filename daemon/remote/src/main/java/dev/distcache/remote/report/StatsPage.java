package dev.distcache.remote.report;

import java.util.Locale;

/**
 * The text distccd 3.4 serves on {@code --stats-port} (checked against the real one: an HTTP/1.0
 * header with {@code \n} line ends, {@code argv /distccd}, then one {@code name value} line per
 * counter between {@code <distccstats>} tags), with distcache's cache counters added before the
 * closing tag so that parsers of distccd's page keep working.
 */
public final class StatsPage {
  private StatsPage() {}

  /**
   * The cache's part of the page; {@code deduplicated} counts the jobs that waited for the same
   * job's compile instead of compiling again (and are among the hits).
   */
  public record CacheNumbers(
      boolean enabled,
      long hits,
      long misses,
      long stores,
      long sizeBytes,
      long files,
      long deduplicated) {}

  public static String render(
      DaemonStats.Snapshot s,
      int maxJobs,
      double[] load,
      HostFacts.Processes procs,
      int ioRate,
      long freeMb,
      CacheNumbers cache) {
    StringBuilder b = new StringBuilder();
    b.append("HTTP/1.0 200 OK\nContent-Type: text/plain\nConnection: close\n\n");
    b.append("argv /distccd\n<distccstats>\n");
    for (JobResult r : JobResult.values()) {
      line(b, r.statsName(), s.counts().get(r));
    }
    line(b, "dcc_longest_job", s.longestJob());
    line(b, "dcc_longest_job_compiler", s.longestCompiler());
    line(b, "dcc_longest_job_time_msecs", s.longestMillis());
    line(b, "dcc_max_kids", maxJobs);
    line(b, "dcc_avg_kids1", s.averageRunning()[0]);
    line(b, "dcc_avg_kids2", s.averageRunning()[1]);
    line(b, "dcc_avg_kids3", s.averageRunning()[2]);
    line(b, "dcc_current_load", s.running());
    for (int i = 0; i < 3; i++) {
      line(b, "dcc_load" + (i + 1), String.format(Locale.ROOT, "%1.2f", load[i]));
    }
    for (int i = 0; i < 3; i++) {
      line(b, "dcc_num_compiles" + (i + 1), s.compilesFinished()[i]);
    }
    line(b, "dcc_num_procstate_D", procs.uninterruptible());
    line(b, "dcc_max_RSS", procs.maxRssKb());
    line(b, "dcc_max_RSS_name", procs.maxRssName());
    line(b, "dcc_io_rate", ioRate);
    line(b, "dcc_free_space", freeMb + " MB");
    line(b, "dcc_cache_enabled", cache.enabled() ? 1 : 0);
    line(b, "dcc_cache_hits", cache.hits());
    line(b, "dcc_cache_misses", cache.misses());
    line(b, "dcc_cache_stores", cache.stores());
    line(b, "dcc_cache_size_bytes", cache.sizeBytes());
    line(b, "dcc_cache_files", cache.files());
    line(b, "dcc_cache_deduplicated", cache.deduplicated());
    return b.append("</distccstats>\n").toString();
  }

  private static void line(StringBuilder b, String name, Object value) {
    b.append(name).append(' ').append(value).append('\n');
  }
}
