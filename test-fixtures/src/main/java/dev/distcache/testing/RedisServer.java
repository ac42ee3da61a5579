package dev.distcache.testing;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A real redis-server (Debian's, {@code /usr/bin/redis-server}) started and stopped by a test, with
 * a generated configuration in its own directory: on 127.0.0.1 and a free port, or on a Unix socket
 * in that directory only ({@code port 0}); never saving to disk ({@code save ""}, {@code appendonly
 * no}); optionally with a password for the default user ({@code requirepass}) and one ACL user
 * allowed everything. The remote storage tests of the cache module and the end-to-end tests share
 * it.
 *
 * <p>{@link #kill()} stops it as a crash would, {@link #restart()} starts it again with the same
 * configuration (same port or socket, empty data), {@link #cli} runs redis-cli against it for tests
 * that inspect or damage what is stored. Every wait is bounded so that a server that does not come
 * up fails the test instead of hanging it.
 */
public final class RedisServer implements AutoCloseable {
  private static final String SERVER = "/usr/bin/redis-server";
  private static final String CLI = "/usr/bin/redis-cli";
  private static final long START_MILLIS = 30_000;
  private static final long CLI_SECONDS = 30;

  /** The TCP port on 127.0.0.1, or 0 when it listens on its Unix socket only. */
  public final int port;

  /** Its Unix socket, or null when it listens on TCP only. */
  public final Path socket;

  /** Its directory: configuration, log, socket. */
  public final Path dir;

  private final Path config;
  private final Path log;
  private final String password;
  private final String user;
  private final String userPassword;
  private Process process;

  private RedisServer(Builder b, int port, Path config) {
    this.port = port;
    this.socket = b.unixSocket ? b.dir.resolve("redis.sock") : null;
    this.dir = b.dir;
    this.config = config;
    this.log = b.dir.resolve("redis.log");
    this.password = b.password;
    this.user = b.user;
    this.userPassword = b.userPassword;
  }

  /** What to start, in directory {@code dir} (a test's temporary directory). */
  public static Builder in(Path dir) {
    return new Builder(dir);
  }

  /** A plain server on 127.0.0.1 and a free port, no password. */
  public static RedisServer start(Path dir) throws IOException, InterruptedException {
    return in(dir).start();
  }

  /** What to start. */
  public static final class Builder {
    private final Path dir;
    private final List<String> extra = new ArrayList<>();
    private boolean unixSocket;
    private int port;
    private String password;
    private String user;
    private String userPassword;

    private Builder(Path dir) {
      this.dir = dir;
    }

    /**
     * Listens on {@code redis.sock} in its directory and not on TCP. The directory's path must be
     * short: a Unix socket's path has at most 107 bytes.
     */
    public Builder unixSocket() {
      this.unixSocket = true;
      return this;
    }

    /** Listens on this port of 127.0.0.1 instead of a free one. */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /** The default user's password ({@code requirepass}). */
    public Builder password(String password) {
      this.password = password;
      return this;
    }

    /** An ACL user {@code name} with {@code password}, allowed every command and key. */
    public Builder user(String name, String password) {
      this.user = name;
      this.userPassword = password;
      return this;
    }

    /** One more configuration line, e.g. {@code maxmemory 10mb}. */
    public Builder config(String line) {
      extra.add(line);
      return this;
    }

    /**
     * Starts it and waits until it answers PING. A free TCP port may be taken by someone else
     * before redis-server binds it, so that case is tried again on another port.
     */
    public RedisServer start() throws IOException, InterruptedException {
      Files.createDirectories(dir);
      IOException last = null;
      for (int attempt = 0; attempt < 5; attempt++) {
        int p = unixSocket ? 0 : port != 0 ? port : Loopback.freePort("127.0.0.1");
        Path config = dir.resolve("redis.conf");
        Files.writeString(config, configText(p), StandardCharsets.UTF_8);
        RedisServer server = new RedisServer(this, p, config);
        try {
          server.launch();
          return server;
        } catch (IOException e) {
          last = e;
          if (unixSocket || port != 0 || !server.logText().contains("Address already in use")) {
            throw e;
          }
        }
      }
      throw last;
    }

    private String configText(int p) {
      List<String> lines = new ArrayList<>();
      lines.add("bind 127.0.0.1");
      lines.add("port " + p);
      if (unixSocket) {
        Path sock = dir.resolve("redis.sock");
        if (sock.toString().getBytes(StandardCharsets.UTF_8).length > 107) {
          throw new IllegalArgumentException("Unix socket path too long for redis: " + sock);
        }
        lines.add("unixsocket " + quote(sock.toString()));
        lines.add("unixsocketperm 700");
      }
      lines.add("daemonize no");
      lines.add("save \"\"");
      lines.add("appendonly no");
      lines.add("dir " + quote(dir.toString()));
      lines.add("logfile " + quote(dir.resolve("redis.log").toString()));
      lines.add("databases 16");
      if (password != null) {
        lines.add("requirepass " + quote(password));
      }
      if (user != null) {
        lines.add("user " + quote(user) + " on " + quote(">" + userPassword) + " ~* &* +@all");
      }
      lines.addAll(extra);
      return String.join("\n", lines) + "\n";
    }

    /** {@code s} as one double-quoted token of redis.conf (spaces and quotes allowed). */
    private static String quote(String s) {
      return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
  }

  /** {@code redis://[USER:PASSWORD@]127.0.0.1:PORT} with the ACL user if there is one. */
  public String url() {
    if (port == 0) {
      throw new IllegalStateException("this redis-server listens on its Unix socket only");
    }
    return "redis://" + credentials() + "127.0.0.1:" + port;
  }

  /** {@code redis+unix:PATH}, or {@code redis+unix://[USER:]PASSWORD@/PATH} with credentials. */
  public String unixUrl() {
    if (socket == null) {
      throw new IllegalStateException("this redis-server listens on TCP only");
    }
    String auth = credentials();
    return auth.isEmpty() ? "redis+unix:" + socket : "redis+unix://" + auth + socket;
  }

  private String credentials() {
    if (user != null) {
      return encode(user) + ":" + encode(userPassword) + "@";
    }
    return password == null ? "" : encode(password) + "@";
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** Its log so far. */
  public String logText() {
    try {
      return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Whether its process runs. */
  public boolean alive() {
    return process != null && process.isAlive();
  }

  /**
   * Runs {@code redis-cli} against it (as its ACL user, or with its password) with {@code args}, a
   * command and its arguments, optionally preceded by redis-cli options such as {@code -n DB};
   * returns what redis-cli printed. Values print raw (not quoted) since the output is no terminal.
   */
  public String cli(String... args) {
    return new String(cliBytes(new byte[0], args), StandardCharsets.UTF_8);
  }

  /**
   * Runs {@code redis-cli} with {@code stdin} as its standard input and returns its output bytes;
   * with {@code -x} the input becomes the last argument, e.g. {@code cliBytes(garbage, "-x", "SET",
   * key)} stores arbitrary bytes.
   */
  public byte[] cliBytes(byte[] stdin, String... args) {
    List<String> cmd = new ArrayList<>(List.of(CLI));
    if (socket != null) {
      cmd.addAll(List.of("-s", socket.toString()));
    } else {
      cmd.addAll(List.of("-h", "127.0.0.1", "-p", Integer.toString(port)));
    }
    if (user != null) {
      cmd.addAll(List.of("--user", user));
    }
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(false);
    String secret = user != null ? userPassword : password;
    if (secret != null) {
      pb.environment().put("REDISCLI_AUTH", secret); // not on the command line, no warning
    }
    try {
      Process p = pb.start();
      CompletableFuture<byte[]> out = Processes.drain(p.getInputStream());
      CompletableFuture<byte[]> err = Processes.drain(p.getErrorStream());
      try (OutputStream in = p.getOutputStream()) {
        in.write(stdin);
      }
      if (!p.waitFor(CLI_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("redis-cli " + List.of(args) + " did not finish in time");
      }
      byte[] output = out.get(CLI_SECONDS, TimeUnit.SECONDS);
      if (p.exitValue() != 0) {
        throw new AssertionError(
            "redis-cli "
                + List.of(args)
                + " exited "
                + p.exitValue()
                + ": "
                + new String(output, StandardCharsets.UTF_8)
                + new String(err.get(CLI_SECONDS, TimeUnit.SECONDS), StandardCharsets.UTF_8));
      }
      return output;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted running redis-cli", e);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new AssertionError("reading redis-cli's output: " + e, e);
    }
  }

  /** Kills it with SIGKILL, as a crash would: no shutdown, connections dropped. */
  public void kill() throws InterruptedException {
    if (process != null) {
      process.destroyForcibly();
      process.waitFor();
    }
  }

  /**
   * Starts it again after {@link #kill()} or {@link #close()}, with the same configuration (port or
   * socket, password) and no data, and waits until it answers.
   */
  public void restart() throws IOException, InterruptedException {
    if (alive()) {
      throw new IllegalStateException("redis-server on " + where() + " still runs");
    }
    launch();
  }

  /** Shuts it down without saving; kills it when it does not stop within 10 s. */
  @Override
  public void close() throws InterruptedException {
    if (!alive()) {
      return;
    }
    try {
      cli("SHUTDOWN", "NOSAVE");
    } catch (AssertionError | UncheckedIOException e) {
      // redis-cli may report the connection the shutdown closed; the wait below decides
    }
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor();
    }
  }

  private String where() {
    return socket != null ? socket.toString() : "127.0.0.1:" + port;
  }

  private void launch() throws IOException, InterruptedException {
    if (socket != null) {
      Files.deleteIfExists(socket);
    }
    String logBefore = logText();
    process =
        new ProcessBuilder(SERVER, config.toString())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("redis.out").toFile()))
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_MILLIS);
    while (process.isAlive() && System.nanoTime() < deadline) {
      // Redis logs this once it listens ("Ready to accept connections" on TCP, "The server is now
      // ready to accept connections at PATH" on a Unix socket); a PING then confirms it answers.
      if (logText()
              .substring(logBefore.length())
              .toLowerCase(java.util.Locale.ROOT)
              .contains("ready to accept connections")
          && cli("PING").strip().equals("PONG")) {
        return;
      }
      Thread.sleep(20);
    }
    String why = process.isAlive() ? "did not answer PING in time" : "exited";
    process.destroyForcibly();
    process.waitFor();
    throw new IOException(
        "redis-server on "
            + where()
            + " "
            + why
            + "; its log:\n"
            + logText().substring(logBefore.length()));
  }
}
