package dev.distcache.daemon.compile;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Dependency-file text. When a hit is written to another output path than the one it was stored
 * from, the default target (the output path, Make-quoted as gcc writes it) must change with it.
 */
final class DepFiles {
  private DepFiles() {}

  /** Quotes a target the way gcc does for -MQ and the default target: {@code $} to {@code $$}, blanks and {@code #} escaped. */
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
    if (dep.length < prefix.length || !Arrays.equals(dep, 0, prefix.length, prefix, 0, prefix.length)) {
      return null;
    }
    byte[] head = (to + ":").getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[head.length + dep.length - prefix.length];
    System.arraycopy(head, 0, out, 0, head.length);
    System.arraycopy(dep, prefix.length, out, head.length, dep.length - prefix.length);
    return out;
  }
}
