package dev.distcache.cli.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CacheOptionsTest {
  private static final String REMOVED = "removed_files\t3\nremoved_bytes\t3145728\n";

  @TempDir Path cacheDir;

  @Test
  void evictOlderThan_readsAPlainNumberOrDSuffixAsDays() {
    FakeChannel channel = new FakeChannel().answering("evict-older-than", REMOVED);

    AdminRun run = AdminRun.run(channel, cacheDir, "--evict-older-than", "2d");
    AdminRun.run(channel, cacheDir, "--evict-older-than=1");

    assertEquals(
        List.of(List.of("evict-older-than", "172800"), List.of("evict-older-than", "86400")),
        channel.sent);
    assertEquals("Evicted results unused for 172800 s: removed 3 files (3.1 MB)\n", run.out());
  }

  @Test
  void evictOlderThan_readsSSuffixAsSeconds() {
    FakeChannel channel = new FakeChannel().answering("evict-older-than", REMOVED);

    AdminRun.run(channel, cacheDir, "--evict-older-than", "30s");

    assertEquals(List.of(List.of("evict-older-than", "30")), channel.sent);
  }

  @Test
  void evictNamespace_sendsTheNamespaceAndReportsWhatTheServerRemoved() {
    FakeChannel channel = new FakeChannel().answering("evict-namespace", REMOVED);

    AdminRun run = AdminRun.run(channel, cacheDir, "--evict-namespace", "team a");

    assertEquals(0, run.exitCode());
    assertEquals(List.of(List.of("evict-namespace", "team a")), channel.sent);
    assertEquals("Evicted namespace team a: removed 3 files (3.1 MB)\n", run.out());
  }

  @Test
  void evictNamespaceWithEvictOlderThan_isOneEvictionOfWhatBothSelect_runAfterTheOtherOptions() {
    FakeChannel channel =
        new FakeChannel().answering("evict-namespace", REMOVED).answering("zero", "");

    AdminRun run =
        AdminRun.run(channel, cacheDir, "--evict-older-than", "1d", "--evict-namespace", "a", "-z");

    assertEquals(0, run.exitCode(), run.err());
    assertEquals(List.of(List.of("zero"), List.of("evict-namespace", "a", "86400")), channel.sent);
    assertEquals(
        "Statistics zeroed\nEvicted namespace a results unused for 86400 s: removed 3 files"
            + " (3.1 MB)\n",
        run.out());
  }

  @Test
  void cleanup_reportsWhatTheServerRemoved() {
    FakeChannel channel =
        new FakeChannel().answering("cleanup", "removed_files\t1\nremoved_bytes\t512\n");

    AdminRun run = AdminRun.run(channel, cacheDir, "-c");

    assertEquals(0, run.exitCode());
    assertEquals(List.of(List.of("cleanup")), channel.sent);
    assertEquals("Cleaned up cache: removed 1 file (0.5 kB)\n", run.out());
  }

  @Test
  void zeroAndClear_sendTheirWordsAndConfirm() {
    FakeChannel channel = new FakeChannel().answering("zero", "").answering("clear", REMOVED);

    AdminRun run = AdminRun.run(channel, cacheDir, "-z", "--clear");

    assertEquals(List.of(List.of("zero"), List.of("clear")), channel.sent);
    assertEquals("Statistics zeroed\nCleared cache\n", run.out());
  }

  @Test
  void options_runInTheOrderGivenAsCcacheDoes() {
    FakeChannel channel = new FakeChannel().answering("zero", "").answering("stats", "");

    AdminRun.run(channel, cacheDir, "-sz");
    AdminRun.run(channel, cacheDir, "-z", "-s");

    assertEquals(
        List.of(List.of("stats"), List.of("zero"), List.of("zero"), List.of("stats")),
        channel.sent);
  }
}
