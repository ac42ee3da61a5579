package dev.distcache.cli.client;

import dev.distcache.core.CacheLayout;
import java.io.File;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.List;
import jdk.net.ExtendedSocketOptions;

/**
 * Connects to the local server of a cache directory, starting it first when nobody answers.
 * Starting happens under a file lock, so concurrent first uses (make -j32) start exactly one server.
 */
public final class ServerConnection {
  private static final long START_TIMEOUT_MILLIS = 20_000;

  private ServerConnection() {}

  /** The server listening at the socket runs as another user: nothing may be sent to it. */
  public static final class ForeignServerException extends IOException {
    ForeignServerException(Path socket, String user) {
      super("distcache: the server at " + socket + " runs as user " + user
          + ", not as you; not sending it anything (compiling here instead)");
    }
  }

  /** Where the server listens; throws when there is no private place for its socket (CacheLayout.socket). */
  static Path socket(CacheLayout layout) throws IOException {
    Path socket = layout.socket();
    if (socket == null) {
      throw new IOException("no private directory for the distcache server's socket");
    }
    return socket;
  }

  /**
   * Connects, or returns null when no server is listening. Throws {@link ForeignServerException}
   * when the one listening runs as another user (SO_PEERCRED, which the server checks as well).
   */
  public static SocketChannel tryConnect(CacheLayout layout) throws IOException {
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
    if (!peer.equals(Files.getOwner(Path.of("/proc/self")))) {
      closeQuietly(ch);
      throw new ForeignServerException(socket, peer.getName());
    }
    return ch;
  }

  /** Connects, starting the server if needed; throws when it cannot be reached or started. */
  public static SocketChannel connect(CacheLayout layout, Launcher launcher) throws IOException {
    SocketChannel ch = tryConnect(layout);
    if (ch != null) {
      return ch;
    }
    start(layout, launcher);
    ch = tryConnect(layout);
    if (ch == null) {
      throw new IOException("the distcache server started but does not accept connections at " + socket(layout));
    }
    return ch;
  }

  /**
   * Starts a server for the cache directory unless one is running; returns when it listens. The
   * start lock is a POSIX record lock, which the native client takes with fcntl(F_SETLKW).
   */
  @SuppressWarnings("try") // the lock is held for the block's duration, never read
  public static void start(CacheLayout layout, Launcher launcher) throws IOException {
    if (launcher.home() == null) {
      throw new IOException("distcache.home is not set; run distcache through bin/distcache");
    }
    Files.createDirectories(layout.cacheDir());
    socket(layout); // a private place for it exists (CacheLayout.socket makes it)
    try (FileChannel lockFile = FileChannel.open(layout.startLock(), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = lockFile.lock()) {
      SocketChannel existing = tryConnect(layout);
      if (existing != null) {
        existing.close();
        return;
      }
      Process p = spawn(layout, launcher);
      long deadline = System.currentTimeMillis() + START_TIMEOUT_MILLIS;
      while (System.currentTimeMillis() < deadline) {
        SocketChannel ch = tryConnect(layout);
        if (ch != null) {
          ch.close();
          return;
        }
        if (!p.isAlive() && p.exitValue() != 0) {
          throw new IOException("the distcache server exited with code " + p.exitValue()
              + " during start-up; see " + layout.serverOutput());
        }
        try {
          Thread.sleep(10);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted while starting the distcache server");
        }
      }
      throw new IOException("the distcache server did not start within " + START_TIMEOUT_MILLIS / 1000
          + " s; see " + layout.serverOutput());
    }
  }

  private static Process spawn(CacheLayout layout, Launcher launcher) throws IOException {
    List<String> cmd = new ArrayList<>();
    if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
      cmd.add("/usr/bin/setsid"); // own session: Ctrl-C in the build must not stop the shared server
    }
    cmd.addAll(ServerCommandLine.read(launcher.home(), layout.cacheDir()));
    ProcessBuilder pb = new ProcessBuilder(cmd)
        .directory(layout.cacheDir().toFile()) // not the build directory: it may be removed or unmounted
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
