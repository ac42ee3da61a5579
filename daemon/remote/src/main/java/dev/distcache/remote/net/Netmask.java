package dev.distcache.remote.net;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * One {@code --allow ADDR[/BITS]} entry: an IPv4 or IPv6 network. Written as distccd reads it: a
 * numeric address (no host names), an optional prefix length (32 or 128 when absent); bits below
 * the prefix in the address are ignored. An IPv4 client reaching an IPv6 socket as {@code
 * ::ffff:a.b.c.d} matches IPv4 networks.
 */
public record Netmask(byte[] network, int bits) {

  public Netmask {
    network = network.clone();
  }

  /** Parses {@code ADDR[/BITS]}; the message of the exception says what is wrong. */
  public static Netmask parse(String text) throws IllegalArgumentException {
    int slash = text.indexOf('/');
    String addr = slash < 0 ? text : text.substring(0, slash);
    byte[] bytes = numeric(addr, text);
    int max = bytes.length * 8;
    int bits = max;
    if (slash >= 0) {
      String b = text.substring(slash + 1);
      if (b.isEmpty() || !b.chars().allMatch(Character::isDigit) || b.length() > 3) {
        throw new IllegalArgumentException(
            "invalid mask \"" + b + "\" in \"" + text + "\" (expected 0 to " + max + ")");
      }
      bits = Integer.parseInt(b);
      if (bits > max) {
        throw new IllegalArgumentException(
            "invalid mask \""
                + b
                + "\" in \""
                + text
                + "\" (at most "
                + max
                + " for "
                + (max == 32 ? "IPv4" : "IPv6")
                + ")");
      }
    }
    return new Netmask(masked(bytes, bits), bits);
  }

  /** True when {@code address} is inside this network. */
  boolean contains(InetAddress address) {
    byte[] a = canonical(address).getAddress();
    return a.length == network.length && Arrays.equals(masked(a, bits), network);
  }

  /** An IPv4-mapped IPv6 address as the IPv4 address it carries; others unchanged. */
  public static InetAddress canonical(InetAddress address) {
    if (address instanceof Inet6Address v6) {
      byte[] b = v6.getAddress();
      boolean mapped = true;
      for (int i = 0; i < 10; i++) {
        mapped &= b[i] == 0;
      }
      if (mapped && b[10] == (byte) 0xff && b[11] == (byte) 0xff) {
        try {
          return InetAddress.getByAddress(Arrays.copyOfRange(b, 12, 16));
        } catch (UnknownHostException e) {
          throw new IllegalStateException(e);
        }
      }
    }
    return address;
  }

  private static byte[] numeric(String addr, String text) {
    boolean v4 = addr.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
    boolean v6 = !v4 && addr.contains(":") && addr.matches("[0-9A-Fa-f:.]+");
    if (!v4 && !v6) {
      throw new IllegalArgumentException(
          "can't parse internet address \""
              + addr
              + "\" in \""
              + text
              + "\" (give a numeric IPv4 or IPv6 address, optionally with /BITS)");
    }
    if (v4) {
      for (String part : addr.split("\\.")) {
        if (Integer.parseInt(part) > 255) {
          throw new IllegalArgumentException(
              "can't parse internet address \"" + addr + "\": " + part + " is over 255");
        }
      }
    }
    try {
      // Numeric only (checked above), so no name lookup; ::ffff:a.b.c.d comes back as IPv4.
      return InetAddress.getByName(addr).getAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(
          "can't parse internet address \"" + addr + "\" in \"" + text + "\"");
    }
  }

  private static byte[] masked(byte[] address, int bits) {
    byte[] out = address.clone();
    for (int i = 0; i < out.length; i++) {
      int keep = Math.max(0, Math.min(8, bits - 8 * i));
      out[i] &= (byte) (0xff << (8 - keep));
    }
    return out;
  }

  @Override
  public byte[] network() {
    return network.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Netmask m && m.bits == bits && Arrays.equals(m.network, network);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(network) * 31 + bits;
  }

  @Override
  public String toString() {
    try {
      return InetAddress.getByAddress(network).getHostAddress() + "/" + bits;
    } catch (UnknownHostException e) {
      return Arrays.toString(network) + "/" + bits;
    }
  }
}
