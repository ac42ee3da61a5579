package dev.distcache.hashing;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.core.args.ArgsClassifier;
import dev.distcache.core.args.Classification;
import dev.distcache.core.args.Invocation;
import dev.distcache.hashing.CompileKeys.Inputs;
import dev.distcache.hashing.CompileKeys.Keys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each test changes one input of a baseline compile ({@code gcc -c -O2 src/foo.c} in
 * /home/u/a/proj/build) and says whether the key must change.
 */
class CompileKeysTest {
  private static final Path CWD = Path.of("/home/u/a/proj/build");
  private static final Path OTHER_CWD = Path.of("/home/u/b/proj/build");
  private static final byte[] TEXT =
      "# 1 \"../src/foo.c\"\nint foo(void) { return 1; }\n".getBytes(UTF_8);

  @Test
  void compute_identicalInputs_giveEqualKeys() {
    assertEquals(key(base()), key(base()));
    assertEquals(key(base()), key(base().invocation(inv("gcc", "-c", "-O2", "../src/foo.c"))));
  }

  @Test
  void compute_differentCompilerIdentity_changesKey() {
    assertNotEquals(key(base()), key(base().identity("name=gcc;mtime:/usr/bin/gcc:2:2")));
  }

  @Test
  void compute_differentKeyArg_changesKey() {
    assertNotEquals(key(base()), key(base().invocation(inv("gcc", "-c", "-O3", "../src/foo.c"))));
    assertNotEquals(
        key(base()), key(base().invocation(inv("gcc", "-c", "-O2", "-DX=1", "../src/foo.c"))));
    assertNotEquals(
        key(base().invocation(inv("gcc", "-c", "-O2", "-DX=1", "../src/foo.c"))),
        key(base().invocation(inv("gcc", "-c", "-O2", "-DX=2", "../src/foo.c"))));
  }

  @Test
  void compute_differentText_changesKey() {
    byte[] other = TEXT.clone();
    other[other.length - 3] = '2';
    assertNotEquals(key(base()), key(base().text(other)));
  }

  @Test
  void compute_differentLanguage_changesKey() {
    Invocation asCxx = inv("g++", "-c", "-O2", "../src/foo.c");
    assertEquals(inv("gcc", "-c", "-O2", "../src/foo.c").keyArgs(), asCxx.keyArgs());
    assertNotEquals(key(base()), key(base().invocation(asCxx)));
  }

  @Test
  void compute_differentLocale_changesKey() {
    assertNotEquals(key(base()), key(base().env(Map.of("LANG", "de_DE.UTF-8"))));
    assertNotEquals(
        key(base().env(Map.of("LANG", "C"))), key(base().env(Map.of("LANG", "de_DE.UTF-8"))));
    assertNotEquals(key(base()), key(base().env(Map.of("LC_ALL", "C"))));
  }

  @Test
  void compute_withLocaleSloppiness_ignoresLocale() {
    B sloppy = base().sloppiness(Set.of("locale"));
    assertEquals(
        key(sloppy.env(Map.of("LANG", "C"))), key(sloppy.env(Map.of("LANG", "de_DE.UTF-8"))));
  }

  @Test
  void compute_compilerVariables_changeKey() {
    assertNotEquals(key(base()), key(base().env(Map.of("CPATH", "/opt/include"))));
  }

  @Test
  void compute_sourceDateEpoch_isNoInput_thePreprocessedTextHoldsTheDatesItExpands() {
    assertEquals(key(base()), key(base().env(Map.of("SOURCE_DATE_EPOCH", "1"))));
    assertEquals(
        key(base().env(Map.of("SOURCE_DATE_EPOCH", "1"))),
        key(base().env(Map.of("SOURCE_DATE_EPOCH", "2"))));
  }

  @Test
  void compute_unrelatedVariables_doNotChangeKey() {
    assertEquals(
        key(base()), key(base().env(Map.of("HOME", "/root", "DISTCACHE_DEBUG", "1", "PWD", "/x"))));
  }

  @Test
  void compute_extraFlags_changeKey() {
    assertNotEquals(key(base()), key(base().extraFlags(List.of("-fdiagnostics-color"))));
  }

  @Test
  void compute_withNativeCpu_keysTheCpu() {
    B nativeCpu = base().invocation(inv("gcc", "-c", "-march=native", "../src/foo.c"));
    assertNotEquals(key(nativeCpu.cpu("cpu-a")), key(nativeCpu.cpu("cpu-b")));
    assertEquals(
        key(base().cpu("cpu-a")),
        key(base().cpu("cpu-b")),
        "without -march=native the CPU is no input");
  }

  @Test
  void compute_withoutDebugInfo_ignoresCwd() {
    assertEquals(key(base()), key(base().cwd(OTHER_CWD)));
  }

