package dev.distcache.cache.remote;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * The shared tier of one program: the remote storages each {@code remote_storage} setting names,
 * opened once and kept (connections, back-off state) for every compile that uses the same setting,
 * and the one queue their writes go through. {@link #close} flushes the queued writes before it
 * closes the connections, so a server that stops loses none it had time for. Thread-safe.
 */
public final class RemoteStorages implements AutoCloseable {
  /** Queued writes may hold this much memory; a write past it is dropped, never waited for. */
  static final long MAX_QUEUED_BYTES = 256L << 20;

  /** How long {@link #close} waits for queued writes. */
  static final Duration FLUSH_TIMEOUT = Duration.ofSeconds(20);

  private static final int WRITERS = 4;

  private final Function<RemoteSpec, RemoteBackend> opener;
  private final RemoteEvents events;
  private final LongSupplier nanoTime;
  private final long maxQueuedBytes;
  private RemoteWrites writes; // started with the first tier: a program without remotes has none
  private final Map<String, List<RemoteTier>> bySetting = new ConcurrentHashMap<>();

  RemoteStorages(
      Function<RemoteSpec, RemoteBackend> opener,
      RemoteEvents events,
      LongSupplier nanoTime,
      long maxQueuedBytes) {
    this.opener = opener;
    this.events = events;
    this.nanoTime = nanoTime;
    this.maxQueuedBytes = maxQueuedBytes;
  }

  /** The shared tier with the backends distcache knows ({@link Backends}). */
  public static RemoteStorages open(RemoteEvents events) {
    return new RemoteStorages(Backends::open, events, System::nanoTime, MAX_QUEUED_BYTES);
  }

  /**
   * The tiers {@code setting} names, in its order; empty for an empty setting.
   *
   * @throws IllegalArgumentException naming the entry that is malformed or of an unknown scheme
   */
  public List<RemoteTier> tiers(String setting) {
    if (setting.isBlank()) {
      return List.of();
    }
    List<RemoteTier> known = bySetting.get(setting);
    if (known != null) {
      return known;
    }
    List<RemoteSpec> specs = RemoteSpec.parseAll(setting);
    synchronized (this) {
      known = bySetting.get(setting);
      if (known != null) {
        return known;
      }
      if (writes == null) {
        writes = new RemoteWrites(WRITERS, maxQueuedBytes);
      }
      List<RemoteTier> tiers = new ArrayList<>();
      try {
        for (RemoteSpec spec : specs) {
          tiers.add(
              new RemoteTier(
                  spec,
                  opener.apply(spec),
                  new Backoff(nanoTime),
                  new Backoff(nanoTime),
                  writes,
                  events));
        }
      } catch (RuntimeException e) {
        tiers.forEach(RemoteTier::closeBackend);
        throw e;
      }
      bySetting.put(setting, List.copyOf(tiers));
      return bySetting.get(setting);
    }
  }

  /** Waits up to {@code timeout} for the queued writes; true when none is left. */
  public boolean flush(Duration timeout) throws InterruptedException {
    RemoteWrites w;
    synchronized (this) {
      w = writes;
    }
    return w == null || w.flush(timeout);
  }

  /** Flushes the queued writes (up to {@link #FLUSH_TIMEOUT}), then closes every backend. */
  @Override
  public synchronized void close() {
    if (writes != null && !writes.close(FLUSH_TIMEOUT)) {
      events.log("remote storage: writes still queued at stop were dropped");
    }
    bySetting.values().forEach(l -> l.forEach(RemoteTier::closeBackend));
    bySetting.clear();
  }
}
