package dev.distcache.hashing;

/**
 * What direct mode must know about a source or include file's text before it trusts a result
 * found by content alone: whether the text may expand a time macro ({@code __TIME__},
 * {@code __DATE__}, {@code __TIMESTAMP__}), whose value a content hash cannot capture, and whether
 * it may expand a file-name macro ({@code __FILE__}, {@code __BASE_FILE__}, {@code __builtin_FILE}),
 * whose value depends on the path a file was found under. A plain substring search, so a mention in
 * a comment counts too (as in ccache): it errs towards not trusting.
 */
public final class SourceScan {
  /** The text names {@code __TIME__}, {@code __DATE__} or {@code __TIMESTAMP__}. */
  public static final int TIME_MACROS = 1;
  /** The text names {@code __FILE__}, {@code __BASE_FILE__} or {@code __builtin_FILE}. */
  public static final int FILE_MACROS = 2;

  private static final byte[][] TIME = {ascii("TIME__"), ascii("DATE__"), ascii("TIMESTAMP__")};
  private static final byte[][] FILE = {ascii("FILE__"), ascii("BASE_FILE__"), ascii("builtin_FILE")};

  private SourceScan() {}

  /** The flags that apply to {@code text}. */
  public static int flags(byte[] text) {
    int flags = 0;
    for (int i = 0; i + 1 < text.length && flags != (TIME_MACROS | FILE_MACROS); i++) {
      if (text[i] != '_' || text[i + 1] != '_') {
        continue;
      }
      int at = i + 2;
      if (startsWithAny(text, at, TIME)) {
        flags |= TIME_MACROS;
      } else if (startsWithAny(text, at, FILE)) {
        flags |= FILE_MACROS;
      }
    }
    return flags;
  }

  private static boolean startsWithAny(byte[] text, int at, byte[][] words) {
    outer:
    for (byte[] w : words) {
      if (at + w.length > text.length) {
        continue;
      }
      for (int k = 0; k < w.length; k++) {
        if (text[at + k] != w[k]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }
}
