package dev.distcache.distribute.hosts;

/**
 * A host list that cannot be used; the message names where it came from and the bad entry. As in
 * distcc, one bad entry makes the whole list unusable: the caller compiles locally and says why.
 */
public final class HostsException extends Exception {
  public HostsException(String message) {
    super(message);
  }
}
