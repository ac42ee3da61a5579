package dev.distcache.remote.net;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicBoolean;

/** A job's TCP connection, plain or over TLS. The caller owns the socket and closes it. */
public final class TcpChannel implements JobChannel {
  private final Socket socket;
  private final Socket raw;
  private final InputStream in;
  private final String client;

  public TcpChannel(Socket socket) throws IOException {
    this(socket, socket);
  }

  /**
   * A channel over {@code socket} (a TLS socket layered over {@code raw}); {@link #abort} closes
   * {@code raw}, which ends a blocked TLS read or write at once.
   */
  public TcpChannel(Socket socket, Socket raw) throws IOException {
    this.socket = socket;
    this.raw = raw;
    this.in = new BufferedInputStream(socket.getInputStream(), 64 << 10);
    this.client = describe((InetSocketAddress) raw.getRemoteSocketAddress());
  }

  /**
   * The bytes read ahead of the reader and no more (what is buffered and what the socket holds
   * already, so it never blocks): handed to TLS when it takes the connection over.
   */
  public byte[] readAhead() throws IOException {
    return in.readNBytes(in.available());
  }

  public static String describe(InetSocketAddress a) {
    String host = Netmask.canonical(a.getAddress()).getHostAddress();
    return (Netmask.canonical(a.getAddress()) instanceof Inet6Address ? "[" + host + "]" : host)
        + ":"
        + a.getPort();
  }

  @Override
  public InputStream in() {
    return in;
  }

  @Override
  public OutputStream out() {
    try {
      return socket.getOutputStream();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public String client() {
    return client;
  }

  @Override
  public void abort() {
    try {
      raw.close();
    } catch (IOException e) {
      // Closed already.
    }
  }

  @Override
  public AutoCloseable watch(Runnable onGone) {
    // Not interrupted when the job ends: interrupting a virtual thread in a socket read closes the
    // socket, and the reply is still to be written. It ends when the socket closes.
    AtomicBoolean stopped = new AtomicBoolean();
    Thread.ofVirtual()
        .name("distcache-daemon-watch")
        .start(() -> {
          try {
            if (in.read() >= 0) {
              return; // a client that sends more than its request is not gone; stop watching
            }
          } catch (IOException e) {
            // reset or closed: gone, unless the job has finished and closed the socket itself
          }
          if (!stopped.get()) {
            onGone.run();
          }
        });
    return () -> stopped.set(true);
  }
}
