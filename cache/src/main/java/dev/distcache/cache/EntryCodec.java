package dev.distcache.cache;

import dev.distcache.hashing.Blake3;
import dev.distcache.hashing.ResultKey;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

/**
 * Turns a {@link CachedResult} stored under a {@link ResultKey} into one self-checking value, and
 * back. Thread-safe and stateless.
 *
 * <p>A value is laid out as follows (integers big-endian):
 *
 * <pre>
 * offset  size  field
 *      0     3  magic "DCE" (0x44 0x43 0x45)
 *      3     1  format version, 1
 *      4     4  u32 length of the uncompressed payload
 *      8    32  BLAKE3-256 checksum
 *     40     -  the payload, LZ4 block-compressed (no frame)
 * </pre>
 *
 * The payload format is described in {@code ResultPayload}: files, stdout, stderr, meta. The
 * checksum is BLAKE3 over the key's 32 bytes, the uncompressed payload, the 8 bytes before the
 * checksum and the compressed block, in that order. The key makes a value stored under the wrong
 * key fail; the payload checks what the decompressor produced; the header and compressed bytes
 * make every change to a stored value fail, including changes an LZ4 block can absorb without
 * changing its output (a match offset moved inside a run of equal bytes).
 *
 * <p>Decoding never trusts a length: it checks each one against the bytes that remain and against
 * {@link #MAX_PAYLOAD_BYTES} before allocating, and decompresses with LZ4's bounds-checked
 * decoder, so any malformed input ends in {@link CorruptEntryException}.
 */
public final class EntryCodec {
  /** The largest uncompressed payload written or read: 1 GiB. */
  public static final int MAX_PAYLOAD_BYTES = 1 << 30;

  static final int HEADER_BYTES = 40;
  static final byte VERSION = 1;
  private static final byte[] MAGIC = {'D', 'C', 'E'};
  private static final int CHECKSUM_OFFSET = 8;
  /** An LZ4 block never decodes to more than 255 times its size (one 0xFF length byte = 255 bytes). */
  private static final int LZ4_MAX_RATIO = 255;

  private static final LZ4Factory LZ4 = LZ4Factory.fastestInstance();

  private EntryCodec() {}

  /**
   * Encodes {@code result} for storage under {@code key}.
   *
   * @throws IllegalArgumentException if the payload would exceed {@link #MAX_PAYLOAD_BYTES} or a
   *     meta string has an unpaired surrogate
   */
  public static byte[] encode(ResultKey key, CachedResult result) {
    return frame(key, ResultPayload.write(result, MAX_PAYLOAD_BYTES));
  }

  /**
   * Decodes a value that {@link #encode} produced for the same key.
   *
   * @throws CorruptEntryException if the value is malformed in any way, or was encoded for another
   *     key; the message says what was wrong
   */
  public static CachedResult decode(ResultKey key, byte[] value) throws CorruptEntryException {
    return ResultPayload.read(unframe(key, value));
  }

  /** Wraps an already serialised payload; tests use it to build values with bad payloads. */
  static byte[] frame(ResultKey key, byte[] payload) {
    LZ4Compressor compressor = LZ4.fastCompressor();
    byte[] value = new byte[HEADER_BYTES + compressor.maxCompressedLength(payload.length)];
    int compressed = compressor.compress(payload, 0, payload.length, value, HEADER_BYTES);
    value = Arrays.copyOf(value, HEADER_BYTES + compressed);
    ByteBuffer.wrap(value).put(MAGIC).put(VERSION).putInt(payload.length);
    System.arraycopy(checksum(key, payload, value), 0, value, CHECKSUM_OFFSET, Blake3.LENGTH);
    return value;
  }

  private static byte[] unframe(ResultKey key, byte[] value) throws CorruptEntryException {
    if (value.length < HEADER_BYTES) {
      throw new CorruptEntryException(
          "truncated: " + value.length + " bytes is shorter than the " + HEADER_BYTES + "-byte header");
    }
    if (!Arrays.equals(value, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      throw new CorruptEntryException("bad magic: expected " + hex(MAGIC, 0, 3) + " (\"DCE\"), got "
          + hex(value, 0, MAGIC.length));
    }
    if (value[3] != VERSION) {
      throw new CorruptEntryException(
          "unsupported format version " + Byte.toUnsignedInt(value[3]) + " (this build reads version " + VERSION + ")");
    }
    long length = Integer.toUnsignedLong(ByteBuffer.wrap(value, 4, 4).getInt());
    int compressedLength = value.length - HEADER_BYTES;
    if (length > MAX_PAYLOAD_BYTES) {
      throw new CorruptEntryException(
          "payload length " + length + " is over the limit of " + MAX_PAYLOAD_BYTES + " bytes");
    }
    if (length > (long) LZ4_MAX_RATIO * compressedLength) {
      throw new CorruptEntryException("payload length " + length + " is over the limit of "
          + (long) LZ4_MAX_RATIO * compressedLength + " bytes that a " + compressedLength
          + "-byte LZ4 block can hold");
    }
    byte[] payload = new byte[(int) length];
    int decoded = decompress(value, compressedLength, payload);
    if (decoded != length) {
      throw new CorruptEntryException(
          "truncated: the LZ4 block decodes to " + decoded + " bytes, the header says " + length);
    }
    byte[] expected = Arrays.copyOfRange(value, CHECKSUM_OFFSET, HEADER_BYTES);
    byte[] actual = checksum(key, payload, value);
    if (!MessageDigest.isEqual(expected, actual)) {
      throw new CorruptEntryException("checksum mismatch: expected " + HexFormat.of().formatHex(expected)
          + " got " + HexFormat.of().formatHex(actual));
    }
    return payload;
  }

  private static int decompress(byte[] value, int compressedLength, byte[] payload) throws CorruptEntryException {
    LZ4SafeDecompressor decompressor = LZ4.safeDecompressor();
    try {
      return decompressor.decompress(value, HEADER_BYTES, compressedLength, payload, 0, payload.length);
    } catch (RuntimeException e) {
      // LZ4Exception, or any bounds failure a decoder reports: either way the block is damaged.
      throw new CorruptEntryException("truncated or damaged LZ4 block: " + e.getMessage(), e);
    }
  }

  private static byte[] checksum(ResultKey key, byte[] payload, byte[] value) {
    return new Blake3()
        .update(key.bytes())
        .update(payload)
        .update(value, 0, CHECKSUM_OFFSET)
        .update(value, HEADER_BYTES, value.length - HEADER_BYTES)
        .digest();
  }

  private static String hex(byte[] b, int from, int to) {
    return HexFormat.ofDelimiter(" ").formatHex(b, from, to);
  }
}
