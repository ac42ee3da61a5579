package dev.distcache.hashing;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.core.args.Invocation;
import dev.distcache.core.args.KeyArg;
import dev.distcache.hashing.KeySettings.ExtraFile;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * namespace, extra_files_to_hash and ignore_options, in both keys: the preprocessor-mode result key
 * and the direct-mode manifest key.
 */
class KeySettingsTest {
  private static final Path CWD = Path.of("/home/u/a/proj/build");
  private static final byte[] TEXT = "int foo(void) { return 1; }\n".getBytes(UTF_8);
  private static final ExtraFile VERSION_1 =
      new ExtraFile("version.txt", ContentHash.ofContent("1\n".getBytes(UTF_8)));
  private static final ExtraFile VERSION_2 =
      new ExtraFile("version.txt", ContentHash.ofContent("2\n".getBytes(UTF_8)));

  @Test
  void none_leavesBothKeysAsWithoutTheSettings() {
    Invocation inv = inv("-c", "-O2", "../src/foo.c");
    assertEquals(
        CompileKeys.compute(
                new CompileKeys.Inputs(
                    "id", inv, CWD, Map.of(), TEXT, "", true, Set.of(), List.of(), ""),
                false)
            .key(),
        result(inv, KeySettings.NONE));
    assertEquals(
        DirectKeys.compute(
                new DirectKeys.Inputs(
                    "id",
                    inv,
                    CWD,
                    Map.of(),
                    ContentHash.ofContent(TEXT),
                    "",
                    true,
                    Set.of(),
                    List.of(),
                    ""),
                false)
            .manifest(),
        manifest(inv, KeySettings.NONE));
  }

  @Test
  void namespace_separatesBothKeys() {
    Invocation inv = inv("-c", "../src/foo.c");
    KeySettings a = new KeySettings("a", List.of(), List.of());
    KeySettings b = new KeySettings("b", List.of(), List.of());
    assertNotEquals(result(inv, KeySettings.NONE), result(inv, a));
    assertNotEquals(result(inv, a), result(inv, b));
    assertEquals(result(inv, a), result(inv, new KeySettings("a", List.of(), List.of())));
    assertNotEquals(manifest(inv, a), manifest(inv, b));
  }

  @Test
  void extraFileContent_isInBothKeys_itsPathIsNot() {
    Invocation inv = inv("-c", "../src/foo.c");
    KeySettings one = new KeySettings("", List.of(VERSION_1), List.of());
    KeySettings two = new KeySettings("", List.of(VERSION_2), List.of());
    KeySettings moved =
        new KeySettings(
            "", List.of(new ExtraFile("/elsewhere/v.txt", VERSION_1.hash())), List.of());
    assertNotEquals(result(inv, KeySettings.NONE), result(inv, one));
    assertNotEquals(result(inv, one), result(inv, two));
    assertNotEquals(manifest(inv, one), manifest(inv, two));
    assertEquals(result(inv, one), result(inv, moved));
  }

  @Test
  void ignoredOption_leavesTheKeys_exactlyOrByPrefix() {
    KeySettings ignore = new KeySettings("", List.of(), List.of("-DBUILD_ID=*", "-Wextra"));
    Invocation plain = inv("-c", "-O2", "../src/foo.c");
    Invocation with = inv("-c", "-O2", "-DBUILD_ID=17", "-Wextra", "../src/foo.c");
    Invocation other = inv("-c", "-O2", "-DBUILD_ID=18", "../src/foo.c");
    assertEquals(result(plain, ignore), result(with, ignore));
    assertEquals(result(plain, ignore), result(other, ignore));
    assertEquals(manifest(plain, ignore), manifest(with, ignore));
    assertNotEquals(result(plain, KeySettings.NONE), result(with, KeySettings.NONE));
    assertNotEquals(result(plain, ignore), result(inv("-c", "-O3", "../src/foo.c"), ignore));
  }

  @Test
  void ignoredOptionWithASeparateValue_takesTheValueWithIt() {
    KeySettings ignore = new KeySettings("", List.of(), List.of("-I"));
    assertEquals(
        result(inv("-c", "../src/foo.c"), ignore),
        result(inv("-c", "-I", "/opt/inc", "../src/foo.c"), ignore));
    assertNotEquals(
        result(inv("-c", "../src/foo.c"), ignore),
        result(inv("-c", "-I/opt/inc", "../src/foo.c"), ignore));
  }

  @Test
  void patternWithAStarBeforeItsEnd_isSkipped_asInCcache() {
    KeySettings s = new KeySettings("", List.of(), List.of("-D*X", "-f*", "", "-O2"));
    assertEquals(List.of("-f*", "-O2"), s.ignoreOptions());
    assertTrue(s.ignores("-fPIC"));
    assertFalse(s.ignores("-DX"));
    assertEquals(
        List.of(KeyArg.plain("-g")),
        s.keptArgs(List.of(KeyArg.plain("-O2"), KeyArg.plain("-g"), KeyArg.plain("-fno-x"))));
  }

  private static Invocation inv(String... args) {
    return CompileKeysTest.inv("gcc", args);
  }

  private static ResultKey result(Invocation inv, KeySettings s) {
    return CompileKeys.compute(
            new CompileKeys.Inputs(
                "id", inv, CWD, Map.of(), TEXT, "", true, Set.of(), List.of(), "", s),
            false)
        .key();
  }

  private static ManifestKey manifest(Invocation inv, KeySettings s) {
    return DirectKeys.compute(
            new DirectKeys.Inputs(
                "id",
                inv,
                CWD,
                Map.of(),
                ContentHash.ofContent(TEXT),
                "",
                true,
                Set.of(),
                List.of(),
                "",
                s),
            false)
        .manifest();
  }
}
