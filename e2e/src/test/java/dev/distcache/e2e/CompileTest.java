package dev.distcache.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.testing.Processes;
import dev.distcache.testing.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compiles real C and C++ through bin/distcache with the real gcc and g++ and checks every byte.
 */
class CompileTest {
  static final String HELLO_C =
      "#include <stdio.h>\nint main(void) { printf(\"hi\\n\"); return 0; }\n";
  static final String HELLO_CXX =
      "#include <iostream>\n#include <map>\n#include <string>\n"
          + "int main() { std::map<std::string, int> m{{\"a\", 1}}; std::cout << m[\"a\"] << '\\n'; }\n";
  static final String WARNS_C = "int f(void) { int unused; return 0; }\n";
  static final String BROKEN_C = "int f(void) { return undeclared; }\n";

  @TempDir Path tmp;
  Path src;
  Distcache dc;

  @BeforeEach
  void setUp() {
    src = tmp.resolve("src");
    dc = new Distcache(tmp.resolve("cache"));
  }

  @AfterEach
  void tearDown() {
    dc.close();
  }

  @Test
  void cFile_missThenHit_objectsByteIdenticalToDirectCompile() {
    Distcache.write(src.resolve("hello.c"), HELLO_C);
    Run first = dc.run(src, "gcc", "-c", "hello.c", "-o", "miss.o").ok();
    Run second = dc.run(src, "gcc", "-c", "hello.c", "-o", "hit.o").ok();
    dc.direct(src, "gcc", "-c", "hello.c", "-o", "direct.o").ok();

    byte[] direct = Distcache.read(src.resolve("direct.o"));
    assertArrayEquals(direct, Distcache.read(src.resolve("miss.o")));
    assertArrayEquals(direct, Distcache.read(src.resolve("hit.o")));
    assertEquals(0, first.stdout().length + first.stderr().length);
    assertEquals(0, second.stdout().length + second.stderr().length);
    assertEquals(1, dc.stat("cache_miss"));
    assertEquals(1, dc.hits());
  }

  @Test
  void cxxFileWithStandardLibrary_hitIsByteIdentical() {
    Distcache.write(src.resolve("hello.cpp"), HELLO_CXX);
    dc.run(src, "g++", "-O2", "-std=c++17", "-c", "hello.cpp", "-o", "a.o").ok();
    dc.run(src, "g++", "-O2", "-std=c++17", "-c", "hello.cpp", "-o", "b.o").ok();
    dc.direct(src, "g++", "-O2", "-std=c++17", "-c", "hello.cpp", "-o", "direct.o").ok();
    assertArrayEquals(Distcache.read(src.resolve("direct.o")), Distcache.read(src.resolve("b.o")));
    assertEquals(1, dc.hits());
  }

  @Test
  void warning_sameExitStdoutAndStderrAsGcc_onMissAndOnHit() {
    Distcache.write(src.resolve("w.c"), WARNS_C);
    Run direct = dc.direct(src, "gcc", "-Wall", "-c", "w.c", "-o", "w.o");
    Run miss = dc.run(src, "gcc", "-Wall", "-c", "w.c", "-o", "w.o");
    Run hit = dc.run(src, "gcc", "-Wall", "-c", "w.c", "-o", "w.o");
    assertTrue(direct.err().contains("unused variable"), direct.err());
    for (Run r : new Run[] {miss, hit}) {
      assertEquals(direct.exitCode(), r.exitCode());
      assertArrayEquals(direct.stdout(), r.stdout());
      assertArrayEquals(direct.stderr(), r.stderr());
    }
    assertEquals(1, dc.hits());
  }

  @Test
  void compileError_sameExitAndStderrAsGcc_andNothingIsCached() {
    Distcache.write(src.resolve("bad.c"), BROKEN_C);
    Run direct = dc.direct(src, "gcc", "-c", "bad.c", "-o", "bad.o");
    Run first = dc.run(src, "gcc", "-c", "bad.c", "-o", "bad.o");
    Run second = dc.run(src, "gcc", "-c", "bad.c", "-o", "bad.o");
    assertNotEquals(0, direct.exitCode());
    for (Run r : new Run[] {first, second}) {
      assertEquals(direct.exitCode(), r.exitCode());
      assertArrayEquals(direct.stdout(), r.stdout());
      assertArrayEquals(direct.stderr(), r.stderr());
    }
    assertFalse(Files.exists(src.resolve("bad.o")));
    assertEquals(2, dc.stat("compile_failed"));
    assertEquals(0, dc.hits());
  }

