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
    String json = parseJson(state.substring(state.indexOf("\r\n\r\n") + 4));
    assertTrue(json.contains("server\tdaemon\n"), json);
    assertTrue(json.contains("jobs.slots\t"), json);
    assertTrue(json.contains("rates.daemon\t0.5\n"), json);
    assertTrue(json.contains("counters.dcc_cache_hits\t" + daemon.stat("dcc_cache_hits")), json);
    assertTrue(json.contains("counters.dcc_compile_ok\t" + daemon.stat("dcc_compile_ok")), json);

    String distccdPage = getFrom("127.0.0.3", "/");
    assertTrue(distccdPage.contains("dcc_tcp_accept"), "distccd's page still answers /");
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

  /** The state parsed by Python's json module, one "key\tvalue" line per member, "a.b" nested. */
  private String parseJson(String text) throws IOException {
    Path input = tmp.resolve("state.json");
    Files.writeString(input, text);
    String script =
        "import json,sys\n"
            + "d=json.load(open(sys.argv[1]))\n"
            + "for k,v in d.items():\n"
            + "  if isinstance(v,dict):\n"
            + "    for k2,v2 in v.items(): print(k+'.'+k2+'\\t'+json.dumps(v2))\n"
            + "  else: print(k+'\\t'+(v if isinstance(v,str) else json.dumps(v)))\n";
    Run r =
        Processes.run(
            tmp,
            Map.of("PATH", "/usr/bin:/bin"),
            List.of("/usr/bin/python3", "-c", script, input.toString()));
    assertEquals(0, r.exitCode(), "Python's json refused /api/state: " + r.err() + "\n" + text);
    return r.out();
  }
}
