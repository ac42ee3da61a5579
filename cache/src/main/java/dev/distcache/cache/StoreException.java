package dev.distcache.cache;

/**
 * The result store could not be opened, read or written. The message names the store's directory
 * and the likely cause (locked by another server, no space left, permission denied, damaged).
 */
public final class StoreException extends RuntimeException {
  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
