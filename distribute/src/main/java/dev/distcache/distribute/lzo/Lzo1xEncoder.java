package dev.distcache.distribute.lzo;

import java.util.Arrays;

/**
 * A greedy LZO1X compressor in the manner of {@code lzo1x_1}: a 16K-entry hash table of 4-byte
 * sequences finds one candidate per position; matches are at least 4 bytes long and at most 49151
 * bytes back. It emits only the instruction forms every LZO1X decoder accepts (see {@link
 * Lzo1xDecoder}); its output need not equal miniLZO's byte for byte, only decode the same.
 */
final class Lzo1xEncoder {
  private static final int HASH_BITS = 14;
  private static final int MAX_DISTANCE = 0xbfff;
  private static final int MIN_MATCH = 4;

  private final byte[] src;
  private final int end;
  private final byte[] out;
  private int op;

  private Lzo1xEncoder(byte[] src, int end, int capacity) {
    this.src = src;
    this.end = end;
    this.out = new byte[capacity];
  }

  static int maxCompressedLength(int length) {
    return length + length / 16 + 64 + 3;
  }

  static byte[] compress(byte[] src, int off, int len) {
    Lzo1xEncoder e = new Lzo1xEncoder(src, off + len, maxCompressedLength(len));
    e.run(off);
    return Arrays.copyOf(e.out, e.op);
  }

  private void run(int start) {
    int[] table = new int[1 << HASH_BITS]; // position + 1; 0 is empty
    int anchor = start;
    int ip = start;
    while (ip <= end - MIN_MATCH) {
      int h = hash(ip);
      int candidate = table[h] - 1;
      table[h] = ip + 1;
      if (candidate >= start && ip - candidate <= MAX_DISTANCE && same4(candidate, ip)) {
        int length = MIN_MATCH;
        while (ip + length < end && src[candidate + length] == src[ip + length]) {
          length++;
        }
        literals(anchor, ip - anchor);
        match(ip - candidate, length);
        ip += length;
        anchor = ip;
      } else {
        ip += 1 + ((ip - anchor) >> 5); // skip faster through data that does not compress
      }
    }
    literals(anchor, end - anchor);
    out[op++] = 0x11; // end of stream: a far match with distance field 0
    out[op++] = 0;
    out[op++] = 0;
  }

  private void literals(int from, int count) {
    if (count == 0) {
      return;
    }
    if (op == 0 && count <= 238) {
      out[op++] = (byte) (17 + count); // the first instruction may carry its own run length
    } else if (count <= 3) {
      out[op - 2] |= (byte) count; // in the low bits of the previous match's second-last byte
    } else if (count <= 18) {
      out[op++] = (byte) (count - 3);
    } else {
      out[op++] = 0;
      extension(count - 18);
    }
    System.arraycopy(src, from, out, op, count);
    op += count;
  }

  private void match(int distance, int length) {
    if (distance <= 0x800 && length <= 8) {
      int d = distance - 1;
      out[op++] = (byte) (((length - 1) << 5) | ((d & 7) << 2));
      out[op++] = (byte) (d >> 3);
      return;
    }
    int d;
    if (distance <= 0x4000) {
      d = distance - 1;
      lengthCode(32, 31, length);
    } else {
      d = distance - 0x4000;
      lengthCode(16 | ((d >> 11) & 8), 7, length);
    }
    out[op++] = (byte) ((d & 63) << 2);
    out[op++] = (byte) (d >> 6);
  }

  /** The marker byte with {@code length - 2} in its low bits, or 0 there and an extension. */
  private void lengthCode(int marker, int inline, int length) {
    if (length - 2 <= inline) {
      out[op++] = (byte) (marker | (length - 2));
    } else {
      out[op++] = (byte) marker;
      extension(length - 2 - inline);
    }
  }

  private void extension(int n) {
    while (n > 255) {
      n -= 255;
      out[op++] = 0;
    }
    out[op++] = (byte) n;
  }

  private int hash(int p) {
    return (int4(p) * 0x9e3779b1) >>> (32 - HASH_BITS);
  }

  private boolean same4(int a, int b) {
    return int4(a) == int4(b);
  }

  private int int4(int p) {
    return (src[p] & 0xff)
        | (src[p + 1] & 0xff) << 8
        | (src[p + 2] & 0xff) << 16
        | (src[p + 3] & 0xff) << 24;
  }
}
