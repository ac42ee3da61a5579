package dev.distcache.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.testing.RedisServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged values in a real Redis (issue 11, "Faults: a value overwritten with garbage"). Runner A
 * fills Redis once; each test puts A's values back, damages every {@code distcache:*} value inside
 * Redis with a Lua script, and lets runner B (empty cache directory, another checkout) build:
 *
 * <ul>
 *   <li>garbage in place of every value;
 *   <li>valid values under the wrong keys (rotated among the values of the same kind, so magic,
 *       format and checksum are intact and only the key the checksum covers tells them apart);
 *   <li>one byte changed in every value (at a different place in each, past the format bytes).
 * </ul>
 *
 * In each case B's build succeeds with plain gcc's objects, no damaged value is served (no remote
 * hit, no remote read hit), every damaged key B read is counted as a {@code remote_storage_error}
 * and logged as "is damaged, not used", and B's compiles replace the damaged values: a runner C
 * after it gets at least 95% remote hits and no error.
 */
class RemoteStorageFaultsDamageTest {
  private static final Pattern DAMAGED =
      Pattern.compile("the value of ([0-9a-f]+) is damaged, not used: (.*)");

  @TempDir static Path tmp;
  private static RedisServer redis;
  private static String setting;
  private static int storedKeys;

  @BeforeAll
  static void runnerAFillsRedis() throws Exception {
    redis = RedisServer.start(tmp.resolve("redis"));
    setting = redis.url() + TierRunner.PATIENT;
    try (TierRunner a = TierRunner.create(tmp, "a", setting)) {
      a.build(4);
      assertEquals(TierRunner.FILES, a.stat("cache_miss"), "A compiles everything");
      a.close();
      assertTrue(
          a.stat("remote_storage_write") >= 2L * TierRunner.FILES,
          "A writes every result and manifest: " + a.stats());
    }
    // Kept aside, so that each test damages A's values afresh.
    storedKeys =
        Integer.parseInt(
            eval(
                "local keys = redis.call('KEYS', 'distcache:*')\n"
                    + "for _, k in ipairs(keys) do\n"
                    + "  redis.call('COPY', k, 'backup:' .. string.sub(k, 11), 'REPLACE')\n"
                    + "end\n"
                    + "return #keys"));
    assertTrue(storedKeys >= 2 * TierRunner.FILES, "a result and a manifest per source");
  }

  @AfterAll
  static void stopRedis() throws Exception {
    if (redis != null) {
      redis.close();
    }
  }

  @BeforeEach
  void restoreRunnerAsValues() {
    String restored =
        eval(
            "for _, k in ipairs(redis.call('KEYS', 'distcache:*')) do redis.call('DEL', k) end\n"
                + "local keys = redis.call('KEYS', 'backup:*')\n"
                + "for _, k in ipairs(keys) do\n"
                + "  redis.call('COPY', k, 'distcache:' .. string.sub(k, 8))\n"
                + "end\n"
                + "return #keys");
    assertEquals(storedKeys, Integer.parseInt(restored), "A's values are back");
  }

  @Test
  void garbageInPlaceOfEveryValue() {
    String damaged =
        eval(
            "local keys = redis.call('KEYS', 'distcache:*')\n"
                + "for i, k in ipairs(keys) do\n"
                + "  redis.call('SET', k, string.rep('garbage ', 8) .. i)\n"
                + "end\n"
                + "return #keys");
    assertEquals(storedKeys, Integer.parseInt(damaged));
    List<String> reasons = runnerBMeetsDamageAndRepairsIt("b-garbage", "c-garbage");
    assertTrue(reasons.stream().allMatch(r -> r.startsWith("bad magic")), reasons.toString());
  }

  @Test
  void validValuesUnderTheWrongKeys() {
    // Each value goes to the next key holding the same kind of value (same magic and format), so
    // only the key inside the checksum can tell that it is not that key's value.
    String moved =
        eval(
            "local keys = redis.call('KEYS', 'distcache:*')\n"
                + "table.sort(keys)\n"
                + "local groups, kinds = {}, {}\n"
                + "for _, k in ipairs(keys) do\n"
                + "  local v = redis.call('GET', k)\n"
                + "  local kind = string.sub(v, 1, 4)\n"
                + "  if groups[kind] == nil then groups[kind] = {}; table.insert(kinds, kind) end\n"
                + "  table.insert(groups[kind], {k, v})\n"
                + "end\n"
                + "local moved = 0\n"
                + "for _, kind in ipairs(kinds) do\n"
                + "  local g = groups[kind]\n"
                + "  if #g > 1 then\n"
                + "    for i = 1, #g do\n"
                + "      redis.call('SET', g[i][1], g[(i % #g) + 1][2])\n"
                + "      moved = moved + 1\n"
                + "    end\n"
                + "  end\n"
                + "end\n"
                + "return {moved, #kinds}");
    List<String> counts = Arrays.stream(moved.strip().split("\\s+")).toList();
    assertEquals(
        List.of(Integer.toString(storedKeys), "2"),
        counts,
        "every value moved; results and manifests, each among its own kind");
    List<String> reasons = runnerBMeetsDamageAndRepairsIt("b-swapped", "c-swapped");
    assertTrue(
        reasons.stream().allMatch(r -> r.startsWith("checksum mismatch")), reasons.toString());
  }

