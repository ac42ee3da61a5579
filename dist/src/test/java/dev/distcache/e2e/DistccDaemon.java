package dev.distcache.e2e;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real distccd (distcc 3.4) on a loopback address and a free port, started and stopped by a test;
 * its log (info level: one {@code dcc_job_summary} line per job) goes to a file. It runs only the
 * compilers in /usr/lib/distcc, which holds gcc and g++.
 */
final class DistccDaemon implements AutoCloseable {
  private final Process process;
  private final String address;
  private final int port;
  private final Path log;

  private DistccDaemon(Process process, String address, int port, Path log) {
    this.process = process;
    this.address = address;
    this.port = port;
    this.log = log;
  }

  static DistccDaemon start(String address, Path dir) throws IOException, InterruptedException {
    for (int attempt = 0; attempt < 5; attempt++) {
      int port = freePort(address);
      Path log = dir.resolve("distccd-" + address + "-" + port + ".log");
      Process p = new ProcessBuilder(List.of("distccd", "--no-detach", "--daemon", "--log-stderr", "--log-level=info",
          "--allow", "127.0.0.0/8", "--listen", address, "--port", Integer.toString(port), "--jobs", "4"))
          .redirectErrorStream(true).redirectOutput(log.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (p.isAlive() && System.nanoTime() < deadline) {
        if (Files.readString(log, StandardCharsets.UTF_8).contains("listening on " + address + ":" + port)) {
          return new DistccDaemon(p, address, port, log);
        }
        Thread.sleep(20);
      }
      p.destroyForcibly();
      p.waitFor();
    }
    throw new IllegalStateException("distccd did not start on " + address);
  }

  /** A port nothing listens on right now. */
  static int freePort(String address) throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(address))) {
      return s.getLocalPort();
    }
  }

  /** This daemon as a host-list entry, with {@code suffix} (e.g. {@code /4,lzo}). */
  String host(String suffix) {
    return address + ":" + port + suffix;
  }

  String log() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** How many jobs ended with {@code result} (COMPILE_OK, COMPILE_ERROR, ...). */
  long jobs(String result) {
    return log().lines().filter(l -> l.contains("dcc_job_summary") && l.contains(" " + result + " ")).count();
  }

  /** Kills the daemon and the compilers it runs, as a crashed machine would drop them. */
  void kill() throws InterruptedException {
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
