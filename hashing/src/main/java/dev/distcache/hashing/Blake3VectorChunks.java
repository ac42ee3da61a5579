package dev.distcache.hashing;

import static dev.distcache.hashing.Blake3Compress.BLOCK_LEN;
import static dev.distcache.hashing.Blake3Compress.CHUNK_END;
import static dev.distcache.hashing.Blake3Compress.CHUNK_LEN;
import static dev.distcache.hashing.Blake3Compress.CHUNK_START;
import static dev.distcache.hashing.Blake3Compress.IV;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Hashes as many chunks at once as an int vector has lanes (16 with AVX-512, 8 with AVX2): lane i
 * holds chunk i's state, so the compression function runs unchanged on vectors ("hash_many" in the
 * reference implementations). The message words are gathered across chunks from a little-endian
 * copy of the input. Loaded only when jdk.incubator.vector is present (see {@link Blake3Chunks}).
 */
final class Blake3VectorChunks implements Blake3Chunks {
  private static final VectorSpecies<Integer> SPECIES = IntVector.SPECIES_PREFERRED;
  private static final int LANES = SPECIES.length();
  private static final int WORDS_PER_CHUNK = CHUNK_LEN / 4;
  /** Lane i reads chunk i: the gather's offsets into {@link #words}. */
  private static final int[] CHUNK_OFFSETS = new int[LANES];

  static {
    for (int i = 0; i < LANES; i++) {
      CHUNK_OFFSETS[i] = i * WORDS_PER_CHUNK;
    }
  }

  private int[] words; // allocated at the first batch: most hashers never see 16 whole chunks at once
  private final int[] counterLo = new int[LANES];
  private final int[] counterHi = new int[LANES];
  private final int[] cvWords = new int[8 * LANES];
  private final Blake3Chunks scalar = Blake3Chunks.scalar();

  /** True when vectors are wide enough to be worth it (at least 8 int lanes). */
  static boolean worthwhile() {
    return LANES >= 8;
  }

  @Override
  public int batch() {
    return LANES;
  }

