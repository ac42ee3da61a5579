package dev.distcache.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.distribute.distcc.DistccReply;
import dev.distcache.distribute.distcc.ProtocolVersion;
import dev.distcache.testing.DistccDaemon;
import dev.distcache.testing.Loopback;
import dev.distcache.testing.Processes;
import dev.distcache.testing.RemoteDaemon;
import dev.distcache.testing.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code distcache daemon} as a command: distccd's option spellings and clear errors, {@code
 * --inetd} with a request piped to stdin, detaching with a pid file, and a stats page in distccd's
 * format (compared with the real distccd's).
 */
class DaemonCommandTest {
  @TempDir Path tmp;

  private Run daemonCommand(String... args) {
    List<String> cmd = new ArrayList<>(List.of(Distcache.LAUNCHER.toString(), "daemon"));
    cmd.addAll(List.of(args));
    Map<String, String> env = new HashMap<>(System.getenv());
    env.put("HOME", tmp.toString());
    return Processes.run(tmp, env, cmd, 120);
  }

  @Test
  void badOptions_getOneClearLine_andDistccdsExitCode() {
    Object[][] cases = {
      {
        new String[] {"--bogus"},
        "distcache daemon: error: unknown option --bogus (see distcache daemon --help)\n"
      },
      {new String[] {"--port"}, "distcache daemon: error: option --port needs a value\n"},
      {
        new String[] {"-p", "70000"},
        "distcache daemon: error: --port must be between 1 and 65535 (got 70000)\n"
      },
      {
        new String[] {"--allow", "10.0.0.0/40"},
        "distcache daemon: error: --allow: invalid mask \"40\" in \"10.0.0.0/40\" (at most 32 for IPv4)\n"
      },
      {
        new String[] {"--log-level=loud"},
        "distcache daemon: error: invalid --log-level \"loud\" (levels: critical,"
            + " error, warning, notice, info, debug)\n"
      },
      {
        new String[] {"--user", "distccd"},
        "distcache daemon: error: option --user is not supported: distcache daemon"
            + " does not change user; start it as the (unprivileged) user that should run the compilers\n"
      },
    };
    for (Object[] c : cases) {
      Run r = daemonCommand((String[]) c[0]);
      assertEquals(101, r.exitCode(), String.join(" ", (String[]) c[0]));
      assertEquals(c[1], r.err());
      assertEquals("", r.out());
    }
  }

  @Test
  void helpAndVersion() {
    Run help = daemonCommand("--help").ok();
    assertTrue(
        help.out().contains("-a, --allow IP[/BITS]") && help.out().contains("--inetd"), help.out());
    assertEquals(
        "distcache daemon 0.1.0 (distcc protocols 1, 2 and 3) (default port 3632)\n",
        daemonCommand("--version").ok().out());
  }

  @Test
  void aPortInUse_isAClearErrorWithoutAStackTrace() throws Exception {
    try (RemoteDaemon first = RemoteDaemon.on("127.0.0.2", tmp.resolve("a")).start()) {
      Run r =
          daemonCommand(
              "--no-detach",
              "--daemon",
              "--listen",
              "127.0.0.2",
              "--port",
              Integer.toString(first.port),
              "--cache-dir",
              tmp.resolve("b").toString());
      assertEquals(1, r.exitCode());
      assertTrue(
          r.err()
              .startsWith(
                  "distcache daemon: error: cannot listen on 127.0.0.2:" + first.port + ": "),
          r.err());
      assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), r.err());
      Run same =
          daemonCommand(
              "--no-detach",
              "--daemon",
              "--listen",
              "127.0.0.2",
              "--port",
              "1",
              "--cache-dir",
              first.cacheDir.toString());
      assertEquals(1, same.exitCode());
      assertTrue(
          same.err().contains("cannot open the daemon's cache in " + first.cacheDir), same.err());
      assertTrue(same.err().contains("give each daemon its own --cache-dir"), same.err());
      assertFalse(same.err().contains("\tat "), same.err());
    }
  }

  @Test
  void inetd_servesOneJobOnStdinAndStdout_andCachesIt() throws Exception {
    Path src = tmp.resolve("src");
    DistccSources.write(src);
    Path request = tmp.resolve("request");
    Files.write(request, RawJobs.bytes(RawJobs.hello(src, ProtocolVersion.V2)));
    Path log = tmp.resolve("inetd.log");
    Processes.run(
            src,
            Map.of("PATH", System.getenv("PATH")),
            List.of("gcc", "-c", "-O2", "-DX", "-Iinc", "hello.c", "-o", "local.o"))
        .ok();
    for (int i = 0; i < 2; i++) {
      ProcessBuilder pb =
          new ProcessBuilder(
                  Distcache.LAUNCHER.toString(),
                  "daemon",
                  "--inetd",
                  "--cache-dir",
                  tmp.resolve("cache").toString(),
                  "--log-file",
                  log.toString(),
                  "--allow-compiler",
                  RawJobs.gccName())
              .redirectInput(request.toFile())
              .redirectError(tmp.resolve("inetd.err").toFile());
      Process p = pb.start();
      byte[] answer = p.getInputStream().readAllBytes();
      assertTrue(p.waitFor(120, TimeUnit.SECONDS));
      assertEquals(
          0, p.exitValue(), Files.readString(tmp.resolve("inetd.err")) + Files.readString(log));
      DistccReply reply = RawJobs.reply(answer, ProtocolVersion.V2);
      assertEquals(0, reply.status());
      assertArrayEquals(Distcache.read(src.resolve("local.o")), reply.object());
    }
    List<String> lines =
        Files.readAllLines(log).stream().filter(l -> l.contains("(dcc_job_summary)")).toList();
    assertEquals(2, lines.size(), Files.readString(log));
    assertTrue(
        lines.get(0).contains("client: stdin COMPILE_OK")
            && lines.get(0).endsWith("hello.c cache:miss"),
        lines.get(0));
    assertTrue(lines.get(1).endsWith("hello.c cache:hit"), lines.get(1));
  }

  @Test
  void daemonWithoutNoDetach_returnsOnceListening_andWritesItsPid() throws Exception {
    Path pidFile = tmp.resolve("daemon.pid");
    int port = Loopback.freePort("127.0.0.4");
    Run r =
        daemonCommand(
            "--daemon",
            "--listen",
            "127.0.0.4",
            "--port",
            Integer.toString(port),
            "--pid-file",
            pidFile.toString(),
            "--cache-dir",
            tmp.resolve("cache").toString(),
            "--allow-compiler",
            RawJobs.gccName());
    long pid = Long.parseLong(Files.readString(pidFile).strip());
    ProcessHandle daemon = ProcessHandle.of(pid).orElseThrow();
    try {
      r.ok();
      assertTrue(
          r.err()
              .startsWith(
                  "distcache daemon: listening on 127.0.0.4:" + port + " (pid " + pid + ")"),
          r.err());
      assertTrue(daemon.isAlive());
      Path src = tmp.resolve("src");
      DistccSources.write(src);
      DistccSources.distcc(
              src,
              DistccSources.distccEnv(tmp.resolve("state"), "127.0.0.4:" + port),
              "gcc",
              "-c",
              "-DX",
              "-Iinc",
              "hello.c",
              "-o",
              "hello.o")
          .ok();
    } finally {
      daemon.destroy(); // SIGTERM, as an init script would
      daemon.onExit().get(60, TimeUnit.SECONDS);
    }
    assertFalse(Files.exists(pidFile), "the pid file is removed on exit");
  }

  /**
   * Both pages fetched the same way; ours has distccd's header and keys, in its order, then the
   * cache's.
   */
  @Test
  void statsPage_hasDistccdsFormat_plusTheCacheCounters() throws Exception {
    String stock;
    try (DistccDaemon distccd =
        DistccDaemon.start("127.0.0.5", tmp.resolve("distccd"), "127.0.0.1", true)) {
      stock = RemoteDaemon.fetch("127.0.0.5", distccd.statsPort);
    }
    try (RemoteDaemon ours = RemoteDaemon.on("127.0.0.2", tmp.resolve("ours")).stats().start()) {
      String page = ours.statsPage();
      assertEquals(header(stock), header(page));
      List<String> stockKeys = keys(stock);
      List<String> ourKeys = keys(page);
      assertEquals(27, stockKeys.size(), stock);
      assertEquals(stockKeys, ourKeys.subList(0, stockKeys.size()));
      assertTrue(
          ourKeys.subList(stockKeys.size(), ourKeys.size()).stream()
              .allMatch(k -> k.startsWith("dcc_cache_")),
          ourKeys.toString());
      assertTrue(
          page.contains(
              "\ndcc_max_kids " + (Runtime.getRuntime().availableProcessors() + 2) + "\n"),
          page);
      assertTrue(page.endsWith("</distccstats>\n"), page);
    }
  }

  private static String header(String page) {
    return page.substring(0, page.indexOf("<distccstats>\n") + 14);
  }

  private static List<String> keys(String page) {
    List<String> out = new ArrayList<>();
    for (String line :
        page.substring(page.indexOf("<distccstats>\n") + 14, page.indexOf("</distccstats>"))
            .split("\n")) {
      out.add(line.substring(0, line.indexOf(' ')));
    }
    return out;
  }
}
