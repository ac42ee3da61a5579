package dev.distcache.core.args;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Expands {@code @file} arguments the way gcc (libiberty's expandargv) does. */
public final class ResponseFiles {
  private static final int MAX_DEPTH = 32;

  private ResponseFiles() {}

  /** Thrown when a response file cannot be read or nests too deeply. */
  public static final class UnreadableException extends Exception {
    UnreadableException(String message) {
      super(message);
    }
  }

  /** Expands every {@code @file} (relative to {@code cwd}), recursively. */
  public static List<String> expand(List<String> args, Path cwd) throws UnreadableException {
    List<String> out = new ArrayList<>();
    expandInto(args, cwd, out, 0);
    return out;
  }

  private static void expandInto(List<String> args, Path cwd, List<String> out, int depth)
      throws UnreadableException {
    for (String a : args) {
      if (a.length() > 1 && a.charAt(0) == '@') {
        if (depth >= MAX_DEPTH) {
          throw new UnreadableException(
              "response files nest more than " + MAX_DEPTH + " deep at " + a);
        }
        String text;
        try {
          text = Files.readString(cwd.resolve(a.substring(1)), StandardCharsets.UTF_8);
        } catch (IOException
            | RuntimeException e) { // RuntimeException: a name no path can have (NUL)
          throw new UnreadableException("cannot read response file " + a.substring(1));
        }
        expandInto(split(text), cwd, out, depth + 1);
      } else {
        out.add(a);
      }
    }
  }

  /** libiberty's white space: only these ASCII characters separate arguments. */
  private static boolean isGccSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == 0x0b || c == '\f' || c == '\r';
  }

  /** Splits response-file text: white space separates, quotes group, backslash escapes. */
  public static List<String> split(String text) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean inArg = false;
    char quote = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\\') {
        if (i + 1 < text.length()) {
          cur.append(text.charAt(++i));
          inArg = true;
        }
      } else if (quote != 0) {
        if (c == quote) {
          quote = 0;
        } else {
          cur.append(c);
        }
      } else if (c == '\'' || c == '"') {
        quote = c;
        inArg = true;
      } else if (isGccSpace(c)) {
        if (inArg) {
          out.add(cur.toString());
          cur.setLength(0);
          inArg = false;
        }
      } else {
        cur.append(c);
        inArg = true;
      }
    }
    if (inArg) {
      out.add(cur.toString());
    }
    return out;
  }
}
