package dev.distcache.hashing;

import java.util.HexFormat;

/**
 * The key of one compile result: BLAKE3 over a versioned record of everything that decides the
 * compiler's outputs. Not a content address: the bytes it names are the outputs, not the inputs.
 */
public final class ResultKey extends Digest {
  private ResultKey(byte[] bytes) {
    super(bytes, "key");
  }

  public static ResultKey of(byte[] bytes) {
    return new ResultKey(bytes.clone());
  }

  public static ResultKey fromHex(String hex) {
    return of(HexFormat.of().parseHex(hex));
  }
}
