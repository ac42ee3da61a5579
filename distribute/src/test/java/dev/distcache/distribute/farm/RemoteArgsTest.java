package dev.distcache.distribute.farm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.core.args.ArgsClassifier;
import dev.distcache.core.args.Classification;
import dev.distcache.core.args.Invocation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RemoteArgsTest {
  @TempDir Path dir;

  private Invocation inv(String... args) throws Exception {
    Files.writeString(dir.resolve("hello.c"), "int x;\n");
    Files.writeString(dir.resolve("conftest.c"), "int x;\n");
    Classification c =
        ArgsClassifier.classify("gcc", List.of(args), dir, Map.of("PATH", "/usr/bin"));
    if (c instanceof Classification.Uncacheable u) {
      throw new AssertionError(List.of(args) + " is not cacheable: " + u.detail());
    }
    return ((Classification.Cacheable) c).invocation();
  }

  @Test
  void argv_dropsPreprocessorOptions_asDistccSendsIt() throws Exception {
    // Observed from distcc 3.4 (see distribute's Hello): -D and -I dropped, the rest kept in order.
    assertEquals(
        List.of("gcc", "-c", "-O2", "hello.c", "-o", "hello.o"),
        RemoteArgs.argv(
                inv("-c", "-O2", "-DX", "-I.", "hello.c", "-o", "hello.o"),
                Path.of("/usr/bin/gcc"),
                List.of(),
                RemoteArgsTest::noNative)
            .orElseThrow());
    assertEquals(
        List.of(
            "gcc",
            "-c",
            "-O2",
            "-Wall",
            "hello.c",
            "-o",
            "out/hello.o",
            "-fdiagnostics-color=never"),
        RemoteArgs.argv(
                inv(
                    "-c",
                    "-O2",
                    "-DX",
                    "-D",
                    "Y=1",
                    "-I.",
                    "-I",
                    "inc",
                    "-include",
                    "pre.h",
                    "-isystem",
                    "sys",
                    "-UZ",
                    "-MD",
                    "-MF",
                    "hello.d",
                    "-MT",
                    "t",
                    "-MP",
                    "-Wall",
                    "hello.c",
                    "-o",
                    "out/hello.o"),
                Path.of("/usr/bin/gcc"),
                List.of("-fdiagnostics-color=never"),
                RemoteArgsTest::noNative)
            .orElseThrow());
  }

  @Test
  void longSpellings_areSentAndKeptLocalAsGccReadsThem() throws Exception {
    assertEquals(
        List.of("gcc", "-c", "-O2", "hello.c", "-ohello.o"),
        RemoteArgs.argv(
                inv(
                    "--compile",
                    "--optimize=2",
                    "--define-macro=X",
                    "--include-directory",
                    ".",
                    "--write-dependencies",
                    "hello.c",
                    "--output=hello.o"),
                Path.of("/usr/bin/gcc"),
                List.of(),
                RemoteArgsTest::noNative)
            .orElseThrow());
    assertEquals(
        Optional.of("option -Wp,-DX"),
        RemoteArgs.keepLocal(inv("-c", "-Wp,--define-macro=X", "hello.c")));
    assertEquals(Optional.of("option -p"), RemoteArgs.keepLocal(inv("-c", "--profile", "hello.c")));
    assertEquals(
        Optional.of("option --gcc-toolchain=/opt/gcc"),
        RemoteArgs.keepLocal(inv("-c", "--gcc-toolchain=/opt/gcc", "hello.c")),
        "clang's installation, as --sysroot: another machine's may differ");
  }

  @Test
  void clangsTargetAndCc1Items_areSentAsGiven_andACc1ItemIsNeverTakenForAPreprocessorOption()
      throws Exception {
    Files.writeString(dir.resolve("hello.c"), "int x;\n");
    Classification c =
        ArgsClassifier.classify(
            "clang",
            List.of(
                "--target=aarch64-linux-gnu",
                "-Xclang",
                "-target-feature",
                "-Xclang",
                "-Dfeature",
                "-DX",
                "-c",
                "hello.c"),
            dir,
            Map.of());
    Invocation inv = ((Classification.Cacheable) c).invocation();
    assertEquals(
        List.of(
            "clang",
            "--target=aarch64-linux-gnu",
            "-Xclang",
            "-target-feature",
            "-Xclang",
            "-Dfeature",
            "-c",
            "hello.c",
            "-o",
            "hello.o"),
        RemoteArgs.argv(inv, Path.of("/usr/bin/clang"), List.of(), RemoteArgsTest::noNative)
            .orElseThrow());
  }

  @Test
  void argv_addsTheImplicitOutput() throws Exception {
    assertEquals(
        List.of("gcc", "-c", "hello.c", "-o", "hello.o"),
        RemoteArgs.argv(
                inv("-c", "hello.c"), Path.of("/usr/bin/gcc"), List.of(), RemoteArgsTest::noNative)
            .orElseThrow());
  }

  private static Optional<List<String>> noNative(String option) {
    throw new AssertionError("no native option here: " + option);
  }

  @Test
  void nativeOptions_replacedByWhatTheyStandFor_orNoArgvWhenUnresolved() throws Exception {
    Invocation inv = inv("-c", "-O2", "-march=native", "hello.c", "-o", "hello.o");
    assertEquals(Optional.empty(), RemoteArgs.keepLocal(inv));
    assertEquals(
        List.of(
            "gcc",
            "-c",
            "-O2",
            "-march=znver3",
            "-mavx2",
            "-mtune=znver3",
            "hello.c",
            "-o",
            "hello.o"),
        RemoteArgs.argv(
                inv,
                Path.of("/usr/bin/gcc"),
                List.of(),
                o -> Optional.of(List.of("-march=znver3", "-mavx2", "-mtune=znver3")))
            .orElseThrow());
    assertEquals(
        Optional.empty(),
        RemoteArgs.argv(inv, Path.of("/usr/bin/gcc"), List.of(), o -> Optional.empty()));
  }

  @Test
  void gccDashDashDashLine_parsedIntoTheNativeOptions() {
    String line =
        " /usr/lib/gcc/x86_64-linux-gnu/12/cc1 -quiet -imultiarch x86_64-linux-gnu /dev/null"
            + " \"-march=znver3\" -mmmx -mno-fma4 --param \"l1-cache-size=32\" \"-mtune=znver3\" -quiet -dumpbase null"
            + " -o /tmp/cc.s";
    assertEquals(
        List.of(
            "-march=znver3", "-mmmx", "-mno-fma4", "--param", "l1-cache-size=32", "-mtune=znver3"),
        NativeFlags.flags(NativeFlags.words(line)).orElseThrow());
    assertEquals(Optional.empty(), NativeFlags.flags(NativeFlags.words(" cc1 /dev/null -quiet")));
  }

  @Test
  void plainCompile_isDistributable() throws Exception {
    assertEquals(
        Optional.empty(),
        RemoteArgs.keepLocal(inv("-c", "-O2", "-DX", "-MD", "hello.c", "-o", "hello.o")));
  }

  @Test
  void debugInfo_goesRemoteWithItsSources_withThePreprocessorOptionsButNotTheDependencyFile()
      throws Exception {
    Invocation debug =
        inv(
            "-c",
            "-g",
            "-DX",
            "-I",
            "inc",
            "-include",
            "pre.h",
            "-MD",
            "-MF",
            "hello.d",
            "-MT",
            "t",
            "-MP",
            "-isystem/opt/i",
            "hello.c",
            "-o",
            "hello.o");
    assertEquals(Optional.empty(), RemoteArgs.keepLocal(debug));
    assertTrue(RemoteArgs.needsSources(debug));
    assertFalse(RemoteArgs.needsSources(inv("-c", "-O2", "hello.c")));
    Invocation split = inv("-c", "-g", "-gsplit-dwarf", "hello.c", "-o", "obj/hello.o");
    assertEquals(Optional.empty(), RemoteArgs.keepLocal(split));
    assertTrue(RemoteArgs.needsSources(split));
    assertEquals(
        List.of(
            "gcc",
            "-c",
            "-g",
            "-DX",
            "-I",
            "inc",
            "-include",
            "pre.h",
            "-isystem/opt/i",
            "hello.c",
            "-o",
            "hello.o"),
        RemoteArgs.sourcesArgv(debug, Path.of("/usr/bin/gcc"), List.of(), RemoteArgsTest::noNative)
            .orElseThrow());
  }

  @Test
  void distccsLocalCasesAndObjectChangingOptions_stayLocal() throws Exception {
    List<List<String>> local =
        List.of(
            List.of("-c", "-g", "-gsplit-dwarf", "hello.c", "-o", "/tmp/hello.o"),
            List.of("-c", "-g", "-x", "cpp-output", "hello.c"),
            List.of("-c", "-pg", "hello.c"),
            List.of("-c", "-frecord-gcc-switches", "hello.c"),
            List.of("-c", "-x", "c", "hello.c"),
            List.of("-c", "-Wp,-MD,hello.d", "hello.c"),
            List.of("-c", "conftest.c"));
    for (List<String> args : local) {
      Optional<String> why = RemoteArgs.keepLocal(inv(args.toArray(String[]::new)));
      assertTrue(why.isPresent(), args + " must stay local");
    }
  }

  @Test
  void extraOutputsAndKeyFiles_stayLocal_whereTheServerCanStoreThem() throws Exception {
    List<List<String>> local =
        List.of(
            List.of("-fsyntax-only", "hello.c"),
            List.of("-c", "-fstack-usage", "hello.c"),
            List.of("-c", "-Wa,-adhln=hello.lst", "hello.c"),
            List.of("-c", "--serialize-diagnostics", "hello.dia", "hello.c"),
            List.of("-c", "-fsanitize-ignorelist=list.txt", "hello.c"),
            List.of("-c", "-index-store-path", "idx", "hello.c"));
    for (List<String> args : local) {
      Optional<String> why = RemoteArgs.keepLocal(inv(args.toArray(String[]::new)));
      assertTrue(why.isPresent(), args + " must stay local");
    }
  }
}
