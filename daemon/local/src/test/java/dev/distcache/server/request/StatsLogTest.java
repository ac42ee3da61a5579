package dev.distcache.server.request;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.distcache.core.stats.Counter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatsLogTest {
  @TempDir Path dir;

  @Test
  void append_writesTheInputLineThenEachIncrementSorted_asCcacheDoes() throws Exception {
    Path log = dir.resolve("stats.log");
    StatsLog.append(
        log,
        "src/a.c",
        Map.of(
            Counter.LOCAL_STORAGE_READ_MISS,
            2L,
            Counter.CACHE_MISS,
            1L,
            Counter.DIRECT_CACHE_MISS,
            1L),
        027);
    StatsLog.append(log, "a.c", Map.of(Counter.DIRECT_CACHE_HIT, 1L), 0);

    assertEquals(
        "# src/a.c\ncache_miss\ndirect_cache_miss\nlocal_storage_read_miss\n"
            + "local_storage_read_miss\n# a.c\ndirect_cache_hit\n",
        Files.readString(log));
    assertEquals(
        "rw-r-----",
        PosixFilePermissions.toString(Files.getPosixFilePermissions(log)),
        "the umask when the file was created");
  }

  @Test
  void append_ofNoChange_writesNothing() {
    Path log = dir.resolve("stats.log");
    StatsLog.append(log, "a.c", Map.of(), 022);
    assertFalse(Files.exists(log));
  }

  @Test
  void inputOf_isTheFirstSourceNamedArgument() {
    assertEquals("b.cpp", StatsLog.inputOf(List.of("g++", "-o", "x.o", "-c", "b.cpp", "c.c")));
    assertEquals("", StatsLog.inputOf(List.of("gcc", "-c", "nothere.o")));
  }
}
