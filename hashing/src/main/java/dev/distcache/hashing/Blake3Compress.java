package dev.distcache.hashing;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The BLAKE3 compression function on int locals, and the constants of the spec. Stateless; the
 * caller owns every array it passes.
 */
final class Blake3Compress {
  static final int BLOCK_LEN = 64;
  static final int CHUNK_LEN = 1024;
  static final int CHUNK_START = 1;
  static final int CHUNK_END = 2;
  static final int PARENT = 4;
  static final int ROOT = 8;

  /** The key of unkeyed hashing: SHA-256's initial hash value. */
  static final int[] IV = {
    0x6A09E667, 0xBB67AE85, 0x3C6EF372, 0xA54FF53A, 0x510E527F, 0x9B05688C, 0x1F83D9AB, 0x5BE0CD19
  };

  private static final VarHandle LE_INT =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

  private Blake3Compress() {}

  /**
   * Reads the 64-byte block at {@code in[off..off+64)} as 16 little-endian words into {@code m}.
   */
  static void words(byte[] in, int off, int[] m) {
    for (int i = 0; i < 16; i++) {
      m[i] = (int) LE_INT.get(in, off + 4 * i);
    }
  }

  /**
   * Writes the chaining values of {@code n} whole chunks, {@code in[off..off+1024n)}, whose first
   * has the chunk counter {@code counter}, to {@code cvs[0..8n)}; {@code m} is 16 words of scratch.
   */
  static void chunks(byte[] in, int off, int n, long counter, int[] cvs, int[] m) {
    for (int c = 0; c < n; c++) {
      System.arraycopy(IV, 0, cvs, 8 * c, 8);
      for (int b = 0; b < CHUNK_LEN / BLOCK_LEN; b++) {
        words(in, off + c * CHUNK_LEN + b * BLOCK_LEN, m);
        int flags = b == 0 ? CHUNK_START : b == CHUNK_LEN / BLOCK_LEN - 1 ? CHUNK_END : 0;
        compress(cvs, 8 * c, m, 0, counter + c, BLOCK_LEN, flags, cvs, 8 * c);
      }
    }
  }

