package dev.distcache.server.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.core.config.Config;
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
  void settings_ofAMissingFile_areEmpty() {
    assertEquals(Map.of(), cache.settings(dir.resolve("distcache.conf"), LATER).settings());
  }

  @Test
  void aRememberedMissingFile_isReadOnceItAppears_orIsRenamedIn_andForgottenWhenRemoved()
      throws Exception {
    Path file = dir.resolve("distcache.conf");
    Files.setLastModifiedTime(dir, FileTime.from(Instant.parse("2020-01-01T00:00:00Z")));
    assertEquals(Map.of(), cache.settings(file, LATER).settings());
    assertEquals(Map.of(), cache.settings(file, LATER).settings(), "remembered missing");
    Files.writeString(file, "max_files = 7\n");
    assertEquals(Map.of(ConfigKey.MAX_FILES, "7"), cache.settings(file, LATER).settings());
    Files.delete(file);
    Files.setLastModifiedTime(dir, FileTime.from(Instant.parse("2020-01-01T00:00:01Z")));
    assertEquals(Map.of(), cache.settings(file, LATER).settings());
    Path elsewhere = Files.writeString(dir.resolveSibling("staged.conf"), "max_files = 8\n");
    Files.move(elsewhere, file);
    assertEquals(Map.of(ConfigKey.MAX_FILES, "8"), cache.settings(file, LATER).settings());
    Path other = dir.resolve("other.conf");
    assertEquals(Map.of(), cache.settings(other, LATER).settings(), "another path is looked up");
  }

  @Test
  void settings_followEveryRewrite_evenOneKeepingSizeAndMtime() throws Exception {
    Path file = Files.writeString(dir.resolve("distcache.conf"), "max_files = 11\n");
    assertEquals(Map.of(ConfigKey.MAX_FILES, "11"), cache.settings(file, LATER).settings());
    FileTime mtime = Files.getLastModifiedTime(file);
    Files.writeString(file, "max_files = 22\n");
    Files.setLastModifiedTime(file, mtime);
    assertEquals(Map.of(ConfigKey.MAX_FILES, "22"), cache.settings(file, LATER).settings());
    Files.delete(file);
    assertEquals(Map.of(), cache.settings(file, LATER).settings());
  }

  @Test
  void settings_ofABadFile_keepTheGoodLinesAndTheNotes_whenRemembered() throws IOException {
    Path file =
        Files.writeString(dir.resolve("distcache.conf"), "no_such_key = 1\nmax_files = 5\n");
    Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2020-01-01T00:00:00Z")));
    for (int i = 0; i < 2; i++) {
      Config.FileSettings s = cache.settings(file, LATER);
      assertEquals(Map.of(ConfigKey.MAX_FILES, "5"), s.settings());
      assertEquals(1, s.notes().size(), s.notes().toString());
      assertTrue(s.notes().get(0).startsWith(file + ":1: "), s.notes().toString());
    }
  }
}
