package dev.distcache.distribute.client;

import java.io.IOException;

/**
 * A remote compile that did not produce the compiler's answer. It says nothing about the user's
 * code (a compile error is an answer: {@code DistccReply} with a non-zero status); the caller backs
 * the host off and compiles elsewhere.
 */
public abstract sealed class RemoteFailure extends IOException
    permits HostUnreachableException, RemoteJobException {
  private final String host;

  RemoteFailure(String host, String message, Throwable cause) {
    super(message, cause);
    this.host = host;
  }

  /** The host as {@code name:port}. */
  public String host() {
    return host;
  }
}
