package dev.distcache.hashing;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * The key of a direct-mode manifest: BLAKE3 over a versioned record of a compile's inputs as seen
 * before preprocessing (compiler, arguments, environment, the source's path and content). Not a
 * result key: the manifest it names lists the include files of earlier compiles and the results
 * they led to.
 */
public final class ManifestKey {
  private final byte[] bytes;

  private ManifestKey(byte[] bytes) {
    this.bytes = bytes;
  }

  public static ManifestKey of(byte[] bytes) {
    if (bytes.length != Blake3.LENGTH) {
      throw new IllegalArgumentException("key length (" + bytes.length + ") must be " + Blake3.LENGTH);
    }
    return new ManifestKey(bytes.clone());
  }

  public static ManifestKey fromHex(String hex) {
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
    return o instanceof ManifestKey k && Arrays.equals(bytes, k.bytes);
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
