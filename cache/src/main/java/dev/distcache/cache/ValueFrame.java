package dev.distcache.cache;

import dev.distcache.hashing.Blake3;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;
import net.jpountz.xxhash.StreamingXXHash64;
import net.jpountz.xxhash.XXHashFactory;

/**
 * The self-checking frame around every stored value: a 3-byte magic naming the kind of value, a
 * format version, the payload length, a checksum, and the payload, LZ4 block-compressed or as it is
 * ({@code compression = false}). {@link EntryCodec} describes the layout and what the checksum
 * covers. Thread-safe and stateless.
 *
 * <p>Versions 3 (LZ4) and 4 (stored) are written: their checksum is XXH64, as ccache checks its
 * entries with XXH3 while its keys are BLAKE3. A checksum guards against damage, not against
 * someone who can write the store (they could write a matching checksum of any kind), and BLAKE3 in
 * Java costs about 3 ms a megabyte once compiled and ten times that before, on every hit of a large
 * object; XXH64 (lz4-java's native code) costs 0.07 ms from the first call. Versions 1 and 2,
 * checksummed with BLAKE3-256 by earlier builds, are still read.
 */
final class ValueFrame {
  static final int HEADER_BYTES = 40;
  private static final int CHECKSUM_OFFSET = 8;
  private static final int CHECKSUM_BYTES = HEADER_BYTES - CHECKSUM_OFFSET;

  /**
   * An LZ4 block never decodes to more than 255 times its size (one 0xFF length byte = 255 bytes).
   */
  private static final int LZ4_MAX_RATIO = 255;

  private static final LZ4Factory LZ4 = LZ4Factory.fastestInstance();

  private static final XXHashFactory XXHASH = XXHashFactory.fastestInstance();

  /** The body is one LZ4 block (fast or HC: the same decoder reads both); BLAKE3-256 checksum. */
  static final byte LZ4_BLOCK_BLAKE3 = 1;

  /** The body is the payload, not compressed; BLAKE3-256 checksum. */
  static final byte STORED_BLAKE3 = 2;

  /**
   * The body is one LZ4 block; the checksum field is the XXH64 (seed 0, big-endian) of the same
   * bytes, then 24 zero bytes.
   */
  static final byte LZ4_BLOCK = 3;

  /** The body is the payload, not compressed; XXH64 checksum as in {@link #LZ4_BLOCK}. */
  static final byte STORED = 4;

  /** One kind of framed value: its magic and the largest payload it may hold. */
  record Kind(byte[] magic, int maxPayloadBytes) {
    Kind {
      if (magic.length != 3) {
        throw new IllegalArgumentException("magic length (" + magic.length + ") must be 3");
      }
    }
  }

  private ValueFrame() {}

  /**
   * Frames {@code payload} for storage under {@code key}, compressed as {@code compression} says.
   */
  static byte[] frame(Kind kind, byte[] key, byte[] payload, Compression compression) {
    byte[] value;
    byte version;
    if (compression.enabled()) {
      LZ4Compressor compressor =
          compression.hcLevel() == 0
              ? LZ4.fastCompressor()
              : LZ4.highCompressor(compression.hcLevel());
      value = new byte[HEADER_BYTES + compressor.maxCompressedLength(payload.length)];
      int compressed = compressor.compress(payload, 0, payload.length, value, HEADER_BYTES);
      value = Arrays.copyOf(value, HEADER_BYTES + compressed);
      version = LZ4_BLOCK;
    } else {
      value = new byte[HEADER_BYTES + payload.length];
      System.arraycopy(payload, 0, value, HEADER_BYTES, payload.length);
      version = STORED;
    }
    ByteBuffer.wrap(value).put(kind.magic()).put(version).putInt(payload.length);
    System.arraycopy(
        checksum(version, key, payload, value), 0, value, CHECKSUM_OFFSET, CHECKSUM_BYTES);
    return value;
  }

