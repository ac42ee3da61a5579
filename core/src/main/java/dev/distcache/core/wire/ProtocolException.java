package dev.distcache.core.wire;

import java.io.IOException;

/** A peer sent something the protocol does not allow; the connection is dropped, nothing else. */
public final class ProtocolException extends IOException {
  public ProtocolException(String message) {
    super(message);
  }
}
