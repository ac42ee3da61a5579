package dev.distcache.distribute.farm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.distribute.hosts.HostList;
import dev.distcache.distribute.hosts.HostsParser;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SchedulerTest {
  private long now = 1_000;
  private final Scheduler scheduler = new Scheduler(() -> now);

  private static HostList hosts(String text) throws Exception {
    return HostsParser.parse(text, "test");
  }

  private static String where(Scheduler.Slot s) {
    return s.host().map(Scheduler::key).orElse("local");
  }

  @Test
  void earlierHostsFirst_upToTheirLimits_thenLocalSlots() throws Exception {
    HostList list = hosts("127.0.0.2:1000/2 127.0.0.3:1000/1 --localslots=1");
    assertEquals("127.0.0.2:1000", where(scheduler.acquire(list, Set.of(), true, true)));
    assertEquals("127.0.0.2:1000", where(scheduler.acquire(list, Set.of(), true, true)));
    assertEquals("127.0.0.3:1000", where(scheduler.acquire(list, Set.of(), true, true)));
    assertEquals("local", where(scheduler.acquire(list, Set.of(), true, true)));
  }

  @Test
  void slotsAreNumberedFromZero_andAFreedNumberIsReused() throws Exception {
    HostList list = hosts("127.0.0.2:1000/3");
    Scheduler.Slot a = scheduler.acquire(list, Set.of(), true, true);
    Scheduler.Slot b = scheduler.acquire(list, Set.of(), true, true);
    assertEquals(0, a.index());
    assertEquals(1, b.index());
    scheduler.release(a);
    assertEquals(0, scheduler.acquire(list, Set.of(), true, true).index());
    assertEquals(2, scheduler.acquire(list, Set.of(), true, true).index());
  }

  @Test
  void localhostListedFirst_takesTheFirstCompiles() throws Exception {
    HostList list = hosts("localhost/1 127.0.0.2:1000/4");
    assertEquals("local", where(scheduler.acquire(list, Set.of(), true, true)));
    assertEquals("127.0.0.2:1000", where(scheduler.acquire(list, Set.of(), true, true)));
  }

  @Test
  void releaseFreesTheSlot_andWakesAWaitingCompile() throws Exception {
    HostList list = hosts("127.0.0.2:1000/1 --localslots=1");
    Scheduler.Slot remote = scheduler.acquire(list, Set.of(), true, true);
    Scheduler.Slot local = scheduler.acquire(list, Set.of(), true, true);
    assertEquals("local", where(local));
    CompletableFuture<Scheduler.Slot> waiting =
        CompletableFuture.supplyAsync(() -> {
          try {
            return scheduler.acquire(list, Set.of(), true, true);
          } catch (InterruptedException e) {
            throw new IllegalStateException(e);
          }
        });
    scheduler.release(remote);
    assertEquals("127.0.0.2:1000", where(waiting.get(60, TimeUnit.SECONDS)));
    scheduler.release(local);
  }

  @Test
  void backedOffHost_skippedUntilThePeriodEnds_unlessBackoffIsIgnored() throws Exception {
    HostList list = hosts("127.0.0.2:1000/4 127.0.0.3:1000/4");
    Scheduler.Slot first = scheduler.acquire(list, Set.of(), true, true);
    scheduler.backOff(first.host().orElseThrow(), 60);
    scheduler.release(first);
    assertTrue(scheduler.backedOff(first.host().orElseThrow()));
    assertEquals("127.0.0.3:1000", where(scheduler.acquire(list, Set.of(), true, true)));
    assertEquals("127.0.0.2:1000", where(scheduler.acquire(list, Set.of(), true, false)));
    now += TimeUnit.SECONDS.toNanos(60);
    assertFalse(scheduler.backedOff(first.host().orElseThrow()));
    assertEquals("127.0.0.2:1000", where(scheduler.acquire(list, Set.of(), true, true)));
  }

  @Test
  void backOffZero_neverBacksOff() throws Exception {
    HostList list = hosts("127.0.0.2:1000/4");
    Scheduler.Slot s = scheduler.acquire(list, Set.of(), true, true);
    scheduler.backOff(s.host().orElseThrow(), 0);
    assertFalse(scheduler.backedOff(s.host().orElseThrow()));
  }

  @Test
  void triedHostsAndLocalOnlyCompiles_getLocalSlots() throws Exception {
    HostList list = hosts("127.0.0.2:1000/4");
    assertEquals(
        Optional.empty(), scheduler.acquire(list, Set.of("127.0.0.2:1000"), true, true).host());
    assertEquals(Optional.empty(), scheduler.acquire(list, Set.of(), false, true).host());
  }

  @Test
  void sshHosts_takeSlotsAndBackOff_byUserAndHost() throws Exception {
    HostList list = hosts("me@box/1 @box/1:/opt/distccd 127.0.0.2:1000/1 --localslots=1");
    Scheduler.Slot ssh = scheduler.acquire(list, Set.of(), true, true);
    assertEquals("me@box", where(ssh));
    assertEquals("@box", where(scheduler.acquire(list, Set.of(), true, true)));
    assertEquals("127.0.0.2:1000", where(scheduler.acquire(list, Set.of(), true, true)));
    scheduler.backOff(ssh.host().orElseThrow(), 60);
    scheduler.release(ssh);
    assertEquals(
        "local", where(scheduler.acquire(list, Set.of(), true, true)), "me@box is backed off");
  }

  @Test
  void hosts_listsRemoteHostsFirstSeenFirst_withSlotsInUse_andBackoffLeft() throws Exception {
    HostList list = hosts("127.0.0.2:1000/2 127.0.0.3:1000/1 --localslots=1");
    assertTrue(scheduler.hosts().isEmpty());
    Scheduler.Slot a = scheduler.acquire(list, Set.of(), true, true);
    scheduler.acquire(list, Set.of(), true, true);
    Scheduler.Slot c = scheduler.acquire(list, Set.of(), true, true);
    scheduler.backOff(c.host().orElseThrow(), 60);
    scheduler.release(c);
    scheduler.release(a);
    now += TimeUnit.SECONDS.toNanos(10);
    var hosts = scheduler.hosts();
    assertEquals(2, hosts.size(), "remote hosts only: " + hosts);
    assertEquals("127.0.0.2:1000", Scheduler.key(hosts.get(0).spec()));
    assertEquals(1, hosts.get(0).inUse());
    assertEquals(0, hosts.get(0).backoffNanos());
    assertEquals("127.0.0.3:1000", Scheduler.key(hosts.get(1).spec()));
    assertEquals(0, hosts.get(1).inUse());
    assertEquals(TimeUnit.SECONDS.toNanos(50), hosts.get(1).backoffNanos());
  }
}
