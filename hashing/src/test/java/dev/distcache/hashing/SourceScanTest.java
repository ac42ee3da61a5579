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

  @Test
  void flags_assemblerDirectivesThatReadAFile() {
    assertEquals(SourceScan.CODE_DIRECTIVES, flags("__asm__(\".incbin \\\"data.bin\\\"\");"));
    assertEquals(SourceScan.CODE_DIRECTIVES, flags("asm(\".incbin\t\\\"d\\\"\")"));
    assertEquals(SourceScan.CODE_DIRECTIVES, flags("\t.incbin \"data.bin\"\n"));
    assertEquals(SourceScan.CODE_DIRECTIVES, flags("\".incbin\" \" \\\"f\\\"\""));
    assertEquals(SourceScan.CODE_DIRECTIVES, flags("asm(\".include \\\"macros.s\\\"\");"));
    assertEquals(
        SourceScan.CODE_DIRECTIVES, flags("asm(\".incbin\\t\\\"d\\\"\")")); // C's \\t escape
    assertEquals(SourceScan.CODE_DIRECTIVES, flags("asm(\".incbin\\x20\\\"d\\\"\")"));
    assertEquals(SourceScan.CODE_DIRECTIVES, flags("asm(\".include\\040\\\"d\\\"\")"));
    assertEquals(
        0, flags("#include \"x.h\"\ns.include = 1; s.incbin_size = 2; .incbin x; s.include\\n"));
  }

  @Test
  void flags_embed() {
    assertEquals(SourceScan.EMBED, flags("const char d[] = {\n#embed \"d.bin\"\n};"));
    assertEquals(SourceScan.EMBED, flags("#  embed <d.bin>"));
    assertEquals(0, flags("#embedded\n#define embed 1\n"));
  }

  @Test
  void flags_onlyThoseWanted() {
    assertEquals(
        SourceScan.CODE_DIRECTIVES,
        SourceScan.flags("__TIME__ .incbin \"f\"".getBytes(UTF_8), SourceScan.CODE_DIRECTIVES));
  }
}
