package dev.distcache.hashing;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * The key of one compile result: BLAKE3 over a versioned record of everything that decides the
 * compiler's outputs. Not a content address: the bytes it names are the outputs, not the inputs.
 */
public final class ResultKey {
  private final byte[] bytes;

  private ResultKey(byte[] bytes) {
    this.bytes = bytes;
  }

  public static ResultKey of(byte[] bytes) {
    if (bytes.length != Blake3.LENGTH) {
      throw new IllegalArgumentException("key length (" + bytes.length + ") must be " + Blake3.LENGTH);
    }
    return new ResultKey(bytes.clone());
  }

  public static ResultKey fromHex(String hex) {
    return of(HexFormat.of().parseHex(hex));
  }

  public byte[] bytes() {
    return bytes.clone();
  }

  public String hex() {
    return HexFormat.of().formatHex(bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ResultKey k && Arrays.equals(bytes, k.bytes);
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