  /**
   * Compresses one block and writes the first 8 words of the result (the chaining value, or the
   * root output's first 32 bytes) to {@code out[outOff..outOff+8)}. {@code out} may overlap the
   * inputs: everything is read before anything is written.
   *
   * <p>The seven rounds are written out, each G on the state words it mixes and the message words
   * the schedule gives it (the permutation applied to the names, not to data). The local server
   * runs C1 only, and C1 compiles this form to the fastest code measured (12% faster than a loop
   * over the rounds; C2 prefers the loop). Keep the method under HotSpot's 8000-byte limit for
   * compiling a method at all: it is about 4,900 bytes of bytecode.
   *
   * @param cv the input chaining value at {@code cv[cvOff..cvOff+8)}
   * @param m the block as 16 little-endian words at {@code m[mOff..mOff+16)}, zero-padded
   */
  static void compress(
      int[] cv,
      int cvOff,
      int[] m,
      int mOff,
      long counter,
      int blockLen,
      int flags,
      int[] out,
      int outOff) {
    int m0 = m[mOff];
    int m1 = m[mOff + 1];
    int m2 = m[mOff + 2];
    int m3 = m[mOff + 3];
    int m4 = m[mOff + 4];
    int m5 = m[mOff + 5];
    int m6 = m[mOff + 6];
    int m7 = m[mOff + 7];
    int m8 = m[mOff + 8];
    int m9 = m[mOff + 9];
    int m10 = m[mOff + 10];
    int m11 = m[mOff + 11];
    int m12 = m[mOff + 12];
    int m13 = m[mOff + 13];
    int m14 = m[mOff + 14];
    int m15 = m[mOff + 15];
    int v0 = cv[cvOff];
    int v1 = cv[cvOff + 1];
    int v2 = cv[cvOff + 2];
    int v3 = cv[cvOff + 3];
    int v4 = cv[cvOff + 4];
    int v5 = cv[cvOff + 5];
    int v6 = cv[cvOff + 6];
    int v7 = cv[cvOff + 7];
    int v8 = 0x6A09E667;
    int v9 = 0xBB67AE85;
    int v10 = 0x3C6EF372;
    int v11 = 0xA54FF53A;
    int v12 = (int) counter;
    int v13 = (int) (counter >>> 32);
    int v14 = blockLen;
    int v15 = flags;
    // Round 1: message words 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15.
    v0 += v4 + m0;
    v12 = Integer.rotateRight(v12 ^ v0, 16);
    v8 += v12;
    v4 = Integer.rotateRight(v4 ^ v8, 12);
    v0 += v4 + m1;
    v12 = Integer.rotateRight(v12 ^ v0, 8);
    v8 += v12;
    v4 = Integer.rotateRight(v4 ^ v8, 7);
    v1 += v5 + m2;
    v13 = Integer.rotateRight(v13 ^ v1, 16);
    v9 += v13;
    v5 = Integer.rotateRight(v5 ^ v9, 12);
    v1 += v5 + m3;
    v13 = Integer.rotateRight(v13 ^ v1, 8);
    v9 += v13;
    v5 = Integer.rotateRight(v5 ^ v9, 7);
    v2 += v6 + m4;
    v14 = Integer.rotateRight(v14 ^ v2, 16);
    v10 += v14;
    v6 = Integer.rotateRight(v6 ^ v10, 12);
    v2 += v6 + m5;
    v14 = Integer.rotateRight(v14 ^ v2, 8);
    v10 += v14;
    v6 = Integer.rotateRight(v6 ^ v10, 7);
    v3 += v7 + m6;
    v15 = Integer.rotateRight(v15 ^ v3, 16);
    v11 += v15;
    v7 = Integer.rotateRight(v7 ^ v11, 12);
    v3 += v7 + m7;
    v15 = Integer.rotateRight(v15 ^ v3, 8);
    v11 += v15;
    v7 = Integer.rotateRight(v7 ^ v11, 7);
    v0 += v5 + m8;
    v15 = Integer.rotateRight(v15 ^ v0, 16);
    v10 += v15;
    v5 = Integer.rotateRight(v5 ^ v10, 12);
    v0 += v5 + m9;
    v15 = Integer.rotateRight(v15 ^ v0, 8);
    v10 += v15;
    v5 = Integer.rotateRight(v5 ^ v10, 7);
    v1 += v6 + m10;
    v12 = Integer.rotateRight(v12 ^ v1, 16);
    v11 += v12;
    v6 = Integer.rotateRight(v6 ^ v11, 12);
    v1 += v6 + m11;
    v12 = Integer.rotateRight(v12 ^ v1, 8);
    v11 += v12;
    v6 = Integer.rotateRight(v6 ^ v11, 7);
    v2 += v7 + m12;
    v13 = Integer.rotateRight(v13 ^ v2, 16);
    v8 += v13;
    v7 = Integer.rotateRight(v7 ^ v8, 12);
    v2 += v7 + m13;
    v13 = Integer.rotateRight(v13 ^ v2, 8);
    v8 += v13;
    v7 = Integer.rotateRight(v7 ^ v8, 7);
    v3 += v4 + m14;
    v14 = Integer.rotateRight(v14 ^ v3, 16);
    v9 += v14;
    v4 = Integer.rotateRight(v4 ^ v9, 12);
    v3 += v4 + m15;
    v14 = Integer.rotateRight(v14 ^ v3, 8);
    v9 += v14;
    v4 = Integer.rotateRight(v4 ^ v9, 7);
    // Round 2: message words 2 6 3 10 7 0 4 13 1 11 12 5 9 14 15 8.
    v0 += v4 + m2;
    v12 = Integer.rotateRight(v12 ^ v0, 16);
    v8 += v12;
    v4 = Integer.rotateRight(v4 ^ v8, 12);
    v0 += v4 + m6;
    v12 = Integer.rotateRight(v12 ^ v0, 8);
    v8 += v12;
    v4 = Integer.rotateRight(v4 ^ v8, 7);
    v1 += v5 + m3;
    v13 = Integer.rotateRight(v13 ^ v1, 16);
    v9 += v13;
    v5 = Integer.rotateRight(v5 ^ v9, 12);
    v1 += v5 + m10;
    v13 = Integer.rotateRight(v13 ^ v1, 8);
    v9 += v13;
    v5 = Integer.rotateRight(v5 ^ v9, 7);
    v2 += v6 + m7;
    v14 = Integer.rotateRight(v14 ^ v2, 16);
    v10 += v14;
    v6 = Integer.rotateRight(v6 ^ v10, 12);
    v2 += v6 + m0;
    v14 = Integer.rotateRight(v14 ^ v2, 8);
    v10 += v14;
    v6 = Integer.rotateRight(v6 ^ v10, 7);
    v3 += v7 + m4;
    v15 = Integer.rotateRight(v15 ^ v3, 16);
    v11 += v15;
    v7 = Integer.rotateRight(v7 ^ v11, 12);
    v3 += v7 + m13;
    v15 = Integer.rotateRight(v15 ^ v3, 8);
    v11 += v15;
    v7 = Integer.rotateRight(v7 ^ v11, 7);
    v0 += v5 + m1;
    v15 = Integer.rotateRight(v15 ^ v0, 16);
    v10 += v15;
    v5 = Integer.rotateRight(v5 ^ v10, 12);
    v0 += v5 + m11;
    v15 = Integer.rotateRight(v15 ^ v0, 8);
    v10 += v15;
    v5 = Integer.rotateRight(v5 ^ v10, 7);
    v1 += v6 + m12;
    v12 = Integer.rotateRight(v12 ^ v1, 16);
    v11 += v12;
    v6 = Integer.rotateRight(v6 ^ v11, 12);
    v1 += v6 + m5;
    v12 = Integer.rotateRight(v12 ^ v1, 8);
    v11 += v12;
    v6 = Integer.rotateRight(v6 ^ v11, 7);
    v2 += v7 + m9;
    v13 = Integer.rotateRight(v13 ^ v2, 16);
    v8 += v13;
    v7 = Integer.rotateRight(v7 ^ v8, 12);
    v2 += v7 + m14;
    v13 = Integer.rotateRight(v13 ^ v2, 8);
    v8 += v13;
    v7 = Integer.rotateRight(v7 ^ v8, 7);
    v3 += v4 + m15;
    v14 = Integer.rotateRight(v14 ^ v3, 16);
    v9 += v14;
    v4 = Integer.rotateRight(v4 ^ v9, 12);
    v3 += v4 + m8;
    v14 = Integer.rotateRight(v14 ^ v3, 8);
    v9 += v14;
    v4 = Integer.rotateRight(v4 ^ v9, 7);
    // Round 3: message words 3 4 10 12 13 2 7 14 6 5 9 0 11 15 8 1.
    v0 += v4 + m3;
    v12 = Integer.rotateRight(v12 ^ v0, 16);
    v8 += v12;
    v4 = Integer.rotateRight(v4 ^ v8, 12);
    v0 += v4 + m4;
    v12 = Integer.rotateRight(v12 ^ v0, 8);
    v8 += v12;
    v4 = Integer.rotateRight(v4 ^ v8, 7);
    v1 += v5 + m10;
    v13 = Integer.rotateRight(v13 ^ v1, 16);
    v9 += v13;
    v5 = Integer.rotateRight(v5 ^ v9, 12);
    v1 += v5 + m12;
    v13 = Integer.rotateRight(v13 ^ v1, 8);
    v9 += v13;
    v5 = Integer.rotateRight(v5 ^ v9, 7);
    v2 += v6 + m13;
    v14 = Integer.rotateRight(v14 ^ v2, 16);
    v10 += v14;
    v6 = Integer.rotateRight(v6 ^ v10, 12);
    v2 += v6 + m2;
    v14 = Integer.rotateRight(v14 ^ v2, 8);
    v10 += v14;
    v6 = Integer.rotateRight(v6 ^ v10, 7);
    v3 += v7 + m7;
    v15 = Integer.rotateRight(v15 ^ v3, 16);
    v11 += v15;
    v7 = Integer.rotateRight(v7 ^ v11, 12);
    v3 += v7 + m14;
    v15 = Integer.rotateRight(v15 ^ v3, 8);
    v11 += v15;
    v7 = Integer.rotateRight(v7 ^ v11, 7);
    v0 += v5 + m6;
    v15 = Integer.rotateRight(v15 ^ v0, 16);
    v10 += v15;
    v5 = Integer.rotateRight(v5 ^ v10, 12);
    v0 += v5 + m5;
    v15 = Integer.rotateRight(v15 ^ v0, 8);
    v10 += v15;
    v5 = Integer.rotateRight(v5 ^ v10, 7);
    v1 += v6 + m9;
    v12 = Integer.rotateRight(v12 ^ v1, 16);
    v11 += v12;
    v6 = Integer.rotateRight(v6 ^ v11, 12);
    v1 += v6 + m0;
    v12 = Integer.rotateRight(v12 ^ v1, 8);
    v11 += v12;
    v6 = Integer.rotateRight(v6 ^ v11, 7);
    v2 += v7 + m11;
    v13 = Integer.rotateRight(v13 ^ v2, 16);
    v8 += v13;
    v7 = Integer.rotateRight(v7 ^ v8, 12);
    v2 += v7 + m15;
    v13 = Integer.rotateRight(v13 ^ v2, 8);
    v8 += v13;
    v7 = Integer.rotateRight(v7 ^ v8, 7);
    v3 += v4 + m8;
    v14 = Integer.rotateRight(v14 ^ v3, 16);
    v9 += v14;
    v4 = Integer.rotateRight(v4 ^ v9, 12);
    v3 += v4 + m1;
    v14 = Integer.rotateRight(v14 ^ v3, 8);
    v9 += v14;
    v4 = Integer.rotateRight(v4 ^ v9, 7);
    // Round 4: message words 10 7 12 9 14 3 13 15 4 0 11 2 5 8 1 6.
    v0 += v4 + m10;
    v12 = Integer.rotateRight(v12 ^ v0, 16);
    v8 += v12;
    v4 = Integer.rotateRight(v4 ^ v8, 12);
    v0 += v4 + m7;
    v12 = Integer.rotateRight(v12 ^ v0, 8);
    v8 += v12;
    v4 = Integer.rotateRight(v4 ^ v8, 7);
    v1 += v5 + m12;
    v13 = Integer.rotateRight(v13 ^ v1, 16);
    v9 += v13;
    v5 = Integer.rotateRight(v5 ^ v9, 12);
    v1 += v5 + m9;
    v13 = Integer.rotateRight(v13 ^ v1, 8);
    v9 += v13;
    v5 = Integer.rotateRight(v5 ^ v9, 7);
    v2 += v6 + m14;
    v14 = Integer.rotateRight(v14 ^ v2, 16);
    v10 += v14;
    v6 = Integer.rotateRight(v6 ^ v10, 12);
    v2 += v6 + m3;
    v14 = Integer.rotateRight(v14 ^ v2, 8);
    v10 += v14;
    v6 = Integer.rotateRight(v6 ^ v10, 7);
    v3 += v7 + m13;
    v15 = Integer.rotateRight(v15 ^ v3, 16);
    v11 += v15;
    v7 = Integer.rotateRight(v7 ^ v11, 12);
    v3 += v7 + m15;
    v15 = Integer.rotateRight(v15 ^ v3, 8);
    v11 += v15;
    v7 = Integer.rotateRight(v7 ^ v11, 7);
    v0 += v5 + m4;
    v15 = Integer.rotateRight(v15 ^ v0, 16);
    v10 += v15;
    v5 = Integer.rotateRight(v5 ^ v10, 12);
    v0 += v5 + m0;
    v15 = Integer.rotateRight(v15 ^ v0, 8);
    v10 += v15;
    v5 = Integer.rotateRight(v5 ^ v10, 7);
    v1 += v6 + m11;
    v12 = Integer.rotateRight(v12 ^ v1, 16);
    v11 += v12;
    v6 = Integer.rotateRight(v6 ^ v11, 12);
    v1 += v6 + m2;
    v12 = Integer.rotateRight(v12 ^ v1, 8);
    v11 += v12;
    v6 = Integer.rotateRight(v6 ^ v11, 7);
    v2 += v7 + m5;
    v13 = Integer.rotateRight(v13 ^ v2, 16);
    v8 += v13;
    v7 = Integer.rotateRight(v7 ^ v8, 12);
    v2 += v7 + m8;
    v13 = Integer.rotateRight(v13 ^ v2, 8);
    v8 += v13;
    v7 = Integer.rotateRight(v7 ^ v8, 7);
    v3 += v4 + m1;
    v14 = Integer.rotateRight(v14 ^ v3, 16);
    v9 += v14;
    v4 = Integer.rotateRight(v4 ^ v9, 12);
    v3 += v4 + m6;
    v14 = Integer.rotateRight(v14 ^ v3, 8);
    v9 += v14;
    v4 = Integer.rotateRight(v4 ^ v9, 7);
    // Round 5: message words 12 13 9 11 15 10 14 8 7 2 5 3 0 1 6 4.
    v0 += v4 + m12;
    v12 = Integer.rotateRight(v12 ^ v0, 16);
    v8 += v12;
    v4 = Integer.rotateRight(v4 ^ v8, 12);
    v0 += v4 + m13;
    v12 = Integer.rotateRight(v12 ^ v0, 8);
    v8 += v12;
    v4 = Integer.rotateRight(v4 ^ v8, 7);
    v1 += v5 + m9;
    v13 = Integer.rotateRight(v13 ^ v1, 16);
    v9 += v13;
    v5 = Integer.rotateRight(v5 ^ v9, 12);
    v1 += v5 + m11;
    v13 = Integer.rotateRight(v13 ^ v1, 8);
    v9 += v13;
    v5 = Integer.rotateRight(v5 ^ v9, 7);
    v2 += v6 + m15;
    v14 = Integer.rotateRight(v14 ^ v2, 16);
    v10 += v14;
    v6 = Integer.rotateRight(v6 ^ v10, 12);
    v2 += v6 + m10;
    v14 = Integer.rotateRight(v14 ^ v2, 8);
    v10 += v14;
    v6 = Integer.rotateRight(v6 ^ v10, 7);
    v3 += v7 + m14;
    v15 = Integer.rotateRight(v15 ^ v3, 16);
    v11 += v15;
    v7 = Integer.rotateRight(v7 ^ v11, 12);
    v3 += v7 + m8;
    v15 = Integer.rotateRight(v15 ^ v3, 8);
    v11 += v15;
    v7 = Integer.rotateRight(v7 ^ v11, 7);
    v0 += v5 + m7;
    v15 = Integer.rotateRight(v15 ^ v0, 16);
    v10 += v15;
    v5 = Integer.rotateRight(v5 ^ v10, 12);
    v0 += v5 + m2;
    v15 = Integer.rotateRight(v15 ^ v0, 8);
    v10 += v15;
    v5 = Integer.rotateRight(v5 ^ v10, 7);
    v1 += v6 + m5;
    v12 = Integer.rotateRight(v12 ^ v1, 16);
    v11 += v12;
    v6 = Integer.rotateRight(v6 ^ v11, 12);
    v1 += v6 + m3;
    v12 = Integer.rotateRight(v12 ^ v1, 8);
    v11 += v12;
    v6 = Integer.rotateRight(v6 ^ v11, 7);
    v2 += v7 + m0;
    v13 = Integer.rotateRight(v13 ^ v2, 16);
    v8 += v13;
    v7 = Integer.rotateRight(v7 ^ v8, 12);
    v2 += v7 + m1;
    v13 = Integer.rotateRight(v13 ^ v2, 8);
    v8 += v13;
    v7 = Integer.rotateRight(v7 ^ v8, 7);
    v3 += v4 + m6;
    v14 = Integer.rotateRight(v14 ^ v3, 16);
    v9 += v14;
    v4 = Integer.rotateRight(v4 ^ v9, 12);
    v3 += v4 + m4;
    v14 = Integer.rotateRight(v14 ^ v3, 8);
    v9 += v14;
    v4 = Integer.rotateRight(v4 ^ v9, 7);
    // Round 6: message words 9 14 11 5 8 12 15 1 13 3 0 10 2 6 4 7.
    v0 += v4 + m9;
    v12 = Integer.rotateRight(v12 ^ v0, 16);
    v8 += v12;
    v4 = Integer.rotateRight(v4 ^ v8, 12);
    v0 += v4 + m14;
    v12 = Integer.rotateRight(v12 ^ v0, 8);
    v8 += v12;
    v4 = Integer.rotateRight(v4 ^ v8, 7);
    v1 += v5 + m11;
    v13 = Integer.rotateRight(v13 ^ v1, 16);
    v9 += v13;
    v5 = Integer.rotateRight(v5 ^ v9, 12);
    v1 += v5 + m5;
    v13 = Integer.rotateRight(v13 ^ v1, 8);
    v9 += v13;
    v5 = Integer.rotateRight(v5 ^ v9, 7);
    v2 += v6 + m8;
    v14 = Integer.rotateRight(v14 ^ v2, 16);
    v10 += v14;
    v6 = Integer.rotateRight(v6 ^ v10, 12);
    v2 += v6 + m12;
    v14 = Integer.rotateRight(v14 ^ v2, 8);
    v10 += v14;
    v6 = Integer.rotateRight(v6 ^ v10, 7);
    v3 += v7 + m15;
    v15 = Integer.rotateRight(v15 ^ v3, 16);
    v11 += v15;
    v7 = Integer.rotateRight(v7 ^ v11, 12);
    v3 += v7 + m1;
    v15 = Integer.rotateRight(v15 ^ v3, 8);
    v11 += v15;
    v7 = Integer.rotateRight(v7 ^ v11, 7);
    v0 += v5 + m13;
    v15 = Integer.rotateRight(v15 ^ v0, 16);
    v10 += v15;
    v5 = Integer.rotateRight(v5 ^ v10, 12);
    v0 += v5 + m3;
    v15 = Integer.rotateRight(v15 ^ v0, 8);
    v10 += v15;
    v5 = Integer.rotateRight(v5 ^ v10, 7);
    v1 += v6 + m0;
    v12 = Integer.rotateRight(v12 ^ v1, 16);
    v11 += v12;
    v6 = Integer.rotateRight(v6 ^ v11, 12);
    v1 += v6 + m10;
    v12 = Integer.rotateRight(v12 ^ v1, 8);
    v11 += v12;
    v6 = Integer.rotateRight(v6 ^ v11, 7);
    v2 += v7 + m2;
    v13 = Integer.rotateRight(v13 ^ v2, 16);
    v8 += v13;
    v7 = Integer.rotateRight(v7 ^ v8, 12);
    v2 += v7 + m6;
    v13 = Integer.rotateRight(v13 ^ v2, 8);
    v8 += v13;
    v7 = Integer.rotateRight(v7 ^ v8, 7);
    v3 += v4 + m4;
    v14 = Integer.rotateRight(v14 ^ v3, 16);
    v9 += v14;
    v4 = Integer.rotateRight(v4 ^ v9, 12);
    v3 += v4 + m7;
    v14 = Integer.rotateRight(v14 ^ v3, 8);
    v9 += v14;
    v4 = Integer.rotateRight(v4 ^ v9, 7);
    // Round 7: message words 11 15 5 0 1 9 8 6 14 10 2 12 3 4 7 13.
    v0 += v4 + m11;
    v12 = Integer.rotateRight(v12 ^ v0, 16);
    v8 += v12;
    v4 = Integer.rotateRight(v4 ^ v8, 12);
    v0 += v4 + m15;
    v12 = Integer.rotateRight(v12 ^ v0, 8);
    v8 += v12;
    v4 = Integer.rotateRight(v4 ^ v8, 7);
    v1 += v5 + m5;
    v13 = Integer.rotateRight(v13 ^ v1, 16);
    v9 += v13;
    v5 = Integer.rotateRight(v5 ^ v9, 12);
    v1 += v5 + m0;
    v13 = Integer.rotateRight(v13 ^ v1, 8);
    v9 += v13;
    v5 = Integer.rotateRight(v5 ^ v9, 7);
    v2 += v6 + m1;
    v14 = Integer.rotateRight(v14 ^ v2, 16);
    v10 += v14;
    v6 = Integer.rotateRight(v6 ^ v10, 12);
    v2 += v6 + m9;
    v14 = Integer.rotateRight(v14 ^ v2, 8);
    v10 += v14;
    v6 = Integer.rotateRight(v6 ^ v10, 7);
    v3 += v7 + m8;
    v15 = Integer.rotateRight(v15 ^ v3, 16);
    v11 += v15;
    v7 = Integer.rotateRight(v7 ^ v11, 12);
    v3 += v7 + m6;
    v15 = Integer.rotateRight(v15 ^ v3, 8);
    v11 += v15;
    v7 = Integer.rotateRight(v7 ^ v11, 7);
    v0 += v5 + m14;
    v15 = Integer.rotateRight(v15 ^ v0, 16);
    v10 += v15;
    v5 = Integer.rotateRight(v5 ^ v10, 12);
    v0 += v5 + m10;
    v15 = Integer.rotateRight(v15 ^ v0, 8);
    v10 += v15;
    v5 = Integer.rotateRight(v5 ^ v10, 7);
    v1 += v6 + m2;
    v12 = Integer.rotateRight(v12 ^ v1, 16);
    v11 += v12;
    v6 = Integer.rotateRight(v6 ^ v11, 12);
    v1 += v6 + m12;
    v12 = Integer.rotateRight(v12 ^ v1, 8);
    v11 += v12;
    v6 = Integer.rotateRight(v6 ^ v11, 7);
    v2 += v7 + m3;
    v13 = Integer.rotateRight(v13 ^ v2, 16);
    v8 += v13;
    v7 = Integer.rotateRight(v7 ^ v8, 12);
    v2 += v7 + m4;
    v13 = Integer.rotateRight(v13 ^ v2, 8);
    v8 += v13;
    v7 = Integer.rotateRight(v7 ^ v8, 7);
    v3 += v4 + m7;
    v14 = Integer.rotateRight(v14 ^ v3, 16);
    v9 += v14;
    v4 = Integer.rotateRight(v4 ^ v9, 12);
    v3 += v4 + m13;
    v14 = Integer.rotateRight(v14 ^ v3, 8);
    v9 += v14;
    v4 = Integer.rotateRight(v4 ^ v9, 7);
    out[outOff] = v0 ^ v8;
    out[outOff + 1] = v1 ^ v9;
    out[outOff + 2] = v2 ^ v10;
    out[outOff + 3] = v3 ^ v11;
    out[outOff + 4] = v4 ^ v12;
    out[outOff + 5] = v5 ^ v13;
    out[outOff + 6] = v6 ^ v14;
    out[outOff + 7] = v7 ^ v15;
  }
}
