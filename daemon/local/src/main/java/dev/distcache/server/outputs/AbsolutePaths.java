package dev.distcache.server.outputs;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * ccache's {@code absolute_paths_in_stderr}: in each line of the compiler's output, the file name
 * in front of the first colon (after an optional {@code In file included from } and colour codes)
 * is replaced by its real absolute path when it names an existing file, so diagnostics stay right
 * for a build system that runs the compiler in another directory. Applied to what the client
 * prints, on hits and misses alike; what is stored stays as the compiler wrote it.
 */
public final class AbsolutePaths {
  private static final byte[] INCLUDED_FROM =
      "In file included from ".getBytes(StandardCharsets.US_ASCII);
  private static final byte ESC = 0x1b;

  private AbsolutePaths() {}

  /** {@code text} with its leading relative (or symlinked) file names made real and absolute. */
  public static byte[] rewrite(byte[] text, Path cwd) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(text.length + 256);
    int start = 0;
    while (start < text.length) {
      int end = start;
      while (end < text.length && text[end] != '\n') {
        end++;
      }
      if (end < text.length) {
        end++; // the newline belongs to the line
      }
      line(text, start, end, cwd, out);
      start = end;
    }
    return out.toByteArray();
  }

  private static void line(byte[] text, int start, int end, Path cwd, ByteArrayOutputStream out) {
    int i = start;
    if (startsWith(text, i, end, INCLUDED_FROM)) {
      i += INCLUDED_FROM.length;
    }
    while (i < end && text[i] == ESC) {
      int csiEnd = csiEnd(text, i, end);
      if (csiEnd == i) {
        break;
      }
      i = csiEnd;
    }
    out.write(text, start, i - start);
    int colon = i;
    while (colon < end && text[colon] != ':') {
      colon++;
    }
    if (colon < end && colon > i) {
      String name = new String(text, i, colon - i, StandardCharsets.UTF_8);
      String real = realPath(name, cwd);
      if (real != null) {
        out.writeBytes(real.getBytes(StandardCharsets.UTF_8));
        out.write(text, colon, end - colon);
        return;
      }
    }
    out.write(text, i, end - i);
  }

  /** The end of the ANSI CSI sequence at {@code i} ({@code ESC [ params intermediates final}). */
  private static int csiEnd(byte[] text, int i, int end) {
    if (i + 1 >= end || text[i + 1] != '[') {
      return i;
    }
    int j = i + 2;
    while (j < end && text[j] >= 0x30 && text[j] <= 0x3f) {
      j++;
    }
    while (j < end && text[j] >= 0x20 && text[j] <= 0x2f) {
      j++;
    }
    return j < end && text[j] >= 0x40 && text[j] <= 0x7e ? j + 1 : i;
  }

  private static String realPath(String name, Path cwd) {
    try {
      Path p = cwd.resolve(name);
      return Files.exists(p) ? p.toRealPath().toString() : null;
    } catch (IOException | InvalidPathException | SecurityException e) {
      return null;
    }
  }

  private static boolean startsWith(byte[] text, int i, int end, byte[] prefix) {
    if (end - i < prefix.length) {
      return false;
    }
    for (int k = 0; k < prefix.length; k++) {
      if (text[i + k] != prefix[k]) {
        return false;
      }
    }
    return true;
  }
}
