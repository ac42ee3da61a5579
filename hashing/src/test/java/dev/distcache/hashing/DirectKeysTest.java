package dev.distcache.hashing;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.core.args.Invocation;
import dev.distcache.hashing.DirectKeys.Inputs;
import dev.distcache.hashing.DirectKeys.Keys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each test changes one input of a baseline direct-mode compile and says whether the manifest key
 * must change.
 */
class DirectKeysTest {
  private static final String IDENTITY = "name=gcc;mtime:/usr/bin/gcc-12:1000:1";
  private static final Path CWD = Path.of("/home/u/a/proj/build");
  private static final ContentHash SOURCE =
      ContentHash.ofContent("int foo(void) { return 1; }\n".getBytes(UTF_8));

  private static Inputs inputs(
      Invocation inv,
      Path cwd,
      ContentHash source,
      String baseDir,
      Set<String> sloppiness,
      Map<String, String> env) {
    return new Inputs(IDENTITY, inv, cwd, env, source, baseDir, true, sloppiness, List.of(), "");
  }

  private static Inputs base() {
    return inputs(
        CompileKeysTest.inv("gcc", "-c", "-O2", "../src/foo.c"),
        CWD,
        SOURCE,
        "",
        Set.of(),
        Map.of());
  }

  private static ManifestKey key(Inputs in) {
    return DirectKeys.compute(in, false).manifest();
  }

  @Test
  void compute_identicalInputs_giveEqualKeys_andOriginIsTheKeyWithoutBaseDir() {
    Keys k = DirectKeys.compute(base(), false);
    assertEquals(k.manifest(), key(base()));
    assertEquals(k.manifest(), k.origin());
  }

