package dev.distcache.distribute.farm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.distcache.distribute.hosts.HostOptions;
import dev.distcache.distribute.hosts.HostSpec;
import dev.distcache.distribute.hosts.HostsParser;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class HostStatsTest {
  private final HostStats stats = new HostStats();

  private static HostSpec spec(String text) throws Exception {
    return HostsParser.parse(text, "test").hosts().get(0);
  }

  private static long ms(long n) {
    return TimeUnit.MILLISECONDS.toNanos(n);
  }

  @Test
  void aHostNeverUsed_hasNoFigures_andNoLatency() throws Exception {
    HostStats.Host h = stats.host(spec("127.0.0.2:3632/4"), 0, 0);
    assertEquals(new HostStats.Host("127.0.0.2:3632", "distcc", 4, 0, 0, 0, 0, 0, -1), h);
  }

  @Test
  void jobsDoneFailedAndUnreachable_areCountedPerHost() throws Exception {
    HostSpec a = spec("127.0.0.2:3632/4");
    HostSpec b = spec("127.0.0.3:3633/2");
    stats.done(Scheduler.key(a), ms(10));
    stats.done(Scheduler.key(a), ms(30));
    stats.failed(Scheduler.key(a));
    stats.unreachable(Scheduler.key(b));
    stats.unreachable(Scheduler.key(b));
    HostStats.Host ha = stats.host(a, 3, 0);
    assertEquals(2, ha.done());
    assertEquals(1, ha.failed());
    assertEquals(0, ha.unreachable());
    assertEquals(3, ha.inUse());
    HostStats.Host hb = stats.host(b, 0, TimeUnit.SECONDS.toNanos(59));
    assertEquals(0, hb.done());
    assertEquals(2, hb.unreachable());
    assertEquals(59_000, hb.backoffMillis());
    assertEquals(-1, hb.latencyMillis());
  }

  @Test
  void latency_isTheMedianOfTheLastJobsOnly() throws Exception {
    HostSpec a = spec("127.0.0.2:3632/4");
    stats.done(Scheduler.key(a), ms(5));
    stats.done(Scheduler.key(a), ms(700));
    stats.done(Scheduler.key(a), ms(20));
    assertEquals(20, stats.host(a, 0, 0).latencyMillis(), "the median, not the mean");
    for (int i = 0; i < HostStats.RECENT; i++) {
      stats.done(Scheduler.key(a), ms(100 + i));
    }
    // The three early jobs have left the window: 100..115 ms, upper median 108.
    assertEquals(108, stats.host(a, 0, 0).latencyMillis());
    assertEquals(HostStats.RECENT + 3, stats.host(a, 0, 0).done());
  }

  @Test
  void aBackoffAboutToEnd_stillShows_andOnePastItsEndShowsNone() throws Exception {
    HostSpec a = spec("127.0.0.2:3632/4");
    assertEquals(1, stats.host(a, 0, 1).backoffMillis());
    assertEquals(0, stats.host(a, 0, -5).backoffMillis());
  }

  @Test
  void names_leaveOutTheSshUser_andTheProtocolFollowsTheOptions() throws Exception {
    HostStats.Host ssh = stats.host(spec("builder@farm1.example/3:/opt/distccd,lzo"), 0, 0);
    assertEquals("farm1.example", ssh.name());
    assertEquals("distcc over ssh, lzo", ssh.protocol());
    assertFalse(ssh.toString().contains("builder"), ssh.toString());
    assertEquals("native, tls", stats.host(spec("127.0.0.2:7000/8,tls"), 0, 0).protocol());
    assertEquals("native", stats.host(spec("127.0.0.2:7000/8,distcache"), 0, 0).protocol());
    assertEquals("distcc, pump", stats.host(spec("127.0.0.2/8,lzo,cpp"), 0, 0).protocol());
    assertEquals(
        "[::1]:3632", stats.host(new HostSpec.Tcp("::1", 3632, 2, HostOptions.NONE), 0, 0).name());
  }
}
