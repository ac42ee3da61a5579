package dev.distcache.remote.report;

import dev.distcache.core.web.Json;
import dev.distcache.core.web.MonitorPage;
import java.nio.charset.StandardCharsets;

/**
 * The web monitor on the daemon's {@code --stats-port}: {@code GET /monitor} is the page the local
 * server's monitor serves too, and {@code GET /api/state} the daemon's side of what it draws (jobs
 * running against the slots, the job results by distccd's names, the daemon cache's hit rate and
 * size, jobs finished per second). Served under the same access list as the stats page, read-only,
 * and with nothing in it but counts and sizes.
 */
public final class MonitorState {
  /** Seconds the chart covers. */
  static final int CHART_SECONDS = 180;

  private MonitorState() {}

  /** The page, as an HTTP/1.0 response. */
  public static String page() {
    return response(
        "text/html; charset=utf-8", new String(MonitorPage.bytes(), StandardCharsets.UTF_8));
  }

  /** {@code /api/state}, as an HTTP/1.0 response. */
  public static String state(
      DaemonStats stats, int maxJobs, StatsPage.CacheNumbers cache, long nowMillis) {
    DaemonStats.Snapshot s = stats.snapshot();
    Json j = new Json().beginObject();
    j.name("server").value("daemon");
    j.name("pid").value(ProcessHandle.current().pid());
    j.name("now").value(nowMillis);
    j.name("jobs").beginObject();
    j.name("running").value(s.running());
    j.name("slots").value(maxJobs);
    j.endObject();
    j.name("rates").beginObject();
    j.name("daemon").ratio(cache.hits(), cache.hits() + cache.misses());
    j.endObject();
    j.name("counters").beginObject();
    for (JobResult r : JobResult.values()) {
      j.name(r.statsName()).value(s.counts().get(r));
    }
    j.name("dcc_cache_hits").value(cache.hits());
    j.name("dcc_cache_misses").value(cache.misses());
    j.name("dcc_cache_stores").value(cache.stores());
    j.name("dcc_cache_deduplicated").value(cache.deduplicated());
    j.endObject();
    j.name("cache").beginObject();
    j.name("size_bytes").value(cache.sizeBytes());
    j.name("files").value(cache.files());
    j.endObject();
    j.name("per_second").beginArray();
    for (long n : stats.finishedPerSecond(CHART_SECONDS)) {
      j.value(n);
    }
    j.endArray();
    return response("application/json", j.endObject().toString());
  }

  private static String response(String type, String body) {
    return "HTTP/1.0 200 OK\r\nContent-Type: "
        + type
        + "\r\nCache-Control: no-store\r\nContent-Length: "
        + body.getBytes(StandardCharsets.UTF_8).length
        + "\r\nConnection: close\r\n\r\n"
        + body;
  }
}
