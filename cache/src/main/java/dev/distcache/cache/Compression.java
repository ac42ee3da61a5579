package dev.distcache.cache;

/**
 * How a value's payload is stored: LZ4 (fast, or high-compression at an LZ4 HC level), or not
 * compressed. Any value reads back the same whatever the setting it was written with. Immutable.
 *
 * @param enabled false to store payloads as they are
 * @param hcLevel 0 for LZ4's fast compressor, else the LZ4 HC level (1 to {@value #MAX_HC_LEVEL})
 */
public record Compression(boolean enabled, int hcLevel) {
  /** LZ4 HC's highest level. */
  public static final int MAX_HC_LEVEL = 17;

  /** LZ4's fast compressor: the default, as level 1 is zstd's in ccache. */
  public static final Compression DEFAULT = new Compression(true, 0);

  /** Payloads stored as they are. */
  public static final Compression NONE = new Compression(false, 0);

  public Compression {
    if (hcLevel < 0 || hcLevel > MAX_HC_LEVEL) {
      throw new IllegalArgumentException("hcLevel (" + hcLevel + ") must be 0 to " + MAX_HC_LEVEL);
    }
  }

  /**
   * ccache's {@code compression} and {@code compression_level} (zstd's scale) mapped onto LZ4:
   * levels up to 2, 0 (ccache's "choose", which is 1) and the negative "ultra-fast" levels use
   * LZ4's fast compressor; levels 3 and up use LZ4 HC at that level, at most {@value
   * #MAX_HC_LEVEL}.
   */
  public static Compression ofCcache(boolean compression, int level) {
    if (!compression) {
      return NONE;
    }
    return level <= 2 ? DEFAULT : new Compression(true, Math.min(level, MAX_HC_LEVEL));
  }
}
