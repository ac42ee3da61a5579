package dev.distcache.hashing;

import java.util.HexFormat;

/**
 * The key of a direct-mode manifest: BLAKE3 over a versioned record of a compile's inputs as seen
 * before preprocessing (compiler, arguments, environment, the source's path and content). Not a
 * result key: the manifest it names lists the include files of earlier compiles and the results
 * they led to.
 */
public final class ManifestKey extends Digest {
  private ManifestKey(byte[] bytes) {
    super(bytes, "key");
  }

  public static ManifestKey of(byte[] bytes) {
    return new ManifestKey(bytes.clone());
  }

  public static ManifestKey fromHex(String hex) {
    return of(HexFormat.of().parseHex(hex));
  }
}
