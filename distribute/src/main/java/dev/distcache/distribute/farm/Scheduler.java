package dev.distcache.distribute.farm;

import dev.distcache.distribute.hosts.HostList;
import dev.distcache.distribute.hosts.HostSpec;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * One scheduler for every compile the server runs: per-host slot limits ({@code /N}), earlier hosts
 * first, hosts that failed to connect backed off for a while. Local compiles take local slots
 * ({@code localhost/N} in the list, else {@code --localslots}). When every slot is busy a compile
 * waits for one, at most {@link #MAX_WAIT_NANOS}; after that it runs locally anyway (never a failed
 * or stuck build). Slots are counted by host name, so requests with different lists share them.
 */
final class Scheduler {
  static final long MAX_WAIT_NANOS = TimeUnit.MINUTES.toNanos(10);
  static final String LOCAL = "localhost";

  /**
   * A slot taken: on {@code host} (a TCP or ssh host) or local when {@code host} is empty; {@code
   * index} numbers the host's slots from 0 (-1: a local compile over the limit). Release it once.
   */
  record Slot(Optional<HostSpec> host, String key, int index) {}

  private final Map<String, BitSet> busy = new HashMap<>();
  private final Map<String, Long> backedOffUntil = new HashMap<>();

  /** Every remote host a compile has looked at, first seen first, as its list last gave it. */
  private final Map<String, HostSpec> seen = new LinkedHashMap<>();

  private final Clock clock;

  interface Clock {
    long nanoTime();
  }

  Scheduler() {
    this(System::nanoTime);
  }

  Scheduler(Clock clock) {
    this.clock = clock;
  }

  /**
   * Takes the first free slot in {@code hosts}' order, skipping backed-off hosts and those in
   * {@code skip} (already tried by this compile), every remote one unless {@code remote}, and
   * backoffs unless {@code honourBackoff} (a request with DISTCC_BACKOFF_PERIOD=0 ignores them);
   * local slots come after every remote one unless {@code localhost} is listed earlier. Waits while
   * all are busy; returns a local slot (not counted against the limit) when the wait is over or
   * nothing is usable.
   */
  synchronized Slot acquire(HostList hosts, Set<String> skip, boolean remote, boolean honourBackoff)
      throws InterruptedException {
    long deadline = clock.nanoTime() + MAX_WAIT_NANOS;
    while (true) {
      boolean localListed = false;
      boolean anyUsable = false;
      for (HostSpec h : hosts.hosts()) {
        if (h instanceof HostSpec.Local l) {
          localListed = true;
          anyUsable = true;
          int i = take(LOCAL, l.limit());
          if (i >= 0) {
            return new Slot(Optional.empty(), LOCAL, i);
          }
        } else if (remote) {
          seen.put(key(h), h);
          if ((!honourBackoff || usable(h)) && !skip.contains(key(h))) {
            anyUsable = true;
            int i = take(key(h), h.limit());
            if (i >= 0) {
              return new Slot(Optional.of(h), key(h), i);
            }
          }
        }
      }
      if (!localListed) {
        anyUsable = true;
        int i = take(LOCAL, hosts.localSlots());
        if (i >= 0) {
          return new Slot(Optional.empty(), LOCAL, i);
        }
      }
      long left = deadline - clock.nanoTime();
      if (!anyUsable || left <= 0) {
        return new Slot(Optional.empty(), LOCAL, -1);
      }
      // Woken by a release; the timeout re-checks backoffs that expire meanwhile.
      TimeUnit.NANOSECONDS.timedWait(this, Math.min(left, TimeUnit.SECONDS.toNanos(1)));
    }
  }

  synchronized void release(Slot slot) {
    if (slot.index() >= 0) {
      busy.get(slot.key()).clear(slot.index());
    }
    notifyAll();
  }

  /** Marks {@code host} unusable for {@code seconds} (0: never backed off). */
  synchronized void backOff(HostSpec host, long seconds) {
    if (seconds > 0) {
      backedOffUntil.put(key(host), clock.nanoTime() + TimeUnit.SECONDS.toNanos(seconds));
    }
  }

  synchronized boolean backedOff(HostSpec host) {
    return !usable(host);
  }

  private boolean usable(HostSpec t) {
    Long until = backedOffUntil.get(key(t));
    if (until == null) {
      return true;
    }
    if (clock.nanoTime() - until >= 0) {
      backedOffUntil.remove(key(t));
      return true;
    }
    return false;
  }

  /** A remote host's slots now, for the web monitor. */
  record HostSlots(HostSpec spec, int inUse, long backoffNanos) {}

  /** The remote hosts compiles have looked at, first seen first: slots in use, backoff left. */
  synchronized List<HostSlots> hosts() {
    List<HostSlots> out = new ArrayList<>();
    long now = clock.nanoTime();
    for (HostSpec h : seen.values()) {
      BitSet taken = busy.get(key(h));
      Long until = backedOffUntil.get(key(h));
      out.add(
          new HostSlots(
              h, taken == null ? 0 : taken.cardinality(), until == null ? 0 : until - now));
    }
    return out;
  }

  /** The lowest free slot of {@code key} below {@code limit}, now taken; -1 when all are busy. */
  private int take(String key, int limit) {
    BitSet taken = busy.computeIfAbsent(key, k -> new BitSet());
    int i = taken.nextClearBit(0);
    if (i >= limit) {
      return -1;
    }
    taken.set(i);
    return i;
  }

  /**
   * A remote host's name for slots and backoff: {@code HOST:PORT}, or {@code [USER]@HOST} over ssh.
   */
  static String key(HostSpec h) {
    return switch (h) {
      case HostSpec.Tcp t -> t.host() + ":" + t.port();
      case HostSpec.Ssh s -> s.user() + "@" + s.host();
      case HostSpec.Local l -> LOCAL;
    };
  }
}
