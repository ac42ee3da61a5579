package dev.distcache.hashing;

/** The BLAKE3 of a file's bytes: how direct mode tells whether an include file is unchanged. */
public final class ContentHash extends Digest {
  private ContentHash(byte[] bytes) {
    super(bytes, "digest");
  }

  /** Wraps a 32-byte digest. */
  public static ContentHash of(byte[] digest) {
    return new ContentHash(digest.clone());
  }

  /** Hashes {@code content}. */
  public static ContentHash ofContent(byte[] content) {
    return new ContentHash(Blake3.hash(content));
  }
}
