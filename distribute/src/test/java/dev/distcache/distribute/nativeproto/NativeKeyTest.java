package dev.distcache.distribute.nativeproto;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Pins the exact job and cache keys of one fixed job, with every environment variable that enters
 * the key set (and some that do not): a refactor that changes them would invalidate every daemon's
 * cache and break older clients.
 */
class NativeKeyTest {
  private static final List<String> KEY_VARIABLES =
      List.of(
          "LANG",
          "LC_ALL",
          "LC_CTYPE",
          "LC_MESSAGES",
          "GCC_COMPARE_DEBUG",
          "COMPILER_PATH",
          "GCC_EXEC_PREFIX",
          "SOURCE_DATE_EPOCH",
          "CPATH",
          "C_INCLUDE_PATH",
          "CPLUS_INCLUDE_PATH",
          "OBJC_INCLUDE_PATH",
          "GCC_COLORS");

  private static Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    for (String n : KEY_VARIABLES) {
      env.put(n, n.toLowerCase() + "-value");
    }
    env.put("TERM", "xterm");
    env.put("HOME", "/home/u");
    return env;
  }

  private static byte[] jobKey() {
    return NativeKey.job(
        List.of("gcc", "-c", "-O2", "foo.i"), "int foo(void) { return 1; }\n".getBytes(UTF_8));
  }

  @Test
  void job_isPinned() {
    assertEquals(
        "5c45f1ea8ece95af483c638ce6496f128e0c596a0d93af43f706259845eb9d91",
        HexFormat.of().formatHex(jobKey()));
  }

  @Test
  void cache_withEveryKeyVariable_isPinned() {
    assertEquals(
        "44c856adda00e759b11a205471a75811997a4ec717ee8763e4404d1fb7c4f8f7",
        NativeKey.cache("name=gcc;x", env(), jobKey()).hex());
  }

  @Test
  void cache_withoutEnvironment_isPinned() {
    assertEquals(
        "515b9f5f372dad7586d7d1045d1a2fcafa1da28437a0a3cadee952c3e273e436",
        NativeKey.cache("name=gcc;x", Map.of(), jobKey()).hex());
  }
}
