package dev.distcache.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Loopback addresses (127.0.0.x) for servers the tests start. */
public final class Loopback {
  private Loopback() {}

  /** A port nothing listens on right now, on {@code address}. */
  public static int freePort(String address) throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(address))) {
      return s.getLocalPort();
    }
  }
}
