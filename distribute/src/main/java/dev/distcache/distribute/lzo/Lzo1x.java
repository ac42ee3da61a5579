package dev.distcache.distribute.lzo;

import dev.distcache.core.wire.ProtocolException;

/**
 * LZO1X in the raw form distcc sends in protocols 2 and 3: no header, no uncompressed length, one
 * block ending in the end-of-stream marker {@code 11 00 00}, as miniLZO's {@code lzo1x_1_compress}
 * writes it and {@code lzo1x_decompress_safe} reads it.
 *
 * <p>Written here rather than taken from a library: the maintained Java implementation
 * (io.airlift:aircompressor 2.x) reads and writes through {@code sun.misc.Unsafe}, which JDK 24+
 * warns about and a later JDK will refuse, and this decoder handles bytes from the network. This
 * one uses only array accesses, so garbage can cost at most a {@link ProtocolException}.
 *
 * <p>The stream does not say how long its output is, so {@link #decompress} first walks it without
 * writing to learn the exact length, refuses it above the caller's limit, and only then allocates.
 * Both passes are linear in the input and the output; none loops without consuming input.
 */
public final class Lzo1x {
  private Lzo1x() {}

  /** Compresses {@code data} into one raw LZO1X stream (an empty input gives the 3-byte marker). */
  public static byte[] compress(byte[] data) {
    return Lzo1xEncoder.compress(data, 0, data.length);
  }

  /**
   * Decompresses one raw LZO1X stream.
   *
   * @param maxLength the most bytes the caller accepts; a larger output is refused before any
   *     output buffer is allocated
   * @throws ProtocolException if the stream is malformed, truncated, followed by extra bytes, or
   *     decodes to more than {@code maxLength} bytes
   */
  public static byte[] decompress(byte[] stream, int maxLength) throws ProtocolException {
    int length = Lzo1xDecoder.run(stream, null, maxLength);
    byte[] out = new byte[length];
    int written = Lzo1xDecoder.run(stream, out, length);
    if (written != length) {
      throw new IllegalStateException("LZO decoder wrote " + written + " bytes, counted " + length);
    }
    return out;
  }

  /** The length {@link #decompress} would return, without allocating it. */
  public static int decodedLength(byte[] stream, int maxLength) throws ProtocolException {
    return Lzo1xDecoder.run(stream, null, maxLength);
  }

  /** A worst-case bound of {@link #compress}'s output for {@code length} input bytes. */
  public static int maxCompressedLength(int length) {
    return Lzo1xEncoder.maxCompressedLength(length);
  }
}
