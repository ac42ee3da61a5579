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
 * format version, the payload length, a BLAKE3 checksum, and the payload LZ4 block-compressed.
 * {@link EntryCodec} describes the layout and what the checksum covers. Thread-safe and stateless.
 */
final class ValueFrame {
  static final int HEADER_BYTES = 40;
  private static final int CHECKSUM_OFFSET = 8;

  /**
   * An LZ4 block never decodes to more than 255 times its size (one 0xFF length byte = 255 bytes).
   */
  private static final int LZ4_MAX_RATIO = 255;

  private static final LZ4Factory LZ4 = LZ4Factory.fastestInstance();

  /** One kind of framed value: its magic, its version, and the largest payload it may hold. */
  record Kind(byte[] magic, byte version, int maxPayloadBytes) {
    Kind {
      if (magic.length != 3) {
        throw new IllegalArgumentException("magic length (" + magic.length + ") must be 3");
      }
    }
  }

  private ValueFrame() {}

  /** Frames {@code payload} for storage under {@code key}. */
  static byte[] frame(Kind kind, byte[] key, byte[] payload) {
    LZ4Compressor compressor = LZ4.fastCompressor();
    byte[] value = new byte[HEADER_BYTES + compressor.maxCompressedLength(payload.length)];
    int compressed = compressor.compress(payload, 0, payload.length, value, HEADER_BYTES);
    value = Arrays.copyOf(value, HEADER_BYTES + compressed);
    ByteBuffer.wrap(value).put(kind.magic()).put(kind.version()).putInt(payload.length);
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
    if (value[3] != kind.version()) {
      throw new CorruptEntryException(
          "unsupported format version "
              + Byte.toUnsignedInt(value[3])
              + " (this build reads version "
              + kind.version()
              + ")");
    }
    long length = Integer.toUnsignedLong(ByteBuffer.wrap(value, 4, 4).getInt());
    int compressedLength = value.length - HEADER_BYTES;
    if (length > kind.maxPayloadBytes()) {
      throw new CorruptEntryException(
          "payload length "
              + length
              + " is over the limit of "
              + kind.maxPayloadBytes()
              + " bytes");
    }
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
    int decoded = decompress(value, compressedLength, payload);
    if (decoded != length) {
      throw new CorruptEntryException(
          "truncated: the LZ4 block decodes to " + decoded + " bytes, the header says " + length);
    }
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

  private static int decompress(byte[] value, int compressedLength, byte[] payload)
      throws CorruptEntryException {
    LZ4SafeDecompressor decompressor = LZ4.safeDecompressor();
    try {
      return decompressor.decompress(
          value, HEADER_BYTES, compressedLength, payload, 0, payload.length);
    } catch (RuntimeException e) {
      // LZ4Exception, or any bounds failure a decoder reports: either way the block is damaged.
      throw new CorruptEntryException("truncated or damaged LZ4 block: " + e.getMessage(), e);
    }
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