  @Test
  void dependencyFile_hitToAnotherOutputName_namesTheNewTarget() {
    Distcache.write(src.resolve("inc/dep.h"), "#define N 3\n");
    Distcache.write(src.resolve("dep.c"), "#include \"inc/dep.h\"\nint n = N;\n");
    dc.run(src, "gcc", "-MD", "-c", "dep.c", "-o", "first.o").ok();
    Path dir = src.resolve("build");
    dc.exec(src, "mkdir", "-p", "build/sub").ok();
    dc.run(src, "gcc", "-MD", "-MP", "-c", "dep.c", "-o", "build/sub/second.o").ok();
    dc.run(src, "gcc", "-MD", "-MP", "-c", "dep.c", "-o", "build/third.o").ok();
    dc.run(src, "gcc", "-MMD", "-MF", "build/custom.dep", "-c", "dep.c", "-o", "build/fourth.o")
        .ok();
    dc.run(src, "gcc", "-MMD", "-MF", "build/custom.dep", "-c", "dep.c", "-o", "build/fifth.o")
        .ok();
    String third =
        Files.exists(dir.resolve("third.d"))
            ? new String(Distcache.read(dir.resolve("third.d")))
            : "";
    String fifth = new String(Distcache.read(dir.resolve("custom.dep")));

    dc.direct(src, "gcc", "-MD", "-MP", "-c", "dep.c", "-o", "build/third.o").ok();
    dc.direct(src, "gcc", "-MMD", "-MF", "build/custom.dep", "-c", "dep.c", "-o", "build/fifth.o")
        .ok();
    assertEquals(new String(Distcache.read(dir.resolve("third.d"))), third);
    assertTrue(third.startsWith("build/third.o:"), third);
    assertEquals(new String(Distcache.read(dir.resolve("custom.dep"))), fifth);
    assertTrue(fifth.startsWith("build/fifth.o:"), fifth);
    assertTrue(dc.hits() >= 2);
  }

  @Test
  void outputDirectoryMissing_onAHit_givesGccsOwnError() {
    Distcache.write(src.resolve("m.c"), "int m;\n");
    dc.run(src, "gcc", "-MD", "-c", "m.c", "-o", "m.o").ok();
    Run viaDistcache = dc.run(src, "gcc", "-MD", "-c", "m.c", "-o", "no/such/dir/m.o");
    Run direct = dc.direct(src, "gcc", "-MD", "-c", "m.c", "-o", "no/such/dir/m.o");
    assertNotEquals(0, direct.exitCode());
    assertEquals(direct.exitCode(), viaDistcache.exitCode());
    assertEquals(direct.err(), viaDistcache.err());
  }

  @Test
  void dependencyTargetWithSpecialCharacters_isQuotedLikeGcc() {
    Distcache.write(src.resolve("q.c"), "int q;\n");
    dc.run(src, "gcc", "-MD", "-c", "q.c", "-o", "a.o").ok();
    dc.run(src, "gcc", "-MD", "-c", "q.c", "-o", "o$x y.o").ok();
    String viaHit = new String(Distcache.read(src.resolve("o$x y.d")));
    dc.direct(src, "gcc", "-MD", "-c", "q.c", "-o", "o$x y.o").ok();
    assertEquals(new String(Distcache.read(src.resolve("o$x y.d"))), viaHit);
    assertEquals(1, dc.hits());
  }

