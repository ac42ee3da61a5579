package dev.distcache.cli.client;

import dev.distcache.core.CacheLayout;
import dev.distcache.core.wire.Reply;
import dev.distcache.core.wire.Request;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.File;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import jdk.net.ExtendedSocketOptions;

/**
 * Connects to the local server of a cache directory, starting it first when nobody answers.
 * Starting happens under a file lock, so concurrent first uses (make -j32) start exactly one
 * server.
 */
public final class ServerConnection {
  private static final long START_TIMEOUT_MILLIS = 20_000;

  /** How long after a failed start compiles run without a server rather than start another. */
  static final long FAILED_START_PAUSE_MILLIS = 60_000;

  /** The variable that sets how long a client waits for the server to acknowledge its request. */
  public static final String ACK_TIMEOUT_VARIABLE = "DISTCACHE_ACK_TIMEOUT";

  private static final long DEFAULT_ACK_SECONDS = 5;

  private ServerConnection() {}

  /**
   * How long to wait for the server's acknowledgement of a request: {@code DISTCACHE_ACK_TIMEOUT}
   * seconds (1 to 3600), else 5 s. A server sends it as soon as it has read the request, long
   * before a compile ends; one that does not is hung or starved.
   */
  public static long ackMillis(Map<String, String> env) {
    String v = env.get(ACK_TIMEOUT_VARIABLE);
    if (v != null && v.matches("[0-9]{1,4}")) {
      long seconds = Long.parseLong(v);
      if (seconds >= 1 && seconds <= 3600) {
        return seconds * 1000;
      }
    }
    return DEFAULT_ACK_SECONDS * 1000;
  }

