package dev.distcache.hashing;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * BLAKE3-256, unkeyed: the same bytes as Bouncy Castle's {@code Blake3Digest(256)}, computed by
 * distcache's own implementation. Not thread-safe: one instance per hashing task.
 */
public final class Blake3 {
  public static final int LENGTH = 32;
  private final Blake3State state = new Blake3State();

  public Blake3 update(byte[] b) {
    state.update(b, 0, b.length);
    return this;
  }

  public Blake3 update(byte[] b, int off, int len) {
    Objects.checkFromIndexSize(off, len, b.length);
    state.update(b, off, len);
    return this;
  }

  public Blake3 update(String s) {
    return update(s.getBytes(StandardCharsets.UTF_8));
  }

  /** Finishes and returns the 32-byte digest; the instance is reset and may be reused. */
  public byte[] digest() {
    byte[] out = new byte[LENGTH];
    state.finish(out, 0);
    return out;
  }

  public static byte[] hash(byte[] b) {
    return new Blake3().update(b).digest();
  }
}
