package dev.distcache.cache;

/**
 * A stored value could not be decoded into a result: its bytes are damaged, truncated, written by
 * an unknown format version, or stored under a different key. The message says which.
 */
public final class CorruptEntryException extends Exception {
  public CorruptEntryException(String message) {
    super(message);
  }

  public CorruptEntryException(String message, Throwable cause) {
    super(message, cause);
  }
}
