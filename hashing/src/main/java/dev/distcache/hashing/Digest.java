package dev.distcache.hashing;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * A 32-byte BLAKE3 digest with a role: each subclass is its own type (a result key is not a
 * manifest key, nor a file's content hash) and equals only digests of the same type.
 */
public abstract sealed class Digest permits ResultKey, ManifestKey, ContentHash {
  private final byte[] bytes;

  Digest(byte[] bytes, String what) {
    if (bytes.length != Blake3.LENGTH) {
      throw new IllegalArgumentException(
          what + " length (" + bytes.length + ") must be " + Blake3.LENGTH);
    }
    this.bytes = bytes;
  }

  public final byte[] bytes() {
    return bytes.clone();
  }

  public final String hex() {
    return HexFormat.of().formatHex(bytes);
  }

  @Override
  public final boolean equals(Object o) {
    return o != null && o.getClass() == getClass() && Arrays.equals(bytes, ((Digest) o).bytes);
  }

  @Override
  public final int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public final String toString() {
    return hex();
  }
}
