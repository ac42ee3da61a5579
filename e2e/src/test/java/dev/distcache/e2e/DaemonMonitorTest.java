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
 * The daemon's web monitor on its {@code --stats-port} (issue 15): {@code /monitor} and {@code
 * /api/state} answer only the clients {@code --allow} lets in, the state carries the daemon's jobs
 * after real compiles from the stock distcc client, and distccd's page still answers {@code /}.
 */
class DaemonMonitorTest {
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
  void monitor_answersOnlyClientsInAllow_withThePageAndTheDaemonsState() throws Exception {
    daemon =
        RemoteDaemon.on(ADDRESS, tmp.resolve("daemon"))
            .allowGccAndGxx()
            .stats()
            // the distcc client's own connections come from 127.0.0.1 or 127.0.0.2
            .args("--allow", "127.0.0.1/32", "--allow", "127.0.0.2/32", "--allow", "127.0.0.3/32")
            .start();
    assertEquals("", getFrom("127.0.0.4", "/monitor"), "outside --allow: nothing");
    assertEquals("", getFrom("127.0.0.4", "/api/state"), "outside --allow: nothing");

    String page = getFrom("127.0.0.3", "/monitor");
    assertTrue(page.startsWith("HTTP/1.0 200 OK\r\nContent-Type: text/html"), page);
    assertTrue(page.contains("<title>distcache monitor</title>") && page.contains("api/state"));

    Path src = tmp.resolve("src");
    DistccSources.write(src);
    Map<String, String> env =
        new java.util.HashMap<>(
            DistccSources.distccEnv(tmp.resolve("client"), ADDRESS + ":" + daemon.port));
    for (String object : List.of("a.o", "b.o")) {
      DistccSources.distcc(src, env, "gcc", "-c", "-O2", "-DX", "-Iinc", "hello.c", "-o", object)
          .ok();
    }
    daemon.awaitSummaries(2);
    String state = getFrom("127.0.0.3", "/api/state");
    assertTrue(state.contains("Content-Type: application/json\r\n"), state);
    Map<String, String> json =
        PythonReaders.json(tmp, state.substring(state.indexOf("\r\n\r\n") + 4));
    assertEquals("daemon", json.get("server"), json.toString());
    assertTrue(json.containsKey("jobs.slots"), json.toString());
    assertEquals("0.5", json.get("rates.daemon"), json.toString());
    assertEquals(
        String.valueOf(daemon.stat("dcc_cache_hits")), json.get("counters.dcc_cache_hits"));
    assertEquals(
        String.valueOf(daemon.stat("dcc_compile_ok")), json.get("counters.dcc_compile_ok"));

    String distccdPage = getFrom("127.0.0.3", "/");
    assertTrue(distccdPage.contains("dcc_tcp_accept"), "distccd's page still answers /");
  }

  private String getFrom(String source, String path) throws IOException {
    return PythonReaders.get(source, ADDRESS, daemon.statsPort, path);
  }
}
