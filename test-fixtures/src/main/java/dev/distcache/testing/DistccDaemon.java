package dev.distcache.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real distccd (Debian's distcc 3.4) on a loopback address and a free port, started and stopped
 * by a test; its log (info level: one {@code dcc_job_summary} line per job) goes to a file. It runs
 * only the compilers in /usr/lib/distcc, which holds gcc and g++. It preforks and replaces children
 * that die, so it is stopped with SIGTERM (on which it ends its children itself) before anything is
 * killed. The one stock-distccd harness of the tests (distribute's and the end-to-end ones).
 */
public final class DistccDaemon implements AutoCloseable {
  public final String address;
  public final int port;

  /** The stats port, or -1 when started without {@code --stats}. */
  public final int statsPort;

  private final Process process;
  private final Path log;

  private DistccDaemon(Process process, String address, int port, int statsPort, Path log) {
    this.process = process;
    this.address = address;
    this.port = port;
    this.statsPort = statsPort;
    this.log = log;
  }

  /** Starts distccd on {@code address}, allowing all of 127.0.0.0/8, without a stats port. */
  public static DistccDaemon start(String address, Path dir)
      throws IOException, InterruptedException {
    return start(address, dir, "127.0.0.0/8", false);
  }

  /**
   * Starts distccd on {@code address}, allowing {@code allow}, with a stats port when {@code
   * stats}.
   */
  public static DistccDaemon start(String address, Path dir, String allow, boolean stats)
      throws IOException, InterruptedException {
    return start(address, dir, allow, stats, null);
  }

  /**
   * Starts distccd on {@code address}, allowing all of 127.0.0.0/8, with {@code binFirst} ahead of
   * its PATH: the compiler names it runs (still only those in /usr/lib/distcc) are looked up there
   * first, so a test can put a wrapper in front of the real gcc, e.g. one that holds the job.
   */
  public static DistccDaemon startWithPathFirst(String address, Path dir, Path binFirst)
      throws IOException, InterruptedException {
    return start(address, dir, "127.0.0.0/8", false, binFirst);
  }

  private static DistccDaemon start(
      String address, Path dir, String allow, boolean stats, Path binFirst)
      throws IOException, InterruptedException {
    Files.createDirectories(dir);
    for (int attempt = 0;
        attempt < 5;
        attempt++) { // a free port may be taken before distccd binds it
      int port = Loopback.freePort(address);
      int statsPort = stats ? Loopback.freePort(address) : -1;
      Path log = dir.resolve("distccd-" + address + "-" + port + ".log");
      List<String> cmd =
          new ArrayList<>(
              List.of(
                  "distccd",
                  "--no-detach",
                  "--daemon",
                  "--log-stderr",
                  "--log-level=info",
                  "--allow",
                  allow,
                  "--listen",
                  address,
                  "--port",
                  Integer.toString(port),
                  "--jobs",
                  "4"));
      if (stats) {
        cmd.addAll(List.of("--stats", "--stats-port", Integer.toString(statsPort)));
      }
      ProcessBuilder pb =
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      if (binFirst != null) {
        pb.environment().merge("PATH", binFirst.toString(), (old, first) -> first + ":" + old);
      }
      Process p = pb.start();
      DistccDaemon d = new DistccDaemon(p, address, port, statsPort, log);
      String ready = stats ? "HTTP server started" : "listening on " + address + ":" + port;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (p.isAlive() && System.nanoTime() < deadline) {
        if (d.log().contains(ready)) {
          return d;
        }
        Thread.sleep(20);
      }
      d.close();
    }
    throw new IllegalStateException("distccd did not start on " + address);
  }

  /** This daemon as a host-list entry, with {@code suffix} (e.g. {@code /4,lzo}). */
  public String host(String suffix) {
    return address + ":" + port + suffix;
  }

  public String log() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** How many jobs ended with {@code result} (COMPILE_OK, COMPILE_ERROR, ...). */
  public long jobs(String result) {
    return log()
        .lines()
        .filter(l -> l.contains("dcc_job_summary") && l.contains(" " + result + " "))
        .count();
  }

  /** Kills the daemon and the compilers it runs, as a crashed machine would drop them. */
  public void kill() throws InterruptedException {
    List<ProcessHandle> children = process.descendants().toList();
    process.destroyForcibly();
    children.forEach(ProcessHandle::destroyForcibly);
    process.waitFor();
  }

  @Override
  public void close() throws InterruptedException {
    List<ProcessHandle> children = process.descendants().toList();
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor();
    }
    children.forEach(ProcessHandle::destroyForcibly);
  }
}