  @Test
  void compute_sanitizerListContent_changesTheManifestKey(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("list.txt"), "src:a.c\n");
    Inputs in =
        inputs(
            CompileKeysTest.inv("gcc", "-c", "-fsanitize-blacklist=list.txt", "t.c"),
            dir,
            SOURCE,
            "",
            Set.of(),
            Map.of());
    ManifestKey before = key(in);
    assertEquals(before, key(in));
    Files.writeString(dir.resolve("list.txt"), "src:b.c\n");
    assertNotEquals(before, key(in));
  }

  @Test
  void compute_sourceDateEpoch_isNoInput_directModeTrustsNoFileThatNamesATimeMacro() {
    Invocation inv = CompileKeysTest.inv("gcc", "-c", "-O2", "../src/foo.c");
    assertEquals(
        key(base()), key(inputs(inv, CWD, SOURCE, "", Set.of(), Map.of("SOURCE_DATE_EPOCH", "1"))));
    assertNotEquals(
        key(base()), key(inputs(inv, CWD, SOURCE, "", Set.of(), Map.of("CPATH", "/opt"))));
  }

  @Test
  void compute_sourceContent_changesKey() {
    Inputs in = base();
    Inputs other =
        inputs(
            in.invocation(),
            CWD,
            ContentHash.ofContent("int foo;".getBytes(UTF_8)),
            "",
            Set.of(),
            Map.of());
    assertNotEquals(key(in), key(other));
  }

  @Test
  void compute_sourcePathAsGiven_changesKeyEvenWithoutDebugInfo() {
    Inputs other =
        inputs(
            CompileKeysTest.inv("gcc", "-c", "-O2", "../lib/foo.c"),
            CWD,
            SOURCE,
            "",
            Set.of(),
            Map.of());
    assertNotEquals(key(base()), key(other));
  }

  @Test
  void compute_includeDirectoryAndDefine_changeKey() {
    assertNotEquals(
        key(base()),
        key(
            inputs(
                CompileKeysTest.inv("gcc", "-c", "-O2", "-Iinc", "../src/foo.c"),
                CWD,
                SOURCE,
                "",
                Set.of(),
                Map.of())));
    assertNotEquals(
        key(base()),
        key(
            inputs(
                CompileKeysTest.inv("gcc", "-c", "-O2", "-DX", "../src/foo.c"),
                CWD,
                SOURCE,
                "",
                Set.of(),
                Map.of())));
  }

  @Test
  void compute_includePathVariable_changesKey() {
    assertNotEquals(
        key(base()),
        key(inputs(base().invocation(), CWD, SOURCE, "", Set.of(), Map.of("CPATH", "/opt"))));
  }

  @Test
  void compute_withoutDebugInfo_ignoresCwd() {
    assertEquals(
        key(base()),
        key(inputs(base().invocation(), Path.of("/elsewhere"), SOURCE, "", Set.of(), Map.of())));
  }

  @Test
  void compute_manifestSloppiness_changesKey_otherWordsDoNot() {
    assertNotEquals(
        key(base()),
        key(inputs(base().invocation(), CWD, SOURCE, "", Set.of("system_headers"), Map.of())));
    assertNotEquals(
        key(base()),
        key(inputs(base().invocation(), CWD, SOURCE, "", Set.of("time_macros"), Map.of())));
    assertEquals(
        key(base()),
        key(inputs(base().invocation(), CWD, SOURCE, "", Set.of("pch_defines"), Map.of())));
  }

  @Test
  void compute_withBaseDir_checkoutsShareTheManifestKeyButNotTheOrigin() {
    Keys a = checkout("a", "");
    Keys b = checkout("b", "");
    assertNotEquals(a.manifest(), b.manifest(), "without base_dir the absolute paths differ");
    Keys ra = checkout("a", "/home/u");
    Keys rb = checkout("b", "/home/u");
    assertEquals(ra.manifest(), rb.manifest());
    assertNotEquals(ra.origin(), rb.origin());
    assertEquals(a.manifest(), ra.origin(), "the origin is the record with every path as given");
    assertTrue(ra.mayRelativize());
  }

  @Test
  void compute_withDebugInfo_prefixMappedCheckoutsShareTheKeyButNotTheOrigin() {
    Keys a = debugCheckout("a");
    Keys b = debugCheckout("b");
    assertEquals(a.manifest(), b.manifest());
    assertNotEquals(a.origin(), b.origin());
  }

  @Test
  void compute_withTranscript_namesTheSourceFields() {
    String t = DirectKeys.compute(base(), true).transcript();
    for (String field :
        List.of(
            "### version",
            "### compiler",
            "### arg",
            "### source-path",
            "### source-content",
            "### sloppiness")) {
      assertTrue(t.contains(field), field + " missing from\n" + t);
    }
    assertTrue(t.contains(DirectKeys.VERSION), t);
  }

  @Test
  void dependResult_changesWithEveryFileAndItsContent() {
    ManifestKey origin = key(base());
    ContentHash h1 = ContentHash.ofContent("1".getBytes(UTF_8));
    ContentHash h2 = ContentHash.ofContent("2".getBytes(UTF_8));
    ResultKey one = DirectKeys.dependResult(origin, List.of(new DirectKeys.DependFile("a.h", h1)));
    assertEquals(
        one, DirectKeys.dependResult(origin, List.of(new DirectKeys.DependFile("a.h", h1))));
    assertNotEquals(
        one, DirectKeys.dependResult(origin, List.of(new DirectKeys.DependFile("a.h", h2))));
    assertNotEquals(
        one, DirectKeys.dependResult(origin, List.of(new DirectKeys.DependFile("b.h", h1))));
    assertNotEquals(one, DirectKeys.dependResult(origin, List.of()));
    assertNotEquals(
        one,
        DirectKeys.dependResult(
            key(inputs(base().invocation(), CWD, SOURCE, "", Set.of(), Map.of("CPATH", "/x"))),
            List.of(new DirectKeys.DependFile("a.h", h1))));
  }

  private static Keys checkout(String name, String baseDir) {
    String root = "/home/u/" + name + "/proj";
    Invocation inv =
        CompileKeysTest.inv("gcc", "-c", "-O2", "-I" + root + "/include", root + "/src/foo.c");
    return DirectKeys.compute(
        inputs(inv, Path.of(root, "build"), SOURCE, baseDir, Set.of(), Map.of()), false);
  }

  private static Keys debugCheckout(String name) {
    String root = "/home/u/" + name + "/proj";
    Invocation inv =
        CompileKeysTest.inv(
            "gcc", "-c", "-g", "-ffile-prefix-map=" + root + "=.", root + "/src/foo.c");
    return DirectKeys.compute(
        inputs(inv, Path.of(root), SOURCE, "/home/u", Set.of(), Map.of()), false);
  }
}
