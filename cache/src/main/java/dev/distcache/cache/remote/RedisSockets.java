package dev.distcache.cache.remote;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;
import redis.clients.jedis.JedisSocketFactory;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * The sockets Jedis talks to Redis over: TCP, or a Unix socket through junixsocket (whose {@link
 * AFUNIXSocket} is a {@link Socket}, which is all Jedis needs). Each connects within the connect
 * timeout and sets {@code SO_TIMEOUT} to the operation timeout, which Jedis then applies to every
 * read of the connection. A failure is a {@link JedisConnectionException} whose cause is the
 * socket's own exception (a {@link java.net.SocketTimeoutException} for a timeout), so that the
 * backend can tell a timeout from a refusal.
 */
final class RedisSockets {
  private RedisSockets() {}

  /** Connects to {@code host:port}, trying its addresses in order, as a resolver lists them. */
  static JedisSocketFactory tcp(String host, int port, Duration connect, Duration operation) {
    int connectMillis = millis(connect);
    int operationMillis = millis(operation);
    return () -> {
      InetAddress[] addresses;
      try {
        addresses = InetAddress.getAllByName(host);
      } catch (UnknownHostException e) {
        throw new JedisConnectionException("unknown host " + host, e);
      }
      IOException last = null;
      for (InetAddress address : addresses) {
        Socket socket = new Socket();
        try {
          socket.setTcpNoDelay(true); // one small request, one answer: no Nagle delay
          socket.setKeepAlive(true);
          socket.connect(new InetSocketAddress(address, port), connectMillis);
          socket.setSoTimeout(operationMillis);
          return socket;
        } catch (IOException e) {
          closeQuietly(socket);
          if (last != null) {
            e.addSuppressed(last);
          }
          last = e;
        }
      }
      throw new JedisConnectionException("cannot connect to " + host + ":" + port, last);
    };
  }

  /** Connects to the Unix socket {@code path}. */
  static JedisSocketFactory unix(Path path, Duration connect, Duration operation) {
    int connectMillis = millis(connect);
    int operationMillis = millis(operation);
    return () -> {
      Socket socket = null;
      try {
        socket = AFUNIXSocket.newInstance();
        socket.connect(AFUNIXSocketAddress.of(path), connectMillis);
        socket.setSoTimeout(operationMillis);
        return socket;
      } catch (IOException | RuntimeException e) {
        closeQuietly(socket);
        throw new JedisConnectionException("cannot connect to Unix socket " + path, e);
      }
    };
  }

  private static int millis(Duration d) {
    return (int) Math.min(Integer.MAX_VALUE, Math.max(1, d.toMillis()));
  }

  private static void closeQuietly(Socket socket) {
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException e) {
        // nothing to do
      }
    }
  }
}
