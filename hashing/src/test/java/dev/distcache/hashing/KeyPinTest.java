package dev.distcache.hashing;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Pins the exact keys of one fixed compile, with every environment variable that enters a key set
 * (and one that does not). A refactor that changes any of these hex strings would invalidate every
 * cache: change them only together with a version bump or a field of a new name (the text became
 * "text-digest" when it was hashed as it arrived, so no record of one kind can read as the other).
 */
class KeyPinTest {
  private static final String IDENTITY = "name=gcc;mtime:/usr/bin/gcc-12:1000:1";
  private static final Path CWD = Path.of("/home/u/a/proj/build");
  private static final byte[] TEXT =
      "# 1 \"../src/foo.c\"\nint foo(void) { return 1; }\n".getBytes(UTF_8);

  static Map<String, String> fullEnv() {
    Map<String, String> env = new HashMap<>();
    for (String n :
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
            "GCC_COLORS",
            "TERM",
            "HOME")) {
      env.put(n, n.toLowerCase() + "-value");
    }
    return env;
  }

  private static String compileKey(Set<String> sloppiness) {
    return CompileKeys.compute(
            new CompileKeys.Inputs(
                IDENTITY,
                CompileKeysTest.inv("gcc", "-c", "-O2", "../src/foo.c"),
                CWD,
                fullEnv(),
                TEXT,
                "",
                true,
                sloppiness,
                List.of("-fdiagnostics-color"),
                ""),
            false)
        .key()
        .hex();
  }

  private static String manifestKey(Set<String> sloppiness) {
    return DirectKeys.compute(
            new DirectKeys.Inputs(
                IDENTITY,
                CompileKeysTest.inv("gcc", "-c", "-O2", "../src/foo.c"),
                CWD,
                fullEnv(),
                ContentHash.ofContent(TEXT),
                "",
                true,
                sloppiness,
                List.of("-fdiagnostics-color"),
                ""),
            false)
        .manifest()
        .hex();
  }

  @Test
  void keyEnvironment_isTheLocaleThenTheCompilerVariables() {
    assertEquals(fullEnv().keySet().size() - 2, KeyEnvironment.ALL.size());
    assertEquals(
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
            "GCC_COLORS"),
        KeyEnvironment.ALL);
  }

  @Test
  void compileKey_withEveryKeyVariable_isPinned() {
    assertEquals(
        "c26230d82ff19a924dd5a4e7d116e39cb0d072ee97537e67d8c0f149afc12b5c", compileKey(Set.of()));
  }

  @Test
  void compileKey_withLocaleSloppiness_isPinned() {
    assertEquals(
        "4d309625f92cf15d1aab07db4d5c3ac44f3b68582b17ee22c0d3b14ca6935f57",
        compileKey(Set.of("locale")));
  }

  @Test
  void manifestKey_withEveryKeyVariable_isPinned() {
    assertEquals(
        "21f05043baa4d9f440f337adc39600893a7385f4b8498520803a227a8e94abbe", manifestKey(Set.of()));
  }

  @Test
  void manifestKey_withLocaleSloppiness_isPinned() {
    assertEquals(
        "7f0fa88af63d159d6a6e2e814cfd8a2bd67b787940302f8a66b4cb587b72ee22",
        manifestKey(Set.of("locale")));
  }
}
