package dev.distcache.server.outputs;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Dependency-file text. A hit writes the targets of its own command line (another {@code -o},
 * {@code -MT} or {@code -MQ} shares the entry, as in ccache), laid out as gcc would; depend mode
 * reads the files the compile read from it.
 */
public final class DepFiles {
  private DepFiles() {}

  /** gcc's line width for dependency files: a name that would pass it starts a new line. */
  private static final int COLUMNS = 72;

  /**
   * The dependency file with the targets of its first rule replaced, laid out as gcc lays out a
   * rule: names on one line until the next would pass column 72, then {@code " \\\n "}. Since the
   * targets' length moves where the prerequisites break, the whole rule is written again; the lines
   * after it (the phony targets of {@code -MP}) are kept. Returns null when the text is not exactly
   * what gcc writes for {@code from} (then the caller must not serve it).
   *
   * @param from the targets the stored text names, as gcc wrote them
   * @param to the targets to name instead, as gcc writes them
   */
  static byte[] retarget(byte[] dep, List<String> from, List<String> to) {
    return rewrite(dep, from, to, null);
  }

  /**
   * As {@link #retarget}, and each prerequisite (and each phony target of {@code -MP}) renamed by
   * {@code rename}, which takes and gives names as gcc writes them (quoted); the rule is laid out
   * again for the new lengths. With a null {@code rename} the names and the lines after the rule
   * are kept as they are. Returns null when the text is not exactly what gcc writes, or {@code
   * rename} gives null for a name.
   */
  static byte[] rewrite(
      byte[] dep, List<String> from, List<String> to, UnaryOperator<String> rename) {
    String text = new String(dep, StandardCharsets.ISO_8859_1); // one char per byte
    Line head = targets(latin1(from));
    if (!text.startsWith(head.text() + ":")) {
      return null;
    }
    int end = ruleEnd(text, head.text().length() + 1);
    if (end < 0) {
      return null;
    }
    List<String> names = names(text.substring(head.text().length() + 1, end));
    if (names == null || !rule(head, names).equals(text.substring(0, end))) {
      return null;
    }
    List<String> renamed = new ArrayList<>(names.size());
    for (String n : names) {
      String r = rename == null ? n : rename.apply(n);
      if (r == null) {
        return null;
      }
      renamed.add(r);
    }
    String tail = rename == null ? text.substring(end) : phonyTargets(text.substring(end), rename);
    if (tail == null) {
      return null;
    }
    String out = rule(targets(latin1(to)), renamed) + tail;
    return out.getBytes(StandardCharsets.ISO_8859_1);
  }

  /**
   * What follows the first rule ({@code -MP}'s {@code "\nNAME:\n"} lines, or only the final
   * newline) with each name renamed; null when it holds anything else.
   */
  private static String phonyTargets(String tail, UnaryOperator<String> rename) {
    StringBuilder out = new StringBuilder();
    for (String line : tail.split("\n", -1)) {
      if (line.endsWith(":")) {
        String r = rename.apply(line.substring(0, line.length() - 1));
        if (r == null) {
          return null;
        }
        out.append(r).append(':');
      } else if (!line.isEmpty()) {
        return null;
      }
      out.append('\n');
    }
    return out.substring(0, out.length() - 1);
  }

  /** Text laid out so far and the column gcc counts after it. */
  private record Line(String text, int column) {}

  private static Line targets(List<String> targets) {
    Line line = new Line("", 0);
    for (String t : targets) {
      line = append(line, t);
    }
    return line;
  }

  private static String rule(Line targets, List<String> names) {
    Line line = new Line(targets.text() + ":", targets.column() + 1);
    for (String n : names) {
      line = append(line, n);
    }
    return line.text();
  }

  /** gcc's make_write_name: a blank before every name but the first, a break before passing 72. */
  private static Line append(Line line, String name) {
    StringBuilder s = new StringBuilder(line.text());
    int column = line.column();
    if (column > 0) {
      if (column + name.length() > COLUMNS) {
        s.append(" \\\n");
        column = 0;
      }
      column++;
      s.append(' ');
    }
    return new Line(s.append(name).toString(), column + name.length());
  }

  /** Where the rule that starts at 0 ends: its final newline (kept out), or -1. */
  private static int ruleEnd(String text, int from) {
    for (int i = from; i < text.length(); i++) {
      if (text.charAt(i) == '\n' && text.charAt(i - 1) != '\\') {
        return i;
      }
    }
    return -1;
  }

  /**
   * The names after a rule's colon as gcc wrote them (still quoted), split at blanks and line
   * breaks that no odd run of backslashes escapes; null when the layout is not gcc's.
   */
  private static List<String> names(String prerequisites) {
    List<String> out = new ArrayList<>();
    int i = 0;
    while (i < prerequisites.length()) {
      if (prerequisites.startsWith(" \\\n ", i)) {
        i += 4;
      } else if (prerequisites.charAt(i) == ' ') {
        i++;
      } else {
        return null;
      }
      int start = i;
      int slashes = 0;
      while (i < prerequisites.length()) {
        char c = prerequisites.charAt(i);
        if ((c == ' ' || c == '\t') && slashes % 2 == 0) {
          break;
        }
        slashes = c == '\\' ? slashes + 1 : 0;
        i++;
      }
      if (i == start) {
        return null;
      }
      out.add(prerequisites.substring(start, i));
    }
    return out;
  }

  /** Each string as its UTF-8 bytes, one char per byte, as the dependency text is read. */
  private static List<String> latin1(List<String> names) {
    List<String> out = new ArrayList<>(names.size());
    for (String n : names) {
      out.add(new String(n.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1));
    }
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
