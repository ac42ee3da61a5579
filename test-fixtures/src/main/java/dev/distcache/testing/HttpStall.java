package dev.distcache.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * A loopback TCP server that accepts every connection and then never answers: the server of a
 * shared cache that hangs (a stuck process, a full disk, a proxy whose upstream is gone). It reads
 * nothing and writes nothing but an optional greeting sent on accepting, e.g. the status line and
 * headers of an HTTP response whose body then never comes. Connections stay open until {@link
 * #close()}. Named apart from the Redis tests' {@code StallingServer}; it speaks no protocol, so
 * any client's timeout tests can use it.
 */
public final class HttpStall implements AutoCloseable {
  public final String address;
  public final int port;

  private final ServerSocket server;
  private final byte[] greeting;
  private final List<Socket> accepted = new ArrayList<>();
  private final Thread acceptor;

  private HttpStall(ServerSocket server, String address, byte[] greeting) {
    this.server = server;
    this.address = address;
    this.port = server.getLocalPort();
    this.greeting = greeting.clone();
    this.acceptor = Thread.ofPlatform().daemon().name("http-stall-" + port).start(this::accept);
  }

  /** Listens on {@code address} (127.0.0.x), a free port, and says nothing to what connects. */
  public static HttpStall start(String address) throws IOException {
    return start(address, new byte[0]);
  }

  /** Listens on {@code address}, sends {@code greeting} to each connection, then stalls. */
  public static HttpStall start(String address, byte[] greeting) throws IOException {
    ServerSocket server = new ServerSocket(0, 50, InetAddress.getByName(address));
    return new HttpStall(server, address, greeting);
  }

  /** {@code http://address:port} followed by {@code path}. */
  public String url(String path) {
    return "http://" + address + ":" + port + path;
  }

  /** How many connections it has accepted so far. */
  public synchronized int connections() {
    return accepted.size();
  }

  /** Stops listening and closes every accepted connection. Idempotent. */
  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException e) {
      // closing anyway
    }
    synchronized (this) {
      for (Socket s : accepted) {
        try {
          s.close();
        } catch (IOException e) {
          // closing anyway
        }
      }
    }
    try {
      acceptor.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        synchronized (this) {
          accepted.add(s);
          if (server.isClosed()) { // close() ran between accept and here
            s.close();
            return;
          }
        }
        if (greeting.length > 0) {
          s.getOutputStream().write(greeting);
          s.getOutputStream().flush();
        }
      } catch (IOException e) {
        // closed, or the client went away before the greeting: keep accepting until closed
      }
    }
  }
}
