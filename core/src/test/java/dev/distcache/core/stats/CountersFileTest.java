package dev.distcache.core.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CountersFileTest {
  @TempDir Path dir;

  @Test
  void read_ofNoFile_isNull() throws IOException {
    assertNull(CountersFile.read(dir.resolve("counters")));
  }

  @Test
  void writeThenRead_givesTheLinesBackInOrder() throws IOException {
    Path file = dir.resolve("counters");
    CountersFile.write(file, "cache_miss\t3\nmax_size\t100\nno tab here\n");

    Map<String, String> values = CountersFile.read(file);

    assertEquals(Map.of("cache_miss", "3", "max_size", "100"), values);
    assertEquals("cache_miss\t3\nmax_size\t100\n", CountersFile.format(values));
  }

  @Test
  void zeroed_zeroesEveryCounter_stampsTheTime_andKeepsTheOtherLines() {
    Map<String, String> values = new LinkedHashMap<>();
    values.put("cache_miss", "3");
    values.put("cache_size_bytes", "4096");

    Map<String, String> zeroed = CountersFile.zeroed(values, 1234);

    assertEquals("0", zeroed.get("cache_miss"));
    assertEquals("4096", zeroed.get("cache_size_bytes"));
    assertEquals("1234", zeroed.get("stats_zeroed_timestamp"));
    assertEquals("0", zeroed.get("direct_cache_hit"));
    assertEquals(Counter.values().length + 1, zeroed.size());
  }
}
