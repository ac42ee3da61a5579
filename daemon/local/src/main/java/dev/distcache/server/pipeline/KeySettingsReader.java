package dev.distcache.server.pipeline;

import dev.distcache.core.config.Config;
import dev.distcache.core.config.ConfigKey;
import dev.distcache.hashing.ContentHash;
import dev.distcache.hashing.KeySettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a compile's {@link KeySettings} from its configuration: the namespace, the ignored options
 * and the contents of {@code extra_files_to_hash} (relative names from the compile's directory).
 */
final class KeySettingsReader {
  private KeySettingsReader() {}

  /**
   * An extra file that could not be read; the compile then runs without the cache, as in ccache.
   */
  static final class UnreadableExtraFile extends Exception {
    UnreadableExtraFile(String message) {
      super(message);
    }
  }

  static KeySettings read(Config config, Path cwd) throws UnreadableExtraFile {
    List<KeySettings.ExtraFile> extra = new ArrayList<>();
    for (String name : config.pathList(ConfigKey.EXTRA_FILES_TO_HASH)) {
      try {
        extra.add(
            new KeySettings.ExtraFile(
                name, ContentHash.ofContent(Files.readAllBytes(cwd.resolve(name)))));
      } catch (IOException | InvalidPathException e) {
        throw new UnreadableExtraFile(
            "cannot read " + name + " of extra_files_to_hash: " + e.getMessage());
      }
    }
    return new KeySettings(
        config.get(ConfigKey.NAMESPACE), extra, config.words(ConfigKey.IGNORE_OPTIONS));
  }
}
