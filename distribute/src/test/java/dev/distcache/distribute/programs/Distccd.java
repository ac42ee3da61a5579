package dev.distcache.distribute.programs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real distccd (Debian's distcc 3.4) on a loopback address and a free port, started and stopped
 * by a test. Its log (info level) goes to a file the test can read.
 */
public final class Distccd implements AutoCloseable {
  private final Process process;
  private final String address;
  private final int port;
  private final Path log;

  private Distccd(Process process, String address, int port, Path log) {
    this.process = process;
    this.address = address;
    this.port = port;
    this.log = log;
  }

  /** Starts distccd listening on {@code address} and allowing clients from {@code allow}. */
  public static Distccd start(String address, String allow, Path dir) throws IOException, InterruptedException {
    for (int attempt = 0; attempt < 5; attempt++) {
      int port = freePort(address);
      Path log = dir.resolve("distccd-" + address + "-" + port + ".log");
      List<String> command = new ArrayList<>(List.of("distccd", "--no-detach", "--daemon", "--log-stderr",
          "--log-level=info", "--listen", address, "--port", Integer.toString(port), "--allow", allow, "--jobs", "2"));
      Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (p.isAlive() && System.nanoTime() < deadline) {
        if (Files.readString(log, StandardCharsets.UTF_8).contains("listening on " + address + ":" + port)) {
          return new Distccd(p, address, port, log);
        }
        Thread.sleep(20);
      }
      p.destroyForcibly();
      p.waitFor();
    }
    throw new IllegalStateException("distccd did not start on " + address);
  }

  /** A port nothing listens on right now, on {@code address}. */
  public static int freePort(String address) throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(address))) {
      return s.getLocalPort();
    }
  }

  public String address() {
    return address;
  }

  public int port() {
    return port;
  }

  public String log() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
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
