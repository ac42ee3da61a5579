package dev.distcache.core.tls;

/**
 * A certificate, key or token file that cannot be used; the message is one line for the user and
 * never holds a secret.
 */
public final class TlsFileException extends Exception {
  public TlsFileException(String message) {
    super(message);
  }
}
