package dev.distcache.daemon.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.distcache.core.config.ConfigException;
import dev.distcache.core.config.ConfigKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigFileCacheTest {
  private static final long LATER = Long.MAX_VALUE / 2;

  @TempDir Path dir;
  final ConfigFileCache cache = new ConfigFileCache();

  @Test
  void settings_ofAMissingFile_areEmpty() throws ConfigException {
    assertEquals(Map.of(), cache.settings(dir.resolve("distcache.conf"), LATER));
  }

  @Test
  void settings_followEveryRewrite_evenOneKeepingSizeAndMtime() throws Exception {
    Path file = Files.writeString(dir.resolve("distcache.conf"), "max_files = 11\n");
    assertEquals(Map.of(ConfigKey.MAX_FILES, "11"), cache.settings(file, LATER));
    FileTime mtime = Files.getLastModifiedTime(file);
    Files.writeString(file, "max_files = 22\n");
    Files.setLastModifiedTime(file, mtime);
    assertEquals(Map.of(ConfigKey.MAX_FILES, "22"), cache.settings(file, LATER));
    Files.delete(file);
    assertEquals(Map.of(), cache.settings(file, LATER));
  }

  @Test
  void settings_ofABadFile_failAsReadingItDoes() throws IOException {
    Path file = Files.writeString(dir.resolve("distcache.conf"), "no_such_key = 1\n");
    Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2020-01-01T00:00:00Z")));
    assertThrows(ConfigException.class, () -> cache.settings(file, LATER));
    assertThrows(ConfigException.class, () -> cache.settings(file, LATER));
  }
}
