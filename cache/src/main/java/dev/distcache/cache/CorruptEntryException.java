package dev.distcache.cache;

/**
 * A stored value could not be decoded into a result: its bytes are damaged, truncated, written by
 * an unknown format version, or stored under a different key. The message says which.
 */
public final class CorruptEntryException extends Exception {
  private final boolean unknownFormat;

  public CorruptEntryException(String message) {
    this(message, false);
  }

  /**
   * {@code unknownFormat}: the value is intact as far as this build can tell but was written in a
   * format version it does not read (by a later distcache): a miss, not damage.
   */
  public CorruptEntryException(String message, boolean unknownFormat) {
    super(message);
    this.unknownFormat = unknownFormat;
  }

  /** True when the value's format version is one this build does not read. */
  public boolean unknownFormat() {
    return unknownFormat;
  }

  public CorruptEntryException(String message, Throwable cause) {
    super(message, cause);
    this.unknownFormat = false;
  }
}
