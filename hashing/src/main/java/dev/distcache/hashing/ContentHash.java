package dev.distcache.hashing;

import java.util.Arrays;
import java.util.HexFormat;

/** The BLAKE3 of a file's bytes: how direct mode tells whether an include file is unchanged. */
public final class ContentHash {
  private final byte[] bytes;

  private ContentHash(byte[] bytes) {
    this.bytes = bytes;
  }

  /** Wraps a 32-byte digest. */
  public static ContentHash of(byte[] digest) {
    if (digest.length != Blake3.LENGTH) {
      throw new IllegalArgumentException("digest length (" + digest.length + ") must be " + Blake3.LENGTH);
    }
    return new ContentHash(digest.clone());
  }

  /** Hashes {@code content}. */
  public static ContentHash ofContent(byte[] content) {
    return new ContentHash(Blake3.hash(content));
  }

  public byte[] bytes() {
    return bytes.clone();
  }

  public String hex() {
    return HexFormat.of().formatHex(bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ContentHash h && Arrays.equals(bytes, h.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return hex();
  }
}
