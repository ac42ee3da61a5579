package dev.distcache.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.testing.DistccDaemon;
import dev.distcache.testing.RemoteDaemon;
import dev.distcache.testing.Run;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * clang and clang++ jobs on the farm: a stock distccd on 127.0.0.2 (which runs clang because
 * Debian's distcc links it in /usr/lib/distcc, bin/setup sees to that) and {@code distcache daemon}
 * over the native protocol and over distcc's. Objects and dependency files are byte-identical to
 * plain local clang's, and the daemon runs the compiler the job asked for: gcc and clang jobs with
 * the same source and flags are two misses in its cache, each with its own compiler's object.
 */
class ClangFarmTest {
  private static final String ADDRESS = "127.0.0.2";
  static final String MAIN_C =
      "#include <stdio.h>\n#include \"config.h\"\n"
          + "int main(void) { printf(\"%d\\n\", VALUE * SCALE); return 0; }\n";
  static final String MAIN_CXX =
      "#include <iostream>\n#include <string>\n#include \"config.h\"\n"
          + "int main() { std::cout << std::to_string(VALUE * SCALE) << '\\n'; }\n";

  @TempDir Path tmp;
  Path src;
  Distcache dc;
  DistccDaemon distccd;
  RemoteDaemon daemon;

  @BeforeEach
  void setUp() {
    src = tmp.resolve("src");
    Distcache.write(src.resolve("main.c"), MAIN_C);
    Distcache.write(src.resolve("main.cpp"), MAIN_CXX);
    Distcache.write(src.resolve("inc/config.h"), "#define VALUE 14\n");
    dc = new Distcache(tmp.resolve("cache"));
  }

  @AfterEach
  void tearDown() throws Exception {
    dc.close();
    if (distccd != null) {
      distccd.close();
    }
    if (daemon != null) {
      daemon.close();
    }
  }

  /** Starts the host and points the client at it. */
  private void start(String host) throws Exception {
    if (host.equals("distccd")) {
      distccd = DistccDaemon.start(ADDRESS, tmp.resolve("distccd"));
      dc.with("DISTCACHE_HOSTS", distccd.host("/2,lzo"));
    } else {
      daemon =
          RemoteDaemon.on(ADDRESS, tmp.resolve("daemon"))
              .allowGccAndGxx()
              .args("--allow-compiler", "clang,clang++")
              .start();
      // the native protocol, or the distcc protocol (2, LZO) that stock distcc clients speak
      dc.with(
          "DISTCACHE_HOSTS",
          ADDRESS + ":" + daemon.port + (host.endsWith("distcc") ? "/2,lzo" : ",distcache"));
    }
  }

  private static String[] compile(String compiler, String source, String object) {
    return new String[] {
      compiler, "-O2", "-DSCALE=3", "-I", "inc", "-MD", "-c", source, "-o", object
    };
  }

  @ParameterizedTest
  @ValueSource(strings = {"distccd", "distcache daemon", "distcache daemon over distcc"})
  void clangAndClangxxJobs_onTheFarm_objectsAndDependencyFilesAsPlainClang(String host)
      throws Exception {
    start(host);
    String[][] jobs = {{"clang", "main.c"}, {"clang++", "main.cpp"}};
    for (String[] job : jobs) {
      long remoteBefore = dc.stat("remote_compile");
      Run viaFarm = dc.run(src, compile(job[0], job[1], "farm.o")).ok();
      assertEquals(1, dc.stat("remote_compile") - remoteBefore, job[0] + " went remote");
      assertEquals(0, viaFarm.stderr().length, viaFarm.err());
      byte[] object = Distcache.read(src.resolve("farm.o"));
      byte[] dep = Distcache.read(src.resolve("farm.d"));
      Run plain = dc.direct(src, compile(job[0], job[1], "farm.o")).ok();
      assertArrayEquals(plain.stderr(), viaFarm.stderr());
      assertArrayEquals(Distcache.read(src.resolve("farm.o")), object, job[0]);
      assertArrayEquals(Distcache.read(src.resolve("farm.d")), dep, job[0]);
    }
    if (daemon != null) {
      List<String> lines = daemon.awaitSummaries(2);
      assertTrue(lines.get(0).contains(" clang main.c cache:miss"), lines.toString());
      assertTrue(lines.get(1).contains(" clang++ main.cpp cache:miss"), lines.toString());
      assertTrue(lines.stream().allMatch(l -> l.contains(" COMPILE_OK ")), lines.toString());
    } else {
      assertEquals(2, distccd.jobs("COMPILE_OK"), distccd.log());
    }
  }

  /** A clang job with warnings: what the user sees is plain clang's stderr, byte for byte. */
  @ParameterizedTest
  @ValueSource(strings = {"distccd", "distcache daemon"})
  void clangWarnings_viaTheFarm_stderrAndObjectAsPlainClang(String host) throws Exception {
    start(host);
    // a warning inside a macro: compiled from the preprocessed text, clang could not say where
    // the macro came from ("expanded from macro"), so the remote stderr is not the local one's
    Distcache.write(
        src.resolve("w.c"),
        "#define DIV(x) ((x) / 0)\nint f(int x) {\n  int unused = 1;\n  return DIV(x);\n}\n");
    String[] args = {"clang", "-Wall", "-c", "w.c", "-o", "w.o"};
    Run viaFarm = dc.run(src, args).ok();
    byte[] object = Distcache.read(src.resolve("w.o"));
    Run plain = dc.direct(src, args).ok();
    assertTrue(plain.err().contains("expanded from macro 'DIV'"), plain.err());
    assertEquals(plain.exitCode(), viaFarm.exitCode());
    assertArrayEquals(plain.stdout(), viaFarm.stdout());
    assertArrayEquals(plain.stderr(), viaFarm.stderr(), viaFarm.err());
    assertArrayEquals(Distcache.read(src.resolve("w.o")), object);
    Run hit = dc.run(src, args).ok();
    assertArrayEquals(plain.stderr(), hit.stderr(), hit.err());
    assertEquals(1, dc.hits());
  }

  /** clang's --target= and an allowed -Xclang option go to the host, and come back as local. */
  @ParameterizedTest
  @ValueSource(strings = {"distccd", "distcache daemon", "distcache daemon over distcc"})
  void clangsTargetAndXclang_goRemote_objectAsPlainClang(String host) throws Exception {
    start(host);
    String[] args = {
      "clang",
      "--target=x86_64-linux-gnu",
      "-Xclang",
      "-target-feature",
      "-Xclang",
      "+avx2",
      "-O2",
      "-I",
      "inc",
      "-DSCALE=2",
      "-c",
      "main.c",
      "-o",
      "x.o"
    };
    Run viaFarm = dc.run(src, args).ok();
    assertEquals(1, dc.stat("remote_compile"), "it went remote");
    assertEquals(0, viaFarm.stderr().length, viaFarm.err());
    byte[] object = Distcache.read(src.resolve("x.o"));
    dc.direct(src, args).ok();
    assertArrayEquals(Distcache.read(src.resolve("x.o")), object);
  }

  /**
   * The same source and flags with gcc and with clang, in either order, through two clients with
   * caches of their own: the host compiles both, each with the compiler asked for, and the daemon's
   * cache serves neither for the other.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "distccd:gcc,clang",
        "distcache daemon:gcc,clang",
        "distcache daemon:clang,gcc",
        "distcache daemon:clang++,g++",
        "distcache daemon over distcc:gcc,clang"
      })
  void sameJobWithGccAndWithClang_eachRunsTheCompilerAskedFor(String spec) throws Exception {
    String host = spec.substring(0, spec.indexOf(':'));
    String[] compilers = spec.substring(spec.indexOf(':') + 1).split(",");
    String source = compilers[0].endsWith("++") ? "main.cpp" : "main.c";
    start(host);
    List<byte[]> objects = new ArrayList<>();
    for (int i = 0; i < compilers.length; i++) {
      String compiler = compilers[i];
      try (Distcache client = new Distcache(tmp.resolve("client-" + i))) {
        client.with("DISTCACHE_HOSTS", dc.env.get("DISTCACHE_HOSTS"));
        client.run(src, compile(compiler, source, compiler + ".o")).ok();
        assertEquals(1, client.stat("remote_compile"), compiler + " went remote");
        byte[] remote = Distcache.read(src.resolve(compiler + ".o"));
        client.direct(src, compile(compiler, source, compiler + ".o")).ok();
        assertArrayEquals(Distcache.read(src.resolve(compiler + ".o")), remote, compiler);
        objects.add(remote);
      }
    }
    assertFalse(Arrays.equals(objects.get(0), objects.get(1)), "two compilers, two objects");
    if (daemon != null) {
      List<String> lines = daemon.awaitSummaries(2);
      for (int i = 0; i < 2; i++) {
        assertTrue(
            lines.get(i).contains(" " + compilers[i] + " " + source + " cache:miss"),
            lines.toString());
      }
    } else {
      assertEquals(2, distccd.jobs("COMPILE_OK"), distccd.log());
    }
  }
}
