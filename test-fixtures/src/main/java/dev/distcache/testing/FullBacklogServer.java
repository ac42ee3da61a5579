package dev.distcache.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;

/**
 * A loopback port whose connections never complete: it listens with a backlog of one, never
 * accepts, and is filled with connections of its own, so that Linux drops every further SYN and a
 * client's connect hangs until its connect timeout, as it would towards a host that is down or
 * behind a firewall that drops packets. For connect-timeout tests ({@link StallingServer} is the
 * one for operation timeouts: it completes the handshake and then never answers).
 */
public final class FullBacklogServer implements AutoCloseable {
  private final ServerSocket server;
  private final List<Socket> fillers = new ArrayList<>();

  private FullBacklogServer(ServerSocket server) {
    this.server = server;
  }

  /** Listens on {@code address} (a 127.0.0.x address) and a free port and fills its backlog. */
  public static FullBacklogServer start(String address) throws IOException {
    FullBacklogServer s =
        new FullBacklogServer(new ServerSocket(0, 1, InetAddress.getByName(address)));
    try {
      // The kernel queues backlog + 1 completed connections; fill until a connect hangs.
      for (int i = 0; i < 16; i++) {
        Socket filler = new Socket();
        try {
          filler.connect(s.server.getLocalSocketAddress(), 500);
          s.fillers.add(filler);
        } catch (SocketTimeoutException full) {
          filler.close();
          return s;
        }
      }
      throw new IOException("the backlog of " + address + ":" + s.port() + " never filled");
    } catch (IOException e) {
      s.close();
      throw e;
    }
  }

  /** Listens on 127.0.0.1. */
  public static FullBacklogServer start() throws IOException {
    return start("127.0.0.1");
  }

  public int port() {
    return server.getLocalPort();
  }

  @Override
  public void close() {
    for (Socket s : fillers) {
      try {
        s.close();
      } catch (IOException e) {
        // nothing to do
      }
    }
    try {
      server.close();
    } catch (IOException e) {
      // nothing to do
    }
  }
}
