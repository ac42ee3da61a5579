package dev.distcache.cli.admin;

import dev.distcache.core.stats.Counter;
import java.util.Map;
import java.util.TreeMap;

/**
 * Formats the counters for {@code --print-stats}: ccache's ids, one {@code id<TAB>value} line each,
 * sorted by id.
 */
final class MachineStats {
  private MachineStats() {}

  static String format(KeyValues stats) throws AdminException {
    Map<String, Long> values = new TreeMap<>();
    for (Counter c : Counter.values()) {
      values.put(c.id(), stats.count(c));
    }
    values.put("cache_size_kibibyte", stats.number("cache_size_bytes") / 1024);
    values.put("files_in_cache", stats.number("files_in_cache"));
    values.put("max_cache_size_kibibyte", stats.number("max_size") / 1024);
    values.put("max_files_in_cache", stats.number("max_files"));
    StringBuilder out = new StringBuilder();
    values.forEach((id, value) -> out.append(id).append('\t').append(value).append('\n'));
    return out.toString();
  }

  /**
   * The lines of {@link #format} as one JSON object, one member a line in the same order: whole
   * numbers as numbers, anything else as a string.
   */
  static String json(KeyValues stats) throws AdminException {
    StringBuilder out = new StringBuilder("{");
    String separator = "\n";
    for (String line : format(stats).split("\n")) {
      int tab = line.indexOf('\t');
      if (tab < 0) {
        continue;
      }
      String value = line.substring(tab + 1);
      out.append(separator).append("  ").append(quoted(line.substring(0, tab))).append(": ");
      out.append(value.matches("-?[0-9]+") ? value : quoted(value));
      separator = ",\n";
    }
    return out.append("\n}\n").toString();
  }

  private static String quoted(String s) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.append('"').toString();
  }
}
