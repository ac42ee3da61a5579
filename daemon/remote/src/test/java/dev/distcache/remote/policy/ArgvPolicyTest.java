package dev.distcache.remote.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.distribute.distcc.DistccRequest;
import dev.distcache.distribute.distcc.ProtocolVersion;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ArgvPolicyTest {
  private static final CompilerPolicy COMPILERS =
      new CompilerPolicy(List.of(), List.of("x86_64-linux-gnu-gcc", "gcc", "g++"), "/usr/bin:/bin");

  private static JobPlan plan(ProtocolVersion v, String... argv) throws JobRefused {
    DistccRequest r =
        v.serverPreprocesses()
            ? new DistccRequest.Pump("/home/u/p", List.of(argv), List.of())
            : new DistccRequest.Preprocessed(v, List.of(argv), new byte[0]);
    return ArgvPolicy.check(r, COMPILERS);
  }

  private static String refused(ProtocolVersion v, String... argv) {
    return assertThrows(JobRefused.class, () -> plan(v, argv)).getMessage();
  }

  /** {@code gcc -c ARGS... x.c -o x.o} in protocol 1. */
  private static String refused1(String... extra) {
    List<String> argv = new ArrayList<>(List.of("gcc", "-c", "x.c", "-o", "x.o"));
    argv.addAll(Arrays.asList(extra));
    return refused(ProtocolVersion.V1, argv.toArray(String[]::new));
  }

  @Test
  void whatDistccSends_isAccepted_withTheOutputNameLeftOutOfTheKey() throws Exception {
    JobPlan p =
        plan(ProtocolVersion.V1, "x86_64-linux-gnu-gcc", "-c", "-O2", "hello.c", "-o", "hello.o");
    assertEquals("x86_64-linux-gnu-gcc", p.compilerName());
    assertEquals(List.of("-c", "-O2", "hello.c"), p.args());
    assertEquals("hello.c", p.source());
    assertEquals(".i", p.inputExtension());
    assertEquals(List.of("-c", "-O2", "<input>.i", "-o", "<output>"), p.keyArgs());
    assertEquals(
        p.keyArgs(),
        plan(ProtocolVersion.V2, "x86_64-linux-gnu-gcc", "-c", "-O2", "other.c", "-oother.o")
            .keyArgs(),
        "neither the client's file names nor the protocol version reach the key");
    assertFalse(p.assembly());
    assertTrue(p.storable());
  }

  @Test
  void leadingUsrBinOrBin_isStripped_asDistccdDoes() throws Exception {
    assertEquals(
        "gcc", plan(ProtocolVersion.V1, "/usr/bin/gcc", "-c", "a.c", "-o", "a.o").compilerName());
    assertEquals(
        "gcc", plan(ProtocolVersion.V1, "/bin/gcc", "-c", "a.c", "-o", "a.o").compilerName());
  }

  @Test
  void compilersOutsideTheList_orWithAPath_areRefused() {
    assertTrue(
        refused(ProtocolVersion.V1, "sh", "-c", "a.c", "-o", "a.o")
            .contains("sh is not in the daemon's allowed"));
    assertTrue(
        refused(ProtocolVersion.V1, "/usr/local/bin/gcc", "-c", "a.c", "-o", "a.o")
            .contains("cannot be a path"));
    assertTrue(
        refused(ProtocolVersion.V1, "/usr/bin/../../tmp/gcc", "-c", "a.c")
            .contains("cannot be a path"));
    assertTrue(refused(ProtocolVersion.V1, "..", "-c", "a.c").contains("not a file name"));
  }

  @Test
  void optionsTheLocalServerNowCaches_butThatWriteOrReadClientChosenFiles_areStillRefused() {
    assertTrue(refused1("-Wa,-al=/tmp/listing").contains("assembler option -al=/tmp/listing"));
    assertTrue(refused1("-Wa,--noexecstack,-adhln").contains("assembler option -adhln"));
    assertTrue(refused1("-fstack-usage").contains("would write a file beside the output"));
    assertTrue(refused1("-fsyntax-only").contains("produces no object"));
    assertTrue(refused1("-fsanitize-ignorelist=/etc/shadow").contains("would read a file"));
    assertTrue(refused1("-fsanitize-blacklist=/etc/shadow").contains("would read a file"));
    assertTrue(refused1("--serialize-diagnostics", "/tmp/x.dia").contains("refused"));
    assertTrue(refused1("-index-store-path", "/tmp/idx").contains("refused"));
  }

  @Test
  void optionsThatRunOrReadOrWriteClientChosenFiles_areRefused() {
    assertTrue(
        refused1("-fplugin=/tmp/evil.so")
            .contains("-fplugin=/tmp/evil.so is refused: it would load a compiler plugin"));
    assertTrue(refused1("-fplugin-arg-x-y=z").contains("plugin"));
    assertTrue(refused1("-specs=/tmp/evil").contains("specs"));
    assertTrue(refused1("--specs=/tmp/evil").contains("specs"));
    assertTrue(refused1("-B/tmp/evil/").contains("compiler programs"));
    assertTrue(refused1("-B", "/tmp/evil/").contains("compiler programs"));
    assertTrue(refused1("-wrapper", "/bin/sh,-c").contains("run a program"));
    assertTrue(refused1("@/etc/passwd").contains("response file"));
    assertTrue(refused1("-fdump-tree-all").contains("dump"));
    assertTrue(refused1("-save-temps").contains("temporary"));
    assertTrue(refused1("-fprofile-use=/etc/shadow").contains("profile"));
    assertTrue(refused1("-Xpreprocessor", "-MF").contains("unchecked"));
    assertTrue(refused1("-Wp,-MD,/tmp/x.d").contains("only -D and -U"));
    assertTrue(
        refused1("-Wa,-adhln=/tmp/listing").contains("assembler option -adhln=/tmp/listing"));
    assertTrue(refused1("-MF", "/tmp/x.d").contains("does not write files the client names"));
    assertTrue(refused1("-MF/tmp/x.d").contains("does not write files the client names"));
    assertTrue(refused1("-include", "/etc/passwd").contains("client preprocesses"));
  }

  @Test
  void colourOptions_pass_andStayInTheDaemonsKey_becauseTheyDecideTheStderrItReturns()
      throws Exception {
    JobPlan p =
        plan(
            ProtocolVersion.V1,
            "gcc",
            "-c",
            "-fdiagnostics-color=never",
            "a.c",
            "-o",
            "a.o",
            "-fdiagnostics-color");
    assertEquals(
        List.of("-c", "-fdiagnostics-color=never", "a.c", "-fdiagnostics-color"), p.args());
    assertNotEquals(
        plan(ProtocolVersion.V1, "gcc", "-c", "a.c", "-o", "a.o").keyArgs(), p.keyArgs());
  }

  private static final CompilerPolicy WITH_CLANG =
      new CompilerPolicy(List.of(), List.of("gcc", "clang", "clang++"), "/usr/bin:/bin");

  private static JobPlan clang(String... argv) throws JobRefused {
    List<String> full = new ArrayList<>(List.of("clang", "-c", "x.c", "-o", "x.o"));
    full.addAll(Arrays.asList(argv));
    return ArgvPolicy.check(
        new DistccRequest.Preprocessed(ProtocolVersion.V1, full, new byte[0]), WITH_CLANG);
  }

  private static String clangRefused(String... argv) {
    return assertThrows(JobRefused.class, () -> clang(argv)).getMessage();
  }

  @Test
  void clangsTargetAndAllowedCc1Options_pass_asSpelled_andEnterTheKey() throws Exception {
    JobPlan p =
        clang(
            "--target=x86_64-linux-gnu",
            "-Xclang",
            "-target-feature",
            "-Xclang",
            "+avx2",
            "-Xclang",
            "-disable-O0-optnone",
            "-fcolor-diagnostics");
    assertEquals(
        List.of(
            "-c",
            "x.c",
            "--target=x86_64-linux-gnu",
            "-Xclang",
            "-target-feature",
            "-Xclang",
            "+avx2",
            "-Xclang",
            "-disable-O0-optnone",
            "-fcolor-diagnostics"),
        p.args());
    assertEquals("x.c", p.source());
    assertNotEquals(clang().keyArgs(), clang("-target", "aarch64-linux-gnu").keyArgs());
    assertNotEquals(clang().keyArgs(), p.keyArgs());
  }

  @Test
  void cc1OptionsOffTheList_orValuesWithoutTheirOption_orPathsAsTargets_areRefused() {
    // "-load" has the shape of a value (-target-feature -sse): the classifier refuses it, since
    // it follows no option that takes one
    String load = clangRefused("-Xclang", "-load", "-Xclang", "p.so");
    assertTrue(load.contains("-Xclang -load (unsupported_compiler_option)"), load);
    String path = clangRefused("-Xclang", "-target-cpu", "-Xclang", "/x");
    assertTrue(path.contains("cc1 option /x is not one the daemon passes on"), path);
    assertTrue(clangRefused("-Xclang", "-emit-llvm").contains("-Xclang -emit-llvm"));
    assertTrue(clangRefused("-Xclang", "y.c").contains("cannot be compiled remotely"));
    assertTrue(clangRefused("--target=../../x").contains("not a triple"));
    assertTrue(clangRefused("-target", "/tmp/x").contains("not a triple"));
    assertTrue(
        refused1("-Xclang", "-disable-O0-optnone").contains("cannot be compiled remotely"),
        "gcc has no -Xclang");
  }

  @Test
  void harmlessWpAndWaItems_pass() throws Exception {
    JobPlan p =
        plan(
            ProtocolVersion.V1,
            "gcc",
            "-c",
            "-Wp,-D_FORTIFY_SOURCE=2",
            "-Wa,--noexecstack",
            "a.c",
            "-o",
            "a.o");
    assertEquals(List.of("-c", "-Wp,-D_FORTIFY_SOURCE=2", "-Wa,--noexecstack", "a.c"), p.args());
  }

  @Test
  void outputs_areTheDaemons() {
    assertEquals("more than one -o", refused1("-o", "y.o"));
    assertTrue(
        refused(ProtocolVersion.V1, "gcc", "-c", "a.c", "-o", "-").contains("must be a file"));
    assertTrue(refused1("-gsplit-dwarf").contains(".dwo"));
  }

  @Test
  void whatCannotBeReproduced_isRefused_withTheClassifiersReason() {
    assertTrue(refused(ProtocolVersion.V1, "gcc", "a.c", "-o", "a").contains("called_for_link"));
    assertTrue(
        refused(ProtocolVersion.V1, "gcc", "-c", "a.c", "b.c")
            .contains("more than one input file"));
    assertTrue(refused(ProtocolVersion.V1, "gcc", "-c", "-o", "a.o").contains("no input file"));
    assertTrue(refused(ProtocolVersion.V1, "gcc", "-E", "a.c").contains("-E is refused"));
    assertTrue(
        refused(ProtocolVersion.V1, "gcc", "-c", "-x", "c", "a.txt")
            .contains("language from the input's name"));
    assertTrue(refused(ProtocolVersion.V1, "gcc", "-c", "a.f90", "-o", "a.o").contains("a.f90"));
  }

  @Test
  void preprocessedExtensions_areDistccds() throws Exception {
    assertEquals(".i", ArgvPolicy.preprocessedExtension("dir/a.c"));
    assertEquals(".ii", ArgvPolicy.preprocessedExtension("a.cpp"));
    assertEquals(".ii", ArgvPolicy.preprocessedExtension("a.C"));
    assertEquals(".mi", ArgvPolicy.preprocessedExtension("a.m"));
    assertEquals(".mii", ArgvPolicy.preprocessedExtension("a.mm"));
    assertEquals(".s", ArgvPolicy.preprocessedExtension("a.S"));
    assertEquals(
        ".ii", plan(ProtocolVersion.V1, "g++", "-c", "a.cc", "-o", "a.o").inputExtension());
  }

  @Test
  void pumpMode_keepsPaths_dropsTheClientsMf_andTakesTheFirstMtAsTheTarget() throws Exception {
    JobPlan p =
        plan(
            ProtocolVersion.V3,
            "gcc",
            "-c",
            "-Iinc",
            "-DX",
            "m.c",
            "-o",
            "obj/m.o",
            "-MD",
            "-MF",
            "m.d",
            "-MT",
            "obj/m.o",
            "-MT",
            "extra");
    assertTrue(p.pump());
    assertEquals(List.of("-c", "-Iinc", "-DX", "m.c", "-MD", "-MT", "extra"), p.args());
    assertEquals("obj/m.o", p.dotdTarget());
    assertEquals("", p.inputExtension());
    assertEquals(
        List.of("-c", "-Iinc", "-DX", "m.c", "-MD", "-MT", "extra", "-o", "<output>"), p.keyArgs());
    assertEquals(
        "m.o",
        plan(ProtocolVersion.V3, "gcc", "-c", "m.c", "-o", "m.o").dotdTarget(),
        "without -MT, the output");
    assertNull(plan(ProtocolVersion.V1, "gcc", "-c", "m.c", "-o", "m.o").dotdTarget());
    assertTrue(
        refused(ProtocolVersion.V3, "gcc", "-c", "m.c", "--sysroot=/opt/x").contains("pump mode"));
  }

  @Test
  void splitDwarf_onlyInPumpMode_compiledUnderTheClientsOwnOutputPath() throws Exception {
    JobPlan p =
        plan(ProtocolVersion.V3, "gcc", "-c", "-g", "-gsplit-dwarf", "m.c", "-o", "obj/m.o");
    assertEquals("obj/m.o", p.splitDwarfOutput());
    assertEquals("obj/m.dwo", p.splitDwarfFile());
    assertEquals(List.of("-c", "-g", "-gsplit-dwarf", "m.c", "-o", "obj/m.o"), p.keyArgs());
    assertEquals(
        "m.dwo",
        plan(ProtocolVersion.V3, "gcc", "-c", "-gsplit-dwarf", "m.c").splitDwarfFile(),
        "without -o, beside the source's name");
    assertNull(plan(ProtocolVersion.V3, "gcc", "-c", "-g", "m.c", "-o", "m.o").splitDwarfOutput());
    assertNull(
        plan(ProtocolVersion.V3, "gcc", "-S", "-gsplit-dwarf", "m.c", "-o", "m.s")
            .splitDwarfOutput(),
        "-S writes no .dwo");
    assertTrue(refused(ProtocolVersion.V2, "gcc", "-c", "-gsplit-dwarf", "m.i").contains(".dwo"));
  }

  @Test
  void recordedSwitches_areCompiledButNotStored() throws Exception {
    assertFalse(
        plan(ProtocolVersion.V1, "gcc", "-c", "-frecord-gcc-switches", "a.c", "-o", "a.o")
            .storable());
  }

  @Test
  void gccsLongSpellingsOfRefusedOptions_areRefused_namingTheSpellingAndWhatGccReads() {
    assertTrue(
        refused1("--prefix=./")
            .contains(
                "--prefix=./ (gcc reads -B./) is refused: it is not an option a"
                    + " remote compile may carry: it would run compiler programs"),
        refused1("--prefix=./"));
    assertTrue(refused1("--prefix", "./").contains("--prefix ./ (gcc reads -B./) is refused"));
    assertTrue(
        refused1("--pref", "./").contains("--pref ./ (gcc reads -B./) is refused"),
        "an abbreviation");
    assertTrue(refused1("--specs=x").contains("--specs=x (gcc reads -specs=x) is refused"));
    assertTrue(refused1("--spec", "x").contains("(gcc reads -specs=x) is refused"));
    assertTrue(
        refused1("--for-assembler=-adhln=/tmp/l")
            .contains(
                "--for-assembler=-adhln=/tmp/l (gcc reads"
                    + " -Xassembler -adhln=/tmp/l) is refused: the assembler option -adhln=/tmp/l"));
    assertTrue(refused1("--for-as", "--MD").contains("(gcc reads -Xassembler --MD) is refused"));
    assertTrue(refused1("-Xassembler", "-al=/tmp/l").contains("assembler option -al=/tmp/l"));
    assertTrue(
        refused1("-Wa,--M,/tmp/d").contains("assembler option --M "), "gas takes --M for --MD");
    assertTrue(
        refused1("--plugin=/tmp/p.so")
            .contains(
                "--plugin=/tmp/p.so (gcc reads -fplugin=/tmp/p.so) is refused:"
                    + " it would load a compiler plugin"));
    assertTrue(refused1("--dump-tree-all").contains("(gcc reads -fdump-tree-all) is refused"));
    assertTrue(
        refused1("--no-dump-tree-all").contains("(gcc reads -fno-dump-tree-all) is refused"));
    assertTrue(
        refused1("--profile-use=/etc/shadow")
            .contains("(gcc reads -fprofile-use=/etc/shadow) is refused"));
    assertTrue(refused1("--save-temps").contains("(gcc reads -save-temps) is refused"));
    assertTrue(plan1ok("--write-dependencies"), "-MD is allowed, as before");
    assertTrue(refused1("--output=/tmp/x.o").contains("more than one -o"));
    assertTrue(refused1("--dumpdir", "/tmp/").contains("(gcc reads -dumpdir /tmp/) is refused"));
    assertTrue(refused1("--language=c").contains("language from the input's name"));
    assertTrue(refused1("--include=/etc/passwd").contains("client preprocesses"));
    assertTrue(refused1("-Xlinker", "x").contains("linker"));
    assertTrue(refused1("-Wl,-T,x").contains("linker"));
    assertTrue(refused1("-iplugindir=/tmp").contains("plugin"));
    assertTrue(refused1("-Wp,--write-dependencies,/tmp/x.d").contains("only -D and -U"));
    assertTrue(refused1("-fmodule-mapper=|sh").contains("module mapper"));
    assertTrue(refused1("-dumpbase", "x").contains("dump files"));
    assertTrue(refused1("-daP").contains("dump files"));
    assertTrue(refused1("--prefix").contains("--prefix is refused"), "no value: never a -B");
  }

  private static boolean plan1ok(String... extra) {
    try {
      List<String> argv = new ArrayList<>(List.of("gcc", "-c", "x.c", "-o", "x.o"));
      argv.addAll(Arrays.asList(extra));
      plan(ProtocolVersion.V1, argv.toArray(String[]::new));
      return true;
    } catch (JobRefused e) {
      return false;
    }
  }

  @Test
  void allowedLongSpellings_runAsTheShortOptionsGccReads() throws Exception {
    JobPlan p =
        plan(
            ProtocolVersion.V1,
            "gcc",
            "--compile",
            "--optimize=2",
            "--define-macro",
            "X=1",
            "--no-common",
            "--machine=sse4",
            "--warn-all",
            "--std",
            "c99",
            "--debug=3",
            "--param",
            "max-inline-insns-auto=5",
            "-Wa,--noexecstack",
            "--for-assembler=--64",
            "a.c",
            "--output",
            "a.o");
    assertEquals(
        List.of(
            "-c",
            "-O2",
            "-DX=1",
            "-fno-common",
            "-msse4",
            "-Wall",
            "-std=c99",
            "-g3",
            "--param=max-inline-insns-auto=5",
            "-Wa,--noexecstack",
            "-Xassembler",
            "--64",
            "a.c"),
        p.args());
    assertEquals("a.o", plan(ProtocolVersion.V3, "gcc", "-c", "m.c", "--output=a.o").dotdTarget());
    assertEquals(
        List.of("-c", "m.c", "-I../../etc"),
        plan(ProtocolVersion.V3, "gcc", "-c", "m.c", "--include-directory=../../etc", "-o", "m.o")
            .args(),
        "pump mode checks the -I path that runs");
  }
}
