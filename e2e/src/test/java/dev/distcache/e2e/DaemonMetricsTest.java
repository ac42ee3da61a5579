package dev.distcache.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.testing.RemoteDaemon;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon's {@code /metrics} on its {@code --stats-port} (issue 15): Prometheus' text format,
 * read by Prometheus' own parser (Debian's python3-prometheus-client), after real compiles from the
 * stock distcc client; its figures agree with distccd's stats page, and a client outside {@code
 * --allow} gets nothing.
 */
class DaemonMetricsTest {
  private static final String ADDRESS = "127.0.0.2";

  @TempDir Path tmp;
  RemoteDaemon daemon;

  @AfterEach
  void tearDown() throws Exception {
    if (daemon != null) {
      daemon.close();
    }
  }

  @Test
  void metrics_parseAsPrometheusText_andAgreeWithTheStatsPage_afterAMissAndAHit() throws Exception {
    daemon = RemoteDaemon.on(ADDRESS, tmp.resolve("daemon")).allowGccAndGxx().stats().start();
    Path src = tmp.resolve("src");
    DistccSources.write(src);
    for (String object : List.of("a.o", "b.o")) {
      DistccSources.distcc(
              src,
              DistccSources.distccEnv(tmp.resolve("client-" + object), ADDRESS + ":" + daemon.port),
              "gcc",
              "-c",
              "-O2",
              "-DX",
              "-Iinc",
              "hello.c",
              "-o",
              object)
          .ok();
    }
    daemon.awaitSummaries(2);

    PythonReaders.Metrics parsed = PythonReaders.prometheus(tmp, getFrom(ADDRESS, "/metrics"));
    Map<String, Double> m = parsed.samples();
    assertEquals("counter", parsed.types().get("distcache_daemon_jobs"));
    assertEquals("histogram", parsed.types().get("distcache_daemon_job_duration_seconds"));
    assertEquals("gauge", parsed.types().get("distcache_daemon_cache_size_bytes"));
    assertEquals(2.0, m.get("distcache_daemon_jobs_total{result=compile_ok}"), m.toString());
    assertEquals(0.0, m.get("distcache_daemon_jobs_total{result=compile_error}"), m.toString());
    assertEquals(2.0, m.get("distcache_daemon_job_duration_seconds_count{}"), m.toString());
    assertEquals(2.0, m.get("distcache_daemon_job_duration_seconds_bucket{le=+Inf}"));
    assertTrue(m.get("distcache_daemon_job_duration_seconds_sum{}") > 0, m.toString());
    assertEquals(1.0, m.get("distcache_daemon_cache_hits_total{}"), m.toString());
    assertEquals(1.0, m.get("distcache_daemon_cache_misses_total{}"), m.toString());
    assertEquals(1.0, m.get("distcache_daemon_cache_stores_total{}"), m.toString());
    assertEquals(0.0, m.get("distcache_daemon_jobs_running{}"), m.toString());

    // The same numbers as distccd's page, which still answers every other path.
    assertEquals(
        daemon.stat("dcc_compile_ok"), m.get("distcache_daemon_jobs_total{result=compile_ok}"));
    assertEquals(daemon.stat("dcc_cache_hits"), m.get("distcache_daemon_cache_hits_total{}"));
    assertEquals(daemon.stat("dcc_cache_size_bytes"), m.get("distcache_daemon_cache_size_bytes{}"));
    assertEquals(daemon.stat("dcc_cache_files"), m.get("distcache_daemon_cache_entries{}"));
    assertTrue(daemon.stat("dcc_cache_size_bytes") > 0);
  }

  @Test
  void aClientOutsideAllow_getsNothing_fromMetricsOrThePage() throws Exception {
    daemon =
        RemoteDaemon.on(ADDRESS, tmp.resolve("daemon"))
            .allowGccAndGxx()
            .stats()
            .args("--allow", "127.0.0.3/32")
            .start();
    assertEquals("", getFrom("127.0.0.4", "/metrics"));
    assertEquals("", getFrom("127.0.0.4", "/"));
    Map<String, Double> allowed =
        PythonReaders.prometheus(tmp, getFrom("127.0.0.3", "/metrics")).samples();
    assertEquals(0.0, allowed.get("distcache_daemon_jobs_total{result=compile_ok}"));
  }

  private String getFrom(String source, String path) throws IOException {
    return PythonReaders.get(source, ADDRESS, daemon.statsPort, path);
  }
}
