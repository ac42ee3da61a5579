package dev.distcache.core.stats;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The counters file ({@code CacheLayout.countersFile()}): the lines of the server's {@code stats}
 * reply, {@code id<TAB>value}, replaced whole by a rename so that a reader never sees half of it.
 * The local server writes it; the clients read it, and zero it, when no server runs (the native
 * client in cli/src/main/c/admin.c reads and writes the same format).
 */
public final class CountersFile {
  private CountersFile() {}

  /** The file's lines in order, or null when there is no file. Lines without a tab are skipped. */
  public static Map<String, String> read(Path file) throws IOException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return null;
    }
    Map<String, String> values = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      int tab = line.indexOf('\t');
      if (tab > 0) {
        values.put(line.substring(0, tab), line.substring(tab + 1));
      }
    }
    return values;
  }

  /** The lines of {@code values}, in their order. */
  public static String format(Map<String, String> values) {
    StringBuilder out = new StringBuilder();
    values.forEach((id, value) -> out.append(id).append('\t').append(value).append('\n'));
    return out.toString();
  }

  /**
   * The same values with every counter zero and {@link Counter#STATS_ZEROED_TIMESTAMP} at {@code
   * epochSeconds}, as {@code -z} leaves a server's; the other lines (sizes, limits) are kept.
   */
  public static Map<String, String> zeroed(Map<String, String> values, long epochSeconds) {
    Map<String, String> zeroed = new LinkedHashMap<>(values);
    for (Counter c : Counter.values()) {
      zeroed.put(c.id(), c == Counter.STATS_ZEROED_TIMESTAMP ? Long.toString(epochSeconds) : "0");
    }
    return zeroed;
  }

  /** Replaces the file by {@code text}: written to a temporary file beside it, then renamed. */
  public static void write(Path file, String text) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp." + ProcessHandle.current().pid());
    try {
      Files.writeString(tmp, text, StandardCharsets.UTF_8);
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