  @Test
  void oneByteChangedInEveryValue() {
    // Past the magic and the format version (a version this build does not know is a miss by
    // design): the length, the checksum or the body, at another offset in each value.
    String changed =
        eval(
            "local keys = redis.call('KEYS', 'distcache:*')\n"
                + "for i, k in ipairs(keys) do\n"
                + "  local v = redis.call('GET', k)\n"
                + "  local at = 5 + (i * 37) % (#v - 4)\n"
                + "  local b = bit.bxor(string.byte(v, at), 1)\n"
                + "  redis.call('SET', k, string.sub(v, 1, at - 1) .. string.char(b)"
                + " .. string.sub(v, at + 1))\n"
                + "end\n"
                + "return #keys");
    assertEquals(storedKeys, Integer.parseInt(changed));
    runnerBMeetsDamageAndRepairsIt("b-flipped", "c-flipped");
  }

  /**
   * Runner {@code bName} builds over the damaged values and runner {@code cName} after it; returns
   * why each damaged value was refused, as B's log says.
   */
  private static List<String> runnerBMeetsDamageAndRepairsIt(String bName, String cName) {
    Set<String> damagedKeys = distcacheKeys();
    List<String> reasons;
    try (TierRunner b = TierRunner.create(tmp, bName, setting)) {
      b.build(4);
      Map<String, byte[]> built = b.objects();
      b.close();
      Map<String, Long> stats = b.stats();
      assertEquals(TierRunner.FILES, stats.get("cache_miss"), "B compiles everything: " + stats);
      assertEquals(0, b.stat("remote_storage_hit"), "no damaged value is served: " + stats);
      assertEquals(0, b.stat("remote_storage_read_hit"), "no damaged value is read: " + stats);
      List<String> lines = b.logLines("is damaged, not used");
      Set<String> refused = new TreeSet<>();
      reasons = new ArrayList<>();
      for (String line : lines) {
        Matcher m = DAMAGED.matcher(line);
        assertTrue(m.find(), line);
        refused.add(m.group(1));
        reasons.add(m.group(2));
      }
      assertEquals(
          damagedKeys, refused, "B read each damaged value (its manifest, its result) once");
      assertEquals(
          lines.size(),
          b.stat("remote_storage_error"),
          "each damaged value B read is counted as an error: " + stats);
      assertEquals(2L * TierRunner.FILES, lines.size(), "a manifest and a result per compile");
      assertEquals(
          2L * TierRunner.FILES,
          b.stat("remote_storage_write"),
          "B replaces every damaged value: " + stats);
      b.assertSameAsPlainBuild(built);
    }
    try (TierRunner c = TierRunner.create(tmp, cName, setting)) {
      c.build(4);
      Map<String, byte[]> built = c.objects();
      long remoteHits = c.stat("remote_storage_hit");
      assertTrue(
          remoteHits * 100 >= 95L * TierRunner.FILES,
          "at least 95% of C's compiles are remote hits: " + c.stats());
      assertEquals(0, c.stat("remote_storage_error"), "nothing damaged is left: " + c.stats());
      assertTrue(c.logLines("is damaged").isEmpty());
      c.assertSameAsPlainBuild(built);
    }
    return reasons;
  }

  /** The keys of distcache's values in Redis, without the {@code distcache:} prefix. */
  private static Set<String> distcacheKeys() {
    Set<String> keys = new TreeSet<>();
    for (String k : redis.cli("--raw", "KEYS", "distcache:*").split("\n")) {
      if (!k.isBlank()) {
        keys.add(k.strip().substring("distcache:".length()));
      }
    }
    return keys;
  }

  /** Runs a Lua script in Redis (EVAL, no keys declared); returns what redis-cli printed. */
  private static String eval(String script) {
    return redis.cli("--raw", "EVAL", script, "0").strip();
  }
}
