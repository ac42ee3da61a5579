package dev.distcache.distribute.lzo;

import dev.distcache.core.wire.ProtocolException;

/**
 * The LZO1X decoder: a state machine over the instruction stream that checks every read of the
 * input, every back reference and every write against the limit. With no output array it only
 * counts, which is how {@link Lzo1x#decompress} learns the length before allocating.
 *
 * <p>Instructions (the first byte {@code t} of each): after a match, {@code t < 16} is a 2-byte
 * match at distance 1..1024; after a literal run, {@code t < 16} is a 3-byte match at distance
 * 2049..3072; otherwise {@code t < 16} starts a literal run. {@code t >= 64}: match of 3..8 bytes
 * at distance up to 2048; {@code 32..63}: any length, distance up to 16384; {@code 16..31}:
 * distance 16385..49151, or the end of the stream when the distance field is 0. The low two bits of
 * the byte two before a match's end give 0..3 literals that follow it.
 */
final class Lzo1xDecoder {
  private static final int LITERAL_RUN = 0; // expecting a literal run or a match
  private static final int AFTER_RUN = 1; // after a run of 4+ literals
  private static final int AFTER_SHORT = 2; // after 1..3 literals that followed a match

  private final byte[] in;
  private final byte[] out;
  private final int max;
  private int ip;
  private int op;

  private Lzo1xDecoder(byte[] in, byte[] out, int max) {
    this.in = in;
    this.out = out;
    this.max = max;
  }

  /** Decodes (or, with {@code out == null}, measures) the stream; returns the output length. */
  static int run(byte[] in, byte[] out, int max) throws ProtocolException {
    if (max < 0) {
      throw new IllegalArgumentException("maxLength (" + max + ") must not be negative");
    }
    return new Lzo1xDecoder(in, out, max).decode();
  }

  private int decode() throws ProtocolException {
    int state = LITERAL_RUN;
    if (in.length > 0 && (in[0] & 0xff) > 17) {
      int t = (in[ip++] & 0xff) - 17;
      literals(t);
      state = t < 4 ? AFTER_SHORT : AFTER_RUN;
    }
    while (true) {
      int t = next();
      long length;
      int distance;
      if (t < 16) {
        if (state == LITERAL_RUN) {
          literals(t == 0 ? 18 + extension() : t + 3);
          state = AFTER_RUN;
          continue;
        }
        if (state == AFTER_RUN) {
          distance = 0x801 + (t >> 2) + (next() << 2);
          length = 3;
        } else {
          distance = 1 + (t >> 2) + (next() << 2);
          length = 2;
        }
      } else if (t >= 64) {
        distance = 1 + ((t >> 2) & 7) + (next() << 3);
        length = (t >> 5) + 1;
      } else if (t >= 32) {
        length = ((t & 31) == 0 ? 31 + extension() : t & 31) + 2;
        distance = 1 + distanceField();
      } else {
        length = ((t & 7) == 0 ? 7 + extension() : t & 7) + 2;
        int d = distanceField() + ((t & 8) << 11);
        if (d == 0) {
          if (ip != in.length) {
            throw corrupt(in.length - ip + " bytes follow the end-of-stream marker");
          }
          return op;
        }
        distance = d + 0x4000;
      }
      match(distance, length);
      int trailing = in[ip - 2] & 3;
      if (trailing == 0) {
        state = LITERAL_RUN;
      } else {
        literals(trailing);
        state = AFTER_SHORT;
      }
    }
  }

  private int next() throws ProtocolException {
    if (ip >= in.length) {
      throw corrupt("the stream ends inside an instruction (no end-of-stream marker)");
    }
    return in[ip++] & 0xff;
  }

  /** A length extension: 255 for each zero byte, plus the first non-zero byte. */
  private long extension() throws ProtocolException {
    long n = 0;
    int b;
    while ((b = next()) == 0) {
      n += 255;
    }
    return n + b;
  }

  /** The 14-bit distance field of the long match forms, in two bytes (low six bits first). */
  private int distanceField() throws ProtocolException {
    int d0 = next();
    int d1 = next();
    return (d0 >> 2) + (d1 << 6);
  }

  private void literals(long count) throws ProtocolException {
    reserve(count);
    if (count > in.length - ip) {
      throw corrupt("a run of " + count + " literal bytes is longer than the rest of the stream");
    }
    int n = (int) count;
    if (out != null) {
      System.arraycopy(in, ip, out, op, n);
    }
    ip += n;
    op += n;
  }

  private void match(int distance, long length) throws ProtocolException {
    if (distance > op) {
      throw corrupt("a match refers " + distance + " bytes back, but only " + op + " were decoded");
    }
    reserve(length);
    int n = (int) length;
    if (out != null) {
      int from = op - distance;
      for (int i = 0; i < n; i++) {
        out[op + i] = out[from + i];
      }
    }
    op += n;
  }

  private void reserve(long count) throws ProtocolException {
    if (count > max - op) {
      throw new ProtocolException("LZO stream decodes to more than the limit of " + max + " bytes");
    }
  }

  private ProtocolException corrupt(String what) {
    return new ProtocolException(
        "LZO stream is corrupt at byte " + ip + " of " + in.length + ": " + what);
  }
}
