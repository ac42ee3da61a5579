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
  void load_withoutFileOrEnvironment_usesDefaults() {
    Config c = Config.load(layout, Map.of());
    assertEquals(5_000_000_000L, c.maxSize()); // ccache's default, 5G
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
    write(
        "# a comment",
        "",
        "   # indented comment",
        "max_size = 500M",
        "  sloppiness=locale, time_macros  ",
        "prefix_command = nice -n 5",
        "hash_dir = false");
    Config c = Config.load(layout, Map.of());
    assertEquals(500_000_000L, c.maxSize());
    assertEquals(Set.of("locale", "time_macros"), c.sloppiness());
    assertEquals(List.of("nice", "-n", "5"), c.prefixCommand());
    assertFalse(c.bool(ConfigKey.HASH_DIR));
    assertEquals(file.toString(), c.setting(ConfigKey.MAX_SIZE).origin());
  }

  @Test
  void readFile_missingFile_isEmpty() {
    assertEquals(Config.FileSettings.NONE, Config.readFile(dir.resolve("none.conf")));
  }

  @Test
  void readFile_unknownKey_isIgnoredWithANoteNamingFileLineAndClosestKey() throws IOException {
    write("# first", "max_size = 1G", "max_sise = 2G", "direct_mod = false", "compresion = true");
    Config.FileSettings f = Config.readFile(file);
    assertEquals(Map.of(ConfigKey.MAX_SIZE, "1G"), f.settings(), "the valid line still counts");
    assertEquals(
        List.of(
            file + ":3: unknown key \"max_sise\", ignored (did you mean max_size?)",
            file + ":4: unknown key \"direct_mod\", ignored (did you mean direct_mode?)",
            file + ":5: unknown key \"compresion\", ignored (did you mean compression?)"),
        f.notes());
  }

  @Test
  void readFile_unknownKeyFarFromAnyKnownOne_namesNoSuggestion() throws IOException {
    write("colour = blue");
    assertEquals(
        List.of(file + ":1: unknown key \"colour\", ignored"), Config.readFile(file).notes());
  }

  @Test
  void readFile_ccacheKeysDistcacheDoesNotImplement_areAcceptedWithANote() throws IOException {
    write(
        "file_clone = true",
        "inode_cache = true",
        "max_size = 5G",
        "limit_multiple = 0.9",
        "temporary_dir = /tmp",
        "secondary_storage = redis://localhost",
        "cache_dir = /var/cache/ccache");
    Config.FileSettings f = Config.readFile(file);
    assertEquals(Map.of(ConfigKey.MAX_SIZE, "5G"), f.settings());
    assertEquals(6, f.notes().size(), f.notes().toString());
    assertEquals(
        file + ":1: ccache's file_clone is not implemented by distcache; ignored",
        f.notes().get(0));
    assertEquals(
        file
            + ":7: cache_dir is set by DISTCACHE_DIR (or -d DIR) only: the cache directory is"
            + " chosen before any configuration file is read; ignored",
        f.notes().get(6 - 1));
  }

  @Test
  void readFile_ccachesStorageKeys_areReadWithoutANote() throws IOException {
    write(
        "compression = false",
        "compression_level = -3",
        "hard_link = true",
        "umask = 002",
        "stats_log = /tmp/stats.log",
        "read_only_direct = true",
        "remote_storage = redis://localhost|read-only=true file:/srv/cache",
        "remote_only = true",
        "reshare = true");
    Config.FileSettings f = Config.readFile(file);
    assertEquals(List.of(), f.notes());
    Config c = Config.load(layout, Map.of(), f);
    assertEquals(
        "redis://localhost|read-only=true file:/srv/cache", c.get(ConfigKey.REMOTE_STORAGE));
    assertTrue(c.bool(ConfigKey.REMOTE_ONLY));
    assertTrue(c.bool(ConfigKey.RESHARE));
    assertFalse(c.bool(ConfigKey.COMPRESSION));
    assertEquals(-3, c.compressionLevel());
    assertTrue(c.bool(ConfigKey.HARD_LINK), "accepted; a no-op, as the README says");
    assertEquals(java.util.OptionalInt.of(2), c.umask());
    assertEquals("002", c.shown(ConfigKey.UMASK), "as ccache -p shows it");
    assertEquals("/tmp/stats.log", c.get(ConfigKey.STATS_LOG));
    assertTrue(c.bool(ConfigKey.READ_ONLY_DIRECT));
  }

  @Test
  void load_ccachesStorageVariables_areReadWithoutANote_andABadUmaskIsNoted() {
    Config c =
        Config.load(
            layout,
            Map.of(
                "DISTCACHE_NOCOMPRESS", "1",
                "DISTCACHE_COMPRESSLEVEL", "9",
                "DISTCACHE_HARDLINK", "1",
                "DISTCACHE_STATSLOG", "/tmp/s.log",
                "DISTCACHE_READONLY_DIRECT", "1",
                "DISTCACHE_UMASK", "8"));
    assertFalse(c.bool(ConfigKey.COMPRESSION));
    assertEquals(9, c.compressionLevel());
    assertTrue(c.bool(ConfigKey.HARD_LINK));
    assertEquals("/tmp/s.log", c.get(ConfigKey.STATS_LOG));
    assertTrue(c.bool(ConfigKey.READ_ONLY_DIRECT));
    assertEquals(java.util.OptionalInt.empty(), c.umask());
    assertEquals(
        List.of(
            "DISTCACHE_UMASK: umask: \"8\" is not an octal umask (such as 002 or 022); ignored,"
                + " umask stays "),
        c.notes());
  }

  @Test
  void load_readsTheKeySettings_inCcachesSpellings() throws IOException {
    write(
        "extra_files_to_hash = a.txt::/abs/b.txt",
        "ignore_options = -fmessage-length=*  -DX",
        "compiler_type = clang");
    Config c =
        Config.load(
            layout,
            Map.of(
                "DISTCACHE_NAMESPACE", "proj",
                "DISTCACHE_PATH", "/opt/bin:/usr/bin",
                "DISTCACHE_COMMENTS", "1",
                "DISTCACHE_PREFIX_CPP", "wrap",
                "DISTCACHE_ABSSTDERR", "1",
                "DISTCACHE_DEBUGDIR", "/tmp/dbg"));
    assertEquals(List.of(), c.notes());
    assertEquals(List.of("a.txt", "/abs/b.txt"), c.pathList(ConfigKey.EXTRA_FILES_TO_HASH));
    assertEquals(List.of("-fmessage-length=*", "-DX"), c.words(ConfigKey.IGNORE_OPTIONS));
    assertEquals("clang", c.get(ConfigKey.COMPILER_TYPE));
    assertEquals("proj", c.get(ConfigKey.NAMESPACE));
    assertEquals(List.of("/opt/bin", "/usr/bin"), c.pathList(ConfigKey.PATH));
    assertTrue(c.bool(ConfigKey.KEEP_COMMENTS_CPP));
    assertEquals(List.of("wrap"), c.words(ConfigKey.PREFIX_COMMAND_CPP));
    assertTrue(c.bool(ConfigKey.ABSOLUTE_PATHS_IN_STDERR));
    assertEquals("/tmp/dbg", c.get(ConfigKey.DEBUG_DIR));
    Config off = Config.load(layout, Map.of("DISTCACHE_NOCOMMENTS", "1"));
    assertFalse(off.bool(ConfigKey.KEEP_COMMENTS_CPP));
    assertEquals(
        "auto",
        Config.load(layout, Map.of(), Config.FileSettings.NONE).get(ConfigKey.COMPILER_TYPE));
  }

  @Test
  void readFile_lineWithoutEquals_isIgnoredWithANoteNamingFileAndLine() throws IOException {
    write("max_size 2G", "max_files = 3");
    Config.FileSettings f = Config.readFile(file);
    assertEquals(Map.of(ConfigKey.MAX_FILES, "3"), f.settings());
    assertEquals(1, f.notes().size());
    assertTrue(f.notes().get(0).startsWith(file + ":1: "), f.notes().toString());
  }

  @Test
  void readFile_badValue_isIgnoredWithANoteNamingFileLineKeyAndValue() throws IOException {
    write("", "max_size = lots", "hash_dir = false");
    Config.FileSettings f = Config.readFile(file);
    assertEquals(Map.of(ConfigKey.HASH_DIR, "false"), f.settings());
    assertEquals(1, f.notes().size());
    String note = f.notes().get(0);
    assertTrue(
        note.startsWith(file + ":2: max_size:")
            && note.contains("lots")
            && note.endsWith("stays 5G"),
        note);
  }

  @Test
  void readFile_notesBadValuesOfEachType() throws IOException {
    for (String line :
        List.of(
            "max_files = -1",
            "max_files = many",
            "debug = yes",
            "idle_timeout = 5w",
            "sloppiness = locale,bogus",
            "base_dir = relative/dir",
            "compiler_type = gnu")) {
      write(line);
      Config.FileSettings f = Config.readFile(file);
      assertEquals(Map.of(), f.settings(), line);
      assertEquals(1, f.notes().size(), line);
    }
  }

  @Test
  void readFile_unreadableFile_givesDefaultsAndANote() throws IOException {
    Files.createDirectories(file);
    Config c = Config.load(layout, Map.of());
    assertEquals(5_000_000_000L, c.maxSize()); // ccache's default, 5G
    assertEquals(1, c.notes().size());
    assertTrue(c.notes().get(0).startsWith("cannot read " + file), c.notes().toString());
  }

  @Test
  void load_goodConfiguration_hasNoNotes() throws IOException {
    write("max_size = 1G", "sloppiness = locale");
    assertEquals(
        List.of(),
        Config.load(
                layout,
                Map.of(
                    "DISTCACHE_DIR",
                    "/x",
                    "DISTCACHE_JAVA_CLIENT",
                    "1",
                    "DISTCACHE_DEPTH",
                    "1",
                    "DISTCACHE_NODIRECT",
                    "1",
                    "DISTCACHE_MAX_FILES",
                    "2"))
            .notes());
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
    assertEquals(
        "/src", Config.load(layout, Map.of("DISTCACHE_BASEDIR", "/src")).get(ConfigKey.BASE_DIR));
    assertEquals(
        "/src", Config.load(layout, Map.of("DISTCACHE_BASE_DIR", "/src")).get(ConfigKey.BASE_DIR));
  }

  @Test
  void load_noPrefixedVariable_turnsBooleanOff() throws Exception {
    write("hash_dir = true");
    assertFalse(Config.load(layout, Map.of("DISTCACHE_NOHASHDIR", "1")).bool(ConfigKey.HASH_DIR));
    assertFalse(Config.load(layout, Map.of("DISTCACHE_NOSTATS", "")).bool(ConfigKey.STATS));
    assertFalse(
        Config.load(layout, Map.of("DISTCACHE_HASHDIR", "1", "DISTCACHE_NOHASHDIR", "1"))
            .bool(ConfigKey.HASH_DIR));
  }

  @Test
  void load_booleanVariable_isTrueWhateverItsValue() throws Exception {
    for (String yes : List.of("1", "", "true", "off", "00", " 0")) {
      Config c = Config.load(layout, Map.of("DISTCACHE_DEBUG", yes));
      assertTrue(c.bool(ConfigKey.DEBUG), yes);
      assertEquals(List.of(), c.errors(), yes);
    }
  }

  /**
   * As ccache 4.7: a boolean variable set to a word that reads as "off" is an error that stops the
   * compile, so that DISTCACHE_DISABLE=0 does not silently disable the cache.
   */
  @Test
  void load_booleanVariableSetToAFalseWord_isAnErrorNamingTheVariableToUseInstead() {
    for (String no : List.of("0", "false", "FALSE", "no", "No", "disable")) {
      Config c = Config.load(layout, Map.of("DISTCACHE_DISABLE", no));
      assertEquals(
          List.of(
              "DISTCACHE_DISABLE: invalid boolean environment variable value \""
                  + no
                  + "\" (did you mean to set \"DISTCACHE_NODISABLE=true\"?)"),
          c.errors(),
          no);
      assertFalse(c.bool(ConfigKey.DISABLE), "left at its default");
    }
    assertEquals(
        List.of(
            "DISTCACHE_NOHASHDIR: invalid boolean environment variable value \"0\""
                + " (did you mean to set \"DISTCACHE_HASHDIR=true\"?)"),
        Config.load(layout, Map.of("DISTCACHE_NOHASHDIR", "0")).errors());
    assertEquals(List.of(), Config.load(layout, Map.of("DISTCACHE_DISABLE", "1")).errors());
  }

  @Test
  void load_badEnvironmentValue_isIgnoredWithANoteNamingTheVariable() {
    Config c = Config.load(layout, Map.of("DISTCACHE_MAXSIZE", "huge", "DISTCACHE_MAXFILES", "7"));
    assertEquals(5_000_000_000L, c.maxSize()); // ccache's default, 5G
    assertEquals(7, c.maxFiles(), "the other variables still count");
    assertEquals(1, c.notes().size());
    String note = c.notes().get(0);
    assertTrue(note.startsWith("DISTCACHE_MAXSIZE: max_size: ") && note.contains("huge"), note);
  }

  @Test
  void load_badEnvironmentValue_keepsTheFilesValue() throws IOException {
    write("max_size = 1G");
    Config c = Config.load(layout, Map.of("DISTCACHE_MAX_SIZE", "huge"));
    assertEquals(1_000_000_000L, c.maxSize());
    assertTrue(
        c.notes().get(0).startsWith("DISTCACHE_MAX_SIZE: ")
            && c.notes().get(0).endsWith("stays 1G"),
        c.notes().toString());
  }

  @Test
  void load_badFile_stillTakesTheEnvironment() throws IOException {
    write("max_size = huge");
    Config c = Config.load(layout, Map.of("DISTCACHE_MAXSIZE", "1G"));
    assertEquals(1_000_000_000L, c.maxSize());
    assertEquals(1, c.notes().size());
  }

  @Test
  void load_ccacheVariablesDistcacheDoesNotImplement_areNoted() {
    Config c =
        Config.load(
            layout,
            Map.of(
                "DISTCACHE_FILECLONE",
                "1",
                "DISTCACHE_NOFILECLONE",
                "1",
                "DISTCACHE_TEMPORARY_DIR",
                "/tmp"));
    assertEquals(
        List.of(
            "DISTCACHE_FILECLONE: ccache's file_clone is not implemented by distcache; ignored",
            "DISTCACHE_NOFILECLONE: ccache's file_clone is not implemented by distcache; ignored",
            "DISTCACHE_TEMPORARY_DIR: ccache's temporary_dir is not implemented by distcache; ignored"),
        c.notes());
  }

  @Test
  void load_misspeltVariable_namesTheClosestOne_andOtherVariablesAreLeftAlone() {
    Config c =
        Config.load(layout, Map.of("DISTCACHE_MAXSISE", "1G", "DISTCACHE_SOMETHING_ELSE", "x"));
    assertEquals(
        List.of("DISTCACHE_MAXSISE: unknown variable, ignored (did you mean DISTCACHE_MAXSIZE?)"),
        c.notes());
  }

  @Test
  void writeSetting_replacesTheKeyAndKeepsEveryOtherLine() throws Exception {
    write("# my settings", "max_size = 1G", "", "  # max_size = 9G", "sloppiness = locale");
    Config.writeSetting(file, ConfigKey.MAX_SIZE, "20G");
    assertEquals(
        List.of("# my settings", "max_size = 20G", "", "  # max_size = 9G", "sloppiness = locale"),
        Files.readAllLines(file));
  }

  @Test
  void writeSetting_withAUmask_givesTheFileTheModeThatUmaskMakes() throws Exception {
    Config.writeSetting(file, ConfigKey.MAX_FILES, "10", java.util.OptionalInt.of(027));
    assertEquals(
        "rw-r-----",
        java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    Config.writeSetting(file, ConfigKey.MAX_FILES, "11", java.util.OptionalInt.of(0));
    assertEquals(
        "rw-rw-rw-",
        java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
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
