package dev.distcache.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.testing.RemoteDaemon;
import dev.distcache.testing.Run;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Compiles with debug info go to a distcache daemon with their sources and headers, and come back
 * byte-identical to a local compile in the same directory: the daemon recreates the files under
 * their own paths and maps its directory away. Each compile is checked against the plain compiler
 * run in the same directory with the same arguments, for gcc, g++, clang and clang++, with {@code
 * -g}, {@code -ggdb3} (macro tables), optimized {@code -g}, relative and absolute paths, a header
 * reached through {@code ..}, {@code __FILE__}, the user's own prefix maps, and split DWARF (the
 * {@code .dwo} comes back too). What cannot come back identical stays local.
 */
class RemoteDebugBuildTest {
  private static final String ADDRESS = "127.0.0.2";
  private static final String HEADER =
      "#define GREETING \"hello\"\n"
          + "#define WHERE __FILE__\n"
          + "static inline int square(int x) { return x * x; }\n";
  private static final String MAIN_C =
      "#include <stdio.h>\n#include <assert.h>\n#include \"config.h\"\n"
          + "#include \"../include/util.h\"\n"
          + "int main(int argc, char **argv) {\n  assert(argc > 0);\n"
          + "  printf(\"%s %s %s %d\\n\", GREETING, WHERE, __FILE__, square(argc));\n"
          + "  return 0;\n}\n";
  private static final String MAIN_CXX =
      "#include <iostream>\n#include <string>\n#include <vector>\n#include \"config.h\"\n"
          + "#include \"../include/util.h\"\n"
          + "int main() {\n  std::vector<std::string> v{GREETING, WHERE};\n"
          + "  for (const auto &s : v) std::cout << s << square(3) << '\\n';\n}\n";

  @TempDir Path tmp;
  Path project;
  Path src;
  Distcache dc;
  RemoteDaemon daemon;

  @BeforeEach
  void setUp() throws Exception {
    project = tmp.resolve("project");
    src = project.resolve("src");
    Distcache.write(src.resolve("main.c"), MAIN_C);
    Distcache.write(src.resolve("main.cpp"), MAIN_CXX);
    Distcache.write(project.resolve("include/config.h"), HEADER);
    Distcache.write(project.resolve("include/util.h"), "#define UTIL 1\n");
    daemon =
        RemoteDaemon.on(ADDRESS, tmp.resolve("daemon"))
            .allowGccAndGxx()
            .args("--allow-compiler", "clang,clang++")
            .start();
    dc = client(tmp.resolve("cache"));
  }

  @AfterEach
  void tearDown() throws Exception {
    dc.close();
    daemon.close();
  }

  private Distcache client(Path cache) {
    return new Distcache(cache)
        .with("DISTCACHE_HOSTS", ADDRESS + ":" + daemon.port + ",distcache")
        .with("DISTCACHE_LOG_FILE", tmp.resolve("client.log").toString());
  }

  /**
   * One compile of the matrix: its arguments, and the object and {@code .dwo} (null for none) it
   * writes, relative to {@code src}.
   */
  private record Variant(List<String> args, String object, String dwo) {
    Variant(String object, String dwo, String... args) {
      this(List.of(args), object, dwo);
    }
  }

