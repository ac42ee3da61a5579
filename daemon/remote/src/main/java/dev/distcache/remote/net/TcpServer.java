package dev.distcache.remote.net;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A TCP listener that hands each accepted connection to a virtual thread. Used for the job port and
 * the stats port.
 *
 * <p>Threads: the caller of {@link #serve} accepts; each connection runs on its own virtual thread,
 * which may block on the client, on a job slot (the job port's handler takes one of {@code -j}),
 * and on the compiler. {@link #close} stops accepting and waits (bounded) for the connections in
 * progress.
 */
public final class TcpServer implements AutoCloseable {
  private static final long DRAIN_MILLIS = 30_000;

  private final ServerSocket server;
  private final Consumer<Socket> handler;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicInteger active = new AtomicInteger();

  private TcpServer(ServerSocket server, Consumer<Socket> handler) {
    this.server = server;
    this.handler = handler;
  }

  /**
   * Listens on {@code listen} (null: every address) and {@code port}; the handler owns and closes
   * each socket.
   */
  public static TcpServer bind(String listen, int port, Consumer<Socket> handler)
      throws IOException {
    ServerSocket s = new ServerSocket();
    try {
      s.setReuseAddress(true);
      InetAddress address = listen == null ? null : InetAddress.getByName(listen);
      s.bind(new InetSocketAddress(address, port), 128);
      return new TcpServer(s, handler);
    } catch (IOException e) {
      s.close();
      throw new IOException(
          "cannot listen on "
              + (listen == null ? "port " : listen + ":")
              + port
              + ": "
              + e.getMessage()
              + (e.getMessage() != null && e.getMessage().contains("in use")
                  ? " (another daemon, or distccd, is probably listening there; give --port)"
                  : ""),
          e);
    }
  }

  /** The address and port it listens on, as distccd logs them. */
  public String where() {
    return server.getInetAddress().getHostAddress() + ":" + server.getLocalPort();
  }

  int port() {
    return server.getLocalPort();
  }

  /** Accepts until closed. */
  public void serve() {
    while (!closed.get()) {
      Socket s;
      try {
        s = server.accept();
      } catch (IOException e) {
        if (closed.get()) {
          return;
        }
        continue; // a connection that failed while being accepted; keep serving the others
      }
      active.incrementAndGet();
      Thread.ofVirtual()
          .name("distcache-daemon-connection")
          .start(() -> {
            try {
              handler.accept(s);
            } finally {
              active.decrementAndGet();
            }
          });
    }
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      server.close();
    } catch (IOException e) {
      // Already closed.
    }
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DRAIN_MILLIS);
    while (active.get() > 0 && System.nanoTime() < deadline) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /**
   * Job slots: at most {@code jobs} run at once; beyond {@code jobs + waiting} connections are
   * turned away.
   */
  public static final class Slots {
    private final Semaphore running;
    private final int maxWaiting;
    private final AtomicInteger waiting = new AtomicInteger();

    public Slots(int jobs, int maxWaiting) {
      this.running = new Semaphore(jobs, true);
      this.maxWaiting = maxWaiting;
    }

    /**
     * Takes a slot, waiting for one; false (nothing taken) when too many connections already wait.
     */
    public boolean acquire() throws InterruptedException {
      if (running.tryAcquire()) {
        return true;
      }
      if (waiting.incrementAndGet() > maxWaiting) {
        waiting.decrementAndGet();
        return false;
      }
      try {
        running.acquire();
        return true;
      } finally {
        waiting.decrementAndGet();
      }
    }

    public void release() {
      running.release();
    }
  }
}
