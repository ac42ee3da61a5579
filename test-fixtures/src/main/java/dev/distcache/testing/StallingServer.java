package dev.distcache.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * A loopback TCP server that accepts every connection and never answers: it reads and discards
 * whatever the client sends until the client goes away. What a hung server, a stopped VM or a
 * firewall that lets the handshake through looks like to a client; the timeout tests of every
 * remote storage backend use it. Accepting happens on a daemon thread, so a test that forgets to
 * close it does not keep the JVM alive.
 */
public final class StallingServer implements AutoCloseable {
  private final ServerSocket server;
  private final List<Socket> accepted = new ArrayList<>();
  private boolean closed;

  private StallingServer(ServerSocket server) {
    this.server = server;
  }

  /** Starts a stalling server on {@code address} (a 127.0.0.x address) and a free port. */
  public static StallingServer start(String address) throws IOException {
    StallingServer s = new StallingServer(new ServerSocket(0, 50, InetAddress.getByName(address)));
    Thread t = new Thread(s::acceptLoop, "stalling-server-" + s.port());
    t.setDaemon(true);
    t.start();
    return s;
  }

  /** Starts a stalling server on 127.0.0.1. */
  public static StallingServer start() throws IOException {
    return start("127.0.0.1");
  }

  public int port() {
    return server.getLocalPort();
  }

  public String address() {
    return server.getInetAddress().getHostAddress();
  }

  /** How many connections it has accepted so far. */
  public synchronized int connections() {
    return accepted.size();
  }

  private void acceptLoop() {
    while (true) {
      Socket s;
      try {
        s = server.accept();
      } catch (IOException e) {
        return; // closed
      }
      synchronized (this) {
        if (closed) {
          closeQuietly(s);
          return;
        }
        accepted.add(s);
      }
      Thread drain = new Thread(() -> discard(s), "stalling-server-drain");
      drain.setDaemon(true);
      drain.start();
    }
  }

  private static void discard(Socket s) {
    byte[] buffer = new byte[64 * 1024];
    try (InputStream in = s.getInputStream()) {
      while (in.read(buffer) >= 0) {
        // never answer
      }
    } catch (IOException e) {
      // the client or close() went away
    }
  }

  /** Stops accepting and drops every connection it holds. */
  @Override
  public void close() {
    List<Socket> open;
    synchronized (this) {
      closed = true;
      open = List.copyOf(accepted);
    }
    closeQuietly(server);
    open.forEach(StallingServer::closeQuietly);
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      // nothing to do
    }
  }
}
