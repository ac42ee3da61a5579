package dev.distcache.server.web;

import dev.distcache.cache.ResultStore;
import dev.distcache.core.config.Config;
import dev.distcache.core.stats.Counter;
import dev.distcache.core.web.Json;
import dev.distcache.distribute.farm.HostStats;
import dev.distcache.distribute.farm.RunningJobs;
import dev.distcache.server.request.RecentCompiles;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What the local server's monitor shows, read when asked: the farm's running jobs and remote hosts
 * (slots, backoff, latency, jobs done; names only, no option or credential), the store's counters
 * (the ids of {@code --print-stats}) and the hit rates made from them, the store's size against
 * {@code max_size}, and the last compiles with the compiles per second. Only counts, sizes and file
 * names: no environment, configuration value or credential goes out.
 */
public final class LocalState {
  /** Compiles listed on the page. */
  static final int LAST = 50;

  /** Seconds the chart covers. */
  static final int CHART_SECONDS = 180;

  private final ResultStore store;
  private final RunningJobs jobs;
  private final Supplier<List<HostStats.Host>> hosts;
  private final RecentCompiles recent;
  private final Supplier<Config> config;

  /**
   * {@code config} (for {@code max_size} and {@code max_files}) is read on each request, so that a
   * changed configuration shows.
   */
  public LocalState(
      ResultStore store,
      RunningJobs jobs,
      Supplier<List<HostStats.Host>> hosts,
      RecentCompiles recent,
      Supplier<Config> config) {
    this.store = store;
    this.jobs = jobs;
    this.hosts = hosts;
    this.recent = recent;
    this.config = config;
  }

  /** {@code /api/state}. */
  public String json() {
    long now = System.currentTimeMillis();
    Map<Counter, Long> counters = store.counters();
    Json j = new Json().beginObject();
    j.name("server").value("local");
    j.name("pid").value(ProcessHandle.current().pid());
    j.name("now").value(now);
    j.name("running").beginArray();
    for (RunningJobs.Job job : jobs.jobs()) {
      j.beginObject();
      j.name("job").value(job.id());
      j.name("phase").value(job.phase());
      j.name("file").value(job.file());
      j.name("where").value(job.where());
      j.name("millis").value(job.millis());
      j.endObject();
    }
    j.endArray();
    j.name("hosts").beginArray();
    for (HostStats.Host h : hosts.get()) {
      j.beginObject();
      j.name("host").value(h.name());
      j.name("protocol").value(h.protocol());
      j.name("slots").value(h.slots());
      j.name("in_use").value(h.inUse());
      j.name("backoff_millis").value(h.backoffMillis());
      j.name("unreachable").value(h.unreachable());
      j.name("done").value(h.done());
      j.name("failed").value(h.failed());
      j.name("latency_millis").value(h.latencyMillis());
      j.endObject();
    }
    j.endArray();
    long direct = get(counters, Counter.DIRECT_CACHE_HIT);
    long preprocessed = get(counters, Counter.PREPROCESSED_CACHE_HIT);
    long miss = get(counters, Counter.CACHE_MISS);
    j.name("rates").beginObject();
    j.name("overall").ratio(direct + preprocessed, direct + preprocessed + miss);
    j.name("direct").ratio(direct, direct + get(counters, Counter.DIRECT_CACHE_MISS));
    j.name("preprocessed")
        .ratio(preprocessed, preprocessed + get(counters, Counter.PREPROCESSED_CACHE_MISS));
    long remoteHit = get(counters, Counter.REMOTE_STORAGE_READ_HIT);
    j.name("remote_storage")
        .ratio(remoteHit, remoteHit + get(counters, Counter.REMOTE_STORAGE_READ_MISS));
    j.endObject();
    long size = store.totalSize();
    long files = store.fileCount();
    Config settings = config.get();
    j.name("counters").beginObject();
    for (Counter counter : Counter.values()) {
      j.name(counter.id()).value(get(counters, counter));
    }
    // --print-stats' own figures, as it computes them (MachineStats)
    j.name("cache_size_kibibyte").value(size / 1024);
    j.name("files_in_cache").value(files);
    j.name("max_cache_size_kibibyte").value(settings.maxSize() / 1024);
    j.name("max_files_in_cache").value(settings.maxFiles());
    j.endObject();
    j.name("cache").beginObject();
    j.name("size_bytes").value(size);
    j.name("files").value(files);
    j.name("max_size").value(settings.maxSize());
    j.endObject();
    j.name("recent").beginArray();
    for (RecentCompiles.Compile c : recent.last(LAST)) {
      j.beginObject();
      j.name("file").value(c.file());
      j.name("hit").value(c.hit());
      j.name("tier").value(c.tier());
      j.name("millis").value(c.millis());
      j.name("end").value(c.endMillis());
      j.endObject();
    }
    j.endArray();
    j.name("per_second").beginArray();
    for (long n : recent.perSecond(now, CHART_SECONDS)) {
      j.value(n);
    }
    j.endArray();
    return j.endObject().toString();
  }

