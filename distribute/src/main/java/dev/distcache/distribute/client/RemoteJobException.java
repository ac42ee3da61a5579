package dev.distcache.distribute.client;

/** The connection was made but the job broke before a complete answer arrived. */
public final class RemoteJobException extends RemoteFailure {
  /** How the job broke. */
  public enum Reason {
    /** The host closed the connection without answering (distccd's way of refusing a job). */
    NO_ANSWER,
    /** The host sent nothing, or took nothing, for the I/O timeout. */
    TIMED_OUT,
    /** The connection was reset or broke while the job was sent or answered. */
    CONNECTION_LOST,
    /** The host sent something that is not a distcc answer, or one over the limits. */
    PROTOCOL_ERROR
  }

  private final Reason reason;

  public RemoteJobException(String host, Reason reason, String message, Throwable cause) {
    super(host, message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
