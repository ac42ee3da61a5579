package dev.distcache.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * gcc's long spellings of options that write files ({@code --write-dependencies}, {@code
 * --for-assembler=-adhln=FILE}) through the local cache: every call leaves exactly the files a
 * direct compile leaves, on a miss and on a hit.
 */
class LongOptionSpellingsTest {
  private static final String DEP_C = "#include \"inc/dep.h\"\nint n = N;\n";

  @TempDir Path tmp;
  Distcache dc;

  @BeforeEach
  void setUp() {
    dc = new Distcache(tmp.resolve("cache"));
  }

  @AfterEach
  void tearDown() {
    dc.close();
  }

  private Path project(String name) {
    return project(name, 3);
  }

  private Path project(String name, int n) {
    Path dir = tmp.resolve(name);
    Distcache.write(dir.resolve("inc/dep.h"), "#define N " + n + "\n");
    Distcache.write(dir.resolve("dep.c"), DEP_C);
    return dir;
  }

  private static List<String> files(Path dir) throws IOException {
    List<String> names = new ArrayList<>();
    try (Stream<Path> s = Files.walk(dir)) {
      s.filter(Files::isRegularFile).forEach(p -> names.add(dir.relativize(p).toString()));
    }
    names.sort(null);
    return names;
  }

  @Test
  void writeDependencies_writesGccsDependencyFile_onAMissAndOnAHit_andNothingElse()
      throws Exception {
    String[][] spellings = {
      {"--write-dependencies"}, {"--write-user-dependencies"}, {"--write-dep"}
    };
    for (int k = 0; k < spellings.length; k++) {
      String[] spelling = spellings[k];
      Path direct = project("direct" + k, k);
      Path viaCache = project("cache" + k, k);
      List<String> argv =
          new ArrayList<>(List.of("gcc", spelling[0], "-c", "dep.c", "-o", "dep.o"));
      dc.direct(direct, argv.toArray(String[]::new)).ok();
      long hits = dc.hits();
      dc.run(viaCache, argv.toArray(String[]::new)).ok();
      assertEquals(files(direct), files(viaCache), spelling[0] + " on a miss");
      assertArrayEquals(
          Distcache.read(direct.resolve("dep.d")), Distcache.read(viaCache.resolve("dep.d")));

      Files.delete(viaCache.resolve("dep.d"));
      Files.delete(viaCache.resolve("dep.o"));
      dc.run(viaCache, argv.toArray(String[]::new)).ok();
      assertEquals(hits + 1, dc.hits(), spelling[0] + " is cached like -MD");
      assertEquals(files(direct), files(viaCache), spelling[0] + " on a hit");
      assertArrayEquals(
          Distcache.read(direct.resolve("dep.d")), Distcache.read(viaCache.resolve("dep.d")));
      assertArrayEquals(
          Distcache.read(direct.resolve("dep.o")), Distcache.read(viaCache.resolve("dep.o")));
    }
  }

  @Test
  void assemblerListing_isWrittenByEveryCall() throws Exception {
    Path dir = project("listing");
    for (List<String> spelling :
        List.of(
            List.of("--for-assembler=-adhln=x.lst"),
            List.of("--for-assembler", "-adhln=x.lst"),
            List.of("--for-as", "-adhln=x.lst"),
            List.of("-Xassembler", "-adhln=x.lst"),
            List.of("-Wa,-adhln=x.lst"))) {
      for (int i = 0; i < 2; i++) {
        Files.deleteIfExists(dir.resolve("x.lst"));
        List<String> argv = new ArrayList<>(List.of("gcc", "-c", "dep.c", "-o", "dep.o"));
        argv.addAll(spelling);
        dc.run(dir, argv.toArray(String[]::new)).ok();
        assertTrue(
            Files.size(dir.resolve("x.lst")) > 0,
            spelling + " call " + (i + 1) + " wrote no listing");
      }
    }
    // As in ccache, only the -Wa, form is cached (its second call is a hit that writes the
    // listing); the -Xassembler spellings run the compiler every time.
    assertEquals(1, dc.hits());
  }
}
