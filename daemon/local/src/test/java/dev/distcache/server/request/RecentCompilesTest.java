package dev.distcache.server.request;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.distcache.core.stats.Counter;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecentCompilesTest {
  private static Stats counted(Counter... counters) {
    Stats s = new Stats(null, false); // stats = false: nothing is ever written to a store
    s.count(counters);
    return s;
  }

  private static List<String> gcc(String source) {
    return List.of("gcc", "-c", source, "-o", "x.o");
  }

  @Test
  void eachRequest_isDescribedByTheTierThatAnsweredIt_newestFirst() {
    RecentCompiles r = new RecentCompiles();
    r.record(gcc("a.c"), counted(Counter.DIRECT_CACHE_MISS, Counter.CACHE_MISS), 1_000, 250);
    r.record(gcc("b.c"), counted(Counter.DIRECT_CACHE_HIT, Counter.LOCAL_STORAGE_HIT), 1_100, 2);
    r.record(
        gcc("c.c"), counted(Counter.PREPROCESSED_CACHE_HIT, Counter.REMOTE_STORAGE_HIT), 1_200, 9);
    r.record(gcc("d.c"), counted(Counter.PREPROCESSED_CACHE_HIT), 1_300, 5);
    r.record(gcc("e.c"), counted(Counter.CACHE_MISS, Counter.REMOTE_COMPILE), 1_400, 800);
    r.record(List.of("gcc", "-E", "f.c"), counted(Counter.CALLED_FOR_PREPROCESSING), 1_500, 1);
    assertEquals(
        List.of(
            new RecentCompiles.Compile(
                "f.c", false, "not cached: called_for_preprocessing", 1_500, 1),
            new RecentCompiles.Compile("e.c", false, "remote-compile", 1_400, 800),
            new RecentCompiles.Compile("d.c", true, "preprocessed", 1_300, 5),
            new RecentCompiles.Compile("c.c", true, "remote-storage", 1_200, 9),
            new RecentCompiles.Compile("b.c", true, "direct", 1_100, 2),
            new RecentCompiles.Compile("a.c", false, "local", 1_000, 250)),
        r.last(50));
    assertEquals(2, r.last(2).size());
  }

  @Test
  void theRing_keepsTheLastSizeRequests_andCountsEachSecond() {
    RecentCompiles r = new RecentCompiles();
    for (int i = 0; i < RecentCompiles.SIZE + 10; i++) {
      r.record(gcc("f" + i + ".c"), counted(Counter.CACHE_MISS), 10_000 + i * 100L, 1);
    }
    List<RecentCompiles.Compile> last = r.last(1000);
    assertEquals(RecentCompiles.SIZE, last.size());
    assertEquals("f" + (RecentCompiles.SIZE + 9) + ".c", last.get(0).file());
    assertEquals("f10.c", last.get(last.size() - 1).file());
    // 74 requests from 10.0 s, one every 0.1 s: ten a second, four in the last (17.0 to 17.3 s)
    assertArrayEquals(new long[] {10, 10, 10, 10, 10, 10, 10, 4}, r.perSecond(18_000, 8));
    // A slot reused 300 seconds later holds only its new second's count.
    r.record(gcc("g.c"), counted(Counter.CACHE_MISS), 310_000, 1);
    assertArrayEquals(new long[] {0, 1}, r.perSecond(311_000, 2));
  }
}
