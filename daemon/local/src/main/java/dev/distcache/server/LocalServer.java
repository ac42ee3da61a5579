package dev.distcache.server;

import dev.distcache.cache.ResultStore;
import dev.distcache.cache.StoreException;
import dev.distcache.cache.StoreOpener;
import dev.distcache.core.CacheLayout;
import dev.distcache.core.compiler.CompilerLocator;
import dev.distcache.core.config.Config;
import dev.distcache.core.config.ConfigKey;
import dev.distcache.core.config.Values;
import dev.distcache.core.process.Cancellation;
import dev.distcache.core.process.ProcessRunner;
import dev.distcache.core.wire.ProtocolException;
import dev.distcache.core.wire.Reply;
import dev.distcache.core.wire.Request;
import dev.distcache.distribute.farm.Farm;
import dev.distcache.server.pipeline.CompilePipeline;
import dev.distcache.server.pipeline.ConfigNotes;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

/**
 * The local cache server of one cache directory: owns the store, listens on the Unix socket, and
 * serves compiles and administration for its own user only.
 *
 * <p>Concurrency: one platform thread accepts; each connection is served on its own virtual thread,
 * which may wait for the compiler processes it runs (whose pipes platform threads read, see {@link
 * dev.distcache.core.process.ProcessRunner}, so that hanging compilers hold no carrier thread) and
 * for the store's write lock (see RocksResultStore), but not for a silent client: a second virtual
 * thread closes a connection whose request is not complete within ten seconds (a complete one is
 * acknowledged at once, before any work on it), and a third watches a compile's connection and
 * stops the compile's processes when the client hangs up before its reply (see {@link
 * Cancellation}). A watchdog thread shuts the server down after {@code idle_timeout} with no
 * connection in progress. {@link #close} runs once: it stops accepting, waits (bounded) for
 * connections in progress, flushes the writes queued for the shared cache tier, then closes the
 * store, removes the socket and releases the lock, in that order.
 */
public final class LocalServer implements AutoCloseable {
  private static final long DRAIN_MILLIS = 30_000;

  /** A client has this long to send its whole request (a real client needs milliseconds). */
  private static final long REQUEST_MILLIS = 10_000;

  /**
   * Each connection's stream buffers. A request and a hit's reply are a few KiB; larger ones pass
   * through. 64 KiB a side cost every hit the zeroing of 128 KiB.
   */
  private static final int BUFFER = 1 << 13;

  /**
   * Runs the request deadlines: one timer for all connections, whose cancelled entries go at once,
   * rather than a sleeping thread per connection that an exception wakes on every request.
   */
  private static final ScheduledThreadPoolExecutor DEADLINES = deadlines();

  private static ScheduledThreadPoolExecutor deadlines() {
    ScheduledThreadPoolExecutor e =
        new ScheduledThreadPoolExecutor(
            1, r -> Thread.ofPlatform().daemon().name("distcache-deadlines").unstarted(r));
    e.setRemoveOnCancelPolicy(true);
    return e;
  }

  private final CacheLayout layout;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final ResultStore store;
  private final ServerSocketChannel server;
  private final CompilePipeline pipeline;
  private final AdminHandler admin;
  private final CountersKeeper counters;
  private final UserPrincipal owner;
  private final AtomicInteger active = new AtomicInteger();
  private final AtomicLong lastActivity = new AtomicLong(System.nanoTime());
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Object done = new Object();

  /** What to tell the first compile's client once (a damaged store moved aside), or null. */
  private final AtomicReference<String> notice;

  /** Where this server listens (chosen once: see CacheLayout.socket). */
  private final Path socket;

  /** The socket file this server bound (device and inode), to tell it from a later server's. */
  private final Object socketFile;

  /** Another server already holds the cache directory. */
  public static final class AlreadyRunningException extends IOException {
    AlreadyRunningException(Path dir) {
      super("a distcache server is already running for " + dir);
    }
  }

