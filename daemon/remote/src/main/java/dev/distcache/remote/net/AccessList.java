package dev.distcache.remote.net;

import java.net.InetAddress;
import java.util.List;

/**
 * Who may use the daemon: the {@code --allow} networks, or loopback only when none was given.
 * Unlike distccd 3.4, which then allows every private network, distcache opens nothing beyond the
 * machine itself until told to.
 */
public record AccessList(List<Netmask> networks, boolean explicit) {
  static final List<Netmask> LOOPBACK =
      List.of(Netmask.parse("127.0.0.0/8"), Netmask.parse("::1/128"));

  /** distccd's {@code --allow-private} networks. */
  public static final List<Netmask> PRIVATE =
      List.of(
          Netmask.parse("192.168.0.0/16"),
          Netmask.parse("10.0.0.0/8"),
          Netmask.parse("172.16.0.0/12"),
          Netmask.parse("127.0.0.0/8"),
          Netmask.parse("fe80::/10"),
          Netmask.parse("fc00::/7"),
          Netmask.parse("::1/128"));

  public AccessList {
    networks = List.copyOf(networks);
  }

  /** The networks given, or loopback when the list is empty. */
  public static AccessList of(List<Netmask> given) {
    return given.isEmpty() ? new AccessList(LOOPBACK, false) : new AccessList(given, true);
  }

  public boolean allows(InetAddress address) {
    for (Netmask n : networks) {
      if (n.contains(address)) {
        return true;
      }
    }
    return false;
  }
}
