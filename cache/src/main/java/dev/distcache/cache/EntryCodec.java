package dev.distcache.cache;

import dev.distcache.hashing.ResultKey;

/**
 * Turns a {@link CachedResult} stored under a {@link ResultKey} into one self-checking value, and
 * back. Thread-safe and stateless.
 *
 * <p>A value is laid out as follows (integers big-endian):
 *
 * <pre>
 * offset  size  field
 *      0     3  magic "DCE" (0x44 0x43 0x45)
 *      3     1  format version: 3, the body is LZ4; 4, the body is not compressed
 *                 (1 and 2, the same with a BLAKE3 checksum, are still read)
 *      4     4  u32 length of the uncompressed payload
 *      8    32  checksum: XXH64 (seed 0) as a u64, then 24 zero bytes (versions 1, 2: BLAKE3-256)
 *     40     -  the body: the payload LZ4 block-compressed (no frame), or as it is
 * </pre>
 *
 * The payload format is described in {@code ResultPayload}: files, stdout, stderr, meta. The
 * checksum is over the key's 32 bytes, the uncompressed payload, the 8 bytes before the checksum
 * and the body, in that order ({@code ValueFrame} says why XXH64). LZ4 bodies (versions 3 and 1)
 * are written with LZ4's fast or HC compressor ({@link Compression}); one decoder reads both, and
 * every version is read whatever the setting, as ccache reads its entries whatever {@code
 * compression} says now. The key makes a value stored under the wrong key fail; the payload checks
 * what the decompressor produced; the header and compressed bytes make every change to a stored
 * value fail, including changes an LZ4 block can absorb without changing its output (a match offset
 * moved inside a run of equal bytes).
 *
 * <p>Decoding never trusts a length: it checks each one against the bytes that remain and against
 * {@link #MAX_PAYLOAD_BYTES} before allocating, and decompresses with LZ4's bounds-checked decoder,
 * so any malformed input ends in {@link CorruptEntryException}.
 */
public final class EntryCodec {
  /** The largest uncompressed payload written or read: 1 GiB. */
  public static final int MAX_PAYLOAD_BYTES = 1 << 30;

  static final int HEADER_BYTES = ValueFrame.HEADER_BYTES;
  private static final ValueFrame.Kind KIND =
      new ValueFrame.Kind(new byte[] {'D', 'C', 'E'}, MAX_PAYLOAD_BYTES);

  private EntryCodec() {}

  /**
   * Encodes {@code result} for storage under {@code key}.
   *
   * @throws IllegalArgumentException if the payload would exceed {@link #MAX_PAYLOAD_BYTES} or a
   *     meta string has an unpaired surrogate
   */
  public static byte[] encode(ResultKey key, CachedResult result) {
    return encode(key, result, Compression.DEFAULT);
  }

  /**
   * Encodes {@code result} for storage under {@code key}, compressed as {@code compression} says.
   */
  public static byte[] encode(ResultKey key, CachedResult result, Compression compression) {
    return ValueFrame.frame(
        KIND, key.bytes(), ResultPayload.write(result, MAX_PAYLOAD_BYTES), compression);
  }

  /**
   * Decodes a value that {@link #encode} produced for the same key.
   *
   * @throws CorruptEntryException if the value is malformed in any way, or was encoded for another
   *     key; the message says what was wrong
   */
  public static CachedResult decode(ResultKey key, byte[] value) throws CorruptEntryException {
    return ResultPayload.read(ValueFrame.unframe(KIND, key.bytes(), value));
  }

  /** Wraps an already serialised payload; tests use it to build values with bad payloads. */
  static byte[] frame(ResultKey key, byte[] payload) {
    return ValueFrame.frame(KIND, key.bytes(), payload, Compression.DEFAULT);
  }
}
