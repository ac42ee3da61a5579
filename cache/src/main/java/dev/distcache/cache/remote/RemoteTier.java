package dev.distcache.cache.remote;

import dev.distcache.cache.CachedResult;
import dev.distcache.cache.CorruptEntryException;
import dev.distcache.cache.EntryCodec;
import dev.distcache.cache.Manifest;
import dev.distcache.cache.ManifestCodec;
import dev.distcache.cache.stage.ManifestTier;
import dev.distcache.core.stats.Counter;
import dev.distcache.hashing.ManifestKey;
import dev.distcache.hashing.ResultKey;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One remote storage of the shared tier as a tier of the cache stage: results and manifests in the
 * local store's own checksummed format, under their keys' hex. A read asks the server now; a write
 * is queued ({@link RemoteWrites}) and done after the compile's reply. A value that fails its
 * checksum (damaged, or stored under another key) is counted as an error and never served, and the
 * next write of that key replaces it; a value in a format this build does not read is a miss. A
 * failed or timed-out read backs the server off ({@link Backoff}): until then it is neither read
 * nor written. A failed write backs off the writes only: a server that refuses writes (a read-only
 * credential without {@code read-only=true}, a full disk) still answers reads. Thread-safe.
 */
public final class RemoteTier implements ManifestTier {
  /** ccache's remote counters. */
  public static final Counters COUNTERS =
      new Counters(
          Counter.REMOTE_STORAGE_READ_HIT,
          Counter.REMOTE_STORAGE_READ_MISS,
          Counter.REMOTE_STORAGE_HIT,
          Counter.REMOTE_STORAGE_MISS,
          Counter.REMOTE_STORAGE_WRITE,
          Counter.REMOTE_STORAGE_ERROR,
          Counter.REMOTE_STORAGE_ERROR);

  private static final int DAMAGED_KEYS_KEPT = 1024;

  private final RemoteSpec spec;
  private final RemoteBackend backend;
  private final Backoff backoff;
  private final Backoff writeBackoff;
  private final RemoteWrites writes;
  private final RemoteEvents events;
  private final Set<String> damaged =
      Collections.synchronizedSet(
          Collections.newSetFromMap(
              new LinkedHashMap<>() {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                  return size() > DAMAGED_KEYS_KEPT;
                }
              }));

  RemoteTier(
      RemoteSpec spec,
      RemoteBackend backend,
      Backoff backoff,
      Backoff writeBackoff,
      RemoteWrites writes,
      RemoteEvents events) {
    this.spec = spec;
    this.backend = backend;
    this.backoff = backoff;
    this.writeBackoff = writeBackoff;
    this.writes = writes;
    this.events = events;
  }

  /** The URL, without its password. */
  @Override
  public String name() {
    return spec.redactedUrl();
  }

  @Override
  public Counters counters() {
    return COUNTERS;
  }

  /** False while the server is backed off after a failure. */
  @Override
  public boolean available() {
    return backoff.open();
  }

  @Override
  public Counter failureCounter(RuntimeException e, boolean read) {
    return e instanceof RemoteStorageException r && r.timedOut()
        ? Counter.REMOTE_STORAGE_TIMEOUT
        : Counter.REMOTE_STORAGE_ERROR;
  }

  /** {@code read-only=true}: never written. */
  public boolean readOnly() {
    return spec.readOnly();
  }

  @Override
  public Optional<CachedResult> get(ResultKey key) {
    Optional<byte[]> value = read(key.hex());
    if (value.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(EntryCodec.decode(key, value.get()));
    } catch (CorruptEntryException e) {
      return unreadable(key.hex(), e);
    }
  }

  @Override
  public Optional<Manifest> getManifest(ManifestKey key) {
    Optional<byte[]> value = read(key.hex());
    if (value.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(ManifestCodec.decode(key, value.get()));
    } catch (CorruptEntryException e) {
      return unreadable(key.hex(), e);
    }
  }

  /** Queues the write of {@code result}; the limits are the local store's and do not apply. */
  @Override
  public Stored put(ResultKey key, CachedResult result, Limits limits) {
    if (spec.readOnly()) {
      return Stored.NOT_STORED;
    }
    return queue(key.hex(), EntryCodec.encode(key, result), damaged.remove(key.hex()));
  }

  @Override
  public Stored putManifest(ManifestKey key, Manifest manifest) {
    if (spec.readOnly()) {
      return Stored.NOT_STORED;
    }
    damaged.remove(key.hex());
    return queue(key.hex(), ManifestCodec.encode(key, manifest), true);
  }

  private Optional<byte[]> read(String key) {
    try {
      Optional<byte[]> value = backend.get(key);
      backoff.succeeded();
      return value;
    } catch (RemoteStorageException e) {
      writeBackoff.failed();
      throw failed(backoff, e);
    }
  }

  private <T> Optional<T> unreadable(String key, CorruptEntryException e) {
    if (e.unknownFormat()) {
      events.log(
          "remote "
              + name()
              + ": "
              + key
              + " is in a format this build does not read: "
              + e.getMessage());
      return Optional.empty();
    }
    damaged.add(key);
    throw new RemoteStorageException(
        "remote " + name() + ": the value of " + key + " is damaged, not used: " + e.getMessage(),
        false);
  }

  private Stored queue(String key, byte[] value, boolean overwrite) {
    boolean queued =
        writes.offer(
            new RemoteWrites.Write(
                value.length,
                () -> {
                  if (!backoff.open() || !writeBackoff.open()) {
                    events.log("remote " + name() + ": backed off, " + key + " not written");
                    return;
                  }
                  try {
                    backend.put(key, value, overwrite);
                    writeBackoff.succeeded();
                    events.count(Counter.REMOTE_STORAGE_WRITE);
                  } catch (RemoteStorageException e) {
                    events.count(failureCounter(failed(writeBackoff, e), false));
                    events.log(
                        "remote " + name() + ": cannot write " + key + ": " + e.getMessage());
                  } catch (RuntimeException e) {
                    events.count(Counter.REMOTE_STORAGE_ERROR);
                    events.log("remote " + name() + ": cannot write " + key + ": " + e);
                  }
                }));
    if (!queued) {
      events.log("remote " + name() + ": write queue full, " + key + " not written");
    }
    return queued ? Stored.QUEUED : Stored.NOT_STORED;
  }

  private RemoteStorageException failed(Backoff which, RemoteStorageException e) {
    Duration pause = which.failed();
    events.log(
        "remote "
            + name()
            + (e.timedOut() ? " timed out" : " failed")
            + ": "
            + e.getMessage()
            + (which == backoff ? "; not asked for " : "; not written to for ")
            + pause.toSeconds()
            + " s");
    return e;
  }

  /** Closes the backend; the writes are flushed by {@link RemoteStorages#close} first. */
  void closeBackend() {
    backend.close();
  }
}
