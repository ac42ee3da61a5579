package dev.distcache.hashing;

/**
 * Computes the chaining values of whole 1024-byte chunks, none of them the root; an implementation
 * may hash several chunks at once. Instances hold scratch space: one per {@link Blake3State}.
 */
interface Blake3Chunks {
  /** The most chunks one call takes. */
  int batch();

  /**
   * Writes the chaining values of the {@code n} ({@code 1..batch()}) chunks at
   * {@code in[off..off+1024n)}, the first of which has chunk counter {@code counter}, to
   * {@code cvs[0..8n)}.
   */
  void hash(byte[] in, int off, int n, long counter, int[] cvs);

  /** The scalar implementation: one chunk after another. */
  static Blake3Chunks scalar() {
    int[] words = new int[16];
    return new Blake3Chunks() {
      @Override
      public int batch() {
        return 16;
      }

      @Override
      public void hash(byte[] in, int off, int n, long counter, int[] cvs) {
        Blake3Compress.chunks(in, off, n, counter, cvs, words);
      }
    };
  }
}
