package dev.distcache.hashing;

import java.io.OutputStream;

/**
 * BLAKE3 of what is written to it, as it arrives: the preprocessor's output is hashed while the
 * preprocessor still writes it (see {@code Command#withStdoutCopy}), so that a compile's key waits
 * for no pass over megabytes of text once the preprocessor is done.
 */
public final class HashingStream extends OutputStream {
  private final Blake3 hash = new Blake3();
  private long length;

  @Override
  public void write(int b) {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) {
    hash.update(b, off, len);
    length += len;
  }

  /**
   * The digest of {@code text} when it is what was written here, judged by its length (the reader
   * of a pipe saw every byte or missed some); otherwise null, and the caller hashes the text
   * itself.
   */
  public byte[] digestOf(byte[] text) {
    return text.length == length ? hash.digest() : null;
  }
}
