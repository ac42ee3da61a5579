package dev.distcache.server.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.distcache.core.CacheLayout;
import dev.distcache.core.config.Config;
import dev.distcache.core.config.ConfigKey;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A request reuses the last configuration only when everything Config.load reads is the same. */
class ConfigCacheTest {
  @TempDir Path dir;

  @Test
  void load_reusesTheConfig_whenFileAndDistcacheVariablesAreTheSame() {
    ConfigCache cache = new ConfigCache(new CacheLayout(dir));
    Config.FileSettings file =
        new Config.FileSettings(Map.of(ConfigKey.HASH_DIR, "false"), List.of());
    Config first = cache.load(Map.of("PATH", "/bin", "DISTCACHE_DEBUG", "1"), file);
    Config again = cache.load(Map.of("PATH", "/usr/bin", "DISTCACHE_DEBUG", "1"), file);
    assertSame(first, again, "PATH is none of the configuration's business");
    assertEquals("true", again.get(ConfigKey.DEBUG));
    assertEquals("false", again.get(ConfigKey.HASH_DIR));
  }

  @Test
  void load_readsAgain_whenAVariableOrTheFileChanges() {
    ConfigCache cache = new ConfigCache(new CacheLayout(dir));
    Config.FileSettings file =
        new Config.FileSettings(Map.of(ConfigKey.HASH_DIR, "false"), List.of());
    Config plain = cache.load(Map.of("DISTCACHE_DEBUG", "1"), file);
    Config changed = cache.load(Map.of("DISTCACHE_DEBUG", "1", "DISTCACHE_NOSTATS", "1"), file);
    assertNotSame(plain, changed);
    assertEquals("false", changed.get(ConfigKey.STATS));
    Config removed = cache.load(Map.of(), file);
    assertEquals("false", removed.get(ConfigKey.DEBUG));
    Config.FileSettings newer =
        new Config.FileSettings(Map.of(ConfigKey.HASH_DIR, "true"), List.of());
    assertEquals("true", cache.load(Map.of(), newer).get(ConfigKey.HASH_DIR));
    Config misspelt = cache.load(Map.of("DISTCACHE_DEBGU", "1"), newer);
    assertEquals(1, misspelt.notes().size(), misspelt.notes().toString());
  }
}
