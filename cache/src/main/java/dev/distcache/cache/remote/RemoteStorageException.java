package dev.distcache.cache.remote;

/**
 * A remote storage server failed: it could not be reached, answered with an error, or (when {@link
 * #timedOut()}) did not answer within its connect or operation timeout. The message names the
 * server and what went wrong, for the log.
 */
public final class RemoteStorageException extends RuntimeException {
  private final boolean timedOut;

  public RemoteStorageException(String message, boolean timedOut, Throwable cause) {
    super(message, cause);
    this.timedOut = timedOut;
  }

  public RemoteStorageException(String message, boolean timedOut) {
    this(message, timedOut, null);
  }

  /** True when the server did not answer in time (ccache's {@code remote_storage_timeout}). */
  public boolean timedOut() {
    return timedOut;
  }
}
