package dev.distcache.hashing;

import static dev.distcache.hashing.Blake3Compress.BLOCK_LEN;
import static dev.distcache.hashing.Blake3Compress.CHUNK_END;
import static dev.distcache.hashing.Blake3Compress.CHUNK_LEN;
import static dev.distcache.hashing.Blake3Compress.CHUNK_START;
import static dev.distcache.hashing.Blake3Compress.IV;
import static dev.distcache.hashing.Blake3Compress.PARENT;
import static dev.distcache.hashing.Blake3Compress.ROOT;

import java.util.Arrays;

/**
 * Unkeyed BLAKE3 with a 32-byte output, incrementally, as in the spec: the current chunk's state,
 * and a stack of the chaining values of completed subtrees, merged as soon as a subtree is
 * complete. A chunk is finished only when input beyond it arrives, so the last chunk (or the last
 * parent) is always the one compressed with ROOT. Whole chunks that are not the last of the input
 * so far are hashed straight from the caller's array. Not thread-safe.
 */
final class Blake3State {
  /** 2^64 bytes of input are 2^54 chunks: at most 54 subtrees wait, plus one being merged. */
  private static final int MAX_DEPTH = 55;

  private static final int BLOCKS_PER_CHUNK = CHUNK_LEN / BLOCK_LEN;

  /** Whole chunks hashed per call of {@link Blake3Compress#chunks}. */
  private static final int BATCH = 16;

  private final int[] cv = new int[8];
  private final byte[] block = new byte[BLOCK_LEN];
  private final int[] words = new int[16];
  private final int[] stack = new int[8 * MAX_DEPTH];
  private final int[] batchCvs = new int[8 * BATCH];
  private int blockLen;
  private int blocksCompressed;
  private long chunkCounter;
  private int stackLen;

  Blake3State() {
    reset();
  }

  void update(byte[] in, int off, int len) {
    while (len > 0) {
      if (blocksCompressed * BLOCK_LEN + blockLen == CHUNK_LEN) {
        finishChunk();
      }
      if (blocksCompressed == 0 && blockLen == 0 && len > CHUNK_LEN) {
        // Whole chunks straight from the input, keeping at least one byte back for the root.
        int n = Math.min((len - 1) / CHUNK_LEN, BATCH);
        Blake3Compress.chunks(in, off, n, chunkCounter, batchCvs, words);
        for (int c = 0; c < n; c++) {
          chunkCounter++;
          push(batchCvs, 8 * c, chunkCounter);
        }
        off += n * CHUNK_LEN;
        len -= n * CHUNK_LEN;
        continue;
      }
      if (blockLen == BLOCK_LEN) {
        Blake3Compress.words(block, 0, words);
        compressBlock(0);
        blockLen = 0;
      }
      while (blockLen == 0 && len > BLOCK_LEN && blocksCompressed < BLOCKS_PER_CHUNK - 1) {
        Blake3Compress.words(in, off, words);
        compressBlock(0);
        off += BLOCK_LEN;
        len -= BLOCK_LEN;
      }
      int take = Math.min(BLOCK_LEN - blockLen, len);
      System.arraycopy(in, off, block, blockLen, take);
      blockLen += take;
      off += take;
      len -= take;
    }
  }

  /** Writes the 32-byte hash of everything so far to {@code out[outOff..)}, then resets. */
  void finish(byte[] out, int outOff) {
    Arrays.fill(block, blockLen, BLOCK_LEN, (byte) 0);
    Blake3Compress.words(block, 0, words);
    int flags = CHUNK_END | (blocksCompressed == 0 ? CHUNK_START : 0);
    if (stackLen == 0) {
      Blake3Compress.compress(cv, 0, words, 0, 0, blockLen, flags | ROOT, cv, 0);
    } else {
      Blake3Compress.compress(cv, 0, words, 0, chunkCounter, blockLen, flags, cv, 0);
      for (int i = stackLen - 1; i >= 0; i--) {
        System.arraycopy(cv, 0, stack, 8 * (i + 1), 8);
        Blake3Compress.compress(
            IV, 0, stack, 8 * i, 0, BLOCK_LEN, PARENT | (i == 0 ? ROOT : 0), cv, 0);
      }
    }
    for (int i = 0; i < 8; i++) {
      int w = cv[i];
      out[outOff + 4 * i] = (byte) w;
      out[outOff + 4 * i + 1] = (byte) (w >>> 8);
      out[outOff + 4 * i + 2] = (byte) (w >>> 16);
      out[outOff + 4 * i + 3] = (byte) (w >>> 24);
    }
    reset();
  }

  private void reset() {
    System.arraycopy(IV, 0, cv, 0, 8);
    blockLen = 0;
    blocksCompressed = 0;
    chunkCounter = 0;
    stackLen = 0;
  }

  /** Compresses {@link #words}, a whole block, into the chunk's CV. */
  private void compressBlock(int flags) {
    int start = blocksCompressed == 0 ? CHUNK_START : 0;
    Blake3Compress.compress(cv, 0, words, 0, chunkCounter, BLOCK_LEN, flags | start, cv, 0);
    blocksCompressed++;
  }

  /** The current chunk is full and more input follows: its last block ends it. */
  private void finishChunk() {
    Blake3Compress.words(block, 0, words);
    compressBlock(CHUNK_END);
    chunkCounter++;
    push(cv, 0, chunkCounter);
    System.arraycopy(IV, 0, cv, 0, 8);
    blockLen = 0;
    blocksCompressed = 0;
  }

  /**
   * Pushes a finished chunk's CV, merging every subtree it completes: after {@code totalChunks}
   * chunks, one merge per trailing zero bit of the count.
   */
  private void push(int[] src, int srcOff, long totalChunks) {
    int top = stackLen;
    System.arraycopy(src, srcOff, stack, 8 * top, 8);
    while ((totalChunks & 1) == 0) {
      top--;
      Blake3Compress.compress(IV, 0, stack, 8 * top, 0, BLOCK_LEN, PARENT, stack, 8 * top);
      totalChunks >>>= 1;
    }
    stackLen = top + 1;
  }
}