  @Test
  void compute_withDebugInfoAndHashDir_keysCwd() {
    B debug = base().invocation(inv("gcc", "-c", "-g", "../src/foo.c"));
    assertNotEquals(key(debug), key(debug.cwd(OTHER_CWD)));
  }

  @Test
  void compute_withDebugInfoButNoHashDir_ignoresCwd() {
    B debug = base().invocation(inv("gcc", "-c", "-g", "../src/foo.c")).hashDir(false);
    assertEquals(key(debug), key(debug.cwd(OTHER_CWD)));
  }

  @Test
  void compute_withDebugInfoButNoHashDir_ignoresTheWorkingDirectorysMarker() {
    B debug = base().invocation(inv("gcc", "-c", "-g", "../src/foo.c")).hashDir(false);
    byte[] inA = ("# 0 \"../src/foo.c\"\n# 0 \"" + CWD + "//\"\nint foo;\n").getBytes(UTF_8);
    byte[] inB = ("# 0 \"../src/foo.c\"\n# 0 \"" + OTHER_CWD + "//\"\nint foo;\n").getBytes(UTF_8);
    assertEquals(key(debug.text(inA)), key(debug.cwd(OTHER_CWD).text(inB)));
    assertNotEquals(key(debug.text(inA).hashDir(true)), key(debug.text(inB).hashDir(true)));
  }

  @Test
  void compute_preprocessedInputStartingWithAMarker_ignoresItsName() {
    byte[] marked = "# 0 \"foo.c\"\nint foo(void) { return 1; }\n".getBytes(UTF_8);
    for (String g : List.of("-O2", "-g")) {
      B i = base().text(marked);
      assertEquals(
          key(i.invocation(inv("gcc", "-c", g, "foo.i"))),
          key(i.invocation(inv("gcc", "-c", g, "sub/bar.i"))));
    }
    byte[] unmarked = "int foo(void) { return 1; }\n".getBytes(UTF_8);
    assertNotEquals(
        key(base().text(unmarked).invocation(inv("gcc", "-c", "foo.i"))),
        key(base().text(unmarked).invocation(inv("gcc", "-c", "bar.i"))));
  }

  @Test
  void compute_withDebugInfo_keysSourcePathAsGiven() {
    B debug = base().hashDir(false);
    assertNotEquals(
        key(debug.invocation(inv("gcc", "-c", "-g", "../src/foo.c"))),
        key(debug.invocation(inv("gcc", "-c", "-g", "/home/u/a/proj/src/foo.c"))));
  }

  @Test
  void compute_withoutDebugInfo_keysOnlySourceName() {
    assertEquals(
        key(base().invocation(inv("gcc", "-c", "-O2", "../src/foo.c"))),
        key(base().invocation(inv("gcc", "-c", "-O2", "/elsewhere/foo.c"))));
    assertNotEquals(key(base()), key(base().invocation(inv("gcc", "-c", "-O2", "../src/bar.c"))));
  }

  @Test
  void compute_withoutBaseDir_exactHashIsTheKey() {
    Keys k =
        CompileKeys.compute(
            base().invocation(inv("gcc", "-c", "-I/home/u/a/proj/include", "../src/foo.c")).build(),
            false);
    assertEquals(k.key().hex(), k.exact());
  }

  @Test
  void compute_withBaseDirButNothingUnderIt_exactHashIsTheKey() {
    Keys k = CompileKeys.compute(base().baseDir("/opt").build(), false);
    assertEquals(k.key().hex(), k.exact());
  }

  @Test
  void compute_withBaseDir_twoCheckoutsShareKeyButNotExactHash() {
    Keys a = CompileKeys.compute(checkout("a").baseDir("/home/u").build(), false);
    Keys b = CompileKeys.compute(checkout("b").baseDir("/home/u").build(), false);
    assertEquals(a.key(), b.key());
    assertNotEquals(a.exact(), b.exact());
    assertNotEquals(a.key().hex(), a.exact());
  }

  @Test
  void compute_withTheTextsDigestFromTheCaller_givesTheKeysOfTheTextHashedHere() {
    CompileKeys.Inputs in = base().build();
    HashingStream asItArrived = new HashingStream();
    asItArrived.write(TEXT, 0, 10);
    asItArrived.write(TEXT, 10, TEXT.length - 10);
    assertEquals(
        CompileKeys.compute(in, false), CompileKeys.compute(in, asItArrived.digestOf(TEXT), false));
  }

