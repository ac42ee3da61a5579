package dev.distcache.remote.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class NetmaskTest {
  @Test
  void hostBitsBelowThePrefix_areIgnored() throws Exception {
    Netmask m = Netmask.parse("192.168.1.77/24");
    assertEquals("192.168.1.0/24", m.toString());
    assertTrue(m.contains(InetAddress.getByName("192.168.1.1")));
    assertFalse(m.contains(InetAddress.getByName("192.168.2.1")));
  }

  @Test
  void noPrefix_isOneHost() throws Exception {
    Netmask m = Netmask.parse("127.0.0.2");
    assertTrue(m.contains(InetAddress.getByName("127.0.0.2")));
    assertFalse(m.contains(InetAddress.getByName("127.0.0.1")));
  }

  @Test
  void ipv4NetworksMatchIpv4MappedClients_andNotIpv6Ones() throws Exception {
    Netmask m = Netmask.parse("10.0.0.0/8");
    assertTrue(
        m.contains(
            InetAddress.getByAddress(
                new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1, 10, 1, 2, 3})));
    assertFalse(m.contains(InetAddress.getByName("::1")));
    assertFalse(Netmask.parse("::1").contains(InetAddress.getByName("127.0.0.1")));
  }

  @Test
  void ipv6Prefixes() throws Exception {
    Netmask m = Netmask.parse("2001:db8:ab00::/40");
    assertTrue(m.contains(InetAddress.getByName("2001:db8:abff::1")));
    assertFalse(m.contains(InetAddress.getByName("2001:db8:ac00::1")));
    assertTrue(Netmask.parse("::/0").contains(InetAddress.getByName("fe80::1")));
    assertTrue(Netmask.parse("0.0.0.0/0").contains(InetAddress.getByName("8.8.8.8")));
  }
}
