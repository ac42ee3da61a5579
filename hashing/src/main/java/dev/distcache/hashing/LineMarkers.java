package dev.distcache.hashing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * Reads and rewrites the file names in preprocessor line markers ({@code # 12 "path" 1 3} and
 * {@code #line 12 "path"}) of preprocessed text. Rewriting keeps everything else byte for byte.
 */
public final class LineMarkers {
  private static final byte[] BUILTIN_FILE = "__builtin_FILE".getBytes(StandardCharsets.US_ASCII);

  /**
   * Horspool's shift for each byte: how far the needle may move when the text byte under its end is
   * b.
   */
  private static final int[] BUILTIN_FILE_SHIFT = new int[256];

  static {
    Arrays.fill(BUILTIN_FILE_SHIFT, BUILTIN_FILE.length);
    for (int k = 0; k < BUILTIN_FILE.length - 1; k++) {
      BUILTIN_FILE_SHIFT[BUILTIN_FILE[k] & 0xFF] = BUILTIN_FILE.length - 1 - k;
    }
  }

  private LineMarkers() {}

  /**
   * A file that a line marker names.
   *
   * @param path the path as the preprocessor wrote it, unescaped (relative paths are relative to
   *     the compile's working directory)
   * @param systemHeader a marker naming it carried flag 3 (a system header)
   */
  public record MarkedFile(String path, boolean systemHeader) {}

  /**
   * The files the preprocessor read, each once, in the order markers first name them. gcc's
   * pseudo-files ({@code <built-in>}, {@code <command-line>}) and the working-directory marker that
   * {@code -g} adds (a path ending in {@code //}) are left out. A path that cannot be unescaped is
   * returned as written (it then names no file, which callers must treat as unusable).
   */
  public static List<MarkedFile> includedFiles(byte[] text) {
    Map<String, Boolean> files = new LinkedHashMap<>();
    forEachMarker(
        text,
        (pathStart, pathEnd, lineEnd) -> {
          String path = unescape(text, pathStart, pathEnd);
          if (!(path.startsWith("<") && path.endsWith(">")) && !path.endsWith("//")) {
            boolean system = hasFlag(text, pathEnd + 1, lineEnd, '3');
            files.merge(path, system, Boolean::logicalOr);
          }
        });
    List<MarkedFile> out = new ArrayList<>(files.size());
    files.forEach((path, system) -> out.add(new MarkedFile(path, system)));
    return out;
  }

  /**
   * What {@link #forEachMarker} calls for each marker line: its quoted path's [start, end) and the
   * line's end.
   */
  @FunctionalInterface
  private interface MarkerVisitor {
    void visit(int pathStart, int pathEnd, int lineEnd);
  }

  /** Calls {@code visitor} for every line marker of the preprocessed text, in order. */
  private static void forEachMarker(byte[] text, MarkerVisitor visitor) {
    // From one '#' to the next (far fewer than the lines): a marker is a '#' that starts a line.
    for (int hash = ByteSearch.indexOf(text, (byte) '#', 0);
        hash >= 0;
        hash = ByteSearch.indexOf(text, (byte) '#', hash + 1)) {
      if (hash > 0 && text[hash - 1] != '\n') {
        continue;
      }
      int lineEnd = ByteSearch.indexOf(text, (byte) '\n', hash);
      if (lineEnd < 0) {
        lineEnd = text.length;
      }
      int[] span = pathSpan(text, hash, lineEnd);
      if (span != null) {
        visitor.visit(span[0], span[1], lineEnd);
      }
      hash = lineEnd;
    }
  }

  /**
   * Undoes gcc's quoting of marker paths: a backslash before a backslash or quote, {@code \n} for a
   * newline.
   */
  private static String unescape(byte[] t, int start, int end) {
    ByteArrayOutputStream b = null;
    for (int i = start; i < end; i++) {
      if (t[i] == '\\' && i + 1 < end) {
        if (b == null) {
          b = new ByteArrayOutputStream(end - start);
          b.write(t, start, i - start);
        }
        byte next = t[++i];
        b.write(next == 'n' ? '\n' : next);
      } else if (b != null) {
        b.write(t[i]);
      }
    }
    return b == null
        ? new String(t, start, end - start, StandardCharsets.UTF_8)
        : b.toString(StandardCharsets.UTF_8);
  }

  /**
   * True when the flags after a marker's path (space-separated digits up to {@code end}) include
   * {@code flag}.
   */
  private static boolean hasFlag(byte[] t, int from, int end, char flag) {
    for (int i = from; i < end; i++) {
      if (t[i] == flag && (i == from || t[i - 1] == ' ') && (i + 1 == end || t[i + 1] == ' ')) {
        return true;
      }
    }
    return false;
  }

  /**
   * Returns the text with each marker's path replaced by {@code rewrite(path)}; returns the same
   * array when nothing changed.
   */
  public static byte[] rewrite(byte[] text, UnaryOperator<String> rewrite) {
    ByteArrayOutputStream[] out = {null}; // made at the first change: most texts have none
    int[] copiedTo = {0};
    forEachMarker(
        text,
        (pathStart, pathEnd, lineEnd) -> {
          String path = new String(text, pathStart, pathEnd - pathStart, StandardCharsets.UTF_8);
          String mapped = rewrite.apply(path);
          if (!mapped.equals(path)) {
            if (out[0] == null) {
              out[0] = new ByteArrayOutputStream(text.length);
            }
            out[0].write(text, copiedTo[0], pathStart - copiedTo[0]);
            out[0].writeBytes(mapped.getBytes(StandardCharsets.UTF_8));
            copiedTo[0] = pathEnd;
          }
        });
    if (out[0] == null) {
      return text;
    }
    out[0].write(text, copiedTo[0], text.length - copiedTo[0]);
    return out[0].toByteArray();
  }

  /** True when {@code test} holds for the path of every line marker, as the marker writes it. */
  public static boolean allMarkerPaths(byte[] text, Predicate<String> test) {
    boolean[] all = {true};
    forEachMarker(
        text,
        (pathStart, pathEnd, lineEnd) ->
            all[0] &=
                test.test(
                    new String(text, pathStart, pathEnd - pathStart, StandardCharsets.UTF_8)));
    return all[0];
  }

  /**
   * True when the first line is a line marker: gcc then takes the main file's name from it, not
   * from the name of the preprocessed file it compiles.
   */
  public static boolean startsWithMarker(byte[] text) {
    int end = ByteSearch.indexOf(text, (byte) '\n', 0);
    return text.length > 0
        && text[0] == '#'
        && pathSpan(text, 0, end < 0 ? text.length : end) != null;
  }

  /** The [start, end) of the quoted path in a marker line, or null if the line is not a marker. */
  private static int[] pathSpan(byte[] t, int start, int end) {
    int i = start + 1;
    if (i + 4 <= end && t[i] == 'l' && t[i + 1] == 'i' && t[i + 2] == 'n' && t[i + 3] == 'e') {
      i += 4;
    }
    int spaces = i;
    while (i < end && (t[i] == ' ' || t[i] == '\t')) {
      i++;
    }
    if (i == spaces) {
      return null;
    }
    int digits = i;
    while (i < end && t[i] >= '0' && t[i] <= '9') {
      i++;
    }
    if (i == digits || i >= end || t[i] != ' ' || i + 1 >= end || t[i + 1] != '"') {
      return null;
    }
    int pathStart = i + 2;
    int j = pathStart;
    while (j < end && t[j] != '"') {
      if (t[j] == '\\') {
        j++;
      }
      j++;
    }
    return j < end ? new int[] {pathStart, j} : null;
  }

  /**
   * True when the text mentions {@code __builtin_FILE}, which reads the marker paths into code.
   * Horspool's search: most bytes of C text let the needle jump several places.
   */
  public static boolean usesBuiltinFile(byte[] text) {
    int last = BUILTIN_FILE.length - 1;
    for (int i = 0; i + last < text.length; i += BUILTIN_FILE_SHIFT[text[i + last] & 0xFF]) {
      int k = last;
      while (k >= 0 && text[i + k] == BUILTIN_FILE[k]) {
        k--;
      }
      if (k < 0) {
        return true;
      }
    }
    return false;
  }
}
