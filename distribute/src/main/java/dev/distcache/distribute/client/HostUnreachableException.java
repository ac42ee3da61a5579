package dev.distcache.distribute.client;

/**
 * No connection could be made, or the daemon did not accept this client ({@link Reason#DENIED}):
 * nothing of the job was sent, so it can go to another host as it is.
 */
public final class HostUnreachableException extends RemoteFailure {
  /** Why the connection failed. */
  public enum Reason {
    UNKNOWN_HOST,
    REFUSED,
    TIMED_OUT,
    UNREACHABLE,
    /**
     * Connected, but the daemon did not accept this client: a TLS handshake that failed, or a token
     * or plaintext connection it denied.
     */
    DENIED
  }

  private final Reason reason;

  public HostUnreachableException(String host, Reason reason, String message, Throwable cause) {
    super(host, message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
