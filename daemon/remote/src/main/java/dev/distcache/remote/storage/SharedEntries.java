package dev.distcache.remote.storage;

import dev.distcache.cache.CachedResult;
import dev.distcache.cache.CorruptEntryException;
import dev.distcache.cache.EntryCodec;
import dev.distcache.cache.Manifest;
import dev.distcache.cache.ManifestCodec;
import dev.distcache.cache.ResultStore;
import dev.distcache.hashing.KeyRecord;
import dev.distcache.hashing.ManifestKey;
import dev.distcache.hashing.ResultKey;
import java.util.Optional;

/**
 * The values clients keep in the daemon's store as their shared tier ({@code remote_storage}
 * pointing at the daemon's {@code --storage-port}): results and direct mode's manifests, each under
 * the client's key and in the local store's format, so that a machine with an empty cache gets
 * direct-mode hits from the farm without running the preprocessor.
 *
 * <p>A value is accepted only when it decodes, under the key it is written to, as a result ({@link
 * EntryCodec}) or a manifest ({@link ManifestCodec}): its checksum is bound to that key, so a
 * damaged or truncated upload, or one meant for another key, is refused and never served. It is
 * stored in the daemon's own store, evicted with the daemon's jobs by {@code --max-size}, under a
 * key derived from the client's ({@link #resultKey}, {@link #manifestKey}): the daemon's job keys
 * are computed from what the daemon compiled, and no client can write under one of them through
 * this door. What a value says is the writer's word, as in any ccache shared storage: every client
 * the daemon admits may write, and the others read what it wrote.
 *
 * <p>Thread-safe (the store is).
 */
public final class SharedEntries {
  static final String VERSION = "distcache-daemon-storage-1";

  private final ResultStore store;

  public SharedEntries(ResultStore store) {
    this.store = store;
  }

  /** A value that is neither a result nor a manifest of its key; the reason names both tries. */
  public static final class Invalid extends Exception {
    Invalid(String message) {
      super(message);
    }
  }

  /**
   * The value stored under the client's key {@code hex} (64 lower-case hex digits); empty if none.
   */
  public Optional<byte[]> get(String hex) {
    ResultKey rk = ResultKey.fromHex(hex);
    Optional<CachedResult> result = store.get(resultKey(rk));
    if (result.isPresent()) {
      return Optional.of(EntryCodec.encode(rk, result.get()));
    }
    ManifestKey mk = ManifestKey.fromHex(hex);
    return store.getManifest(manifestKey(mk)).map(m -> ManifestCodec.encode(mk, m));
  }

  /**
   * Whether a value is stored under the client's key {@code hex}, for a {@code HEAD}: looked up,
   * not decoded and encoded again as {@link #get} must.
   */
  public boolean exists(String hex) {
    return store.contains(resultKey(ResultKey.fromHex(hex)))
        || store.containsManifest(manifestKey(ManifestKey.fromHex(hex)));
  }

  /**
   * Stores {@code value} under the client's key {@code hex}, replacing what was there; false when
   * the store keeps nothing that large ({@code --max-size}).
   *
   * @throws Invalid when the value is neither a result nor a manifest of that key
   */
  public boolean put(String hex, byte[] value) throws Invalid {
    ResultKey rk = ResultKey.fromHex(hex);
    String asResult;
    try {
      return store.put(resultKey(rk), EntryCodec.decode(rk, value));
    } catch (CorruptEntryException e) {
      asResult = e.getMessage();
    }
    ManifestKey mk = ManifestKey.fromHex(hex);
    Manifest manifest;
    try {
      manifest = ManifestCodec.decode(mk, value);
    } catch (CorruptEntryException e) {
      throw new Invalid(
          "not a result of key "
              + hex
              + " ("
              + asResult
              + ") nor a manifest of it ("
              + e.getMessage()
              + ")");
    }
    return store.updateManifest(manifestKey(mk), old -> manifest);
  }

  /** Where the daemon keeps a client's result: never one of its own job keys. */
  static ResultKey resultKey(ResultKey client) {
    return ResultKey.of(
        KeyRecord.create(VERSION, false)
            .field("kind", "result")
            .field("key", client.bytes())
            .digest());
  }

  /** Where the daemon keeps a client's manifest. */
  static ManifestKey manifestKey(ManifestKey client) {
    return ManifestKey.of(
        KeyRecord.create(VERSION, false)
            .field("kind", "manifest")
            .field("key", client.bytes())
            .digest());
  }
}