  /**
   * {@code /metrics}: the counters as Prometheus counters ({@code distcache_<id>_total}; the two
   * timestamps as gauges in seconds) and the store's size, in the text exposition format 0.0.4.
   */
  public String metrics() {
    Map<Counter, Long> counters = store.counters();
    StringBuilder b = new StringBuilder();
    for (Counter c : Counter.values()) {
      boolean timestamp = c.id().endsWith("_timestamp");
      String name = "distcache_" + c.id() + (timestamp ? "_seconds" : "_total");
      String help = c.description() == null ? "ccache's counter " + c.id() : c.description();
      metric(b, name, timestamp ? "gauge" : "counter", help, get(counters, c));
    }
    metric(b, "distcache_cache_size_bytes", "gauge", "Size of the local cache.", store.totalSize());
    metric(b, "distcache_cache_entries", "gauge", "Results in the local cache.", store.fileCount());
    metric(
        b,
        "distcache_cache_max_size_bytes",
        "gauge",
        "The cache's max_size (0: no limit).",
        config.get().maxSize());
    durationHistogram(b);
    hostMetrics(b);
    return b.toString();
  }

  /** Every compile request's time in the server, from its arrival to its reply. */
  private void durationHistogram(StringBuilder b) {
    String name = "distcache_request_duration_seconds";
    b.append("# HELP ").append(name).append(" Time from a request's arrival to its reply.\n");
    b.append("# TYPE ").append(name).append(" histogram\n");
    long[] counts = recent.durations();
    long[] bounds = RecentCompiles.DURATION_BOUNDS_MILLIS;
    long cumulative = 0;
    for (int i = 0; i < bounds.length; i++) {
      cumulative += counts[i];
      b.append(name)
          .append("_bucket{le=\"")
          .append(String.format(Locale.ROOT, "%.3f", bounds[i] / 1000.0))
          .append("\"} ")
          .append(cumulative)
          .append('\n');
    }
    cumulative += counts[bounds.length];
    b.append(name).append("_bucket{le=\"+Inf\"} ").append(cumulative).append('\n');
    b.append(name)
        .append("_sum ")
        .append(String.format(Locale.ROOT, "%.3f", recent.durationMillisSum() / 1000.0))
        .append('\n');
    b.append(name).append("_count ").append(cumulative).append('\n');
  }

  /** The farm's figures per remote host, labelled by the host's name (no option or credential). */
  private void hostMetrics(StringBuilder b) {
    List<HostStats.Host> all = hosts.get();
    family(b, "distcache_host_jobs_done_total", "counter", "Jobs a host compiled.");
    all.forEach(h -> hostSample(b, "distcache_host_jobs_done_total", h, h.done()));
    family(b, "distcache_host_jobs_failed_total", "counter", "Jobs a host took and failed.");
    all.forEach(h -> hostSample(b, "distcache_host_jobs_failed_total", h, h.failed()));
    family(b, "distcache_host_unreachable_total", "counter", "Connections to a host that failed.");
    all.forEach(h -> hostSample(b, "distcache_host_unreachable_total", h, h.unreachable()));
    family(b, "distcache_host_slots", "gauge", "A host's slots.");
    all.forEach(h -> hostSample(b, "distcache_host_slots", h, h.slots()));
    family(b, "distcache_host_slots_in_use", "gauge", "A host's slots in use now.");
    all.forEach(h -> hostSample(b, "distcache_host_slots_in_use", h, h.inUse()));
    family(b, "distcache_host_backoff_seconds", "gauge", "Backoff left before a host is tried.");
    all.forEach(
        h -> hostSample(b, "distcache_host_backoff_seconds", h, h.backoffMillis() / 1000.0));
    family(b, "distcache_host_latency_seconds", "gauge", "Median time of a host's recent jobs.");
    all.stream()
        .filter(h -> h.latencyMillis() >= 0)
        .forEach(
            h -> hostSample(b, "distcache_host_latency_seconds", h, h.latencyMillis() / 1000.0));
  }

  private static void family(StringBuilder b, String name, String type, String help) {
    b.append("# HELP ").append(name).append(' ').append(help).append('\n');
    b.append("# TYPE ").append(name).append(' ').append(type).append('\n');
  }

  private static void hostSample(StringBuilder b, String name, HostStats.Host h, double value) {
    String label = h.name().replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    b.append(name)
        .append("{host=\"")
        .append(label)
        .append("\"} ")
        .append(
            value == Math.rint(value)
                ? String.format(Locale.ROOT, "%d", (long) value)
                : String.format(Locale.ROOT, "%.3f", value))
        .append('\n');
  }

  private static void metric(StringBuilder b, String name, String type, String help, long value) {
    b.append("# HELP ")
        .append(name)
        .append(' ')
        .append(help.replace("\\", "\\\\").replace("\n", " "))
        .append('\n');
    b.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    b.append(name).append(' ').append(String.format(Locale.ROOT, "%d", value)).append('\n');
  }

  private static long get(Map<Counter, Long> counters, Counter c) {
    return counters.getOrDefault(c, 0L);
  }
}