  private LocalServer(
      CacheLayout layout,
      FileChannel lockChannel,
      FileLock lock,
      ResultStore store,
      ServerSocketChannel server,
      Set<Path> selves,
      int serverUmask,
      Path socket,
      Object socketFile,
      String notice,
      ProcessRunner runner)
      throws IOException {
    this.layout = layout;
    this.socket = socket;
    this.notice = new AtomicReference<>(notice);
    this.socketFile = socketFile;
    this.lockChannel = lockChannel;
    this.lock = lock;
    this.store = store;
    this.server = server;
    ConfigNotes notes = new ConfigNotes();
    Farm farm = new Farm(runner, notes::record);
    CompilerLocator locator = new CompilerLocator(selves);
    this.pipeline = new CompilePipeline(layout, store, locator, serverUmask, notes, runner, farm);
    this.admin =
        new AdminHandler(
            layout,
            store,
            notes,
            farm,
            locator,
            this::close,
            serverUmask,
            pipeline::explain,
            pipeline.recent());
    this.counters = new CountersKeeper(layout, config -> admin.stats(config, false));
    counters.start();
    this.owner = Files.getOwner(layout.serverLock());
  }

  /** Takes the directory's lock, opens the store and starts listening. */
  public static LocalServer start(CacheLayout layout, Set<Path> selves, int serverUmask)
      throws IOException {
    return start(layout, selves, serverUmask, ProcessRunner.system());
  }