  @Test
  void explicitDependencyTargets_andWpForm_matchGcc() {
    Distcache.write(src.resolve("t.c"), "int t;\n");
    dc.run(src, "gcc", "-MD", "-MT", "custom$target", "-c", "t.c", "-o", "t1.o").ok();
    dc.run(src, "gcc", "-MD", "-MT", "custom$target", "-c", "t.c", "-o", "t2.o").ok();
    String hit = new String(Distcache.read(src.resolve("t2.d")));
    dc.run(src, "gcc", "-Wp,-MD,wp1.d", "-c", "t.c", "-o", "w1.o").ok();
    dc.run(src, "gcc", "-Wp,-MD,wp2.d", "-c", "t.c", "-o", "w2.o").ok();
    String wpHit = new String(Distcache.read(src.resolve("wp2.d")));
    dc.direct(src, "gcc", "-MD", "-MT", "custom$target", "-c", "t.c", "-o", "t2.o").ok();
    dc.direct(src, "gcc", "-Wp,-MD,wp2.d", "-c", "t.c", "-o", "w2.o").ok();
    assertEquals(new String(Distcache.read(src.resolve("t2.d"))), hit);
    assertEquals(new String(Distcache.read(src.resolve("wp2.d"))), wpHit);
    assertEquals(2, dc.hits());
  }

  @Test
  void splitDwarf_hitWritesObjectAndDwoIdenticalToGcc() {
    Distcache.write(src.resolve("s.c"), "int s(int x) { return x * 2; }\n");
    dc.run(src, "gcc", "-g", "-gsplit-dwarf", "-c", "s.c", "-o", "s.o").ok();
    assertTrue(Files.exists(src.resolve("s.dwo")));
    dc.exec(src, "rm", "s.o", "s.dwo").ok();
    dc.run(src, "gcc", "-g", "-gsplit-dwarf", "-c", "s.c", "-o", "s.o").ok();
    byte[] obj = Distcache.read(src.resolve("s.o"));
    byte[] dwo = Distcache.read(src.resolve("s.dwo"));
    dc.direct(src, "gcc", "-g", "-gsplit-dwarf", "-c", "s.c", "-o", "s.o").ok();
    assertArrayEquals(Distcache.read(src.resolve("s.o")), obj);
    assertArrayEquals(Distcache.read(src.resolve("s.dwo")), dwo);
    assertEquals(1, dc.hits());
  }

  @Test
  void splitDwarfWithG0_theDwoGccWritesAnywayIsReproducedOnAHit() {
    Distcache.write(src.resolve("z.c"), "int z;\n");
    dc.run(src, "gcc", "-gsplit-dwarf", "-g0", "-c", "z.c").ok();
    dc.exec(src, "rm", "z.o", "z.dwo").ok();
    dc.run(src, "gcc", "-gsplit-dwarf", "-g0", "-c", "z.c").ok();
    byte[] obj = Distcache.read(src.resolve("z.o"));
    byte[] dwo = Distcache.read(src.resolve("z.dwo"));
    dc.direct(src, "gcc", "-gsplit-dwarf", "-g0", "-c", "z.c").ok();
    assertArrayEquals(Distcache.read(src.resolve("z.o")), obj);
    assertArrayEquals(Distcache.read(src.resolve("z.dwo")), dwo);
    assertEquals(1, dc.hits());
  }

  @Test
  void assemblyOutput_andDefaultOutputName_matchGcc() {
    Distcache.write(src.resolve("sub/a.c"), "int a(void) { return 7; }\n");
    dc.run(src, "gcc", "-S", "sub/a.c").ok();
    dc.exec(src, "rm", "a.s").ok();
    dc.run(src, "gcc", "-S", "sub/a.c").ok();
    byte[] viaHit = Distcache.read(src.resolve("a.s"));
    dc.run(src, "gcc", "-c", "sub/a.c").ok();
    assertTrue(Files.exists(src.resolve("a.o")));
    dc.direct(src, "gcc", "-S", "sub/a.c").ok();
    assertArrayEquals(Distcache.read(src.resolve("a.s")), viaHit);
    assertEquals(1, dc.hits());
  }

  @Test
  void uncacheableCalls_runTheRealCompiler_andAreCountedByReason() {
    Distcache.write(src.resolve("hello.c"), HELLO_C);
    Distcache.write(src.resolve("conftest.c"), HELLO_C);
    dc.run(src, "gcc", "hello.c", "-o", "hello").ok();
    assertEquals("hi\n", dc.exec(src, "./hello").ok().out());
    Run pre = dc.run(src, "gcc", "-E", "hello.c").ok();
    assertArrayEquals(dc.direct(src, "gcc", "-E", "hello.c").ok().stdout(), pre.stdout());
    dc.run(src, "gcc", "-o", "conftest", "conftest.c").ok();
    Run asmToStdout = dc.run(src, "gcc", "-S", "hello.c", "-o", "-").ok();
    assertArrayEquals(
        dc.direct(src, "gcc", "-S", "hello.c", "-o", "-").ok().stdout(), asmToStdout.stdout());
    Run noInput = dc.run(src, "gcc", "-c");
    assertEquals(dc.direct(src, "gcc", "-c").exitCode(), noInput.exitCode());
    assertEquals(1, dc.stat("called_for_link"));
    assertEquals(1, dc.stat("called_for_preprocessing"));
    assertEquals(1, dc.stat("autoconf_test"));
    assertEquals(1, dc.stat("output_to_stdout"));
    assertEquals(1, dc.stat("no_input_file"));
    assertEquals(0, dc.stat("cache_miss"));
  }

