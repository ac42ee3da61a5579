package dev.distcache.cli.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ccache's options added in issue 10: files, formats, directories and the store's format. */
class FileOptionsTest {
  @TempDir Path tmp;

  private Path cacheDir() {
    return tmp.resolve("cache");
  }

  @Test
  void hashFile_asksTheServerWithTheAbsolutePath_andPrintsItsAnswer() throws IOException {
    Path file = Files.writeString(tmp.resolve("a.c"), "int a;\n");
    FakeChannel channel = new FakeChannel().answering("hash-file", "00ff\n");

    AdminRun run = AdminRun.run(channel, cacheDir(), "--hash-file", file.toString());

    assertEquals(0, run.exitCode(), run.err());
    assertEquals("00ff\n", run.out());
    assertEquals(List.of(List.of("hash-file", file.toString())), channel.sent);
  }

  @Test
  void hashFile_ofAMissingFile_failsWithExit1_withoutAskingTheServer() {
    FakeChannel channel = new FakeChannel();

    AdminRun run = AdminRun.run(channel, cacheDir(), "--checksum-file", "/no/such/file");

    assertEquals(1, run.exitCode());
    assertEquals(
        "distcache: error: failed to hash /no/such/file: No such file or directory\n", run.err());
    assertTrue(channel.sent.isEmpty());
  }

  @Test
  void printStats_formatJson_isOneObjectOfTheSameValues() {
    FakeChannel channel =
        new FakeChannel().answering("stats", "cache_miss\t4\ncache_size_bytes\t2048\n");

    AdminRun run = AdminRun.run(channel, cacheDir(), "--print-stats", "--format", "json");

    assertEquals(0, run.exitCode(), run.err());
    assertTrue(run.out().startsWith("{\n  \"autoconf_test\": 0,\n"), run.out());
    assertTrue(run.out().contains("\n  \"cache_miss\": 4,\n"), run.out());
    assertTrue(run.out().contains("\n  \"cache_size_kibibyte\": 2,\n"), run.out());
    assertTrue(run.out().endsWith(": 0\n}\n"), run.out());
  }

  @Test
  void printStats_unknownFormat_failsWithExit1() {
    AdminRun run =
        AdminRun.run(
            new FakeChannel().answering("stats", ""), cacheDir(), "--format=xml", "--print-stats");

    assertEquals(1, run.exitCode());
    assertEquals(
        "distcache: error: unknown format \"xml\" for --print-stats (expected tab or json)\n",
        run.err());
  }

  @Test
  void showCompression_showsTheMethodAndTheStoresTotalSize() {
    FakeChannel channel = new FakeChannel().answering("stats", "cache_size_bytes\t2048\n");

    AdminRun run = AdminRun.run(channel, cacheDir(), "-x");

    assertEquals(0, run.exitCode(), run.err());
    assertEquals(
        "Compression:   LZ4, one level (compression_level does not apply)\n"
            + "Total data:    "
            + dev.distcache.core.config.Values.formatSize(2048)
            + "\nOriginal size: not recorded by distcache's store\n",
        run.out());
  }

  @Test
  void recompress_anyValidLevel_saysThereIsNothingToDo() {
    for (String level : List.of("1", "-5", "19", "uncompressed")) {
      AdminRun run = AdminRun.run(new FakeChannel(), cacheDir(), "-X", level);

      assertEquals(0, run.exitCode(), run.err());
      assertEquals(
          "Nothing to recompress: distcache stores every result LZ4-compressed at its one level\n",
          run.out());
    }
  }

  @Test
  void recompress_anInvalidLevel_failsWithExit1() {
    AdminRun run = AdminRun.run(new FakeChannel(), cacheDir(), "--recompress", "fast");

    assertEquals(1, run.exitCode());
    assertTrue(run.err().contains("invalid compression level \"fast\""), run.err());
  }

  private static final String KEY = "0123456789abcdef".repeat(4);

