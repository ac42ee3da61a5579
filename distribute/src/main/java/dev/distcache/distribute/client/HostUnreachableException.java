package dev.distcache.distribute.client;

/** No connection could be made: nothing was sent, so the job can go to another host as it is. */
public final class HostUnreachableException extends RemoteFailure {
  /** Why the connection failed. */
  public enum Reason {
    UNKNOWN_HOST,
    REFUSED,
    TIMED_OUT,
    UNREACHABLE
  }

  private final Reason reason;

  HostUnreachableException(String host, Reason reason, String message, Throwable cause) {
    super(host, message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