  /**
   * The payload of a value {@link #frame} made for the same kind and key; never trusts a length.
   */
  static byte[] unframe(Kind kind, byte[] key, byte[] value) throws CorruptEntryException {
    byte[] magic = kind.magic();
    if (value.length < HEADER_BYTES) {
      throw new CorruptEntryException(
          "truncated: "
              + value.length
              + " bytes is shorter than the "
              + HEADER_BYTES
              + "-byte header");
    }
    if (!Arrays.equals(value, 0, magic.length, magic, 0, magic.length)) {
      throw new CorruptEntryException(
          "bad magic: expected "
              + hex(magic, 0, 3)
              + " (\""
              + new String(magic, StandardCharsets.US_ASCII)
              + "\"), got "
              + hex(value, 0, magic.length));
    }
    byte version = value[3];
    if (version < LZ4_BLOCK_BLAKE3 || version > STORED) {
      throw new CorruptEntryException(
          "unsupported format version "
              + Byte.toUnsignedInt(version)
              + " (this build reads versions "
              + LZ4_BLOCK_BLAKE3
              + " to "
              + STORED
              + ")",
          true);
    }
    long length = Integer.toUnsignedLong(ByteBuffer.wrap(value, 4, 4).getInt());
    int bodyLength = value.length - HEADER_BYTES;
    if (length > kind.maxPayloadBytes()) {
      throw new CorruptEntryException(
          "payload length "
              + length
              + " is over the limit of "
              + kind.maxPayloadBytes()
              + " bytes");
    }
    byte[] payload =
        version == STORED || version == STORED_BLAKE3
            ? stored(value, length)
            : decompressed(value, length, bodyLength);
    byte[] expected = Arrays.copyOfRange(value, CHECKSUM_OFFSET, HEADER_BYTES);
    byte[] actual = checksum(version, key, payload, value);
    if (!MessageDigest.isEqual(expected, actual)) {
      throw new CorruptEntryException(
          "checksum mismatch: expected "
              + HexFormat.of().formatHex(expected)
              + " got "
              + HexFormat.of().formatHex(actual));
    }
    return payload;
  }

  private static byte[] stored(byte[] value, long length) throws CorruptEntryException {
    if (length != value.length - HEADER_BYTES) {
      throw new CorruptEntryException(
          "truncated: the header says "
              + length
              + " bytes, the uncompressed body has "
              + (value.length - HEADER_BYTES));
    }
    return Arrays.copyOfRange(value, HEADER_BYTES, value.length);
  }

  private static byte[] decompressed(byte[] value, long length, int compressedLength)
      throws CorruptEntryException {
    if (length > (long) LZ4_MAX_RATIO * compressedLength) {
      throw new CorruptEntryException(
          "payload length "
              + length
              + " is over the limit of "
              + (long) LZ4_MAX_RATIO * compressedLength
              + " bytes that a "
              + compressedLength
              + "-byte LZ4 block can hold");
    }
    byte[] payload = new byte[(int) length];
    LZ4SafeDecompressor decompressor = LZ4.safeDecompressor();
    int decoded;
    try {
      decoded =
          decompressor.decompress(
              value, HEADER_BYTES, compressedLength, payload, 0, payload.length);
    } catch (RuntimeException e) {
      // LZ4Exception, or any bounds failure a decoder reports: either way the block is damaged.
      throw new CorruptEntryException("truncated or damaged LZ4 block: " + e.getMessage(), e);
    }
    if (decoded != length) {
      throw new CorruptEntryException(
          "truncated: the LZ4 block decodes to " + decoded + " bytes, the header says " + length);
    }
    return payload;
  }

  /**
   * The checksum field of a value of {@code version}: over the key, the payload, the 8 header bytes
   * before the field and the body, in that order.
   */
  private static byte[] checksum(byte version, byte[] key, byte[] payload, byte[] value) {
    int bodyLength = value.length - HEADER_BYTES;
    if (version == LZ4_BLOCK_BLAKE3 || version == STORED_BLAKE3) {
      return new Blake3()
          .update(key)
          .update(payload)
          .update(value, 0, CHECKSUM_OFFSET)
          .update(value, HEADER_BYTES, bodyLength)
          .digest();
    }
    try (StreamingXXHash64 xxh64 = XXHASH.newStreamingHash64(0)) {
      xxh64.update(key, 0, key.length);
      xxh64.update(payload, 0, payload.length);
      xxh64.update(value, 0, CHECKSUM_OFFSET);
      xxh64.update(value, HEADER_BYTES, bodyLength);
      return ByteBuffer.allocate(CHECKSUM_BYTES).putLong(xxh64.getValue()).array();
    }
  }

  private static String hex(byte[] b, int from, int to) {
    return HexFormat.ofDelimiter(" ").formatHex(b, from, to);
  }
}
