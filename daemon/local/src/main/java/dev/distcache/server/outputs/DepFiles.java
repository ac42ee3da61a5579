package dev.distcache.server.outputs;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Dependency-file text. When a hit is written to another output path than the one it was stored
 * from, the default target (the output path, Make-quoted as gcc writes it) must change with it;
 * depend mode reads the files the compile read from it.
 */
public final class DepFiles {
  private DepFiles() {}

  /**
   * Quotes a target the way gcc does for -MQ and the default target: {@code $} to {@code $$},
   * blanks and {@code #} escaped.
   */
  static String quote(String target) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < target.length(); i++) {
      char c = target.charAt(i);
      switch (c) {
        case ' ', '\t' -> {
          for (int j = i - 1; j >= 0 && target.charAt(j) == '\\'; j--) {
            s.append('\\');
          }
          s.append('\\').append(c);
        }
        case '$' -> s.append("$$");
        case '#' -> s.append("\\#");
        default -> s.append(c);
      }
    }
    return s.toString();
  }

  /**
   * Replaces the leading target {@code from} with {@code to}; returns null when the text does not
   * start with {@code from} followed by a colon (then the caller must not serve it).
   */
  static byte[] retarget(byte[] dep, String from, String to) {
    byte[] prefix = (from + ":").getBytes(StandardCharsets.UTF_8);
    if (dep.length < prefix.length
        || !Arrays.equals(dep, 0, prefix.length, prefix, 0, prefix.length)) {
      return null;
    }
    byte[] head = (to + ":").getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[head.length + dep.length - prefix.length];
    System.arraycopy(head, 0, out, 0, head.length);
    System.arraycopy(dep, prefix.length, out, head.length, dep.length - prefix.length);
    return out;
  }

  /**
   * The prerequisites of the first rule (the files the compile read, as gcc lists them), unquoted;
   * null when the text has no rule. Later rules (the phony targets of {@code -MP}) are not read.
   */
  public static List<String> prerequisites(byte[] dep) {
    String text = new String(dep, StandardCharsets.UTF_8);
    int colon = -1;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\n' && (i == 0 || text.charAt(i - 1) != '\\')) {
        return null;
      }
      if (c == ':' && (i + 1 == text.length() || Character.isWhitespace(text.charAt(i + 1)))) {
        colon = i;
        break;
      }
    }
    if (colon < 0) {
      return null;
    }
    List<String> out = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    for (int i = colon + 1; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\\') {
        int n = 0;
        while (i + n < text.length() && text.charAt(i + n) == '\\') {
          n++;
        }
        char next = i + n < text.length() ? text.charAt(i + n) : '\0';
        if (next == '\n' && n == 1) {
          i += n; // a continuation line
          flush(word, out);
          continue;
        }
        if (next == ' ' || next == '\t') {
          word.append("\\".repeat(n / 2));
          i += n - 1;
          if (n % 2 == 1) {
            word.append(next); // an escaped blank belongs to the name
            i++;
          }
          continue;
        }
        if (next == '#' && n == 1) {
          word.append('#');
          i++;
          continue;
        }
        word.append("\\".repeat(n));
        i += n - 1;
      } else if (c == '$' && i + 1 < text.length() && text.charAt(i + 1) == '$') {
        word.append('$');
        i++;
      } else if (c == '\n') {
        break;
      } else if (c == ' ' || c == '\t' || c == '\r') {
        flush(word, out);
      } else {
        word.append(c);
      }
    }
    flush(word, out);
    return out;
  }

  private static void flush(StringBuilder word, List<String> out) {
    if (word.length() > 0) {
      out.add(word.toString());
      word.setLength(0);
    }
  }
}