  /** The debug-info variants each compiler is tried with, relative and absolute. */
  private List<Variant> variants(String source) {
    String abs = src.resolve(source).toString();
    String inc = project.resolve("include").toString();
    String map = "-fdebug-prefix-map=" + project + "=/srv/build";
    return List.of(
        new Variant("main.o", null, "-g", "-I../include", "-c", source, "-o", "main.o"),
        new Variant("main.o", null, "-ggdb3", "-O2", "-DX=2", "-I", inc, "-c", abs, "-o", "main.o"),
        new Variant(
            "main.o", null, "-O1", "-g", "-MD", "-I../include", "-c", abs, "-o", src + "/main.o"),
        new Variant("main.o", null, "-g", map, "-I", inc, "-c", source, "-o", "main.o"),
        new Variant(
            "main.o", null, "-g", "-ffile-prefix-map=" + project + "=.", "-I", inc, "-c", abs),
        // split DWARF (a relative output path): the object names its .dwo by it
        new Variant(
            "obj/main.o",
            "obj/main.dwo",
            "-g",
            "-gsplit-dwarf",
            "-I../include",
            "-c",
            source,
            "-o",
            "obj/main.o"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"gcc", "g++", "clang", "clang++"})
  void debugCompiles_goRemoteWithTheirSources_andComeBackAsTheLocalObject(String compiler)
      throws Exception {
    String source = compiler.endsWith("++") ? "main.cpp" : "main.c";
    Files.createDirectories(src.resolve("obj"));
    for (Variant v : variants(source)) {
      List<String> args = v.args();
      String[] cmd = command(compiler, args);
      long sentBefore = dc.stat("remote_compile_sources");
      Run viaFarm = dc.run(src, cmd).ok();
      assertEquals(
          1,
          dc.stat("remote_compile_sources") - sentBefore,
          String.join(" ", cmd) + " went remote with its sources\n" + log());
      byte[] object = Distcache.read(src.resolve(v.object()));
      byte[] dwo = v.dwo() == null ? null : Distcache.read(src.resolve(v.dwo()));
      byte[] deps = args.contains("-MD") ? Distcache.read(src.resolve("main.d")) : null;
      Run plain = dc.direct(src, cmd).ok();
      assertArrayEquals(plain.stderr(), viaFarm.stderr(), viaFarm.err());
      assertArrayEquals(plain.stdout(), viaFarm.stdout());
      byte[] local = Distcache.read(src.resolve(v.object()));
      assertArrayEquals(local, object, String.join(" ", cmd));
      if (dwo != null) {
        assertArrayEquals(Distcache.read(src.resolve(v.dwo())), dwo, String.join(" ", cmd));
        Files.delete(src.resolve(v.dwo()));
      }
      if (deps != null) {
        assertArrayEquals(Distcache.read(src.resolve("main.d")), deps);
      }
      if (args.stream().noneMatch(a -> a.contains("prefix-map="))) {
        // the debug info names this machine's directories: the comparison above is about them
        String text = new String(local, StandardCharsets.ISO_8859_1);
        assertTrue(text.contains(project.toString()), "the object names the project");
      }
      Files.delete(src.resolve(v.object()));
    }
    assertTrue(
        daemon.summaries().stream().allMatch(l -> l.contains(" COMPILE_OK ")),
        daemon.summaries().toString());
  }

  /** A second machine with an empty cache gets the daemon's stored result: the same object. */
  @Test
  void aSecondClient_getsTheDaemonsStoredDebugObject() throws Exception {
    String[] cmd = command("gcc", List.of("-g", "-I../include", "-c", "main.c", "-o", "main.o"));
    dc.run(src, cmd).ok();
    byte[] first = Distcache.read(src.resolve("main.o"));
    try (Distcache second = client(tmp.resolve("cache2"))) {
      second.run(src, cmd).ok();
      assertEquals(1, second.stat("remote_compile_sources"));
    }
    List<String> lines = daemon.awaitSummaries(2);
    assertTrue(lines.get(1).contains("cache:hit"), lines.toString());
    assertArrayEquals(first, Distcache.read(src.resolve("main.o")));
    dc.direct(src, cmd).ok();
    assertArrayEquals(Distcache.read(src.resolve("main.o")), first);
  }

  /**
   * A header that asks {@code __has_include} for a file it does not include (the daemon lacks that
   * file, so the answer would differ and the object with it), {@code -frecord-gcc-switches} (the
   * daemon's command line would be in the object) and split DWARF with an absolute output path (gcc
   * names the {@code .dwo} in the object by the path it writes, which no prefix map changes) stay
   * local, and give the local outputs.
   */
  @Test
  void whatCannotComeBackIdentical_staysLocal() throws Exception {
    Distcache.write(
        project.resolve("include/probe.h"),
        "#if __has_include(\"optional.h\")\n#define HAVE_OPTIONAL 1\n#else\n"
            + "#define HAVE_OPTIONAL 0\n#endif\n");
    Distcache.write(project.resolve("include/optional.h"), "#error not meant to be included\n");
    Distcache.write(
        src.resolve("probe.c"),
        "#include \"probe.h\"\nint have_optional(void) { return HAVE_OPTIONAL; }\n");
    String[][] cases = {
      {"gcc", "-g", "-I../include", "-c", "probe.c", "-o", "probe.o"},
      {"gcc", "-g", "-frecord-gcc-switches", "-I../include", "-c", "main.c", "-o", "probe.o"},
      {"gcc", "-g", "-gsplit-dwarf", "-I../include", "-c", "main.c", "-o", src + "/probe.o"},
    };
    for (String[] cmd : cases) {
      dc.run(src, cmd).ok();
      byte[] object = Distcache.read(src.resolve("probe.o"));
      dc.direct(src, cmd).ok();
      assertArrayEquals(Distcache.read(src.resolve("probe.o")), object, String.join(" ", cmd));
    }
    assertEquals(0, dc.stat("remote_compile"), log());
    String log = log();
    assertTrue(log.contains("uses __has_include"), log);
    assertTrue(log.contains("-frecord-gcc-switches stays local"), log);
    assertTrue(log.contains("split DWARF with an absolute output path"), log);
  }

  private static String[] command(String compiler, List<String> args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(compiler);
    cmd.addAll(args);
    return cmd.toArray(String[]::new);
  }

  private String log() throws Exception {
    Path log = tmp.resolve("client.log");
    return Files.exists(log) ? Files.readString(log) : "";
  }
}