  @Test
  void compute_usesTheCallersDigestForTheTextAsGiven_andNotForTheTextRewritten() {
    byte[] notTheText = Blake3.hash("something else".getBytes(UTF_8));
    CompileKeys.Inputs plain = base().build();
    assertNotEquals(
        CompileKeys.compute(plain, false).key(),
        CompileKeys.compute(plain, notTheText, false).key(),
        "the digest given stands for the text");
    // base_dir rewrites the marker paths: the text hashed is another, so the given digest is not
    // its digest, and neither key nor exact hash may take it.
    CompileKeys.Inputs rewritten = checkout("a").baseDir("/home/u").build();
    assertEquals(
        CompileKeys.compute(rewritten, false).key(),
        CompileKeys.compute(rewritten, notTheText, false).key());
    assertNotEquals(
        CompileKeys.compute(rewritten, false).exact(),
        CompileKeys.compute(rewritten, notTheText, false).exact(),
        "the exact hash hashes the text as given");
  }

  @Test
  void hashingStream_thatSawLessThanTheText_givesNoDigest() {
    HashingStream part = new HashingStream();
    part.write(TEXT, 0, TEXT.length - 1);
    assertNull(part.digestOf(TEXT));
  }

  @Test
  void compute_withoutBaseDir_twoCheckoutsDiffer() {
    assertNotEquals(key(checkout("a")), key(checkout("b")));
  }

  @Test
  void compute_withBaseDirAndRecordedSwitches_twoCheckoutsDiffer() {
    // -frecord-gcc-switches writes the absolute -I path into the object.
    assertNotEquals(
        key(checkout("a", "-frecord-gcc-switches").baseDir("/home/u")),
        key(checkout("b", "-frecord-gcc-switches").baseDir("/home/u")));
  }

  @Test
  void compute_withDebugInfo_differentCwdsGiveDifferentKeysEvenUnderBaseDir() {
    assertNotEquals(
        key(checkout("a", "-g").baseDir("/home/u")), key(checkout("b", "-g").baseDir("/home/u")));
  }

  @Test
  void compute_withDebugInfoAndPrefixMapsCoveringEachCheckout_twoCheckoutsShareKey() {
    B a = checkout("a", "-g", "-ffile-prefix-map=/home/u/a/proj=.").baseDir("/home/u");
    B b = checkout("b", "-g", "-ffile-prefix-map=/home/u/b/proj=.").baseDir("/home/u");
    assertEquals(key(a), key(b));
  }

  @Test
  void compute_withPrefixMap_markerPathsAreMappedBeforeHashing() {
    B mapped = base().invocation(inv("gcc", "-c", "-g", "-fdebug-prefix-map=/x=/y", "foo.c"));
    assertEquals(
        key(mapped.text("# 1 \"/x/foo.c\"\nint a;\n".getBytes(UTF_8))),
        key(mapped.text("# 1 \"/y/foo.c\"\nint a;\n".getBytes(UTF_8))));
  }

  @Test
  void compute_withTranscript_listsTheFields() {
    Keys k = CompileKeys.compute(base().env(Map.of("LANG", "C")).build(), true);
    String t = k.transcript();
    for (String field :
        List.of(
            "### version",
            "### compiler",
            "### language",
            "### arg",
            "### env",
            "### source-name",
            "### text")) {
      assertTrue(t.contains(field), field + " missing from\n" + t);
    }
    assertTrue(t.contains("name=gcc;mtime:/usr/bin/gcc-12:1000:1"), t);
    assertTrue(t.contains("-O2"), t);
    assertTrue(t.contains("LANG=C"), t);
    assertTrue(t.contains("int foo(void)"), t);
    assertEquals(
        CompileKeys.compute(base().build(), false).key(),
        CompileKeys.compute(base().build(), true).key());
  }

  @Test
  void compute_withoutTranscript_hasNone() {
    assertNull(CompileKeys.compute(base().build(), false).transcript());
  }

