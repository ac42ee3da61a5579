package dev.distcache.testing;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code bin/distcache daemon} on a loopback address and a free port, started and stopped by a
 * test, with its own cache directory and log file. Waits that poll the log are bounded (60 s) so
 * that a missing line fails the test instead of hanging it.
 */
public final class RemoteDaemon implements AutoCloseable {
  private static final long WAIT_MILLIS = 60_000;

  public final String address;
  public final int port;
  public final int statsPort;
  public final Path cacheDir;
  public final Path logFile;
  public final Process process;

  private RemoteDaemon(
      String address, int port, int statsPort, Path cacheDir, Path logFile, Process process) {
    this.address = address;
    this.port = port;
    this.statsPort = statsPort;
    this.cacheDir = cacheDir;
    this.logFile = logFile;
    this.process = process;
  }

  /** What to start. */
  public static final class Builder {
    private final String address;
    private final Path dir;
    private final List<String> args = new ArrayList<>();
    private final Map<String, String> env = new HashMap<>();
    private boolean stats;

    private Builder(String address, Path dir) {
      this.address = address;
      this.dir = dir;
      System.getenv()
          .forEach((k, v) -> {
            if (!k.startsWith("DISTCACHE_") && !k.startsWith("DISTCC_")) {
              env.put(k, v);
            }
          });
    }

    public Builder args(String... more) {
      args.addAll(List.of(more));
      return this;
    }

    public Builder env(String key, String value) {
      env.put(key, value);
      return this;
    }

    public Builder stats() {
      stats = true;
      return this;
    }

    /**
     * Allows the compilers distcc sends for gcc and g++ (their names and the target-triple names).
     */
    public Builder allowGccAndGxx() {
      String triple =
          Processes.run(Path.of("/"), env, List.of("gcc", "-dumpmachine")).ok().out().strip();
      return args("--allow-compiler", "gcc,g++,cc,c++," + triple + "-gcc," + triple + "-g++");
    }

    public RemoteDaemon start() throws IOException, InterruptedException {
      Files.createDirectories(dir);
      for (int attempt = 0; attempt < 5; attempt++) {
        int port = Loopback.freePort(address);
        int statsPort = stats ? Loopback.freePort(address) : -1;
        Path cache = dir.resolve("daemon-cache-" + port);
        Path log = dir.resolve("daemon-" + port + ".log");
        Path out = dir.resolve("daemon-" + port + ".out");
        Files.createDirectories(dir.resolve("tmp"));
        env.putIfAbsent(
            "TMPDIR", dir.resolve("tmp").toString()); // job directories inside the test's
        List<String> cmd =
            new ArrayList<>(
                List.of(
                    Layout.LAUNCHER.toString(),
                    "daemon",
                    "--no-detach",
                    "--daemon",
                    "--listen",
                    address,
                    "--port",
                    Integer.toString(port),
                    "--cache-dir",
                    cache.toString(),
                    "--log-file",
                    log.toString(),
                    "--log-level",
                    "info"));
        if (stats) {
          cmd.addAll(List.of("--stats", "--stats-port", Integer.toString(statsPort)));
        }
        cmd.addAll(args);
        ProcessBuilder pb =
            new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().clear();
        pb.environment().putAll(env);
        Process p = pb.start();
        RemoteDaemon d = new RemoteDaemon(address, port, statsPort, cache, log, p);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MILLIS);
        while (p.isAlive() && System.nanoTime() < deadline) {
          if (d.log().contains("dcc_log_daemon_started")) {
            return d;
          }
          Thread.sleep(20);
        }
        String output = Files.exists(out) ? Files.readString(out) : "";
        d.close();
        if (!output.contains("cannot listen")) {
          throw new IllegalStateException(
              "distcache daemon did not start on " + address + ":\n" + output + d.log());
        }
      }
      throw new IllegalStateException("distcache daemon found no free port on " + address);
    }
  }

  public static Builder on(String address, Path dir) {
    return new Builder(address, dir);
  }

  public String log() {
    try {
      return Files.exists(logFile) ? Files.readString(logFile, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The log once it contains {@code text}, waiting for it: the daemon logs some events (a
   * connection it closed) just after the client can already see them.
   */
  public String awaitLog(String text) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MILLIS);
    while (!log().contains(text) && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    String log = log();
    if (!log.contains(text)) {
      throw new AssertionError("the daemon never logged \"" + text + "\"; the log has:\n" + log);
    }
    return log;
  }

  /** The job summary lines logged so far. */
  public List<String> summaries() {
    return log().lines().filter(l -> l.contains("(dcc_job_summary)")).toList();
  }

  /** Waits until {@code count} summary lines are logged (the daemon logs one after answering). */
  public List<String> awaitSummaries(int count) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MILLIS);
    while (summaries().size() < count && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    List<String> s = summaries();
    if (s.size() < count) {
      throw new AssertionError("expected " + count + " job summaries, the log has:\n" + log());
    }
    return s;
  }

  /** The stats page, fetched as a browser would. */
  public String statsPage() throws IOException {
    return fetch(address, statsPort);
  }

  public static String fetch(String address, int port) throws IOException {
    try (Socket s = new Socket(address, port)) {
      s.setSoTimeout(30_000);
      OutputStream out = s.getOutputStream();
      out.write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** One counter of the stats page. */
  public long stat(String name) throws IOException {
    for (String line : statsPage().split("\n")) {
      if (line.startsWith(name + " ")) {
        return Long.parseLong(line.substring(name.length() + 1).trim());
      }
    }
    throw new AssertionError("no " + name + " on the stats page");
  }

  /**
   * Connects from {@code source} (a loopback address) and sends {@code request}; returns all it
   * answered.
   */
  public byte[] exchange(String source, byte[] request) throws IOException {
    try (Socket s = new Socket()) {
      s.bind(new InetSocketAddress(source, 0));
      s.connect(new InetSocketAddress(address, port), 10_000);
      s.setSoTimeout(60_000);
      try {
        s.getOutputStream().write(request);
        s.getOutputStream().flush();
      } catch (IOException e) {
        // The daemon may close while we send (a refused request); what it answered still counts.
      }
      try {
        return s.getInputStream().readAllBytes();
      } catch (java.net.SocketException e) {
        return new byte[0]; // reset: closed without an answer
      }
    }
  }

  public long pid() {
    return process.pid();
  }

  @Override
  public void close() throws InterruptedException {
    List<ProcessHandle> children = process.descendants().toList();
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor();
    }
    for (ProcessHandle c : children) {
      c.destroyForcibly();
    }
  }
}
