package dev.distcache.hashing;

import java.nio.charset.StandardCharsets;
import org.bouncycastle.crypto.digests.Blake3Digest;

/** BLAKE3-256 (Bouncy Castle). Not thread-safe: one instance per hashing task. */
public final class Blake3 {
  public static final int LENGTH = 32;
  private final Blake3Digest digest = new Blake3Digest(LENGTH * 8);

  public Blake3 update(byte[] b) {
    digest.update(b, 0, b.length);
    return this;
  }

  public Blake3 update(byte[] b, int off, int len) {
    digest.update(b, off, len);
    return this;
  }

  public Blake3 update(String s) {
    return update(s.getBytes(StandardCharsets.UTF_8));
  }

  /** Finishes and returns the 32-byte digest; the instance is reset and may be reused. */
  public byte[] digest() {
    byte[] out = new byte[LENGTH];
    digest.doFinal(out, 0);
    return out;
  }

  public static byte[] hash(byte[] b) {
    return new Blake3().update(b).digest();
  }
}
