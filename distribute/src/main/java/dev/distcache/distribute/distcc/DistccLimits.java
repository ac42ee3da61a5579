package dev.distcache.distribute.distcc;

/**
 * What a reader accepts from a peer. Each length is checked before anything of that size is
 * allocated; a body is read in pieces as it arrives, so a peer that announces a large body and
 * sends little costs little.
 *
 * @param maxArgc the most ARGV packets in one request
 * @param maxStringLength the longest ARGV, CDIR, NAME or LINK string, in bytes
 * @param maxBodyLength the longest body on the wire (compressed length for LZO bodies)
 * @param maxDecodedLength the longest body after LZO decompression
 * @param maxFiles the most files in one pump-mode (NFIL) request
 * @param maxTotalLength the most bytes of strings and decoded bodies in one request or reply
 */
public record DistccLimits(
    int maxArgc,
    int maxStringLength,
    int maxBodyLength,
    int maxDecodedLength,
    int maxFiles,
    long maxTotalLength) {

  /**
   * Generous for real builds: Linux's own limits are 128 KiB per argument and 2 MiB for all of
   * them; a preprocessed C++ unit is rarely above 50 MiB, an object with debug info rarely above a
   * few hundred.
   */
  public static final DistccLimits DEFAULTS =
      new DistccLimits(1 << 15, 128 << 10, 512 << 20, 1 << 30, 1 << 16, 2L << 30);

  public DistccLimits {
    positive("maxArgc", maxArgc);
    positive("maxStringLength", maxStringLength);
    positive("maxBodyLength", maxBodyLength);
    positive("maxDecodedLength", maxDecodedLength);
    positive("maxFiles", maxFiles);
    positive("maxTotalLength", maxTotalLength);
  }

  private static void positive(String name, long value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " (" + value + ") must be positive");
    }
  }
}
