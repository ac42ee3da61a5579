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

/**
 * The self-checking frame around every stored value: a 3-byte magic naming the kind of value, a
 * format version, the payload length, a BLAKE3 checksum, and the payload: LZ4 block-compressed
 * (version 1) or as it is (version 2, {@code compression = false}). {@link EntryCodec} describes
 * the layout and what the checksum covers. Thread-safe and stateless.
 */
final class ValueFrame {
  static final int HEADER_BYTES = 40;
  private static final int CHECKSUM_OFFSET = 8;

  /**
   * An LZ4 block never decodes to more than 255 times its size (one 0xFF length byte = 255 bytes).
   */
  private static final int LZ4_MAX_RATIO = 255;

  private static final LZ4Factory LZ4 = LZ4Factory.fastestInstance();

  /** The body is one LZ4 block (fast or HC: the same decoder reads both). */
  static final byte LZ4_BLOCK = 1;

  /** The body is the payload, not compressed. */
  static final byte STORED = 2;

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
    System.arraycopy(checksum(key, payload, value), 0, value, CHECKSUM_OFFSET, Blake3.LENGTH);
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
    if (version != LZ4_BLOCK && version != STORED) {
      throw new CorruptEntryException(
          "unsupported format version "
              + Byte.toUnsignedInt(version)
              + " (this build reads versions "
              + LZ4_BLOCK
              + " and "
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
        version == STORED ? stored(value, length) : decompressed(value, length, bodyLength);
    byte[] expected = Arrays.copyOfRange(value, CHECKSUM_OFFSET, HEADER_BYTES);
    byte[] actual = checksum(key, payload, value);
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

  private static byte[] checksum(byte[] key, byte[] payload, byte[] value) {
    return new Blake3()
        .update(key)
        .update(payload)
        .update(value, 0, CHECKSUM_OFFSET)
        .update(value, HEADER_BYTES, value.length - HEADER_BYTES)
        .digest();
  }

  private static String hex(byte[] b, int from, int to) {
    return HexFormat.ofDelimiter(" ").formatHex(b, from, to);
  }
}
