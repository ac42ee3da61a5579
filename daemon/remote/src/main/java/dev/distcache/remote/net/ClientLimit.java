package dev.distcache.remote.net;

import java.net.InetAddress;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * At most {@code max} open connections from one address ({@code --max-client-connections}), so that
 * one client cannot take all the daemon's connections. A connection over the cap makes room by
 * closing that address's oldest connection that has not yet sent its first bytes (a silent one is
 * no job yet); when every one of them is sending or running a job, the new one is turned away.
 */
public final class ClientLimit {
  private final int max;
  private final Map<InetAddress, Deque<Ticket>> open = new HashMap<>();

  public ClientLimit(int max) {
    this.max = max;
  }

  /** One admitted connection; closing it frees its place. */
  public final class Ticket implements AutoCloseable {
    private final InetAddress address;
    private final JobChannel channel;
    private boolean silent = true;
    private volatile boolean evicted;

    private Ticket(InetAddress address, JobChannel channel) {
      this.address = address;
      this.channel = channel;
    }

    /** The connection sent its first bytes: it is no longer the one to make room. */
    public void spoke() {
      synchronized (ClientLimit.this) {
        silent = false;
      }
    }

    /** Whether it was closed to make room for a newer connection from the same address. */
    public boolean evicted() {
      return evicted;
    }

    @Override
    public void close() {
      synchronized (ClientLimit.this) {
        Deque<Ticket> q = open.get(address);
        if (q != null && q.remove(this) && q.isEmpty()) {
          open.remove(address);
        }
      }
    }
  }

  /** Admits a connection (closing an older silent one if needed); null when it is turned away. */
  public synchronized Ticket admit(InetAddress address, JobChannel channel) {
    Deque<Ticket> q = open.computeIfAbsent(address, a -> new ArrayDeque<>());
    if (q.size() >= max) {
      Ticket oldest = q.stream().filter(t -> t.silent).findFirst().orElse(null);
      if (oldest == null) {
        return null;
      }
      q.remove(oldest);
      oldest.evicted = true;
      oldest.channel.abort();
    }
    Ticket t = new Ticket(address, channel);
    q.addLast(t);
    return t;
  }
}