  @Override
  public void hash(byte[] in, int off, int n, long counter, int[] cvs) {
    if (n < LANES) {
      scalar.hash(in, off, n, counter, cvs);
      return;
    }
    if (words == null) {
      words = new int[LANES * WORDS_PER_CHUNK];
    }
    ByteBuffer.wrap(in, off, LANES * CHUNK_LEN).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(words);
    for (int i = 0; i < LANES; i++) {
      counterLo[i] = (int) (counter + i);
      counterHi[i] = (int) ((counter + i) >>> 32);
    }
    IntVector lo = IntVector.fromArray(SPECIES, counterLo, 0);
    IntVector hi = IntVector.fromArray(SPECIES, counterHi, 0);
    IntVector h0 = IntVector.broadcast(SPECIES, IV[0]);
    IntVector h1 = IntVector.broadcast(SPECIES, IV[1]);
    IntVector h2 = IntVector.broadcast(SPECIES, IV[2]);
    IntVector h3 = IntVector.broadcast(SPECIES, IV[3]);
    IntVector h4 = IntVector.broadcast(SPECIES, IV[4]);
    IntVector h5 = IntVector.broadcast(SPECIES, IV[5]);
    IntVector h6 = IntVector.broadcast(SPECIES, IV[6]);
    IntVector h7 = IntVector.broadcast(SPECIES, IV[7]);
    for (int b = 0; b < CHUNK_LEN / BLOCK_LEN; b++) {
      int w = b * 16;
      IntVector m0 = gather(w);
      IntVector m1 = gather(w + 1);
      IntVector m2 = gather(w + 2);
      IntVector m3 = gather(w + 3);
      IntVector m4 = gather(w + 4);
      IntVector m5 = gather(w + 5);
      IntVector m6 = gather(w + 6);
      IntVector m7 = gather(w + 7);
      IntVector m8 = gather(w + 8);
      IntVector m9 = gather(w + 9);
      IntVector m10 = gather(w + 10);
      IntVector m11 = gather(w + 11);
      IntVector m12 = gather(w + 12);
      IntVector m13 = gather(w + 13);
      IntVector m14 = gather(w + 14);
      IntVector m15 = gather(w + 15);
      int flags = b == 0 ? CHUNK_START : b == CHUNK_LEN / BLOCK_LEN - 1 ? CHUNK_END : 0;
      IntVector v0 = h0;
      IntVector v1 = h1;
      IntVector v2 = h2;
      IntVector v3 = h3;
      IntVector v4 = h4;
      IntVector v5 = h5;
      IntVector v6 = h6;
      IntVector v7 = h7;
      IntVector v8 = IntVector.broadcast(SPECIES, IV[0]);
      IntVector v9 = IntVector.broadcast(SPECIES, IV[1]);
      IntVector v10 = IntVector.broadcast(SPECIES, IV[2]);
      IntVector v11 = IntVector.broadcast(SPECIES, IV[3]);
      IntVector v12 = lo;
      IntVector v13 = hi;
      IntVector v14 = IntVector.broadcast(SPECIES, BLOCK_LEN);
      IntVector v15 = IntVector.broadcast(SPECIES, flags);
      for (int round = 0; ; round++) {
        // Columns.
        v0 = v0.add(v4).add(m0);
        v12 = v12.lanewise(VectorOperators.XOR, v0).lanewise(VectorOperators.ROR, 16);
        v8 = v8.add(v12);
        v4 = v4.lanewise(VectorOperators.XOR, v8).lanewise(VectorOperators.ROR, 12);
        v0 = v0.add(v4).add(m1);
        v12 = v12.lanewise(VectorOperators.XOR, v0).lanewise(VectorOperators.ROR, 8);
        v8 = v8.add(v12);
        v4 = v4.lanewise(VectorOperators.XOR, v8).lanewise(VectorOperators.ROR, 7);
        v1 = v1.add(v5).add(m2);
        v13 = v13.lanewise(VectorOperators.XOR, v1).lanewise(VectorOperators.ROR, 16);
        v9 = v9.add(v13);
        v5 = v5.lanewise(VectorOperators.XOR, v9).lanewise(VectorOperators.ROR, 12);
        v1 = v1.add(v5).add(m3);
        v13 = v13.lanewise(VectorOperators.XOR, v1).lanewise(VectorOperators.ROR, 8);
        v9 = v9.add(v13);
        v5 = v5.lanewise(VectorOperators.XOR, v9).lanewise(VectorOperators.ROR, 7);
        v2 = v2.add(v6).add(m4);
        v14 = v14.lanewise(VectorOperators.XOR, v2).lanewise(VectorOperators.ROR, 16);
        v10 = v10.add(v14);
        v6 = v6.lanewise(VectorOperators.XOR, v10).lanewise(VectorOperators.ROR, 12);
        v2 = v2.add(v6).add(m5);
        v14 = v14.lanewise(VectorOperators.XOR, v2).lanewise(VectorOperators.ROR, 8);
        v10 = v10.add(v14);
        v6 = v6.lanewise(VectorOperators.XOR, v10).lanewise(VectorOperators.ROR, 7);
        v3 = v3.add(v7).add(m6);
        v15 = v15.lanewise(VectorOperators.XOR, v3).lanewise(VectorOperators.ROR, 16);
        v11 = v11.add(v15);
        v7 = v7.lanewise(VectorOperators.XOR, v11).lanewise(VectorOperators.ROR, 12);
        v3 = v3.add(v7).add(m7);
        v15 = v15.lanewise(VectorOperators.XOR, v3).lanewise(VectorOperators.ROR, 8);
        v11 = v11.add(v15);
        v7 = v7.lanewise(VectorOperators.XOR, v11).lanewise(VectorOperators.ROR, 7);
        // Diagonals.
        v0 = v0.add(v5).add(m8);
        v15 = v15.lanewise(VectorOperators.XOR, v0).lanewise(VectorOperators.ROR, 16);
        v10 = v10.add(v15);
        v5 = v5.lanewise(VectorOperators.XOR, v10).lanewise(VectorOperators.ROR, 12);
        v0 = v0.add(v5).add(m9);
        v15 = v15.lanewise(VectorOperators.XOR, v0).lanewise(VectorOperators.ROR, 8);
        v10 = v10.add(v15);
        v5 = v5.lanewise(VectorOperators.XOR, v10).lanewise(VectorOperators.ROR, 7);
        v1 = v1.add(v6).add(m10);
        v12 = v12.lanewise(VectorOperators.XOR, v1).lanewise(VectorOperators.ROR, 16);
        v11 = v11.add(v12);
        v6 = v6.lanewise(VectorOperators.XOR, v11).lanewise(VectorOperators.ROR, 12);
        v1 = v1.add(v6).add(m11);
        v12 = v12.lanewise(VectorOperators.XOR, v1).lanewise(VectorOperators.ROR, 8);
        v11 = v11.add(v12);
        v6 = v6.lanewise(VectorOperators.XOR, v11).lanewise(VectorOperators.ROR, 7);
        v2 = v2.add(v7).add(m12);
        v13 = v13.lanewise(VectorOperators.XOR, v2).lanewise(VectorOperators.ROR, 16);
        v8 = v8.add(v13);
        v7 = v7.lanewise(VectorOperators.XOR, v8).lanewise(VectorOperators.ROR, 12);
        v2 = v2.add(v7).add(m13);
        v13 = v13.lanewise(VectorOperators.XOR, v2).lanewise(VectorOperators.ROR, 8);
        v8 = v8.add(v13);
        v7 = v7.lanewise(VectorOperators.XOR, v8).lanewise(VectorOperators.ROR, 7);
        v3 = v3.add(v4).add(m14);
        v14 = v14.lanewise(VectorOperators.XOR, v3).lanewise(VectorOperators.ROR, 16);
        v9 = v9.add(v14);
        v4 = v4.lanewise(VectorOperators.XOR, v9).lanewise(VectorOperators.ROR, 12);
        v3 = v3.add(v4).add(m15);
        v14 = v14.lanewise(VectorOperators.XOR, v3).lanewise(VectorOperators.ROR, 8);
        v9 = v9.add(v14);
        v4 = v4.lanewise(VectorOperators.XOR, v9).lanewise(VectorOperators.ROR, 7);
        if (round == 6) {
          break;
        }
        // The message permutation, as in Blake3Compress.
        IntVector t = m0;
        m0 = m2;
        m2 = m3;
        m3 = m10;
        m10 = m12;
        m12 = m9;
        m9 = m11;
        m11 = m5;
        m5 = t;
        t = m1;
        m1 = m6;
        m6 = m4;
        m4 = m7;
        m7 = m13;
        m13 = m14;
        m14 = m15;
        m15 = m8;
        m8 = t;
      }
      h0 = v0.lanewise(VectorOperators.XOR, v8);
      h1 = v1.lanewise(VectorOperators.XOR, v9);
      h2 = v2.lanewise(VectorOperators.XOR, v10);
      h3 = v3.lanewise(VectorOperators.XOR, v11);
      h4 = v4.lanewise(VectorOperators.XOR, v12);
      h5 = v5.lanewise(VectorOperators.XOR, v13);
      h6 = v6.lanewise(VectorOperators.XOR, v14);
      h7 = v7.lanewise(VectorOperators.XOR, v15);
    }
    h0.intoArray(cvWords, 0);
    h1.intoArray(cvWords, LANES);
    h2.intoArray(cvWords, 2 * LANES);
    h3.intoArray(cvWords, 3 * LANES);
    h4.intoArray(cvWords, 4 * LANES);
    h5.intoArray(cvWords, 5 * LANES);
    h6.intoArray(cvWords, 6 * LANES);
    h7.intoArray(cvWords, 7 * LANES);
    for (int i = 0; i < LANES; i++) {
      for (int k = 0; k < 8; k++) {
        cvs[8 * i + k] = cvWords[k * LANES + i];
      }
    }
  }

  /** Word {@code w} of every lane's chunk. */
  private IntVector gather(int w) {
    return IntVector.fromArray(SPECIES, words, w, CHUNK_OFFSETS, 0);
  }
}
