package dev.distcache.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.testing.DistccDaemon;
import dev.distcache.testing.Loopback;
import dev.distcache.testing.Processes;
import dev.distcache.testing.Run;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code distcache mon --web} (issue 15): the local server's web monitor, loaded in a real browser
 * (Debian's chromium, headless) during a real {@code make -j4} whose remote compiles a stock
 * distccd holds open, and read as JSON and as Prometheus text after a build. The hosts panel lists
 * that distccd and a host that refuses connections, which the farm backs off.
 */
class WebMonitorTest {
  private static final Pattern OVERALL =
      Pattern.compile("id=\"rate-overall\"><div class=\"v\">([^<]*)</div>");

  @TempDir Path tmp;
  Distcache dc;
  DistccDaemon distccd;
  final ExecutorService background = Executors.newSingleThreadExecutor();
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  @BeforeEach
  void setUp() {
    dc = new Distcache(tmp.resolve("cache"));
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    dc.close();
    if (distccd != null) {
      distccd.close();
    }
    background.shutdownNow();
  }

  @Test
  void thePage_showsTheRunningJob_andTheHosts_duringMakeJ4_andTheHitRateChanges_afterARebuild()
      throws Exception {
    // distccd's gcc waits for the release file, so the remote jobs run until the page has been
    // looked at, however loaded the machine. distccd runs its compilers as the distcc user.
    Path gate = tmp.resolve("gate");
    Path release = gate.resolve("release");
    Path bin = tmp.resolve("held-bin");
    String wrapper =
        "#!/bin/sh\n"
            + "i=0\n"
            + "while [ ! -e '"
            + release
            + "' ] && [ $i -lt 1200 ]; do sleep 0.1; i=$((i + 1)); done\n"
            + "exec /usr/bin/gcc \"$@\"\n";
    for (String name : List.of("gcc", "x86_64-linux-gnu-gcc")) {
      Distcache.write(bin.resolve(name), wrapper);
      Files.setPosixFilePermissions(
          bin.resolve(name), PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    Files.createDirectories(gate);
    Files.setPosixFilePermissions(gate, PosixFilePermissions.fromString("rwxrwxrwx"));
    Files.setPosixFilePermissions(bin, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
    distccd = DistccDaemon.startWithPathFirst("127.0.0.2", tmp, bin);
    // A host that refuses connections comes first, so the first compile tries it and backs it off
    // (for an hour: long enough that it still shows after the build, however slow the machine).
    String refusing = "127.0.0.1:" + Loopback.freePort("127.0.0.1");
    dc.with("DISTCACHE_HOSTS", refusing + "/3 " + distccd.host("/2"))
        .with("DISTCC_BACKOFF_PERIOD", "3600");

    Path proj = tmp.resolve("proj");
    GeneratedProject.create(proj, 8);
    String url = dc.run(proj, "mon", "--web").ok().out().trim();
    assertTrue(url.matches("http://127\\.0\\.0\\.1:[0-9]+/"), url);
    assertEquals(url, dc.run(proj, "mon", "--web").ok().out().trim(), "the same monitor again");

    String cc = "CC=" + Distcache.LAUNCHER + " gcc";
    Future<Run> make = background.submit(() -> dc.exec(proj, "make", "-s", "-j4", cc));
    Chromium chromium = new Chromium(tmp);
    String during;
    String held;
    try {
      held = awaitHeldJob(url, make);
      during = chromium.dumpDom(url);
      chromium.screenshot(url, artifact("monitor-running.png"));
    } finally {
      Distcache.write(release, "");
    }
    make.get().ok();
    assertTrue(
        section(during, "running").contains(held),
        "the page lists the running job " + held + ":\n" + section(during, "running"));
    assertTrue(
        section(during, "running").contains(distccd.host("") + "[") && during.contains("Compile"),
        "with its host, slot and phase:\n" + section(during, "running"));
    // Any job on the distccd tried the refusing host first, which is backed off by then.
    String busy = hostCell(during, distccd.host(""), "slots");
    assertTrue(busy.matches("[12] / 2"), "the distccd's slots in use: " + busy);
    assertTrue(
        hostCell(during, refusing, "state").contains("backing off"), section(during, "hosts"));
    assertTrue(Long.parseLong(hostCell(during, refusing, "unreachable")) >= 1);
    long remoteCompiles = dc.stat("remote_compile");
    assertTrue(remoteCompiles > 0, "some compiles ran on the distccd");
    String built = chromium.dumpDom(url);
    assertEquals(String.valueOf(remoteCompiles), hostCell(built, distccd.host(""), "done"));
    assertEquals("0 / 2", hostCell(built, distccd.host(""), "slots"));
    assertEquals("0", hostCell(built, distccd.host(""), "unreachable"));
    assertTrue(hostCell(built, distccd.host(""), "latency").matches("[0-9.]+ m?s"), built);
    assertEquals("0", hostCell(built, refusing, "done"));
    // The same figures per host in /metrics, read by Prometheus' parser.
    HttpResponse<String> metrics = get(url + "metrics");
    Map<String, Double> perHost = metrics(metrics);
    String distccdLabel = "{host=" + distccd.host("") + "}";
    assertEquals(
        (double) remoteCompiles,
        perHost.get("distcache_host_jobs_done_total" + distccdLabel),
        metrics.body());
    assertEquals(2.0, perHost.get("distcache_host_slots" + distccdLabel), metrics.body());
    assertTrue(perHost.get("distcache_host_latency_seconds" + distccdLabel) > 0, metrics.body());
    assertTrue(
        perHost.get("distcache_host_backoff_seconds{host=" + refusing + "}") > 0, metrics.body());
    assertTrue(hostCell(built, refusing, "state").contains("backing off"), built);
    assertEquals("distcc", hostCell(built, refusing, "protocol"));
    assertHostsJson(url, refusing, remoteCompiles);

    String before = overall(during);
    assertTrue(before.equals("0.0%") || before.equals("–"), "no hit yet: " + before);

    dc.exec(proj, "make", "-s", "clean").ok();
    dc.exec(proj, "make", "-s", "-j4", cc).ok();
    assertEquals(8, dc.hits(), "the rebuild is all hits");
    String after = chromium.dumpDom(url);
    String rate = overall(after);
    assertTrue(rate.endsWith("%"), rate);
    assertEquals(50.0, Double.parseDouble(rate.substring(0, rate.length() - 1)), 0.05, after);
    assertTrue(section(after, "recent").contains(">hit<"), section(after, "recent"));
    assertTrue(section(after, "recent").contains("src/f0.c"), section(after, "recent"));
    Path png = artifact("monitor-after-rebuild.png");
    chromium.screenshot(url, png);
  }

  @Test
  void apiState_parsesAsJson_andCarriesEveryCounterOfPrintStats_withItsValue() throws Exception {
    Path proj = tmp.resolve("proj");
    GeneratedProject.create(proj, 6);
    String cc = "CC=" + Distcache.LAUNCHER + " gcc";
    dc.exec(proj, "make", "-s", "-j4", cc).ok();
    dc.exec(proj, "make", "-s", "clean").ok();
    dc.exec(proj, "make", "-s", "-j4", cc).ok();
    dc.exec(proj, "make", "-s", "clean").ok();
    dc.exec(proj, "make", "-s", "-j4", "CC=" + Distcache.LAUNCHER + " gcc -E").ok(); // uncacheable
    String url = dc.run(proj, "mon", "--web").ok().out().trim();

    Map<String, Long> printStats = new HashMap<>();
    for (String line : dc.run(proj, "--print-stats").ok().out().split("\n")) {
      String[] kv = line.split("\t");
      printStats.put(kv[0], Long.parseLong(kv[1]));
    }
    Map<String, String> json = PythonReaders.json(tmp, get(url + "api/state").body());
    for (Map.Entry<String, Long> e : printStats.entrySet()) {
      assertEquals(
          String.valueOf(e.getValue()),
          json.get("counters." + e.getKey()),
          e.getKey() + " in /api/state: " + json);
    }
    assertTrue(printStats.get("cache_miss") == 6 && printStats.get("called_for_preprocessing") > 0);
    assertEquals("local", json.get("server"));
    assertEquals("0.5", json.get("rates.overall"), json.toString());
    assertEquals(
        printStats.get("cache_size_kibibyte"), Long.parseLong(json.get("cache.size_bytes")) / 1024);
    assertEquals("[]", json.get("running"));
    assertTrue(json.get("recent").contains("\"tier\": \"not cached: called_for_preprocessing\""));
    assertTrue(
        json.get("recent").contains("\"tier\": \"direct\"")
            || json.get("recent").contains("\"tier\": \"preprocessed\""),
        json.get("recent"));

    HttpResponse<String> metrics = get(url + "metrics");
    Map<String, Double> samples = metrics(metrics);
    // Every request's time: the histogram's count is every request the builds made.
    double requests = samples.get("distcache_request_duration_seconds_count{}");
    assertEquals(requests, samples.get("distcache_request_duration_seconds_bucket{le=+Inf}"));
    assertTrue(
        requests >= 18 && samples.get("distcache_request_duration_seconds_sum{}") > 0,
        "three builds of 6 files: " + metrics.body());
    Set<String> sizes =
        Set.of(
            "cache_size_kibibyte",
            "files_in_cache",
            "max_cache_size_kibibyte",
            "max_files_in_cache");
    for (Map.Entry<String, Long> e : printStats.entrySet()) {
      if (sizes.contains(e.getKey())) {
        continue; // the store's size and limits, in base units below
      }
      String name =
          "distcache_"
              + e.getKey()
              + (e.getKey().endsWith("_timestamp") ? "_seconds{}" : "_total{}");
      assertEquals(e.getValue().doubleValue(), samples.get(name), name + " in /metrics");
    }
    assertEquals(
        Double.parseDouble(json.get("cache.size_bytes")),
        samples.get("distcache_cache_size_bytes{}"));
    assertEquals(
        printStats.get("files_in_cache").doubleValue(), samples.get("distcache_cache_entries{}"));

    // Read-only, and for loopback names only.
    HttpResponse<String> post =
        http.send(
            HttpRequest.newBuilder(URI.create(url + "api/state"))
                .POST(HttpRequest.BodyPublishers.ofString("x"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(405, post.statusCode());
    Run rebound =
        Processes.run(
            tmp,
            Map.of("PATH", "/usr/bin:/bin"),
            List.of(
                "curl",
                "-s",
                "-w",
                "%{http_code}",
                "-H",
                "Host: attacker.example",
                url + "api/state"));
    assertTrue(rebound.out().endsWith("403"), rebound.out());
    assertFalse(rebound.out().contains("cache_miss"), rebound.out());
  }

  /**
   * /api/state's hosts, read by Python's json module: the refusing host first, backed off, then the
   * distccd with the remote compiles the server counted.
   */
  private void assertHostsJson(String url, String refusing, long remoteCompiles)
      throws IOException, InterruptedException {
    Path input = tmp.resolve("hosts.json");
    Files.writeString(input, get(url + "api/state").body());
    String script =
        "import json,sys\n"
            + "for h in json.load(open(sys.argv[1]))['hosts']:\n"
            + "  print(h['host'],h['protocol'],h['slots'],h['in_use'],h['done'],h['failed'],"
            + "h['unreachable'],h['backoff_millis']>0,h['latency_millis']>=0)\n";
    Run r =
        Processes.run(
            tmp,
            Map.of("PATH", "/usr/bin:/bin"),
            List.of("/usr/bin/python3", "-c", script, input.toString()));
    assertEquals(0, r.exitCode(), r.err());
    String[] lines = r.out().strip().split("\n");
    assertEquals(2, lines.length, r.out());
    assertTrue(
        lines[0].matches(Pattern.quote(refusing) + " distcc 3 0 0 0 [1-9][0-9]* True False"),
        lines[0]);
    assertEquals(distccd.host("") + " distcc 2 0 " + remoteCompiles + " 0 0 False True", lines[1]);
  }

  /** The text of the hosts table's cell {@code name} in the row of {@code host}. */
  private static String hostCell(String dom, String host, String name) {
    String hosts = section(dom, "hosts");
    int row = hosts.indexOf("<tr data-host=\"" + host + "\">");
    assertTrue(row >= 0, "no row for " + host + " in the hosts table:\n" + hosts);
    int end = hosts.indexOf("</tr>", row);
    Matcher m =
        Pattern.compile("<td class=\"(?:n )?" + name + "\">(.*?)</td>")
            .matcher(hosts.substring(row, end));
    assertTrue(m.find(), "no " + name + " for " + host + ":\n" + hosts);
    return m.group(1).replaceAll("<[^>]*>", "");
  }

  /** Polls /api/state until a job runs on the held distccd; its file name. */
  private String awaitHeldJob(String url, Future<Run> make) throws Exception {
    Pattern job =
        Pattern.compile(
            "\\{\"job\":[0-9]+,\"phase\":\"Compile\",\"file\":\"([^\"]+)\",\"where\":\""
                + Pattern.quote(distccd.host("")));
    while (!make.isDone()) {
      Matcher m = job.matcher(get(url + "api/state").body());
      if (m.find()) {
        return m.group(1);
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no job ever ran on the held distccd: " + make.get().err());
  }

  private HttpResponse<String> get(String url) throws IOException, InterruptedException {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), url + ": " + r.body());
    return r;
  }

  /** The page's section by id, from its opening tag to the next heading. */
  private static String section(String dom, String id) {
    int start = dom.indexOf("id=\"" + id + "\"");
    assertTrue(start >= 0, "no #" + id + " in the page:\n" + dom);
    int end = dom.indexOf("<h2>", start);
    return dom.substring(start, end < 0 ? dom.length() : end);
  }

  private static String overall(String dom) {
    Matcher m = OVERALL.matcher(dom);
    assertTrue(m.find(), "no overall hit rate on the page:\n" + dom);
    return m.group(1);
  }

  /** Where a screenshot is kept after the test: e2e/target, and the docs' copy. */
  private static Path artifact(String name) {
    return Distcache.ROOT.resolve("e2e/target/monitor").resolve(name);
  }

  /** /metrics through Prometheus' parser; every local server's page has cache_miss. */
  private Map<String, Double> metrics(HttpResponse<String> answer) throws IOException {
    String asSent =
        "HTTP/1.1 200 OK\r\nContent-Type: "
            + answer.headers().firstValue("Content-Type").orElse("")
            + "\r\n\r\n"
            + answer.body();
    Map<String, Double> samples = PythonReaders.prometheus(tmp, asSent).samples();
    assertNotNull(samples.get("distcache_cache_miss_total{}"), samples.toString());
    return samples;
  }
}
