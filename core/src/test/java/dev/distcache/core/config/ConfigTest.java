package dev.distcache.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.core.CacheLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigTest {
  @TempDir Path dir;
  private CacheLayout layout;
  private Path file;

  @BeforeEach
  void setUp() {
    layout = new CacheLayout(dir);
    file = layout.configFile();
  }

  @Test
  void load_withoutFileOrEnvironment_usesDefaults() throws ConfigException {
    Config c = Config.load(layout, Map.of());
    assertEquals(5L << 30, c.maxSize());
    assertEquals(0, c.maxFiles());
    assertEquals(600, c.idleTimeoutSeconds());
    assertTrue(c.bool(ConfigKey.HASH_DIR));
    assertFalse(c.bool(ConfigKey.DEBUG));
    assertEquals("mtime", c.get(ConfigKey.COMPILER_CHECK));
    assertEquals("default", c.setting(ConfigKey.MAX_SIZE).origin());
    assertEquals(List.of(), c.prefixCommand());
    assertEquals(Set.of(), c.sloppiness());
  }

  @Test
  void load_readsFileSkippingCommentsAndBlankLines() throws Exception {
    write("# a comment", "", "   # indented comment", "max_size = 500M", "  sloppiness=locale, time_macros  ",
        "prefix_command = nice -n 5", "hash_dir = false");
    Config c = Config.load(layout, Map.of());
    assertEquals(500_000_000L, c.maxSize());
    assertEquals(Set.of("locale", "time_macros"), c.sloppiness());
    assertEquals(List.of("nice", "-n", "5"), c.prefixCommand());
    assertFalse(c.bool(ConfigKey.HASH_DIR));
    assertEquals(file.toString(), c.setting(ConfigKey.MAX_SIZE).origin());
  }

  @Test
  void readFile_missingFile_isEmpty() throws ConfigException {
    assertEquals(Map.of(), Config.readFile(dir.resolve("none.conf")));
  }

  @Test
  void readFile_unknownKey_errorNamesFileLineAndKey() throws IOException {
    write("# first", "max_size = 1G", "max_sise = 2G");
    ConfigException e = assertThrows(ConfigException.class, () -> Config.readFile(file));
    assertTrue(e.getMessage().startsWith(file + ":3:"), e.getMessage());
    assertTrue(e.getMessage().contains("max_sise"), e.getMessage());
  }

  @Test
  void readFile_lineWithoutEquals_errorNamesFileAndLine() throws IOException {
    write("max_size 2G");
    ConfigException e = assertThrows(ConfigException.class, () -> Config.readFile(file));
    assertTrue(e.getMessage().startsWith(file + ":1:"), e.getMessage());
  }

  @Test
  void readFile_badValue_errorNamesFileLineKeyAndValue() throws IOException {
    write("", "max_size = lots");
    ConfigException e = assertThrows(ConfigException.class, () -> Config.readFile(file));
    assertTrue(e.getMessage().startsWith(file + ":2: max_size:"), e.getMessage());
    assertTrue(e.getMessage().contains("lots"), e.getMessage());
  }

  @Test
  void readFile_rejectsBadValuesOfEachType() throws IOException {
    for (String line : List.of("max_files = -1", "max_files = many", "debug = yes", "idle_timeout = 5w",
        "sloppiness = locale,bogus", "base_dir = relative/dir")) {
      write(line);
      assertThrows(ConfigException.class, () -> Config.readFile(file), line);
    }
  }

  @Test
  void load_environmentOverridesFile() throws Exception {
    write("max_size = 1G");
    Config c = Config.load(layout, Map.of("DISTCACHE_MAXSIZE", "2G"));
    assertEquals(2_000_000_000L, c.maxSize());
    assertEquals("environment", c.setting(ConfigKey.MAX_SIZE).origin());
  }

  @Test
  void load_acceptsBothVariableSpellings() throws Exception {
    assertEquals(3_000_000_000L, Config.load(layout, Map.of("DISTCACHE_MAXSIZE", "3G")).maxSize());
    assertEquals(4_000_000_000L, Config.load(layout, Map.of("DISTCACHE_MAX_SIZE", "4G")).maxSize());
    assertEquals("/src", Config.load(layout, Map.of("DISTCACHE_BASEDIR", "/src")).get(ConfigKey.BASE_DIR));
    assertEquals("/src", Config.load(layout, Map.of("DISTCACHE_BASE_DIR", "/src")).get(ConfigKey.BASE_DIR));
  }

  @Test
  void load_noPrefixedVariable_turnsBooleanOff() throws Exception {
    write("hash_dir = true");
    assertFalse(Config.load(layout, Map.of("DISTCACHE_NOHASHDIR", "1")).bool(ConfigKey.HASH_DIR));
    assertFalse(Config.load(layout, Map.of("DISTCACHE_NOSTATS", "")).bool(ConfigKey.STATS));
    assertFalse(Config.load(layout, Map.of("DISTCACHE_HASHDIR", "1", "DISTCACHE_NOHASHDIR", "1"))
        .bool(ConfigKey.HASH_DIR));
  }

  @Test
  void load_booleanVariable_isTrueUnlessAFalseWord() throws Exception {
    assertTrue(Config.load(layout, Map.of("DISTCACHE_DEBUG", "1")).bool(ConfigKey.DEBUG));
    assertTrue(Config.load(layout, Map.of("DISTCACHE_RECACHE", "")).bool(ConfigKey.RECACHE));
    for (String no : List.of("0", "false", "FALSE", "no", "disable", "off")) {
      assertFalse(Config.load(layout, Map.of("DISTCACHE_DEBUG", no)).bool(ConfigKey.DEBUG), no);
    }
  }

  @Test
  void load_badEnvironmentValue_errorNamesVariable() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> Config.load(layout, Map.of("DISTCACHE_MAXSIZE", "huge")));
    assertTrue(e.getMessage().contains("DISTCACHE_MAXSIZE"), e.getMessage());
  }

  @Test
  void load_badFile_failsEvenWhenEnvironmentSetsTheKey() throws IOException {
    write("max_size = huge");
    assertThrows(ConfigException.class, () -> Config.load(layout, Map.of("DISTCACHE_MAXSIZE", "1G")));
  }

  @Test
  void writeSetting_replacesTheKeyAndKeepsEveryOtherLine() throws Exception {
    write("# my settings", "max_size = 1G", "", "  # max_size = 9G", "sloppiness = locale");
    Config.writeSetting(file, ConfigKey.MAX_SIZE, "20G");
    assertEquals(List.of("# my settings", "max_size = 20G", "", "  # max_size = 9G", "sloppiness = locale"),
        Files.readAllLines(file));
  }

  @Test
  void writeSetting_appendsAnAbsentKey() throws Exception {
    write("max_size = 1G");
    Config.writeSetting(file, ConfigKey.HASH_DIR, "false");
    assertEquals(List.of("max_size = 1G", "hash_dir = false"), Files.readAllLines(file));
  }

  @Test
  void writeSetting_createsMissingFileAndDirectory() throws Exception {
    Path nested = dir.resolve("new/dir/distcache.conf");
    Config.writeSetting(nested, ConfigKey.MAX_FILES, " 100 ");
    assertEquals(List.of("max_files = 100"), Files.readAllLines(nested));
  }

  @Test
  void writeSetting_invalidValue_failsAndLeavesFileAlone() throws Exception {
    write("max_size = 1G");
    assertThrows(ConfigException.class, () -> Config.writeSetting(file, ConfigKey.MAX_SIZE, "big"));
    assertEquals(List.of("max_size = 1G"), Files.readAllLines(file));
  }

  @Test
  void writeSetting_result_isReadBack() throws Exception {
    Config.writeSetting(file, ConfigKey.IDLE_TIMEOUT, "2h");
    assertEquals(7200, Config.load(layout, Map.of()).idleTimeoutSeconds());
  }

  private void write(String... lines) throws IOException {
    Files.write(file, List.of(lines));
  }
}
