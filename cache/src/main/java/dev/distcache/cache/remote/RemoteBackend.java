package dev.distcache.cache.remote;

import java.util.Optional;

/**
 * One remote storage server (a Redis, an HTTP server, a shared directory) seen as a map from keys
 * to opaque values. Keys are lower-case hex strings of 64 characters (a result or manifest key);
 * how a backend spells them on its server (a prefix, a layout of subdirectories) is its own
 * business. Values are the framed, checksummed bytes of the local store's format: a backend stores
 * and returns them unchanged and never interprets them.
 *
 * <p>Every method honours the timeouts the backend was made with and throws {@link
 * RemoteStorageException} (its {@link RemoteStorageException#timedOut()} set for a timeout) when
 * the server cannot be reached, answers with an error, or does not answer in time; never any other
 * exception for a failure of the server. Thread-safe: the local server calls one backend from many
 * threads at once.
 */
public interface RemoteBackend extends AutoCloseable {
  /** The value stored under {@code key}; empty when the server has none. */
  Optional<byte[]> get(String key);

  /**
   * Stores {@code value} under {@code key}. With {@code overwrite} false a value already stored
   * there is kept (a result: any stored value for its key is as good), and the backend may skip
   * sending the value when it can tell cheaply that one exists (ccache's HEAD before PUT, Redis's
   * SET NX); with {@code overwrite} true (a manifest, which grows) the value replaces any earlier
   * one.
   */
  void put(String key, byte[] value, boolean overwrite);

  /** Releases connections and threads; idempotent; never throws. */
  @Override
  void close();
}
