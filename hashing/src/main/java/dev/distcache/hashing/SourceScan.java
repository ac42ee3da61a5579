package dev.distcache.hashing;

/**
 * What direct mode must know about a source or include file's text before it trusts a result found
 * by content alone: whether the text may expand a time macro ({@code __TIME__}, {@code __DATE__},
 * {@code __TIMESTAMP__}), whose value a content hash cannot capture, and whether it may expand a
 * file-name macro ({@code __FILE__}, {@code __BASE_FILE__}, {@code __builtin_FILE}), whose value
 * depends on the path a file was found under. A plain substring search, so a mention in a comment
 * counts too (as in ccache): it errs towards not trusting.
 *
 * <p>The same scan finds text that makes the compiler read a file no line marker names, so that
 * neither direct mode nor the preprocessed text can see it change: the assembler's {@code .incbin}
 * and {@code .include} directives (in inline assembly, or an assembler source), found as ccache
 * finds {@code .incbin}, the word followed by blanks and a quote or an escaped quote (and also C's
 * {@code \t} and numeric escapes, which ccache misses); and C23's {@code #embed}, whose file the
 * preprocessed text holds but the line markers do not name.
 */
public final class SourceScan {
  /** The text names {@code __TIME__}, {@code __DATE__} or {@code __TIMESTAMP__}. */
  public static final int TIME_MACROS = 1;

  /** The text names {@code __FILE__}, {@code __BASE_FILE__} or {@code __builtin_FILE}. */
  public static final int FILE_MACROS = 2;

  /** The text has an assembler {@code .incbin "file"} or {@code .include "file"}. */
  public static final int CODE_DIRECTIVES = 4;

  /** The text has a {@code #embed} directive. */
  public static final int EMBED = 8;

  /** Every flag. */
  public static final int ALL = TIME_MACROS | FILE_MACROS | CODE_DIRECTIVES | EMBED;

  private static final byte[][] TIME = {ascii("TIME__"), ascii("DATE__"), ascii("TIMESTAMP__")};
  private static final byte[][] FILE = {
    ascii("FILE__"), ascii("BASE_FILE__"), ascii("builtin_FILE")
  };
  private static final byte[][] ASSEMBLER = {ascii("incbin"), ascii("include")};
  private static final byte[] EMBED_WORD = ascii("embed");

  private SourceScan() {}

  /** The flags that apply to {@code text}. */
  public static int flags(byte[] text) {
    return flags(text, ALL);
  }

  /**
   * Those of the {@code wanted} flags that apply to {@code text}; the scan stops once all are
   * found.
   */
  public static int flags(byte[] text, int wanted) {
    boolean macros = (wanted & (TIME_MACROS | FILE_MACROS)) != 0;
    boolean directives = (wanted & CODE_DIRECTIVES) != 0;
    boolean embed = (wanted & EMBED) != 0;
    if (!macros && !directives && !embed) {
      return 0;
    }
    // Only these bytes can start something the scan looks for; it jumps from one to the next.
    byte first = macros ? (byte) '_' : directives ? (byte) '.' : (byte) '#';
    byte second = directives ? (byte) '.' : first;
    byte third = embed ? (byte) '#' : first;
    int flags = 0;
    for (int i = ByteSearch.indexOfAny(text, 0, first, second, third);
        i >= 0 && flags != wanted;
        i = ByteSearch.indexOfAny(text, i + 1, first, second, third)) {
      byte b = text[i];
      if (b == '_' && macros && i + 1 < text.length && text[i + 1] == '_') {
        int at = i + 2;
        if (startsWithAny(text, at, TIME)) {
          flags |= TIME_MACROS;
        } else if (startsWithAny(text, at, FILE)) {
          flags |= FILE_MACROS;
        }
      } else if (b == '.' && directives && assemblerDirective(text, i + 1)) {
        flags |= CODE_DIRECTIVES;
      } else if (b == '#' && embed && embedDirective(text, i + 1)) {
        flags |= EMBED;
      }
    }
    return flags & wanted;
  }

  /**
   * After a {@code .}: {@code incbin} or {@code include}, blanks (or, inside a C string, {@code \t}
   * and line continuations), then a quote: {@code "}, {@code \"}, or a numeric escape, which might
   * be one (or a blank) and is taken to be.
   */
  private static boolean assemblerDirective(byte[] text, int at) {
    for (byte[] w : ASSEMBLER) {
      if (startsWith(text, at, w)) {
        int i = at + w.length;
        while (i < text.length) {
          if (text[i] == ' ' || text[i] == '\t') {
            i++;
          } else if (text[i] == '\\'
              && i + 1 < text.length
              && (text[i + 1] == 't' || text[i + 1] == '\n')) {
            i += 2;
          } else {
            break;
          }
        }
        if (i >= text.length) {
          return false;
        }
        if (text[i] == '"') {
          return true;
        }
        if (text[i] != '\\' || i + 1 >= text.length) {
          return false;
        }
        byte e = text[i + 1];
        return e == '"' || e == 'x' || (e >= '0' && e <= '7');
      }
    }
    return false;
  }

  /** After a {@code #}: blanks, {@code embed}, then no identifier character. */
  private static boolean embedDirective(byte[] text, int at) {
    int i = skipBlanks(text, at);
    if (!startsWith(text, i, EMBED_WORD)) {
      return false;
    }
    int end = i + EMBED_WORD.length;
    return end == text.length || !(Character.isLetterOrDigit(text[end]) || text[end] == '_');
  }

  private static int skipBlanks(byte[] text, int i) {
    while (i < text.length && (text[i] == ' ' || text[i] == '\t')) {
      i++;
    }
    return i;
  }

  private static boolean startsWithAny(byte[] text, int at, byte[][] words) {
    for (byte[] w : words) {
      if (startsWith(text, at, w)) {
        return true;
      }
    }
    return false;
  }

  private static boolean startsWith(byte[] text, int at, byte[] w) {
    if (at + w.length > text.length) {
      return false;
    }
    for (int k = 0; k < w.length; k++) {
      if (text[at + k] != w[k]) {
        return false;
      }
    }
    return true;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }
}
