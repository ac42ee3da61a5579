package dev.distcache.distribute.farm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.distribute.hosts.HostList;
import dev.distcache.distribute.hosts.HostSpec;
import dev.distcache.distribute.hosts.HostsParser;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FarmHostsTest {
  @Test
  void sourcesGoOnlyToDistcacheDaemons() throws Exception {
    HostList list =
        HostsParser.parse(
            "localhost/2 127.0.0.2:1000/3,lzo 127.0.0.3:1000,distcache 127.0.0.4:1000,distcache,tls",
            "test");
    assertEquals(
        List.of("localhost/2", "127.0.0.3:1000/4,distcache", "127.0.0.4:1000/4,tls"),
        Farm.sourceHosts(list).orElseThrow().hosts().stream().map(HostSpec::toString).toList());
    assertEquals(
        Optional.empty(),
        Farm.sourceHosts(HostsParser.parse("localhost/2 127.0.0.2:1000/3,lzo", "test")));
  }

  @Test
  void unusableEntriesDropped_noRemoteHostLeft_meansNoFarm() throws Exception {
    HostList list =
        HostsParser.parse(
            "localhost/2 127.0.0.2:1000,down @buildbox 127.0.0.3:1000/3,lzo"
                + " me@down,down 127.0.0.4:1000,distcache me@box2,distcache",
            "test");
    assertEquals(
        List.of("localhost/2", "@buildbox/4", "127.0.0.3:1000/3,lzo", "127.0.0.4:1000/4,distcache"),
        Farm.usable(list, "").orElseThrow().hosts().stream().map(HostSpec::toString).toList());
    assertEquals(
        Optional.empty(),
        Farm.usable(HostsParser.parse("localhost/2 127.0.0.2:1000,down", "test"), ""));
    assertEquals(Optional.empty(), Farm.usable(HostsParser.parse("", "test"), ""));
    assertEquals(
        List.of("me@buildbox/1:/opt/distccd"),
        Farm.usable(HostsParser.parse("me@buildbox/1:/opt/distccd", "test"), "")
            .orElseThrow()
            .hosts()
            .stream()
            .map(HostSpec::toString)
            .toList());
  }

  @Test
  void distcacheHosts_areKept_forTheNativeProtocol() throws Exception {
    HostList list = HostsParser.parse("127.0.0.2:1000,distcache 127.0.0.3:1000", "test");
    assertEquals(
        List.of("127.0.0.2:1000/4,distcache", "127.0.0.3:1000/4"),
        Farm.usable(list, "").orElseThrow().hosts().stream().map(HostSpec::toString).toList());
  }

  @Test
  void randomize_shufflesThePreferenceOrder() throws Exception {
    HostList list =
        HostsParser.parse("--randomize 127.0.0.2:1000 127.0.0.3:1000 127.0.0.4:1000", "test");
    Set<String> firsts = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      List<HostSpec> hosts = Farm.usable(list, "").orElseThrow().hosts();
      assertEquals(Set.copyOf(list.hosts()), Set.copyOf(hosts));
      firsts.add(hosts.getFirst().toString());
    }
    assertTrue(firsts.size() > 1, "200 shuffles always put " + firsts + " first");
    HostList ordered = HostsParser.parse("127.0.0.2:1000 127.0.0.3:1000", "test");
    assertEquals(ordered.hosts(), Farm.usable(ordered, "").orElseThrow().hosts());
  }
}