  @Test
  void inspect_aResultKey_printsWhatTheServerSaysOfThatResult() {
    FakeChannel channel = new FakeChannel().answering("inspect", "Result key: " + KEY + "\n");

    AdminRun run = AdminRun.run(channel, cacheDir(), "--inspect", KEY);

    assertEquals(0, run.exitCode(), run.err());
    assertEquals(List.of(List.of("inspect", KEY)), channel.sent);
    assertEquals("Result key: " + KEY + "\n", run.out());
  }

  @Test
  void extractResult_aResultKey_hasTheServerWriteTheFiles_andPrintsNothing() {
    FakeChannel channel = new FakeChannel().answering("extract-result", "");

    AdminRun run = AdminRun.run(channel, cacheDir(), "--extract-result", KEY.toUpperCase());

    assertEquals(0, run.exitCode(), run.err());
    assertEquals(List.of(List.of("extract-result", KEY)), channel.sent);
    assertEquals("", run.out());
  }

  @Test
  void inspectAndExtractResult_aPath_sayWhatToPassInstead_withExit1() {
    for (String option : List.of("--inspect", "--extract-result")) {
      FakeChannel channel = new FakeChannel();
      AdminRun run = AdminRun.run(channel, cacheDir(), option, "a/b/c0R");

      assertEquals(1, run.exitCode(), option);
      assertEquals(
          "distcache: error: "
              + option
              + " a/b/c0R: distcache keeps its results in one database (RocksDB), not in cache"
              + " files; pass a result key instead (64 hex digits: the KEY of a \"stored KEY"
              + " SOURCE\" line of log_file)\n",
          run.err());
      assertEquals(List.of(), channel.sent);
    }
  }

  @Test
  void showLogStats_withoutAStatsLog_failsAsCcacheDoes() {
    AdminRun run = AdminRun.run(new FakeChannel(), cacheDir(), "--show-log-stats");

    assertEquals(1, run.exitCode());
    assertEquals("distcache: error: No stats log has been configured\n", run.err());
  }

  @Test
  void dir_appliesToEveryOption_whereverItStands() {
    Map<String, String> env =
        AdminMain.firstPass(
            new String[] {"-s", "-d", "rel/dir", "--config-path=conf"},
            Map.of("DISTCACHE_DIR", "/elsewhere"));

    assertEquals(Path.of("rel/dir").toAbsolutePath().toString(), env.get("DISTCACHE_DIR"));
    assertEquals(Path.of("conf").toAbsolutePath().toString(), env.get("DISTCACHE_CONFIGPATH"));
  }

  @Test
  void dir_andConfigPath_pickTheFilesThatSetConfigWrites() throws IOException {
    Path other = tmp.resolve("other");
    Path conf = tmp.resolve("my.conf");

    AdminRun run =
        AdminRun.run(
            new FakeChannel(),
            cacheDir(),
            "-o",
            "max_files=7",
            "--dir",
            other.toString(),
            "--config-path",
            conf.toString());
    AdminRun get =
        AdminRun.run(
            new FakeChannel(), cacheDir(), "-k", "max_files", "--config-path", conf.toString());

    assertEquals(0, run.exitCode(), run.err());
    assertEquals("7\n", get.out());
    assertTrue(Files.readString(conf).contains("max_files = 7"), Files.readString(conf));
    assertFalse(Files.exists(cacheDir().resolve("distcache.conf")));
    assertFalse(Files.exists(other.resolve("distcache.conf")));
  }

  @Test
  void logStatsSummary_leavesOutTheStoresSize_asCcacheDoes() throws AdminException {
    KeyValues counts =
        new KeyValues(Map.of("cache_miss", "1", "direct_cache_hit", "3", "cache_size_bytes", "9"));

    String fromLog = StatsSummary.format(counts, 1, ZoneId.of("UTC"), false);
    String fromStore = StatsSummary.format(counts, 1, ZoneId.of("UTC"), true);

    assertTrue(fromLog.matches("(?s).*\n  Hits: +3 / 4 \\(75\\.00%\\)\n.*"), fromLog);
    assertFalse(fromLog.contains("Cache size"), fromLog);
    assertFalse(fromLog.contains("Files:"), fromLog);
    assertTrue(fromStore.contains("Cache size"), fromStore);
    assertTrue(fromStore.contains("Files:"), fromStore);
  }
}
