package dev.distcache.cli.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigOptionsTest {
  @TempDir Path cacheDir;

  private Path configFile() {
    return cacheDir.resolve("distcache.conf");
  }

  private AdminRun run(String... args) {
    return AdminRun.run(new FakeChannel(), cacheDir, args);
  }

  @Test
  void maxSize_writesTheConfigFileAndShowConfigShowsItWithTheFileAsOrigin() throws IOException {
    AdminRun set = run("-M", "10G");
    AdminRun show = run("-p");

    assertEquals(0, set.exitCode(), set.err());
    assertEquals("Set cache size limit to 10.0 GB\n", set.out());
    assertEquals(List.of("max_size = 10G"), Files.readAllLines(configFile()));
    assertTrue(show.out().contains("(" + configFile() + ") max_size = 10.0G\n"), show.out());
    assertTrue(show.out().contains("(default) max_files = 0\n"), show.out());
  }

  @Test
  void maxSizeZero_meansUnlimited() {
    assertEquals("Unset cache size limit\n", run("--max-size", "0").out());
  }

  /** What ccache 4.7.5 prints for the same commands (ccache -M, -p and -k side by side). */
  @Test
  void maxSize_confirmationShowConfigAndGetConfig_useCcachesUnits() throws IOException {
    assertEquals("Set cache size limit to 1.6 GB\n", run("-M", "1.5Gi").out());
    assertEquals(List.of("max_size = 1.5Gi"), Files.readAllLines(configFile()));
    assertEquals("1.6G\n", run("-k", "max_size").out());
    assertEquals("Set cache size limit to 10.2 kB\n", run("-M", "10Ki").out());
    assertEquals("10240\n", run("-k", "max_size").out());
    assertEquals("Set cache size limit to 500.0 kB\n", run("-M", "500k").out());
    assertEquals("Set cache size limit to 123456.0 GB\n", run("-M", "123456").out());
    assertEquals("Set cache size limit to 1.1 GB\n", run("-M", "1023Mi").out());
    assertTrue(run("-p").out().contains(") max_size = 1.1G\n"));
    Files.delete(configFile());
    assertTrue(run("-p").out().contains("(default) max_size = 5.0G\n"), run("-p").out());
  }

  @Test
  void maxSize_withAnInvalidSize_isAUsageErrorAndWritesNothing() {
    AdminRun run = run("-M", "lots");

    assertEquals(2, run.exitCode());
    assertFalse(Files.exists(configFile()));
  }

  @Test
  void maxFiles_writesTheConfigFile() throws IOException {
    AdminRun run = run("-F", "5000");

    assertEquals("Set cache files limit to 5000\n", run.out());
    assertEquals(List.of("max_files = 5000"), Files.readAllLines(configFile()));
    assertEquals(2, run("-F", "-3").exitCode());
  }

  @Test
  void showConfig_listsEveryKeySortedWithItsOrigin() {
    AdminRun run =
        AdminRun.run(
            new FakeChannel(),
            Map.of("DISTCACHE_DIR", cacheDir.toString(), "DISTCACHE_MAXFILES", "7"),
            "--show-config");

    List<String> lines = run.out().lines().toList();
    assertEquals("(default) absolute_paths_in_stderr = false", lines.get(0));
    assertTrue(lines.contains("(default) base_dir = "), run.out());
    assertTrue(lines.contains("(environment) max_files = 7"), run.out());
    assertEquals(
        lines.stream()
            .sorted((a, b) -> a.substring(a.indexOf(')')).compareTo(b.substring(b.indexOf(')'))))
            .toList(),
        lines);
  }

  @Test
  void setConfig_canBeRepeatedAndGetConfigReadsTheValuesBack() {
    AdminRun set = run("-o", "max_size=2Gi", "-o", "sloppiness=time_macros");

    assertEquals(0, set.exitCode(), set.err());
    assertEquals("2.1G\n", run("-k", "max_size").out()); // as ccache -k shows 2Gi
    assertEquals("time_macros\n", run("--get-config", "sloppiness").out());
  }

  @Test
  void cacheDir_isShownByGetConfigAndShowConfig_fromTheEnvironmentOrTheDefault() {
    assertEquals(cacheDir + "\n", run("-k", "cache_dir").out());
    assertTrue(run("-p").out().contains("(environment) cache_dir = " + cacheDir + "\n"));

    AdminRun byDefault = AdminRun.run(new FakeChannel(), Map.of("HOME", "/home/u"), "-p");
    assertTrue(
        byDefault.out().contains("(default) cache_dir = /home/u/.cache/distcache\n"),
        byDefault.out());
  }

  @Test
  void cacheDir_cannotBeSetInAConfigFile_andSaysToSetDistcacheDir() throws IOException {
    AdminRun set = run("-o", "cache_dir=/elsewhere");

    assertEquals(1, set.exitCode());
    assertEquals(
        "distcache: error: cache_dir is set by DISTCACHE_DIR (or -d DIR) only: the cache"
            + " directory is chosen before any configuration file is read\n",
        set.err());
    assertFalse(Files.exists(configFile()));

    Files.writeString(configFile(), "cache_dir = /elsewhere\n");
    AdminRun show = run("-p");
    assertTrue(show.out().contains("(environment) cache_dir = " + cacheDir + "\n"), show.out());
    assertEquals(
        "distcache: note: "
            + configFile()
            + ":1: cache_dir is set by DISTCACHE_DIR (or -d DIR) only: the cache directory is"
            + " chosen before any configuration file is read; ignored\n",
        show.err());
  }

  @Test
  void setConfig_rejectsAnUnknownKeyWithExit1() {
    AdminRun run = run("-o", "max_sise=5G");

    assertEquals(1, run.exitCode());
    assertEquals(
        "distcache: error: unknown configuration key \"max_sise\" (did you mean max_size?)\n",
        run.err());
    assertFalse(Files.exists(configFile()));
  }

  @Test
  void setConfig_rejectsAnInvalidSizeWithExit1() {
    AdminRun run = run("-o", "max_size=big");

    assertEquals(1, run.exitCode());
    assertTrue(
        run.err().startsWith("distcache: error: ") && run.err().contains("invalid size: \"big\""),
        run.err());
    assertFalse(Files.exists(configFile()));
  }

  @Test
  void setConfig_withoutAnEqualSign_exits1() {
    AdminRun run = run("-o", "max_size");

    assertEquals(1, run.exitCode());
    assertEquals(
        "distcache: error: missing equal sign in \"max_size\" (expected KEY=VALUE)\n", run.err());
  }

  @Test
  void getConfig_ofAnUnknownKey_exits1() {
    AdminRun run = run("-k", "colour");

    assertEquals(1, run.exitCode());
    assertEquals("distcache: error: unknown configuration key \"colour\"\n", run.err());
  }

  @Test
  void showConfig_withAProblemInTheFile_showsTheRest_andTheNoteOnStderr() throws IOException {
    Files.writeString(configFile(), "file_clone = true\nmax_size = 7G\ndirect_mod = false\n");
    AdminRun show = run("-p");

    assertEquals(0, show.exitCode(), show.err());
    assertTrue(show.out().contains("(" + configFile() + ") max_size = 7.0G\n"), show.out());
    assertTrue(show.out().contains("(default) direct_mode = true\n"), show.out());
    assertEquals(
        "distcache: note: "
            + configFile()
            + ":1: ccache's file_clone is not implemented by distcache; ignored\n"
            + "distcache: note: "
            + configFile()
            + ":3: unknown key \"direct_mod\", ignored (did you mean direct_mode?)\n",
        show.err());
    assertEquals("7.0G\n", run("-k", "max_size").out());
  }
}
