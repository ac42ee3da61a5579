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
}
