package dev.distcache.core.args;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.core.args.Classification.Cacheable;
import dev.distcache.core.args.Classification.Uncacheable;
import dev.distcache.core.compiler.CompilerType;
import dev.distcache.core.stats.Counter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What gcc would do with each command line, as the classifier must predict it. */
class ArgsClassifierTest {
  @TempDir Path cwd;

  // --- Uncacheable calls and the counter each one is counted under ---

  @Test
  void classify_whenLinking_isUncacheableCalledForLink() {
    assertEquals(Counter.CALLED_FOR_LINK, reason("gcc", "foo.c", "-o", "foo"));
  }

  @Test
  void classify_whenPreprocessingOnly_isUncacheableCalledForPreprocessing() {
    assertEquals(Counter.CALLED_FOR_PREPROCESSING, reason("gcc", "-E", "-c", "foo.c"));
  }

  /** clang's options file and driver mode: what they change, no key follows. */
  @ParameterizedTest
  @ValueSource(strings = {"--config=opts.cfg", "--driver-mode=g++"})
  void classify_clangsConfigFileOrDriverMode_isUnsupportedCompilerOption(String option) {
    assertEquals(Counter.UNSUPPORTED_COMPILER_OPTION, reason("clang", option, "-c", "foo.c"));
  }

  @Test
  void classify_clangsConfigFile_inItsSeparateForm_isUnsupported_butAsAValueIsNoOption() {
    assertEquals(
        Counter.UNSUPPORTED_COMPILER_OPTION,
        reason("clang", "--config", "opts.cfg", "-c", "foo.c"));
    assertEquals("--config=x.o", cacheable("clang", "-c", "foo.c", "-o", "--config=x.o").output());
    assertEquals(
        List.of("--gcc-toolchain=/opt/gcc", "foo.c"),
        cacheable("clang", "--gcc-toolchain=/opt/gcc", "-c", "foo.c").preprocessorArgs());
  }

  /** As ccache, which lists -M and -MM as too hard: the first of -E and -M decides. */
  @ParameterizedTest
  @ValueSource(strings = {"-M", "-MM"})
  void classify_dependenciesOnly_isUnsupportedCompilerOption(String option) {
    assertEquals(Counter.UNSUPPORTED_COMPILER_OPTION, reason("gcc", option, "foo.c"));
    assertEquals(Counter.UNSUPPORTED_COMPILER_OPTION, reason("gcc", option, "-c", "foo.c"));
    assertEquals(Counter.UNSUPPORTED_COMPILER_OPTION, reason("gcc", option, "-E", "foo.c"));
    assertEquals(Counter.CALLED_FOR_PREPROCESSING, reason("gcc", "-E", option, "foo.c"));
  }

  @Test
  void classify_withSeveralSources_isUncacheableMultipleSourceFiles() {
    assertEquals(Counter.MULTIPLE_SOURCE_FILES, reason("gcc", "-c", "a.c", "b.c"));
  }

  @Test
  void classify_withNoSource_isUncacheableNoInputFile() {
    assertEquals(Counter.NO_INPUT_FILE, reason("gcc", "-c", "-O2"));
  }

  @Test
  void classify_withSourceFromStandardInput_isUncacheableNoInputFile() {
    assertEquals(Counter.NO_INPUT_FILE, reason("gcc", "-x", "c", "-c", "-"));
  }

  @Test
  void classify_forAutoconfTestLink_isUncacheableAutoconfTest_butItsCompileIsCacheable() {
    assertEquals(Counter.AUTOCONF_TEST, reason("gcc", "-o", "conftest", "-O2", "conftest.c"));
    assertEquals(Counter.AUTOCONF_TEST, reason("gcc", "-o", "conftest", "sub/conftest.o", "-lm"));
    assertEquals(Counter.CALLED_FOR_LINK, reason("gcc", "-o", "prog", "main.o", "conftest.o"));
    assertInstanceOf(
        Classification.Cacheable.class,
        ArgsClassifier.classify("gcc", List.of("-c", "conftest.c"), Path.of("/w"), Map.of()));
  }