  /**
   * Sends the request and reads the reply. Throws when the server does not acknowledge the request
   * within {@code ackMillis} (the connection is then closed, which stops whatever the server
   * started for it), or when the connection fails.
   */
  public static Reply exchange(SocketChannel ch, Request request, long ackMillis)
      throws IOException {
    request.writeTo(
        new DataOutputStream(new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16)));
    DataInputStream in =
        new DataInputStream(new BufferedInputStream(Channels.newInputStream(ch), 1 << 16));
    AtomicInteger state = new AtomicInteger(); // 0: waiting, 1: acknowledged, 2: given up
    Thread guard =
        Thread.ofPlatform()
            .daemon()
            .name("distcache-ack-guard")
            .start(() -> {
              try {
                Thread.sleep(ackMillis);
                if (state.compareAndSet(0, 2)) {
                  ch.close(); // unblocks the read below
                }
              } catch (InterruptedException | IOException e) {
                // Acknowledged in time, or already closed.
              }
            });
    try {
      Reply.readAcknowledgement(in);
    } finally {
      guard.interrupt();
    }
    if (!state.compareAndSet(0, 1)) {
      throw new IOException(
          "the distcache server did not acknowledge the request within " + ackMillis + " ms");
    }
    return Reply.readBody(in);
  }

  /** The server listening at the socket runs as another user: nothing may be sent to it. */
  public static final class ForeignServerException extends IOException {
    ForeignServerException(Path socket, String user) {
      super(
          "distcache: the server at "
              + socket
              + " runs as user "
              + user
              + ", not as you; not sending it anything (compiling here instead)");
    }
  }

  /**
   * The cache directory does not exist and cannot be made (a parent this user cannot write, a
   * read-only file system): no server can run for it. A compile then runs the compiler itself and
   * says so; an administration command fails with this message.
   */
  public static final class CacheDirException extends IOException {
    CacheDirException(Path dir, IOException cause) {
      super(
          "cannot create the cache directory "
              + dir
              + " ("
              + dev.distcache.core.IoReason.of(cause)
              + "); set DISTCACHE_DIR (or -d) to a directory you can write",
          cause);
    }
  }

  /** Makes the cache directory, or says in one line why it cannot be made. */
  static void makeCacheDir(CacheLayout layout) throws CacheDirException {
    try {
      Files.createDirectories(layout.cacheDir());
    } catch (IOException e) {
      throw new CacheDirException(layout.cacheDir(), e);
    }
  }

  /**
   * Where the server listens; throws when there is no private place for its socket
   * (CacheLayout.socket).
   */
  static Path socket(CacheLayout layout) throws IOException {
    Path socket = layout.socket();
    if (socket == null) {
      throw new IOException("no private directory for the distcache server's socket");
    }
    return socket;
  }

  /**
   * Connects, or returns null when no server is listening. Throws {@link ForeignServerException}
   * when the one listening runs as another user (SO_PEERCRED, which the server checks as well),
   * unless this is administration ({@code admin}) by root of a cache directory shared with a group
   * ({@link CacheLayout#rootInGroupCache}), whose server runs as the group's compiling user: root's
   * {@code -s} shows its counters. Root's compiles never go to another user's server, which would
   * write root's outputs.
   */
  public static SocketChannel tryConnect(CacheLayout layout, boolean admin) throws IOException {
    Path socket = socket(layout);
    if (!Files.exists(socket)) {
      return null;
    }
    SocketChannel ch = null;
    try {
      ch = SocketChannel.open(StandardProtocolFamily.UNIX);
      ch.connect(UnixDomainSocketAddress.of(socket));
    } catch (IOException e) {
      closeQuietly(ch);
      return null;
    }
    UserPrincipal peer;
    try {
      peer = ch.getOption(ExtendedSocketOptions.SO_PEERCRED).user();
    } catch (IOException | RuntimeException e) {
      closeQuietly(ch);
      throw new IOException("cannot tell who runs the distcache server at " + socket, e);
    }
    boolean rootAdmin =
        admin && socket.getParent().equals(layout.cacheDir()) && layout.rootInGroupCache();
    if (!peer.equals(Files.getOwner(Path.of("/proc/self"))) && !rootAdmin) {
      closeQuietly(ch);
      throw new ForeignServerException(socket, peer.getName());
    }
    return ch;
  }

  /** Connects, starting the server if needed; throws when it cannot be reached or started. */
  public static SocketChannel connect(CacheLayout layout, Launcher launcher) throws IOException {
    SocketChannel ch = tryConnect(layout, true);
    return ch != null ? ch : connect(layout, launcher, false);
  }

  /**
   * Connects, starting the server if needed. With {@code pauseAfterFailure} (compiles), starts none
   * while a start failed less than {@link #FAILED_START_PAUSE_MILLIS} ago, so that a server that
   * cannot start does not cost every compile a JVM start.
   *
   * @throws IOException when there is no server: it failed to start now (server.out says why) or
   *     recently
   */
  public static SocketChannel connect(
      CacheLayout layout, Launcher launcher, boolean pauseAfterFailure) throws IOException {
    SocketChannel ch = tryConnect(layout, false);
    if (ch != null) {
      return ch;
    }
    start(layout, launcher, pauseAfterFailure);
    ch = tryConnect(layout, false);
    if (ch == null) {
      throw new IOException(
          "the distcache server started but does not accept connections at " + socket(layout));
    }
    return ch;
  }

  /**
   * Starts a server for the cache directory unless one is running; returns when it listens. The
   * start lock is a POSIX record lock, which the native client takes with fcntl(F_SETLKW).
   */
  @SuppressWarnings("try") // the lock is held for the block's duration, never read
  public static void start(CacheLayout layout, Launcher launcher) throws IOException {
    start(layout, launcher, false);
  }

  private static void start(CacheLayout layout, Launcher launcher, boolean pauseAfterFailure)
      throws IOException {
    if (launcher.home() == null) {
      throw new IOException("distcache.home is not set; run distcache through bin/distcache");
    }
    if (layout.rootInGroupCache()) {
      throw new IOException(
          "root starts no distcache server for "
              + layout.cacheDir()
              + ", which is shared with its group: run this as a member of that group"
              + " (see docs/integration/sharing.md)");
    }
    makeCacheDir(layout);
    socket(layout); // a private place for it exists (CacheLayout.socket makes it)
    try (FileChannel lockFile =
            FileChannel.open(
                layout.startLock(), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = lockFile.lock()) {
      SocketChannel existing = tryConnect(layout, false);
      if (existing != null) {
        existing.close();
        return;
      }
      if (pauseAfterFailure && failedRecently(layout)) {
        throw new IOException("the distcache server failed to start less than a minute ago");
      }
      try {
        awaitStart(layout, spawn(layout, launcher));
      } catch (IOException e) {
        try {
          Files.writeString(layout.serverFailed(), System.currentTimeMillis() / 1000 + "\n");
          Files.writeString(
              layout.serverOutput(),
              "distcache: the server did not start; compiles run without the"
                  + " cache for "
                  + FAILED_START_PAUSE_MILLIS / 1000
                  + " s (until "
                  + layout.serverFailed()
                  + " is older)\n",
              StandardOpenOption.CREATE,
              StandardOpenOption.APPEND);
        } catch (IOException ignored) {
          // Then the next compile tries again.
        }
        throw e;
      }
      Files.deleteIfExists(layout.serverFailed());
    }
  }

  /** Work on the cache directory that must not overlap a server's life. */
  @FunctionalInterface
  public interface WithoutServer {
    void run() throws IOException;
  }

  /**
   * Runs {@code action} while no server runs for the cache directory and returns true, or returns
   * false without running it when a server answers. It runs under the start lock, so none starts
   * meanwhile, and after any server that was stopping has released its lock (and written the
   * counters file a last time).
   */
  @SuppressWarnings("try") // the locks are held for the block's duration, never read
  public static boolean withoutServer(CacheLayout layout, WithoutServer action) throws IOException {
    makeCacheDir(layout);
    try (FileChannel lockFile =
            FileChannel.open(
                layout.startLock(), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = lockFile.lock()) {
      SocketChannel existing = tryConnect(layout, true);
      if (existing != null) {
        existing.close();
        return false;
      }
      try (FileChannel serverLockFile =
              FileChannel.open(
                  layout.serverLock(), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          FileLock serverLock = serverLockFile.lock()) {
        action.run();
      }
      return true;
    }
  }

  /**
   * Whether a start failed less than {@link #FAILED_START_PAUSE_MILLIS} ago (not in the future).
   */
  private static boolean failedRecently(CacheLayout layout) {
    try {
      long age =
          System.currentTimeMillis() - Files.getLastModifiedTime(layout.serverFailed()).toMillis();
      return age >= 0 && age < FAILED_START_PAUSE_MILLIS;
    } catch (IOException e) {
      return false; // none
    }
  }

  /**
   * Returns when the spawned server listens; throws when it exits with an error or takes too long.
   */
  private static void awaitStart(CacheLayout layout, Process p) throws IOException {
    long deadline = System.currentTimeMillis() + START_TIMEOUT_MILLIS;
    while (System.currentTimeMillis() < deadline) {
      SocketChannel ch = tryConnect(layout, false);
      if (ch != null) {
        ch.close();
        return;
      }
      if (!p.isAlive() && p.exitValue() != 0) {
        throw new IOException(
            "the distcache server exited with code "
                + p.exitValue()
                + " during start-up; see "
                + layout.serverOutput());
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while starting the distcache server");
      }
    }
    throw new IOException(
        "the distcache server did not start within "
            + START_TIMEOUT_MILLIS / 1000
            + " s; see "
            + layout.serverOutput());
  }

  private static Process spawn(CacheLayout layout, Launcher launcher) throws IOException {
    List<String> cmd = new ArrayList<>();
    if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
      cmd.add(
          "/usr/bin/setsid"); // own session: Ctrl-C in the build must not stop the shared server
    }
    cmd.addAll(ServerCommandLine.read(launcher.home(), layout.cacheDir()));
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .directory(
                layout
                    .cacheDir()
                    .toFile()) // not the build directory: it may be removed or unmounted
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectOutput(ProcessBuilder.Redirect.appendTo(layout.serverOutput().toFile()))
            .redirectError(ProcessBuilder.Redirect.appendTo(layout.serverOutput().toFile()));
    pb.environment().remove("DISTCACHE_DEPTH");
    return pb.start();
  }

  private static void closeQuietly(SocketChannel ch) {
    if (ch != null) {
      try {
        ch.close();
      } catch (IOException ignored) {
        // Nothing to do.
      }
    }
  }
}
