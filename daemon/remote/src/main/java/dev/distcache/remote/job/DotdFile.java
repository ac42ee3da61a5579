package dev.distcache.remote.job;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The dependency file pump mode returns (DOTD), cleaned as distccd's dcc_cleanup_dotd does: on each
 * line the first occurrence of the daemon's output path becomes the client's target, and every
 * occurrence of the job's root is removed, so the paths are the client's. Then, unlike distccd, the
 * rule is wrapped again as gcc wraps it (at 72 columns, counted on the names gcc saw), since the
 * longer root-prefixed names broke the lines elsewhere: the file is then byte for byte what a local
 * compile writes. A rule that does not parse is left as distccd leaves it.
 */
final class DotdFile {
  /** gcc's deps_write column limit. */
  private static final int WRAP_COLUMN = 72;

  private DotdFile() {}

  static byte[] clean(byte[] written, String serverOutput, String clientTarget, String root) {
    // Latin-1 maps bytes to chars one to one, so the file's bytes pass through unchanged.
    String text = new String(written, StandardCharsets.ISO_8859_1);
    serverOutput = bytes(serverOutput);
    clientTarget = bytes(clientTarget);
    root = bytes(root);
    StringBuilder out = new StringBuilder(text.length());
    for (String line : text.split("(?<=\n)")) {
      int at = line.indexOf(serverOutput);
      if (at >= 0) {
        line = line.substring(0, at) + clientTarget + line.substring(at + serverOutput.length());
      }
      out.append(line.replace(root, ""));
    }
    return rewrap(out.toString()).getBytes(StandardCharsets.ISO_8859_1);
  }

  /**
   * The first rule of {@code text} wrapped as gcc's mkdeps wraps it; the rest (-MP's phony rules)
   * unchanged.
   */
  static String rewrap(String text) {
    int end = 0;
    while (true) {
      end = text.indexOf('\n', end);
      if (end < 0) {
        return text;
      }
      if (end == 0 || text.charAt(end - 1) != '\\') {
        break;
      }
      end++;
    }
    List<String> words = words(text.substring(0, end).replace(" \\\n", " "));
    int colon = -1;
    for (int i = 0; i < words.size() && colon < 0; i++) {
      if (words.get(i).endsWith(":") && !words.get(i).endsWith("\\:")) {
        colon = i;
      }
    }
    if (colon < 0) {
      return text;
    }
    StringBuilder b = new StringBuilder();
    int col = 0;
    for (int i = 0; i <= colon; i++) {
      String w = i == colon ? words.get(i).substring(0, words.get(i).length() - 1) : words.get(i);
      col = name(b, w, col);
    }
    b.append(':');
    col++;
    for (int i = colon + 1; i < words.size(); i++) {
      col = name(b, words.get(i), col);
    }
    return b.append(text, end, text.length()).toString();
  }

  /** gcc's make_write_name: a break before a name that would pass the 72nd column. */
  private static int name(StringBuilder b, String name, int col) {
    if (col > 0) {
      if (col + name.length() > WRAP_COLUMN) {
        b.append(" \\\n");
        col = 0;
      }
      col++;
      b.append(' ');
    }
    b.append(name);
    return col + name.length();
  }

  /** Splits on blanks that no backslash escapes (gcc writes a space in a name as {@code \ }). */
  private static List<String> words(String rule) {
    List<String> out = new ArrayList<>();
    StringBuilder w = new StringBuilder();
    for (int i = 0; i < rule.length(); i++) {
      char c = rule.charAt(i);
      if ((c == ' ' || c == '\t') && (i == 0 || rule.charAt(i - 1) != '\\')) {
        if (!w.isEmpty()) {
          out.add(w.toString());
          w.setLength(0);
        }
      } else {
        w.append(c);
      }
    }
    if (!w.isEmpty()) {
      out.add(w.toString());
    }
    return out;
  }

  private static String bytes(String s) {
    return new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
  }
}
