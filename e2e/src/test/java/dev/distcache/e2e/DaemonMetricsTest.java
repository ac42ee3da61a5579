package dev.distcache.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.testing.Processes;
import dev.distcache.testing.RemoteDaemon;
import dev.distcache.testing.Run;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
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

    Parsed parsed = parse(getFrom(ADDRESS, "/metrics"));
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
    Map<String, Double> allowed = parse(getFrom("127.0.0.3", "/metrics")).samples();
    assertEquals(0.0, allowed.get("distcache_daemon_jobs_total{result=compile_ok}"));
  }

  /** GET path on the stats port, connecting from the loopback address {@code source}. */
  private String getFrom(String source, String path) throws IOException {
    try (Socket s = new Socket()) {
      s.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
      s.connect(new InetSocketAddress(ADDRESS, daemon.statsPort), 10_000);
      s.setSoTimeout(30_000);
      OutputStream out = s.getOutputStream();
      out.write(
          ("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** Samples by {@code name{labels}} and families' types, as Prometheus' parser read them. */
  private record Parsed(Map<String, Double> samples, Map<String, String> types) {}

  private Parsed parse(String answer) throws IOException {
    Path script = tmp.resolve("parse_metrics.py");
    try (InputStream in = getClass().getResourceAsStream("/parse_metrics.py")) {
      Files.write(script, in.readAllBytes());
    }
    Path input = tmp.resolve("metrics.txt");
    Files.writeString(input, answer);
    Run r =
        Processes.run(
            tmp,
            Map.of("PATH", "/usr/bin:/bin"),
            List.of(
                "sh",
                "-c",
                "exec /usr/bin/python3 \"$1\" < \"$2\"",
                "sh",
                script.toString(),
                input.toString()));
    assertEquals(
        0, r.exitCode(), "Prometheus' parser refused the page: " + r.err() + "\n" + answer);
    Map<String, Double> out = new HashMap<>();
    Map<String, String> types = new HashMap<>();
    for (String line : r.out().split("\n")) {
      String[] w = line.split(" ");
      if (w[0].equals("TYPE")) {
        types.put(w[1], w[2]);
      } else if (w.length == 2) {
        out.put(w[0], Double.parseDouble(w[1]));
      }
    }
    return new Parsed(out, types);
  }
}