  @Test
  void prefixCommandFromTheConfigurationFile_alsoRunsInFrontOfTheCompilerTheClientRuns() {
    Path log = tmp.resolve("prefix.log");
    Distcache.write(tmp.resolve("wrap"), "#!/bin/sh\necho \"$@\" >> " + log + "\nexec \"$@\"\n");
    dc.exec(tmp, "chmod", "+x", "wrap").ok();
    Distcache.write(
        dc.cacheDir.resolve("distcache.conf"),
        "# a comment\nprefix_command = " + tmp.resolve("wrap") + "\n");
    Distcache.write(src.resolve("hello.c"), HELLO_C);
    dc.run(src, "gcc", "hello.c", "-o", "hello").ok(); // a link: the client runs the compiler
    assertEquals("hi\n", dc.exec(src, "./hello").ok().out());
    String logged = new String(Distcache.read(log));
    assertTrue(logged.matches("/\\S*gcc hello.c -o hello\n"), logged);
    assertEquals(1, dc.stat("called_for_link"));
  }

  @Test
  void sourceFromStandardInput_isCompiledByTheRealCompilerReadingTheClientsStdin() {
    Distcache.write(src.resolve("in.c"), HELLO_C);
    List<String> gcc = List.of("gcc", "-x", "c", "-c", "-", "-o");
    List<String> cmd = new ArrayList<>(List.of(Distcache.LAUNCHER.toString()));
    cmd.addAll(gcc);
    cmd.add("stdin.o");
    Processes.run(src, dc.env, cmd, Processes.TIMEOUT_SECONDS, src.resolve("in.c")).ok();
    Map<String, String> plain = new HashMap<>(dc.env);
    plain.keySet().removeIf(k -> k.startsWith("DISTCACHE_"));
    cmd = new ArrayList<>(gcc);
    cmd.add("direct.o");
    Processes.run(src, plain, cmd, Processes.TIMEOUT_SECONDS, src.resolve("in.c")).ok();
    assertArrayEquals(
        Distcache.read(src.resolve("direct.o")), Distcache.read(src.resolve("stdin.o")));
    assertEquals(1, dc.stat("no_input_file"));
  }

  @Test
  void responseFile_argumentsAreReadFromIt() {
    Distcache.write(src.resolve("inc dir/r.h"), "#define R 5\n");
    Distcache.write(src.resolve("r.c"), "#include \"r.h\"\nint r = R;\n");
    Distcache.write(src.resolve("args.rsp"), "-I'inc dir' -DX=1\n-c r.c");
    dc.run(src, "gcc", "@args.rsp", "-o", "r1.o").ok();
    dc.run(src, "gcc", "@args.rsp", "-o", "r2.o").ok();
    dc.direct(src, "gcc", "@args.rsp", "-o", "direct.o").ok();
    assertArrayEquals(Distcache.read(src.resolve("direct.o")), Distcache.read(src.resolve("r2.o")));
    assertEquals(1, dc.hits());
  }

  @Test
  void changedHeader_isAMiss_andTheNewObjectIsRight() {
    Distcache.write(src.resolve("v.h"), "#define V 1\n");
    Distcache.write(src.resolve("v.c"), "#include \"v.h\"\nint v = V;\n");
    dc.run(src, "gcc", "-c", "v.c").ok();
    Distcache.write(src.resolve("v.h"), "#define V 2\n");
    dc.run(src, "gcc", "-c", "v.c").ok();
    byte[] obj = Distcache.read(src.resolve("v.o"));
    dc.direct(src, "gcc", "-c", "v.c").ok();
    assertArrayEquals(Distcache.read(src.resolve("v.o")), obj);
    assertEquals(2, dc.stat("cache_miss"));
    assertEquals(0, dc.hits());
  }

