package dev.distcache.e2e;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real distccd (Debian's 3.4) on a loopback address, for comparing with distcache daemon. It
 * preforks and replaces children that die, so it is stopped with SIGTERM (on which it ends its
 * children itself) before anything is killed.
 */
final class StockDistccd implements AutoCloseable {
  final int port;
  final int statsPort;
  private final Process process;

  private StockDistccd(Process process, int port, int statsPort) {
    this.process = process;
    this.port = port;
    this.statsPort = statsPort;
  }

  /** Starts distccd on {@code address}, allowing 127.0.0.1, with a stats port when {@code stats}. */
  static StockDistccd start(String address, Path dir, boolean stats) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    int port = RemoteDaemon.freePort(address);
    int statsPort = stats ? RemoteDaemon.freePort(address) : -1;
    Path log = dir.resolve("distccd-" + port + ".log");
    List<String> cmd = new ArrayList<>(List.of("distccd", "--no-detach", "--daemon", "--log-stderr",
        "--log-level=info", "--listen", address, "--port", Integer.toString(port), "--allow", "127.0.0.1",
        "--jobs", "2"));
    if (stats) {
      cmd.addAll(List.of("--stats", "--stats-port", Integer.toString(statsPort)));
    }
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
    StockDistccd d = new StockDistccd(p, port, statsPort);
    String ready = stats ? "HTTP server started" : "listening on " + address + ":" + port;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (p.isAlive() && System.nanoTime() < deadline) {
      if (Files.readString(log).contains(ready)) {
        return d;
      }
      Thread.sleep(20);
    }
    d.close();
    throw new IllegalStateException("distccd did not start on " + address + ":\n" + Files.readString(log));
  }

  @Override
  public void close() throws InterruptedException {
    List<ProcessHandle> children = process.descendants().toList();
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor();
    }
    for (ProcessHandle c : children) {
      c.destroyForcibly();
    }
  }
}