  @Test
  void compute_sanitizerList_keysItsContentAndItsPath(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("a.txt"), "fun:f\n");
    Files.writeString(dir.resolve("b.txt"), "fun:f\n");
    B withA = base().cwd(dir).invocation(inv("gcc", "-c", "-fsanitize-ignorelist=a.txt", "t.c"));
    ResultKey before = key(withA);
    assertEquals(before, key(withA));
    assertNotEquals(key(base().cwd(dir).invocation(inv("gcc", "-c", "t.c"))), before);
    Files.writeString(dir.resolve("a.txt"), "fun:g\n");
    ResultKey changed = key(withA);
    assertNotEquals(before, changed);
    // the same list under another name is another argument, as in ccache
    Files.writeString(dir.resolve("a.txt"), "fun:f\n");
    assertNotEquals(
        before,
        key(base().cwd(dir).invocation(inv("gcc", "-c", "-fsanitize-ignorelist=b.txt", "t.c"))));
    B blacklist = base().cwd(dir).invocation(inv("gcc", "-c", "-fsanitize-blacklist=a.txt", "t.c"));
    ResultKey old = key(blacklist);
    Files.writeString(dir.resolve("a.txt"), "fun:h\n");
    assertNotEquals(old, key(blacklist));
    Files.delete(dir.resolve("a.txt"));
    assertNotEquals(old, key(blacklist));
  }

  @Test
  void compute_indexStorePath_isKeyed_unlessSloppinessClangIndexStore() {
    B foo = base().invocation(inv("clang", "-c", "-index-store-path", "foo", "t.c"));
    B bar = base().invocation(inv("clang", "-c", "-index-store-path", "bar", "t.c"));
    assertNotEquals(key(foo), key(bar));
    Set<String> sloppy = Set.of("clang_index_store");
    assertEquals(key(foo.sloppiness(sloppy)), key(bar.sloppiness(sloppy)));
    assertEquals(
        key(foo.sloppiness(sloppy)),
        key(base().invocation(inv("clang", "-c", "t.c")).sloppiness(sloppy)));
  }

  // --- helpers ---

  private static ResultKey key(B b) {
    return CompileKeys.compute(b.build(), false).key();
  }

  private static B base() {
    return new B(
        "name=gcc;mtime:/usr/bin/gcc-12:1000:1",
        inv("gcc", "-c", "-O2", "../src/foo.c"),
        CWD,
        Map.of(),
        TEXT,
        "",
        true,
        Set.of(),
        List.of(),
        "");
  }

  /** The same compile in checkout /home/u/NAME/proj: an -I path and the marker paths name it. */
  private static B checkout(String name, String... extra) {
    String root = "/home/u/" + name + "/proj";
    List<String> args = new java.util.ArrayList<>(List.of("-c", "-O2", "-I" + root + "/include"));
    args.addAll(List.of(extra));
    args.add(root + "/src/foo.c");
    byte[] text =
        ("# 1 \""
                + root
                + "/src/foo.c\"\n# 1 \""
                + root
                + "/include/foo.h\" 1\nint h;\n"
                + "# 2 \""
                + root
                + "/src/foo.c\" 2\nint foo(void) { return h; }\n")
            .getBytes(UTF_8);
    return base()
        .invocation(inv("gcc", args.toArray(String[]::new)))
        .cwd(Path.of(root, "build"))
        .text(text);
  }

  static Invocation inv(String compiler, String... args) {
    Classification c = ArgsClassifier.classify(compiler, List.of(args), CWD, Map.of());
    return assertInstanceOf(Classification.Cacheable.class, c, c::toString).invocation();
  }

  /** Inputs with one thing changed at a time. */
  private record B(
      String identity,
      Invocation invocation,
      Path cwd,
      Map<String, String> env,
      byte[] text,
      String baseDir,
      boolean hashDir,
      Set<String> sloppiness,
      List<String> extraFlags,
      String cpu) {
    Inputs build() {
      return new Inputs(
          identity, invocation, cwd, env, text, baseDir, hashDir, sloppiness, extraFlags, cpu);
    }

    B identity(String v) {
      return new B(v, invocation, cwd, env, text, baseDir, hashDir, sloppiness, extraFlags, cpu);
    }

    B invocation(Invocation v) {
      return new B(identity, v, cwd, env, text, baseDir, hashDir, sloppiness, extraFlags, cpu);
    }

    B cwd(Path v) {
      return new B(
          identity, invocation, v, env, text, baseDir, hashDir, sloppiness, extraFlags, cpu);
    }

    B env(Map<String, String> v) {
      return new B(
          identity, invocation, cwd, v, text, baseDir, hashDir, sloppiness, extraFlags, cpu);
    }

    B text(byte[] v) {
      return new B(
          identity, invocation, cwd, env, v, baseDir, hashDir, sloppiness, extraFlags, cpu);
    }

    B baseDir(String v) {
      return new B(identity, invocation, cwd, env, text, v, hashDir, sloppiness, extraFlags, cpu);
    }

    B hashDir(boolean v) {
      return new B(identity, invocation, cwd, env, text, baseDir, v, sloppiness, extraFlags, cpu);
    }

    B sloppiness(Set<String> v) {
      return new B(identity, invocation, cwd, env, text, baseDir, hashDir, v, extraFlags, cpu);
    }

    B extraFlags(List<String> v) {
      return new B(identity, invocation, cwd, env, text, baseDir, hashDir, sloppiness, v, cpu);
    }

    B cpu(String v) {
      return new B(
          identity, invocation, cwd, env, text, baseDir, hashDir, sloppiness, extraFlags, v);
    }
  }
}