  /** The same, with the compiles' processes run by {@code runner}. */
  public static LocalServer start(
      CacheLayout layout, Set<Path> selves, int serverUmask, ProcessRunner runner)
      throws IOException {
    Files.createDirectories(layout.cacheDir());
    boolean readOnly = !layout.writable();
    if (readOnly && !Config.load(layout, System.getenv()).bool(ConfigKey.READ_ONLY)) {
      throw new IOException(
          "cannot write the cache directory "
              + layout.cacheDir()
              + "; set read_only = true (DISTCACHE_READONLY=1) to use its results without adding"
              + " to them");
    }
    if (layout.serverLock() == null) {
      throw new IOException(noSocketPlace(layout));
    }
    FileChannel lockChannel =
        FileChannel.open(layout.serverLock(), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock = lockChannel.tryLock();
    if (lock == null) {
      lockChannel.close();
      throw new AlreadyRunningException(layout.cacheDir());
    }
    ResultStore store = null;
    try {
      StoreOpener.Opened opened =
          readOnly
              ? StoreOpener.openReadOnly(layout.storeDir(), InstantSource.system())
              : StoreOpener.open(layout.storeDir(), InstantSource.system());
      store = opened.store();
      // -z may have zeroed the file while none ran
      CountersKeeper.restore(layout, store, opened.notice().isPresent());
      if (!readOnly) {
        shareStore(layout, Config.load(layout, System.getenv()).umask());
      }
      String notice = opened.notice().map(n -> "distcache: " + n).orElse(null);
      if (notice != null) {
        System.err.println(Instant.now() + " " + notice); // server.out, the server's log
      }
      Path socket = layout.socket();
      if (socket == null) {
        throw new IOException(noSocketPlace(layout));
      }
      Files.createDirectories(socket.getParent());
      Files.deleteIfExists(socket); // stale: whoever made it no longer holds the lock
      ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
      server.bind(UnixDomainSocketAddress.of(socket));
      Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
      return new LocalServer(
          layout,
          lockChannel,
          lock,
          store,
          server,
          selves,
          serverUmask,
          socket,
          fileKey(socket),
          notice,
          runner);
    } catch (IOException | RuntimeException e) {
      if (store != null) {
        store.close();
      }
      lock.release();
      lockChannel.close();
      throw e;
    }
  }

  /**
   * Gives the store directory the mode ccache's {@code umask} gives a cache directory (0777 less
   * it) when one is configured, so that a cache shared with {@code umask = 022} can be read by
   * other users (read-only, see CacheLayout.writable); else it stays private, mode 0700. RocksDB
   * creates the files inside with the server's own umask, that of the client that started it (Java
   * 21 cannot change a process's umask).
   */
  private static void shareStore(CacheLayout layout, java.util.OptionalInt umask)
      throws IOException {
    if (umask.isPresent()) {
      Files.setPosixFilePermissions(
          layout.storeDir(),
          PosixFilePermissions.fromString(Values.modeText(0777 & ~umask.getAsInt())));
    }
  }

  private static String noSocketPlace(CacheLayout layout) {
    return "no private directory for the socket of "
        + layout.cacheDir()
        + " (XDG_RUNTIME_DIR, /tmp/distcache-$USER and ~/.cache/distcache-run are missing, another"
        + " user's, or open to others); use a shorter cache directory";
  }

  /** Accepts connections until closed; returns when the server has shut down. */
  public void serve(long idleTimeoutSeconds) {
    Thread.ofPlatform().daemon().name("distcache-idle").start(() -> watchIdle(idleTimeoutSeconds));
    while (!closed.get()) {
      SocketChannel ch;
      try {
        ch = server.accept();
      } catch (IOException e) {
        break; // closed
      }
      active.incrementAndGet();
      lastActivity.set(System.nanoTime());
      Thread.ofVirtual()
          .start(() -> {
            try {
              serveConnection(ch);
            } finally {
              lastActivity.set(System.nanoTime());
              active.decrementAndGet();
            }
          });
    }
    synchronized (done) {
      while (!lockReleased) {
        try {
          done.wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  private volatile boolean lockReleased;

  /** How long a connection waits for its hang-up watcher to end after the reply. */
  private static final Duration WATCHER_END = Duration.ofMillis(200);

  private void serveConnection(SocketChannel ch) {
    try (ch) {
      UnixDomainPrincipal peer = ch.getOption(ExtendedSocketOptions.SO_PEERCRED);
      String user = peer.user().getName();
      boolean own = user.equals(owner.getName());
      if (!own && !user.equals("root")) {
        System.err.println("distcache server: refused a connection from user " + user);
        return;
      }
      DataInputStream in =
          new DataInputStream(new BufferedInputStream(Channels.newInputStream(ch), BUFFER));
      Future<?> deadline =
          DEADLINES.schedule(() -> closeLate(ch), REQUEST_MILLIS, TimeUnit.MILLISECONDS);
      Request req;
      try {
        req = Request.readFrom(in);
      } finally {
        deadline.cancel(false);
      }
      if (!own && !ForeignAdmin.allows(req)) {
        // Root administers the server of its group's cache directory (-s, -z, -C); a compile or
        // --extract-result would have this user write into root's directories (never done).
        System.err.println("distcache server: refused a request of user root: " + req.mode());
        return;
      }
      DataOutputStream out =
          new DataOutputStream(new BufferedOutputStream(Channels.newOutputStream(ch), BUFFER));
      Reply.writeAcknowledgement(
          out); // at once: the client bounds its wait for it, not for the compile
      Reply reply;
      AtomicBoolean replied = new AtomicBoolean();
      Thread watcher = null;
      if (req.mode() == Request.Mode.COMPILE) {
        Cancellation cancellation = new Cancellation();
        watcher = Thread.ofVirtual().start(() -> cancelOnHangUp(ch, cancellation, replied));
        reply = cancellation.within(() -> pipeline.handle(req));
        if (cancellation.isCancelled()) {
          System.err.println("distcache server: a client went away; stopped its compile");
          return;
        }
        reply = withNotice(reply);
      } else {
        try {
          reply = admin.handle(req);
        } catch (StoreException e) {
          // Said to the user, not dropped: a read-only store refuses -z and -C, say.
          reply = Reply.failed(e.getMessage());
        }
        counters.write(); // at once after -z, -C or a cleanup, not a second later
      }
      reply.writeBody(out);
      // The hang-up watcher reads end-of-stream and ends before the channel is closed: closing it
      // under the watcher's read would cost an exception on every compile.
      replied.set(true);
      try {
        ch.shutdownInput();
        if (watcher != null) {
          watcher.join(WATCHER_END);
        }
      } catch (IOException e) {
        // The client has gone already; closing follows.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    } catch (java.io.EOFException e) {
      // A client probing whether the server listens connects and hangs up; nothing to do.
    } catch (ProtocolException e) {
      System.err.println("distcache server: dropped a malformed request: " + e.getMessage());
    } catch (IOException | RuntimeException e) {
      // The client went away or the store failed; the client compiles by itself.
      System.err.println("distcache server: connection failed: " + e);
    }
  }

  /**
   * The first compile result after a start that moved a damaged store aside carries one note that
   * says so, written where distcache's own messages go (never into the compiler's stderr, which a
   * wrapping ccache would cache); every later reply is the compiler's alone. A client that gets no
   * result (it compiles by itself) does not take the notice.
   */
  private Reply withNotice(Reply reply) {
    if (reply.kind() != Reply.Kind.RESULT || notice.get() == null) {
      return reply;
    }
    String line = notice.getAndSet(null);
    if (line == null) {
      return reply;
    }
    byte[] add = (line + "\n").getBytes(StandardCharsets.UTF_8);
    byte[] note = Arrays.copyOf(reply.note(), reply.note().length + add.length);
    System.arraycopy(add, 0, note, reply.note().length, add.length);
    return reply.withNote(note);
  }

  /**
   * Waits for the client to hang up before its reply (it sends nothing after its request; Ctrl-C
   * closes the connection) and then stops the compile. Returns without cancelling when the server
   * closes the connection itself, or shuts its input down, after the reply ({@code replied}).
   */
  private static void cancelOnHangUp(
      SocketChannel ch, Cancellation cancellation, AtomicBoolean replied) {
    ByteBuffer ignored = ByteBuffer.allocate(64);
    try {
      while (ch.read(ignored.clear()) >= 0) {
        // A client sends nothing more; anything that comes is ignored.
      }
    } catch (ClosedChannelException e) {
      return; // closed here, after the reply
    } catch (IOException e) {
      // Reset by the peer: gone as well.
    }
    if (ch.isOpen() && !replied.get()) {
      cancellation.cancel();
    }
  }

  /**
   * Closes a connection whose request is still incomplete after {@link #REQUEST_MILLIS}, unblocking
   * its reader.
   */
  private static void closeLate(SocketChannel ch) {
    try {
      System.err.println(
          "distcache server: dropped a client that sent no complete request in "
              + REQUEST_MILLIS
              + " ms");
      ch.close();
    } catch (IOException e) {
      // Already closed.
    }
  }

  /**
   * The identity of a file: its device, inode and change time, or null when it cannot be read. The
   * inode number alone is not enough: once this server closes its socket, the kernel may give the
   * freed number to the socket a later server binds at the same path (a cache directory removed and
   * made again), and this server must never take that one for its own.
   */
  private static Object fileKey(Path file) {
    try {
      return Files.readAttributes(file, "unix:dev,ino,ctime", LinkOption.NOFOLLOW_LINKS);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** Whether the socket path still names the socket file this server bound. */
  private boolean ownsSocketFile() {
    return socketFile == null || socketFile.equals(fileKey(socket));
  }

  private void watchIdle(long idleTimeoutSeconds) {
    long idleNanos = idleTimeoutSeconds * 1_000_000_000L;
    while (!closed.get()) {
      try {
        Thread.sleep(Math.min(1000, Math.max(50, idleTimeoutSeconds * 250)));
      } catch (InterruptedException e) {
        return;
      }
      if (idleTimeoutSeconds > 0
          && active.get() == 0
          && System.nanoTime() - lastActivity.get() > idleNanos) {
        close();
      } else if (active.get() == 0 && !ownsSocketFile()) {
        // The cache directory was removed (rm -rf, -C by hand) and perhaps a new server started in
        // its place: nobody can reach this one any more.
        System.err.println(
            "distcache server: the socket " + socket + " is gone or not mine; stopping");
        close();
      }
    }
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      server.close();
    } catch (IOException ignored) {
      // Already closed.
    }
    long deadline = System.nanoTime() + DRAIN_MILLIS * 1_000_000L;
    while (active.get() > 0 && System.nanoTime() < deadline) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    admin.close(); // the web monitor, before the store it reads
    pipeline.close(); // the shared tier's queued writes, counted into the store
    counters.close();
    try {
      store.close();
    } catch (RuntimeException e) {
      // A store that cannot flush (a full disk) has still released its handles; finish shutting
      // down.
      System.err.println("distcache server: closing the store: " + e.getMessage());
    }
    try {
      if (ownsSocketFile()) { // never a later server's socket at the same path
        Files.deleteIfExists(socket);
      }
      lock.release();
      lockChannel.close();
    } catch (IOException ignored) {
      // The process is about to exit; the kernel drops the lock anyway.
    }
    synchronized (done) {
      lockReleased = true;
      done.notifyAll();
    }
  }
}
