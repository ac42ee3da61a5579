package dev.distcache.hashing;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SourceScanTest {
  private static int flags(String text) {
    return SourceScan.flags(text.getBytes(UTF_8));
  }

  @Test
  void flags_timeMacros_setTimeMacros() {
    assertEquals(SourceScan.TIME_MACROS, flags("const char *t = __TIME__;"));
    assertEquals(SourceScan.TIME_MACROS, flags("x = __DATE__"));
    assertEquals(SourceScan.TIME_MACROS, flags("/* __TIMESTAMP__ */"));
  }

  @Test
  void flags_fileMacros_setFileMacros() {
    assertEquals(SourceScan.FILE_MACROS, flags("assert_fail(__FILE__)"));
    assertEquals(SourceScan.FILE_MACROS, flags("__BASE_FILE__"));
    assertEquals(SourceScan.FILE_MACROS, flags("__builtin_FILE ()"));
  }

  @Test
  void flags_both_andAtTheVeryEnd() {
    assertEquals(SourceScan.TIME_MACROS | SourceScan.FILE_MACROS, flags("__FILE__ __TIME__"));
    assertEquals(SourceScan.TIME_MACROS, flags("___TIME__"));
  }

  @Test
  void flags_nearMisses_setNothing() {
    assertEquals(0, flags(""));
    assertEquals(0, flags("__"));
    assertEquals(0, flags("__TIME_ __DAT __FILE_NAME__ _FILE__ __file__ TIME__ __TIMES"));
  }
}
