package dev.distcache.cli.admin;

import dev.distcache.core.stats.Counter;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** The {@code id<TAB>value} lines of a server reply (stats, cleanup, status), in the order sent. */
record KeyValues(Map<String, String> values) {
  KeyValues {
    values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
  }

  static KeyValues parse(String text) throws AdminException {
    Map<String, String> values = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      if (line.isEmpty()) {
        continue;
      }
      int tab = line.indexOf('\t');
      if (tab <= 0) {
        throw new AdminException(
            "malformed line in the server's reply: \"" + line + "\" (expected id<TAB>value)");
      }
      values.put(line.substring(0, tab), line.substring(tab + 1));
    }
    return new KeyValues(values);
  }

  /** The value of a numeric id; 0 when the server did not send it. */
  long number(String id) throws AdminException {
    String value = values.get(id);
    if (value == null) {
      return 0;
    }
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw new AdminException(
          "malformed value in the server's reply: "
              + id
              + " = \""
              + value
              + "\" (expected a whole number)");
    }
  }

  long count(Counter counter) throws AdminException {
    return number(counter.id());
  }

  /** The sum of every counter of one kind. */
  long sum(Counter.Kind kind) throws AdminException {
    long sum = 0;
    for (Counter c : Counter.values()) {
      if (c.kind() == kind) {
        sum += count(c);
      }
    }
    return sum;
  }

  /** A text value, or "?" when the server did not send it. */
  String text(String id) {
    return values.getOrDefault(id, "?");
  }
}
