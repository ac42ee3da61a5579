package dev.distcache.cli.admin;

import dev.distcache.cli.client.ServerConnection;
import dev.distcache.core.config.Config;
import dev.distcache.core.stats.CountersFile;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The counters while no server runs: the counters file the last server left
 * (CacheLayout.countersFile), shown and zeroed without starting one, as the native client does.
 */
final class StoredCounters {
  private StoredCounters() {}

  /**
   * What a server's {@code stats} reply would say: the file's counters and store size (zeros
   * without a file), with the limits and notes of this client's configuration.
   */
  static KeyValues read(AdminContext context) throws IOException {
    Map<String, String> file = CountersFile.read(context.layout().countersFile());
    Map<String, String> values = new LinkedHashMap<>();
    if (file != null) {
      file.forEach((id, value) -> {
        if (!id.startsWith("config_note_")) {
          values.put(id, value);
        }
      });
    }
    Config config = context.config();
    values.put("max_size", Long.toString(config.maxSize()));
    values.put("max_files", Long.toString(config.maxFiles()));
    int n = 0;
    for (String note : config.notes()) {
      values.put("config_note_" + ++n, note.replace('\n', ' ').replace('\t', ' '));
    }
    return new KeyValues(values);
  }

  /**
   * Zeroes the file's counters, unless a server is running: then returns false and the caller asks
   * it.
   */
  static boolean zero(AdminContext context) throws IOException {
    return ServerConnection.withoutServer(
        context.layout(),
        () -> {
          Map<String, String> file = CountersFile.read(context.layout().countersFile());
          Map<String, String> zeroed =
              CountersFile.zeroed(
                  file == null ? Map.of() : file, System.currentTimeMillis() / 1000);
          CountersFile.write(context.layout().countersFile(), CountersFile.format(zeroed));
        });
  }
}