  @Test
  void debugMode_writesTheHashInputsBesideTheObject() {
    Distcache.write(src.resolve("d.c"), "int d = 4;\n");
    dc.with("DISTCACHE_DEBUG", "1").run(src, "gcc", "-O1", "-c", "d.c").ok();
    String inputs = new String(Distcache.read(src.resolve("d.o.distcache-input-text")));
    assertTrue(inputs.contains("### arg"), inputs);
    assertTrue(inputs.contains("-O1"), inputs);
    assertTrue(inputs.contains("int d = 4;"), inputs);
    String direct = new String(Distcache.read(src.resolve("d.o.distcache-input-direct")));
    assertTrue(direct.contains("### source-content"), direct);
    assertTrue(direct.contains("-O1"), direct);
  }

  @Test
  void stdoutOfTheCompile_isStoredAndReplayedByteForByte() {
    Distcache.write(
        tmp.resolve("chatty"), "#!/bin/sh\nprintf 'wrapper says \\001\\377 hi\\n'\nexec \"$@\"\n");
    dc.exec(tmp, "chmod", "+x", "chatty").ok();
    Distcache.write(src.resolve("o.c"), WARNS_C);
    dc.with("DISTCACHE_PREFIX", tmp.resolve("chatty").toString());
    Run miss = dc.run(src, "gcc", "-Wall", "-c", "o.c").ok();
    Run hit = dc.run(src, "gcc", "-Wall", "-c", "o.c").ok();
    assertArrayEquals(
        new byte[] {
          'w',
          'r',
          'a',
          'p',
          'p',
          'e',
          'r',
          ' ',
          's',
          'a',
          'y',
          's',
          ' ',
          1,
          (byte) 0xff,
          ' ',
          'h',
          'i',
          '\n'
        },
        miss.stdout());
    assertArrayEquals(miss.stdout(), hit.stdout());
    assertArrayEquals(miss.stderr(), hit.stderr());
    assertEquals(1, dc.hits());
  }

  @Test
  void prefixCommand_runsInFrontOfTheCompilerOnAMiss_andIsNotPartOfTheKey() {
    Path log = tmp.resolve("prefix.log");
    Distcache.write(tmp.resolve("wrap"), "#!/bin/sh\necho \"$@\" >> " + log + "\nexec \"$@\"\n");
    dc.exec(tmp, "chmod", "+x", "wrap").ok();
    Distcache.write(src.resolve("p.c"), "int p;\n");
    dc.with("DISTCACHE_PREFIX", tmp.resolve("wrap").toString()).run(src, "gcc", "-c", "p.c").ok();
    String logged = new String(Distcache.read(log));
    assertTrue(logged.contains("gcc -c p.c"), logged);
    dc.with("DISTCACHE_PREFIX", "").run(src, "gcc", "-c", "p.c").ok();
    assertEquals(1, dc.hits());
    assertEquals(logged, new String(Distcache.read(log)));
  }

  /** As ccache takes {@code ccache ccache gcc} for {@code ccache gcc}. */
  @Test
  void distcacheNamedTwice_compilesAsIfNamedOnce() {
    Distcache.write(src.resolve("twice.c"), HELLO_C);
    dc.direct(src, "gcc", "-c", "twice.c", "-o", "direct.o").ok();

    Run miss = dc.run(src, "distcache", "gcc", "-c", "twice.c", "-o", "miss.o");
    Run hit =
        dc.run(
            src, Distcache.LAUNCHER.toString(), "distcache", "gcc", "-c", "twice.c", "-o", "hit.o");

    assertEquals(0, miss.exitCode(), miss.err());
    assertEquals("", miss.err());
    assertEquals(0, hit.exitCode(), hit.err());
    byte[] direct = Distcache.read(src.resolve("direct.o"));
    assertArrayEquals(direct, Distcache.read(src.resolve("miss.o")));
    assertArrayEquals(direct, Distcache.read(src.resolve("hit.o")));
    assertEquals(1, dc.stat("cache_miss"));
    assertEquals(1, dc.hits());
    assertEquals(0, dc.stat("could_not_find_compiler"));
  }
}