  @Test
  void classify_withOutputToStdout_isUncacheableOutputToStdout() {
    assertEquals(Counter.OUTPUT_TO_STDOUT, reason("gcc", "-c", "foo.c", "-o", "-"));
    assertEquals(Counter.OUTPUT_TO_STDOUT, reason("gcc", "-c", "foo.c", "-o-"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "-save-temps",
        "-save-temps=obj",
        "--save-temps",
        "-fprofile-generate",
        "-fprofile-arcs",
        "--coverage",
        "-ftest-coverage",
        "-fdump-tree-all",
        "-v"
      })
  void classify_withOptionWritingExtraFiles_isUncacheableUnsupportedCompilerOption(String option) {
    assertEquals(Counter.UNSUPPORTED_COMPILER_OPTION, reason("gcc", "-c", option, "foo.c"));
  }

  @Test
  void classify_withUnknownXLanguage_isUncacheableUnsupportedSourceLanguage() {
    assertEquals(
        Counter.UNSUPPORTED_SOURCE_LANGUAGE, reason("gcc", "-x", "fortran", "-c", "foo.f"));
    assertEquals(Counter.UNSUPPORTED_SOURCE_LANGUAGE, reason("gcc", "-xada", "-c", "foo.adb"));
  }

  @Test
  void classify_withUnknownSourceExtension_isUncacheableUnsupportedSourceLanguage() {
    assertEquals(Counter.UNSUPPORTED_SOURCE_LANGUAGE, reason("gcc", "-c", "foo.f90"));
  }

  @Test
  void classify_whenCompilingHeader_isUncacheableCouldNotUsePrecompiledHeader() {
    assertEquals(Counter.COULD_NOT_USE_PRECOMPILED_HEADER, reason("gcc", "-c", "foo.h"));
    assertEquals(
        Counter.COULD_NOT_USE_PRECOMPILED_HEADER,
        reason("g++", "-c", "foo.hpp", "-o", "foo.hpp.gch"));
    assertEquals(
        Counter.COULD_NOT_USE_PRECOMPILED_HEADER, reason("gcc", "-x", "c-header", "-c", "foo.c"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"DEPENDENCIES_OUTPUT", "SUNPRO_DEPENDENCIES"})
  void classify_whenDependencyVariableSet_isUncacheableUnsupportedEnvironmentVariable(
      String variable) {
    Classification c =
        ArgsClassifier.classify("gcc", List.of("-c", "foo.c"), cwd, Map.of(variable, "foo.d"));
    assertEquals(
        Counter.UNSUPPORTED_ENVIRONMENT_VARIABLE, assertInstanceOf(Uncacheable.class, c).reason());
  }

  @Test
  void classify_withUnreadableResponseFile_isUncacheableBadCompilerArguments() {
    Uncacheable u =
        assertInstanceOf(Uncacheable.class, classify("gcc", "-c", "foo.c", "@missing.rsp"));
    assertEquals(Counter.BAD_COMPILER_ARGUMENTS, u.reason());
    assertTrue(u.detail().contains("missing.rsp"), u.detail());
  }

  @Test
  void classify_withIncludeOfHeaderThatHasGch_isUncacheableCouldNotUsePrecompiledHeader()
      throws IOException {
    Files.writeString(cwd.resolve("pch.h"), "");
    Files.writeString(cwd.resolve("pch.h.gch"), "");
    assertEquals(
        Counter.COULD_NOT_USE_PRECOMPILED_HEADER,
        reason("gcc", "-include", "pch.h", "-c", "foo.c"));
    assertEquals(
        Counter.COULD_NOT_USE_PRECOMPILED_HEADER, reason("gcc", "-includepch.h", "-c", "foo.c"));
  }

  @Test
  void
      classify_withIncludeWhoseGchIsFoundThroughIncludePath_isUncacheableCouldNotUsePrecompiledHeader()
          throws IOException {
    // gcc 12 searches -include files along the #include "..." chain and uses inc/pch.h.gch there
    // ("gcc -H" prints "! inc/pch.h.gch"), while "gcc -E" reads inc/pch.h: the key would not see
    // what the compile uses.
    Files.createDirectories(cwd.resolve("inc"));
    Files.writeString(cwd.resolve("inc/pch.h"), "");
    Files.writeString(cwd.resolve("inc/pch.h.gch"), "");
    assertEquals(
        Counter.COULD_NOT_USE_PRECOMPILED_HEADER,
        reason("gcc", "-Iinc", "-include", "pch.h", "-c", "foo.c"));
  }

  @Test
  void classify_withIncludeOfHeaderWithoutGch_isCacheable() throws IOException {
    Files.writeString(cwd.resolve("plain.h"), "");
    cacheable("gcc", "-include", "plain.h", "-c", "foo.c");
  }

  @Test
  void classify_whenOptionLacksItsValue_isUncacheableBadCompilerArguments() {
    assertEquals(Counter.BAD_COMPILER_ARGUMENTS, reason("gcc", "-c", "foo.c", "-o"));
  }

  @Test
  void classify_withModules_isUncacheableCouldNotUseModules() {
    assertEquals(Counter.COULD_NOT_USE_MODULES, reason("g++", "-fmodules-ts", "-c", "foo.cpp"));
  }

  // --- The object or assembly file ---

  @Test
  void classify_withCAndNoOutput_writesBasenameDotOInCwd() {
    Invocation inv = cacheable("gcc", "-c", "src/sub/foo.c");
    assertEquals("foo.o", inv.output());
    assertFalse(inv.outputExplicit());
    assertFalse(inv.assembly());
    assertEquals("src/sub/foo.c", inv.source());
  }

  @Test
  void classify_withSAndNoOutput_writesBasenameDotSInCwd() {
    Invocation inv = cacheable("gcc", "-S", "src/foo.c");
    assertEquals("foo.s", inv.output());
    assertTrue(inv.assembly());
  }

  @Test
  void classify_withOutput_writesThatPath() {
    Invocation inv = cacheable("gcc", "-c", "src/foo.c", "-o", "out/bar.o");
    assertEquals("out/bar.o", inv.output());
    assertTrue(inv.outputExplicit());
    assertEquals("out/x.s", cacheable("gcc", "-S", "foo.c", "-oout/x.s").output());
  }

  @Test
  void classify_withLaterOutput_usesTheLastOne() {
    assertEquals(
        "second.o", cacheable("gcc", "-c", "foo.c", "-o", "first.o", "-o", "second.o").output());
  }

  @Test
  void classify_keepsArgumentsAsGiven() {
    List<String> args = List.of("-c", "foo.c", "-O2", "-o", "foo.o");
    Invocation inv =
        assertInstanceOf(Cacheable.class, ArgsClassifier.classify("cc", args, cwd, Map.of()))
            .invocation();
    assertEquals("cc", inv.compiler());
    assertEquals(args, inv.args());
  }

  // --- Dependency files ---

  @Test
  void classify_withMdAndNoOutput_writesBasenameDotDInCwd() {
    assertEquals(Optional.of("foo.d"), cacheable("gcc", "-c", "-MD", "src/foo.c").depFile());
  }

  @Test
  void classify_withMdAndOutput_replacesOutputSuffixWithD() {
    assertEquals(
        Optional.of("out/bar.d"),
        cacheable("gcc", "-c", "-MD", "src/foo.c", "-o", "out/bar.o").depFile());
    assertEquals(
        Optional.of("out.x/bar.d"),
        cacheable("gcc", "-c", "-MMD", "foo.c", "-o", "out.x/bar").depFile());
  }

  @Test
  void classify_withMf_writesDependenciesThere() {
    assertEquals(
        Optional.of("deps/a.d"),
        cacheable("gcc", "-c", "-MD", "-MF", "deps/a.d", "foo.c").depFile());
    assertEquals(
        Optional.of("deps/b.d"), cacheable("gcc", "-c", "-MMD", "-MFdeps/b.d", "foo.c").depFile());
  }

  @Test
  void classify_withMfDevNull_writesNoDependencyFile_andKeysApart() {
    Invocation devNull = cacheable("gcc", "-c", "-MD", "-MF", "/dev/null", "foo.c");
    assertEquals(Optional.empty(), devNull.depFile());
    assertEquals(Optional.empty(), cacheable("gcc", "-c", "-Wp,-MD,/dev/null", "foo.c").depFile());
    assertEquals(
        Optional.empty(), cacheable("gcc", "-c", "-MMD", "-MF/dev/../dev/null", "foo.c").depFile());
    assertFalse(
        devNull.keyArgs().equals(cacheable("gcc", "-c", "-MD", "-MF", "a.d", "foo.c").keyArgs()));
  }

  @Test
  void classify_withoutMdOrMmd_writesNoDependencyFile() {
    assertEquals(Optional.empty(), cacheable("gcc", "-c", "foo.c").depFile());
    assertEquals(Optional.empty(), cacheable("gcc", "-c", "-MF", "x.d", "foo.c").depFile());
  }

  @Test
  void classify_withMtOrMq_namesThoseTargets_andKeysOnlyTheOptions() {
    Invocation mt = cacheable("gcc", "-c", "-MD", "-MT", "target.o", "-MQ", "a b$.o", "foo.c");
    assertTrue(mt.depTargetExplicit());
    assertEquals(List.of("target.o", "a\\ b$$.o"), mt.depTargets());
    Invocation other = cacheable("gcc", "-c", "-MD", "-MTother", "-MQ", "c.o", "foo.c");
    assertEquals(keyTexts(mt), keyTexts(other));
    assertTrue(keyTexts(mt).containsAll(List.of("-MT", "-MQ")), keyTexts(mt).toString());
    assertFalse(
        keyTexts(mt)
            .equals(keyTexts(cacheable("gcc", "-c", "-MD", "-MQ", "x", "-MT", "y", "foo.c"))));
    Invocation plain = cacheable("gcc", "-c", "-MD", "foo.c", "-o", "o$ut.o");
    assertFalse(plain.depTargetExplicit());
    assertEquals(List.of("o$$ut.o"), plain.depTargets());
  }

  @Test
  void classify_withMdButNoOutput_namesTheSourcesObject_evenForAssembly() {
    Invocation s = cacheable("gcc", "-S", "-MD", "dir/foo.c");
    assertEquals(List.of("foo.o"), s.depTargets());
    assertTrue(s.depTargetExplicit(), "the preprocessor names the target, not the driver");
  }

  @Test
  void classify_withWpMd_writesTheNamedFileWithTheSourceAsTarget() {
    Invocation inv = cacheable("gcc", "-c", "-Wp,-MD,deps/foo.d", "src/foo.c", "-o", "out/baz.o");
    assertEquals(Optional.of("deps/foo.d"), inv.depFile());
    assertTrue(inv.depTargetExplicit(), "the preprocessor names the target, not the output");
    assertEquals(List.of("foo.o"), inv.depTargets());
    assertEquals(Optional.of("x.d"), cacheable("gcc", "-c", "-Wp,-MMD,x.d", "foo.c").depFile());
  }

  @Test
  void classify_withMmdAndWpMmd_writesOnlyTheWpFile_namingTheOutput() {
    Invocation inv = cacheable("gcc", "-c", "-MMD", "-Wp,-MMD,wp.d", "foo.c", "-o", "out/b.o");
    assertEquals(Optional.of("wp.d"), inv.depFile());
    assertFalse(inv.depTargetExplicit());
    assertEquals(List.of("out/b.o"), inv.depTargets());
  }

  @Test
  void classify_plainAssemblerWithMd_writesNoDependencyFile() {
    assertEquals(Optional.empty(), cacheable("gcc", "-c", "-MD", "a.s").depFile());
    assertEquals(Optional.of("a.d"), cacheable("gcc", "-c", "-MD", "a.S").depFile());
  }

  @Test
  void classify_withWpMd_keyArgsDoNotDependOnOutput() {
    assertEquals(
        keyTexts(cacheable("gcc", "-c", "-Wp,-MD,foo.d", "foo.c", "-o", "a/foo.o")),
        keyTexts(cacheable("gcc", "-c", "-Wp,-MD,foo.d", "foo.c", "-o", "b/foo.o")));
  }

  @Test
  void classify_withWpMdButNoFile_isUncacheableUnsupportedCompilerOption() {
    assertEquals(Counter.UNSUPPORTED_COMPILER_OPTION, reason("gcc", "-c", "-Wp,-MD", "foo.c"));
    assertEquals(
        Counter.UNSUPPORTED_COMPILER_OPTION, reason("gcc", "-c", "-Wp,-MD,a.d,-MT,x", "foo.c"));
  }

  // --- Direct mode ---

  @Test
  void classify_withOptionsPassedBehindTheDriversBack_turnsDirectModeOff() {
    assertEquals(
        Optional.of("-Xpreprocessor -DX"),
        cacheable("gcc", "-c", "-Xpreprocessor", "-DX", "foo.c").directModeOff());
    assertEquals(
        Optional.of("-Wp,-I/opt"), cacheable("gcc", "-c", "-Wp,-I/opt", "foo.c").directModeOff());
    assertEquals(
        Optional.of("-Wp,-DA,-UB"), cacheable("gcc", "-c", "-Wp,-DA,-UB", "foo.c").directModeOff());
    assertEquals(Optional.of("-P"), cacheable("gcc", "-c", "-P", "foo.c").directModeOff());
  }

  @Test
  void classify_withDefinesAndDependencyFilesThroughWp_keepsDirectMode() {
    assertEquals(
        Optional.empty(), cacheable("gcc", "-c", "-Wp,-DA,-DB=2", "foo.c").directModeOff());
    assertEquals(
        Optional.empty(), cacheable("gcc", "-c", "-Wp,-MD,foo.d", "foo.c").directModeOff());
    assertEquals(
        Optional.empty(),
        cacheable("gcc", "-c", "-O2", "-Iinc", "-DX", "-include", "x.h", "foo.c").directModeOff());
  }

  // --- Split DWARF ---

  @Test
  void classify_withSplitDwarfAndOutput_writesDwoNextToOutput() {
    Invocation inv = cacheable("gcc", "-c", "-g", "-gsplit-dwarf", "src/foo.c", "-o", "out/q.o");
    assertEquals(Optional.of("out/q.dwo"), inv.dwoFile());
    assertTrue(inv.debugInfo());
  }

  @Test
  void classify_withSplitDwarfAndNoOutput_writesBasenameDotDwo() {
    assertEquals(
        Optional.of("foo.dwo"), cacheable("gcc", "-c", "-gsplit-dwarf", "src/foo.c").dwoFile());
  }

  @Test
  void classify_withoutSplitDwarf_writesNoDwo() {
    assertEquals(Optional.empty(), cacheable("gcc", "-c", "-g", "foo.c").dwoFile());
    assertEquals(
        Optional.empty(),
        cacheable("gcc", "-c", "-g", "-gsplit-dwarf", "-gno-split-dwarf", "foo.c").dwoFile());
  }

  @Test
  void classify_withSplitDwarfAndS_writesNoDwo() {
    // gcc 12: "gcc -S -g -gsplit-dwarf foo.c" writes foo.s only; the .dwo is split off when
    // assembling.
    assertEquals(
        Optional.empty(), cacheable("gcc", "-S", "-g", "-gsplit-dwarf", "foo.c").dwoFile());
  }

  @Test
  void classify_withSplitDwarf_keysTheDwoPathBecauseTheObjectNamesIt() {
    assertFalse(
        keyTexts(cacheable("gcc", "-c", "-g", "-gsplit-dwarf", "foo.c", "-o", "a.o"))
            .equals(keyTexts(cacheable("gcc", "-c", "-g", "-gsplit-dwarf", "foo.c", "-o", "b.o"))));
  }

  // --- Language ---

  @Test
  void classify_languageFollowsExtension() {
    assertEquals(Language.C, cacheable("gcc", "-c", "foo.c").language());
    assertEquals(Language.CXX, cacheable("gcc", "-c", "foo.cpp").language());
    assertEquals(Language.CXX, cacheable("gcc", "-c", "foo.C").language());
    assertEquals(Language.ASSEMBLER, cacheable("gcc", "-c", "foo.s").language());
    assertEquals(Language.ASSEMBLER_WITH_CPP, cacheable("gcc", "-c", "foo.S").language());
    assertEquals(Language.C_PREPROCESSED, cacheable("gcc", "-c", "foo.i").language());
    assertEquals(Language.CXX_PREPROCESSED, cacheable("gcc", "-c", "foo.ii").language());
  }

  @ParameterizedTest
  @ValueSource(strings = {"g++", "c++", "clang++", "/usr/bin/x86_64-linux-gnu-g++-12"})
  void classify_dotCUnderCxxDriver_isCxx(String driver) {
    assertEquals(Language.CXX, cacheable(driver, "-c", "foo.c").language());
    assertEquals(Language.CXX_PREPROCESSED, cacheable(driver, "-c", "foo.i").language());
  }

  @Test
  void classify_withXBeforeSource_usesThatLanguage() {
    assertEquals(Language.C, cacheable("gcc", "-x", "c", "-c", "foo.txt").language());
    assertEquals(Language.C, cacheable("g++", "-x", "c", "-c", "foo.c").language());
    assertEquals(Language.CXX, cacheable("gcc", "-xc++", "-c", "foo.c").language());
  }

  @Test
  void classify_withXAfterSource_doesNotApplyToIt() {
    assertEquals(Language.C, cacheable("gcc", "-c", "foo.c", "-x", "c++").language());
  }

  @Test
  void classify_withXNone_returnsToExtension() {
    assertEquals(Language.C, cacheable("gcc", "-x", "c++", "-x", "none", "-c", "foo.c").language());
  }

  @Test
  void classify_withXBeforeSource_keepsItInPreprocessorArgs() {
    // Without -x the -E run preprocesses foo.c as C (and foo.txt as a linker input: empty output),
    // so the key would not see what the C++ compile sees.
    Invocation cxx = cacheable("gcc", "-x", "c++", "-c", "foo.c");
    assertEquals(List.of("-x", "c++", "foo.c"), cxx.preprocessorArgs());
    Invocation txt = cacheable("gcc", "-xc", "-c", "foo.txt");
    assertEquals(List.of("-xc", "foo.txt"), txt.preprocessorArgs());
  }

  // --- Key arguments ---

  @Test
  void classify_invocationsDifferingOnlyInOutput_haveEqualKeyArgs() {
    Invocation a = cacheable("gcc", "-c", "-O2", "-MD", "foo.c", "-o", "a/foo.o");
    Invocation b = cacheable("gcc", "-c", "-O2", "-MD", "foo.c", "-o", "b/other.o");
    Invocation c = cacheable("gcc", "-c", "-O2", "-MD", "foo.c");
    assertEquals(a.keyArgs(), b.keyArgs());
    assertEquals(a.keyArgs(), c.keyArgs());
  }

  @Test
  void classify_keyArgsLeaveOutSourceOutputAndDependencyPaths() {
    Invocation inv =
        cacheable("gcc", "-c", "-O2", "-MD", "-MF", "deps/foo.d", "src/foo.c", "-o", "out/foo.o");
    List<String> keys = keyTexts(inv);
    for (String path : List.of("src/foo.c", "out/foo.o", "deps/foo.d", "-o", "-MF")) {
      assertFalse(keys.contains(path), path + " in " + keys);
    }
    assertTrue(keys.containsAll(List.of("-O2", "-MD")), keys.toString());
  }

  @Test
  void classify_keyArgsSayWhetherItIsCOrS() {
    assertFalse(
        cacheable("gcc", "-c", "foo.c")
            .keyArgs()
            .equals(cacheable("gcc", "-S", "foo.c").keyArgs()));
  }

  @Test
  void classify_includePathsBecomeKeyArgPaths() {
    Invocation inv =
        cacheable(
            "gcc",
            "-c",
            "-I",
            "/abs/inc",
            "-Irel/inc",
            "-isystem",
            "/sys",
            "-isystem/sys2",
            "--sysroot=/root",
            "-DX=1",
            "foo.c");
    List<KeyArg> k = inv.keyArgs();
    assertTrue(k.contains(KeyArg.withPath("", "/abs/inc")), k.toString());
    assertTrue(k.contains(KeyArg.withPath("-I", "rel/inc")), k.toString());
    assertTrue(k.contains(KeyArg.withPath("", "/sys")), k.toString());
    assertTrue(k.contains(KeyArg.withPath("-isystem", "/sys2")), k.toString());
    assertTrue(k.contains(KeyArg.withPath("--sysroot=", "/root")), k.toString());
    assertTrue(k.contains(KeyArg.plain("-DX=1")), k.toString());
    assertEquals("-Irel/inc", KeyArg.withPath("-I", "rel/inc").text());
  }

  @Test
  void classify_collectsDebugAndFilePrefixMapsInOrder() {
    Invocation inv =
        cacheable(
            "gcc",
            "-c",
            "-g",
            "-fdebug-prefix-map=/a=/x",
            "-fmacro-prefix-map=/m=/n",
            "-ffile-prefix-map=/b/c=.",
            "foo.c");
    assertEquals(List.of(new PrefixMap("/a", "/x"), new PrefixMap("/b/c", ".")), inv.prefixMaps());
    assertTrue(
        inv.keyArgs().contains(new KeyArg("-fdebug-prefix-map=", "/a", "=/x")),
        inv.keyArgs().toString());
    assertTrue(
        inv.preprocessorArgs().contains("-fmacro-prefix-map=/m=/n"),
        inv.preprocessorArgs().toString());
  }

  @Test
  void classify_withPrefixMapWithoutEquals_isUncacheableBadCompilerArguments() {
    assertEquals(
        Counter.BAD_COMPILER_ARGUMENTS, reason("gcc", "-c", "-fdebug-prefix-map=/a", "foo.c"));
  }

  // --- Preprocessor arguments ---

  @Test
  void classify_preprocessorArgsDropCompileOutputAndDependencyOptions() {
    Invocation inv =
        cacheable(
            "gcc",
            "-c",
            "-O2",
            "-DX=1",
            "-D",
            "Y",
            "-I",
            "inc",
            "-Iinc2",
            "-MD",
            "-MF",
            "foo.d",
            "-MT",
            "t.o",
            "-MP",
            "-o",
            "out/foo.o",
            "src/foo.c");
    assertEquals(
        List.of("-O2", "-DX=1", "-D", "Y", "-I", "inc", "-Iinc2", "src/foo.c"),
        inv.preprocessorArgs());
  }

  @Test
  void classify_preprocessorArgsDropS() {
    assertEquals(
        List.of("-Wall", "foo.c"),
        cacheable("gcc", "-S", "-Wall", "foo.c", "-o", "x.s").preprocessorArgs());
  }

  // --- Debug info ---

  @Test
  void classify_debugInfoFollowsTheLastGOption() {
    assertFalse(cacheable("gcc", "-c", "foo.c").debugInfo());
    assertTrue(cacheable("gcc", "-c", "-g", "foo.c").debugInfo());
    assertFalse(cacheable("gcc", "-c", "-g", "-g0", "foo.c").debugInfo());
    assertTrue(cacheable("gcc", "-c", "-g0", "-g", "foo.c").debugInfo());
    assertTrue(cacheable("gcc", "-c", "-ggdb3", "foo.c").debugInfo());
    assertTrue(cacheable("gcc", "-c", "-gdwarf-4", "foo.c").debugInfo());
    assertTrue(cacheable("gcc", "-c", "-g3", "foo.c").debugInfo());
  }

  // --- Other facts the key needs ---

  @Test
  void classify_notesNativeCpuColourAndRecordedSwitches() {
    assertTrue(cacheable("gcc", "-c", "-march=native", "foo.c").nativeCpu());
    assertFalse(cacheable("gcc", "-c", "-march=x86-64", "foo.c").nativeCpu());
    assertEquals(
        Optional.of("-fdiagnostics-color=always"),
        cacheable("gcc", "-c", "-fdiagnostics-color=always", "foo.c").colorOption());
    assertEquals(Optional.empty(), cacheable("gcc", "-c", "foo.c").colorOption());
    assertTrue(cacheable("gcc", "-c", "-frecord-gcc-switches", "foo.c").recordsSwitches());
    assertFalse(
        cacheable("gcc", "-c", "-frecord-gcc-switches", "-fno-record-gcc-switches", "foo.c")
            .recordsSwitches());
  }

  @Test
  void colourOptions_reachTheCompile_butNeitherTheKeyNorThePreprocessor() {
    Invocation plain = cacheable("gcc", "-c", "foo.c");
    for (String option :
        List.of(
            "-fdiagnostics-color",
            "-fdiagnostics-color=always",
            "-fdiagnostics-color=never",
            "-fdiagnostics-color=auto",
            "-fno-diagnostics-color")) {
      Invocation coloured = cacheable("gcc", "-c", option, "foo.c");
      assertEquals(plain.keyArgs(), coloured.keyArgs(), option);
      assertEquals(plain.preprocessorArgs(), coloured.preprocessorArgs(), option);
      assertEquals(List.of("-c", option, "foo.c"), coloured.args(), option);
    }
    assertEquals(
        Optional.of("-fdiagnostics-color=never"),
        cacheable("gcc", "-fdiagnostics-color", "-c", "-fdiagnostics-color=never", "foo.c")
            .colorOption());
    // Not one ccache knows: hashed like any other option.
    assertNotEquals(
        plain.keyArgs(), cacheable("gcc", "-c", "-fdiagnostics-color=bogus", "foo.c").keyArgs());
  }

  @Test
  void colourOptions_areTheCompilerTypesOwn_theOtherSpellingsAreOrdinaryOptions() {
    Path cwd = Path.of("/src");
    Invocation gccWithClangSpelling =
        ((Cacheable)
                ArgsClassifier.classify(
                    "cc",
                    List.of("-c", "-fcolor-diagnostics", "foo.c"),
                    cwd,
                    Map.of(),
                    CompilerType.GCC))
            .invocation();
    assertEquals(Optional.empty(), gccWithClangSpelling.colorOption());
    assertTrue(gccWithClangSpelling.preprocessorArgs().contains("-fcolor-diagnostics"));
    assertNotEquals(cacheable("gcc", "-c", "foo.c").keyArgs(), gccWithClangSpelling.keyArgs());

    Invocation clang =
        ((Cacheable)
                ArgsClassifier.classify(
                    "cc",
                    List.of("-c", "-fno-color-diagnostics", "foo.c"),
                    cwd,
                    Map.of(),
                    CompilerType.CLANG))
            .invocation();
    assertEquals(Optional.of("-fno-color-diagnostics"), clang.colorOption());
    assertEquals(cacheable("clang", "-c", "foo.c").keyArgs(), clang.keyArgs());
    assertEquals(
        Optional.of("-fcolor-diagnostics"),
        cacheable("clang", "-c", "-fcolor-diagnostics", "foo.c").colorOption(),
        "the type comes from the name when not given");
    assertEquals(
        Optional.empty(), cacheable("gcc", "-c", "-fcolor-diagnostics", "foo.c").colorOption());

    Invocation other =
        ((Cacheable)
                ArgsClassifier.classify(
                    "cc",
                    List.of("-c", "-fdiagnostics-color", "foo.c"),
                    cwd,
                    Map.of(),
                    CompilerType.OTHER))
            .invocation();
    assertEquals(Optional.empty(), other.colorOption());
    assertTrue(other.keyArgs().contains(KeyArg.plain("-fdiagnostics-color")));
  }

  /** clang 14 takes gcc's spellings too: for clang they are colour options, out of the key. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "-fdiagnostics-color",
        "-fdiagnostics-color=always",
        "-fdiagnostics-color=never",
        "-fdiagnostics-color=auto",
        "-fno-diagnostics-color",
        "-fcolor-diagnostics",
        "-fno-color-diagnostics"
      })
  void clangColourOptions_bothFamiliesSpellings_reachTheCompileButNotTheKey(String option) {
    Invocation plain = cacheable("clang", "-c", "foo.c");
    Invocation coloured = cacheable("clang++", "-c", option, "foo.c");
    assertEquals(Optional.of(option), coloured.colorOption());
    assertEquals(keyTexts(cacheable("clang++", "-c", "foo.c")), keyTexts(coloured));
    assertEquals(plain.preprocessorArgs(), coloured.preprocessorArgs());
    assertEquals(List.of("-c", option, "foo.c"), coloured.args());
  }

  // --- clang's own options ---

  @Test
  void clangTarget_bothSpellings_areInTheKeyAndReachThePreprocessorAsSpelled() {
    List<String> plain = keyTexts(cacheable("clang", "-c", "t.c"));
    Invocation joined = cacheable("clang", "--target=aarch64-linux-gnu", "-c", "t.c");
    Invocation separate = cacheable("clang", "-target", "aarch64-linux-gnu", "-c", "t.c");
    assertEquals(List.of("--target=aarch64-linux-gnu", "t.c"), joined.preprocessorArgs());
    assertEquals(List.of("-target", "aarch64-linux-gnu", "t.c"), separate.preprocessorArgs());
    assertNotEquals(plain, keyTexts(joined));
    assertNotEquals(plain, keyTexts(separate));
    assertNotEquals(
        keyTexts(joined), keyTexts(cacheable("clang", "--target=x86_64-linux-gnu", "-c", "t.c")));
    assertEquals("t.c", separate.source(), "the triple is -target's value, not an input");
  }

  @Test
  void xclang_allowedCc1Options_areKeyedAndPreprocessed_andTheirArgumentIsNeverAnInput() {
    Invocation flag = cacheable("clang", "-c", "-Xclang", "-disable-O0-optnone", "t.c");
    assertEquals("t.c", flag.source());
    assertEquals(List.of("-Xclang", "-disable-O0-optnone", "t.c"), flag.preprocessorArgs());
    assertTrue(keyTexts(flag).containsAll(List.of("-Xclang", "-disable-O0-optnone")));

    Invocation feature =
        cacheable("clang", "-c", "-Xclang", "-target-feature", "-Xclang", "+avx2", "t.c");
    assertEquals(
        List.of("-Xclang", "-target-feature", "-Xclang", "+avx2", "t.c"),
        feature.preprocessorArgs(),
        "the feature changes the predefined macros, so the preprocessor gets it");
    assertNotEquals(
        keyTexts(feature),
        keyTexts(
            cacheable("clang", "-c", "-Xclang", "-target-feature", "-Xclang", "-avx2", "t.c")));
    assertNotEquals(keyTexts(cacheable("clang", "-c", "t.c")), keyTexts(flag));
    // a name that looks like a source is cc1's, not a second input of the driver's
    assertEquals(
        Counter.UNSUPPORTED_COMPILER_OPTION, reason("clang", "-c", "-Xclang", "u.c", "t.c"));
  }

  @Test
  void xclang_whatIsNotOnTheList_isNotCached() {
    for (String item :
        List.of(
            "-load",
            "-add-plugin",
            "-emit-llvm",
            "-ast-dump",
            "-fcolor-diagnostics",
            "-main-file-name",
            "-dump-tokens")) {
      assertEquals(
          Counter.UNSUPPORTED_COMPILER_OPTION, reason("clang", "-c", "-Xclang", item, "t.c"), item);
    }
    for (String item : List.of("-emit-pch", "-include-pch")) {
      assertEquals(
          Counter.COULD_NOT_USE_PRECOMPILED_HEADER,
          reason("clang", "-c", "-Xclang", item, "-Xclang", "x.pch", "t.c"),
          item);
    }
    assertEquals(
        Counter.UNSUPPORTED_COMPILER_OPTION,
        reason("gcc", "-c", "-Xclang", "-disable-O0-optnone", "t.c"),
        "gcc has no -Xclang");
    assertEquals(
        Counter.BAD_COMPILER_ARGUMENTS,
        reason("clang", "-c", "-Xclang", "-target-feature", "t.c"),
        "the value must come through the next -Xclang");
    assertEquals(
        Counter.BAD_COMPILER_ARGUMENTS, reason("clang", "-c", "t.c", "-Xclang", "-target-feature"));
    // clang hands the -Xclang and -mllvm values to cc1 in one sequence: only the value in the very
    // next argument is surely the option's (with -mllvm X between, cc1 would read X as the value)
    assertEquals(
        Counter.BAD_COMPILER_ARGUMENTS,
        reason("clang", "-c", "-Xclang", "-target-cpu", "-O2", "-Xclang", "x86-64", "t.c"));
    assertEquals(
        Counter.UNSUPPORTED_COMPILER_OPTION,
        reason("clang", "-c", "-Xclang", "-target-feature", "-Xclang", "a/b", "t.c"));
    assertEquals(
        Counter.UNSUPPORTED_COMPILER_OPTION,
        reason("clang", "-c", "-Xclang", "+avx2", "t.c"),
        "a value without its option");
    assertEquals(Counter.BAD_COMPILER_ARGUMENTS, reason("clang", "-c", "t.c", "-Xclang"));
  }

  // --- Response files ---

  @Test
  void classify_expandsResponseFileWithGccQuoting() throws IOException {
    Files.writeString(
        cwd.resolve("args.rsp"), "-DA='a b' \"-DB=c d\" -DC=e\\ f \"-DD=x\\\"y\" -c\n");
    Invocation inv = cacheable("gcc", "@args.rsp", "foo.c");
    assertEquals(
        List.of("-DA=a b", "-DB=c d", "-DC=e f", "-DD=x\"y", "foo.c"), inv.preprocessorArgs());
    assertEquals(
        List.of("@args.rsp", "foo.c"),
        inv.args(),
        "the compile itself runs with the arguments as given");
  }

  @Test
  void classify_expandsNestedResponseFiles() throws IOException {
    Files.createDirectories(cwd.resolve("r"));
    Files.writeString(cwd.resolve("outer.rsp"), "-c @r/inner.rsp");
    Files.writeString(cwd.resolve("r/inner.rsp"), "'src dir/foo.c' -o out.o -DINNER");
    Invocation inv = cacheable("gcc", "@outer.rsp");
    assertEquals("src dir/foo.c", inv.source());
    assertEquals("out.o", inv.output());
    assertTrue(keyTexts(inv).contains("-DINNER"), keyTexts(inv).toString());
  }

  @Test
  void classify_responseFileThatIncludesItself_isUncacheableBadCompilerArguments()
      throws IOException {
    Files.writeString(cwd.resolve("loop.rsp"), "-c foo.c @loop.rsp");
    assertEquals(Counter.BAD_COMPILER_ARGUMENTS, reason("gcc", "@loop.rsp"));
  }

  // --- helpers ---

  // --- gcc's long spellings are read as the short options they stand for ---

  @Test
  void classify_longSpellingsOfDependencyOptions_writeTheDependencyFileLikeMd() {
    for (String md :
        List.of("--write-dependencies", "--write-user-dependencies", "--write-dep", "--write-u")) {
      Invocation inv = cacheable("gcc", md, "-c", "foo.c", "-o", "obj/foo.o");
      assertEquals(Optional.of("obj/foo.d"), inv.depFile(), md);
      assertFalse(
          inv.preprocessorArgs().contains(md),
          md + " would make the preprocessor write a stray .d");
    }
    assertEquals(
        Optional.of("x.d"),
        cacheable("gcc", "-Wp,--write-dependencies,x.d", "-c", "foo.c").depFile());
    assertEquals(
        Counter.UNSUPPORTED_COMPILER_OPTION, reason("gcc", "--dependencies", "-c", "foo.c"));
    assertEquals(Counter.CALLED_FOR_PREPROCESSING, reason("gcc", "--preprocess", "-c", "foo.c"));
  }

  @Test
  void classify_assemblerListingsAndFilesThroughAnySpelling_areUncacheable() {
    for (List<String> a :
        List.of(
            List.of("--for-assembler=-adhln=x.lst"),
            List.of("--for-assembler", "-al"),
            List.of("--for-as", "-adhln=x.lst"),
            List.of("-Xassembler", "-adhln=x.lst"),
            List.of("-Wa,-adhln=x.lst", "-Wa,-al"),
            List.of("-Wa,-al=a.lst,-ah=b.lst"),
            List.of("-Wa,--M,x.d"),
            List.of("-Xassembler", "-I"),
            List.of("-Wa,-o,x.o"),
            List.of("-Wa,@x"))) {
      List<String> argv = new java.util.ArrayList<>(a);
      argv.addAll(List.of("-c", "foo.c"));
      assertEquals(
          Counter.UNSUPPORTED_COMPILER_OPTION,
          reason("gcc", argv.toArray(String[]::new)),
          a.toString());
    }
    cacheable("gcc", "-Wa,--noexecstack", "--for-assembler=--64", "-c", "foo.c");
  }

  @Test
  void classify_longSpellingsOfOutputAndUnsupportedOptions_areReadAsGccReadsThem() {
    assertEquals("out/x.o", cacheable("gcc", "-c", "foo.c", "--output=out/x.o").output());
    assertEquals("out/y.o", cacheable("gcc", "-c", "foo.c", "--output", "out/y.o").output());
    assertEquals(
        Counter.UNSUPPORTED_COMPILER_OPTION, reason("gcc", "--plugin=x.so", "-c", "foo.c"));
    assertEquals(
        Counter.UNSUPPORTED_COMPILER_OPTION, reason("gcc", "--dump-tree-all", "-c", "foo.c"));
    assertEquals(Counter.UNSUPPORTED_COMPILER_OPTION, reason("gcc", "--save-temps", "-c", "foo.c"));
    assertEquals(Counter.UNSUPPORTED_COMPILER_OPTION, reason("gcc", "--specs=x", "-c", "foo.c"));
    assertEquals(Counter.UNSUPPORTED_COMPILER_OPTION, reason("gcc", "--verbose", "-c", "foo.c"));
    assertEquals(Counter.CALLED_FOR_LINK, reason("gcc", "foo.c", "--output=foo"));
    assertTrue(cacheable("gcc", "--compile", "foo.c").assembly() == false);
    assertTrue(cacheable("gcc", "--assemble", "foo.c").assembly());
  }

  private Classification classify(String compiler, String... args) {
    return ArgsClassifier.classify(compiler, List.of(args), cwd, Map.of());
  }

  // --- Compiles ccache caches with extra outputs or inputs (issue 10) ---

  @Test
  void classify_syntaxOnly_isCacheableWithoutAnObject_andNeedsNoC() {
    Invocation inv = cacheable("gcc", "-fsyntax-only", "-Wall", "foo.c");
    assertFalse(inv.objectExpected());
    assertTrue(keyTexts(inv).contains("-fsyntax-only"));
    assertFalse(inv.preprocessorArgs().contains("-fsyntax-only"));
    assertTrue(cacheable("gcc", "-c", "foo.c").objectExpected());
  }

  @Test
  void classify_stackUsage_namesTheSuFileAsGccDoes() {
    assertEquals(
        List.of(new SideOutput(SideOutput.Kind.STACK_USAGE, "a.su")),
        cacheable("gcc", "-fstack-usage", "-c", "sub/a.c").sideOutputs());
    assertEquals(
        List.of(new SideOutput(SideOutput.Kind.STACK_USAGE, "out/x.obj.su")),
        cacheable("gcc", "-fstack-usage", "-c", "a.c", "-o", "out/x.obj.o").sideOutputs());
    assertEquals(
        "noext.su",
        cacheable("gcc", "-fstack-usage", "-c", "a.c", "-o", "noext").sideOutputs().get(0).path());
    assertEquals(
        "t.su",
        cacheable("gcc", "-fstack-usage", "-S", "a.c", "-o", "t.s").sideOutputs().get(0).path());
    assertEquals(
        "a.su",
        cacheable("gcc", "-fstack-usage", "-c", "a.c", "-o", "/dev/null")
            .sideOutputs()
            .get(0)
            .path());
    assertEquals(
        Counter.UNSUPPORTED_COMPILER_OPTION,
        reason("gcc", "-fstack-usage", "-c", "a.c", "-o", "x.o", "-dumpbase", "zz"));
  }

  @Test
  void classify_serializeDiagnostics_takesTheFileAsItsValue_notAsASecondSource() {
    Invocation inv =
        cacheable("clang", "-c", "foo.c", "--serialize-diagnostics", "other.c", "-o", "foo.o");
    assertEquals("foo.c", inv.source());
    assertEquals(
        List.of(new SideOutput(SideOutput.Kind.DIAGNOSTICS, "other.c")), inv.sideOutputs());
    assertFalse(keyTexts(inv).contains("other.c"), keyTexts(inv).toString());
    assertTrue(keyTexts(inv).contains("--serialize-diagnostics"));
    assertFalse(inv.preprocessorArgs().contains("--serialize-diagnostics"));
    assertEquals(
        keyTexts(inv),
        keyTexts(cacheable("clang", "-c", "foo.c", "--serialize-diagnostics", "b.dia")));
    assertEquals(
        Counter.BAD_COMPILER_ARGUMENTS, reason("clang", "-c", "foo.c", "--serialize-diagnostics"));
  }

  @Test
  void classify_sanitizerLists_areKeyFiles_andTheirPathsAreInTheKey() {
    Invocation inv =
        cacheable(
            "gcc",
            "-c",
            "-fsanitize-blacklist=lists/a.txt",
            "-fsanitize-ignorelist=b.txt",
            "foo.c");
    assertEquals(List.of("lists/a.txt", "b.txt"), inv.keyFiles());
    assertTrue(keyTexts(inv).contains("-fsanitize-blacklist=lists/a.txt"));
    assertTrue(keyTexts(inv).contains("-fsanitize-ignorelist=b.txt"));
    assertEquals(List.of(), cacheable("gcc", "-c", "foo.c").keyFiles());
    assertEquals(
        Counter.BAD_COMPILER_ARGUMENTS, reason("gcc", "-c", "-fsanitize-blacklist=", "foo.c"));
    assertEquals(
        Counter.BAD_COMPILER_ARGUMENTS, reason("gcc", "-c", "-fsanitize-ignorelist", "foo.c"));
  }

  @Test
  void classify_assemblerListing_isAnOutputWhoseNameIsNotInTheKey() {
    Invocation inv = cacheable("gcc", "-c", "-Wa,--noexecstack,-adhln=out/t.lst", "t.c");
    assertEquals(
        List.of(new SideOutput(SideOutput.Kind.ASSEMBLER_LISTING, "out/t.lst")), inv.sideOutputs());
    assertEquals(
        keyTexts(inv), keyTexts(cacheable("gcc", "-c", "-Wa,--noexecstack,-adhln=u.lst", "t.c")));
    assertTrue(keyTexts(inv).contains("-Wa,--noexecstack,-adhln=file"), keyTexts(inv).toString());
    // without a file the listing goes to standard output, which the result holds anyway
    assertEquals(List.of(), cacheable("gcc", "-c", "-Wa,-al", "t.c").sideOutputs());
    // -S runs no assembler
    assertEquals(List.of(), cacheable("gcc", "-S", "-Wa,-al=x.lst", "t.c").sideOutputs());
    // written to nothing: no listing in the result, and a key of its own
    Invocation toNull = cacheable("gcc", "-c", "-Wa,--noexecstack,-adhln=/dev/null", "t.c");
    assertEquals(List.of(), toNull.sideOutputs());
    assertFalse(keyTexts(toNull).equals(keyTexts(inv)));
  }

  @Test
  void classify_wpWithSeveralItems_passesThemOnAndFindsTheDependencyFile() {
    Invocation inv = cacheable("gcc", "-c", "-Wp,-MD,deps/t.d,-DX=1", "t.c", "-o", "t.o");
    assertEquals(Optional.of("deps/t.d"), inv.depFile());
    assertTrue(inv.preprocessorArgs().contains("-Wp,-DX=1"), inv.preprocessorArgs().toString());
    assertTrue(keyTexts(inv).contains("-DX=1"));
    assertEquals(Optional.empty(), inv.directModeOff());
    Invocation defines = cacheable("gcc", "-c", "-Wp,-DFOO,-DBAR", "t.c");
    assertTrue(defines.preprocessorArgs().contains("-Wp,-DFOO,-DBAR"));
    assertEquals(Optional.empty(), defines.depFile());
    assertEquals(
        Optional.of("-Wp,-MMD,t.d,-I/opt"),
        cacheable("gcc", "-c", "-Wp,-MMD,t.d,-I/opt", "t.c").directModeOff());
  }

  @Test
  void classify_macros_keyInTheOrderCc1GetsThem_soWpDSharesWithD() {
    assertEquals(
        keyTexts(cacheable("gcc", "-c", "-DX", "t.c")),
        keyTexts(cacheable("gcc", "-c", "-Wp,-DX", "t.c")));
    assertEquals(
        keyTexts(cacheable("gcc", "-c", "-D", "X=1", "-O2", "t.c")),
        keyTexts(cacheable("gcc", "-c", "-O2", "-DX=1", "t.c")));
    // gcc passes -Wp, items after every -D and -U: -Wp,-DA=2 -DA=1 defines A as 2
    assertEquals(
        keyTexts(cacheable("gcc", "-c", "-DA=1", "-DA=2", "t.c")),
        keyTexts(cacheable("gcc", "-c", "-Wp,-DA=2", "-DA=1", "t.c")));
    assertNotEquals(
        keyTexts(cacheable("gcc", "-c", "-DA=2", "-DA=1", "t.c")),
        keyTexts(cacheable("gcc", "-c", "-Wp,-DA=2", "-DA=1", "t.c")));
    assertNotEquals(
        keyTexts(cacheable("gcc", "-c", "-DA", "-UA", "t.c")),
        keyTexts(cacheable("gcc", "-c", "-UA", "-DA", "t.c")));
  }

  @Test
  void classify_indexStorePath_takesThePathAsItsValue() {
    Invocation inv = cacheable("clang", "-c", "-index-store-path", "idx/store", "t.c");
    assertEquals("t.c", inv.source());
    assertTrue(keyTexts(inv).contains("-index-store-path idx/store"), keyTexts(inv).toString());
    assertEquals(List.of("-index-store-path", "idx/store", "t.c"), inv.preprocessorArgs());
  }

  private Invocation cacheable(String compiler, String... args) {
    Classification c = classify(compiler, args);
    return assertInstanceOf(Cacheable.class, c, () -> compiler + " " + List.of(args) + ": " + c)
        .invocation();
  }

  private Counter reason(String compiler, String... args) {
    Classification c = classify(compiler, args);
    return assertInstanceOf(Uncacheable.class, c, () -> compiler + " " + List.of(args) + ": " + c)
        .reason();
  }

  private static List<String> keyTexts(Invocation inv) {
    return inv.keyArgs().stream().map(KeyArg::text).toList();
  }
}
