package dev.distcache.server.outputs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.distcache.core.args.ArgsClassifier;
import dev.distcache.core.args.Classification;
import dev.distcache.core.args.Invocation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OtherCheckoutTest {
  private static final Path CWD = Path.of("/tmp/build");

  private static Invocation inv(String... args) {
    Classification c = ArgsClassifier.classify("gcc", List.of(args), CWD, Map.of());
    return ((Classification.Cacheable) c).invocation();
  }

  private static UnaryOperator<String> renamer(String[] stored, String[] current) {
    return OtherCheckout.renamer(OtherCheckout.meta(inv(stored)), inv(current), CWD);
  }

  @Test
  void pathsThatDifferByOneRoot_renameNamesUnderThatRootOnly() {
    UnaryOperator<String> r =
        renamer(
            new String[] {
              "-I/w/ci-1/proj/include", "-I/w/ci-1/proj", "-I/usr/local/x", "-c", "/w/ci-1/proj/a.c"
            },
            new String[] {
              "-I/w/ci-22/proj/include",
              "-I/w/ci-22/proj",
              "-I/usr/local/x",
              "-c",
              "/w/ci-22/proj/a.c"
            });
    assertEquals("/w/ci-22/proj/include/h.h", r.apply("/w/ci-1/proj/include/h.h"));
    assertEquals("/usr/local/x/y.h", r.apply("/usr/local/x/y.h"));
    assertEquals("src/z.h", r.apply("src/z.h"));
  }

  @Test
  void theCheckoutItselfAsTheOnlyDifferingPath_isItsOwnRoot() {
    UnaryOperator<String> r =
        renamer(new String[] {"-I/w/dir1", "-c", "a.c"}, new String[] {"-I/w/dir2", "-c", "a.c"});
    assertEquals("/w/dir2/h.h", r.apply("/w/dir1/h.h"));
  }

  @Test
  void sameArguments_keepEveryName() {
    String[] args = {"-I/w/dir1/include", "-c", "a.c"};
    assertEquals("/w/dir1/include/h.h", renamer(args, args).apply("/w/dir1/include/h.h"));
  }

  @Test
  void argumentsThatDifferOtherwise_cannotBeRenamed() {
    assertNull(
        renamer(
            new String[] {"-I/w/dir1/include", "-I/w/dir1/gen", "-c", "a.c"},
            new String[] {"-I/w/dir2/include", "-I/w/dir1/gen", "-c", "a.c"}),
        "one path still names the first checkout");
    assertNull(
        renamer(
            new String[] {"-I/w/dir1/include", "-c", "a.c"},
            new String[] {"-Iinclude", "-c", "a.c"}),
        "a relative path where the stored one was absolute");
    assertNull(
        renamer(
            new String[] {"-I/x/include", "-c", "a.c"},
            new String[] {"-I/y/x/include", "-c", "a.c"}),
        "the root would be /, and every absolute name would move");
    assertNull(
        renamer(
            new String[] {"-I/w/a b/include", "-c", "a.c"},
            new String[] {"-I/w/c/include", "-c", "a.c"}),
        "gcc quotes a blank");
    assertNull(
        renamer(
            new String[] {"-I/w/dir1/include", "-c", "a.c", "-O1"},
            new String[] {"-I/w/dir2/include", "-c", "a.c", "-O2"}),
        "another option");
  }

  @Test
  void aSourceNamedByItsAbsolutePath_nowRelativeBefore_prefixesTheNamesBesideIt(@TempDir Path tmp)
      throws Exception {
    Path real = tmp.resolve("real");
    Files.createDirectories(real.resolve("src"));
    Files.createSymbolicLink(tmp.resolve("link"), real);
    String abs = tmp.resolve("link/src/a.c").toString();
    UnaryOperator<String> r =
        renamer(real, new String[] {"-I/w/include", "-c", "src/a.c"}, "-I/w/include", "-c", abs);
    assertEquals(abs, r.apply("src/a.c"), "the source as given, through the link");
    assertEquals(tmp + "/link/src/../x/b.h", r.apply("src/../x/b.h"));
    assertEquals("/w/include/h.h", r.apply("/w/include/h.h"));
    assertNull(r.apply("other/c.h"), "a relative name from elsewhere cannot be told");
    assertNull(
        renamer(real, new String[] {"-Iinclude", "-c", "src/a.c"}, "-Iinclude", "-c", abs),
        "a relative include directory");
    Files.createDirectories(tmp.resolve("elsewhere/src"));
    assertNull(
        renamer(
            real,
            new String[] {"-c", "src/a.c"},
            "-c",
            tmp.resolve("elsewhere/src/a.c").toString()),
        "another directory");
  }

  private static UnaryOperator<String> renamer(Path cwd, String[] stored, String... current) {
    return OtherCheckout.renamer(OtherCheckout.meta(inv(cwd, stored)), inv(cwd, current), cwd);
  }

  private static Invocation inv(Path cwd, String... args) {
    Classification c = ArgsClassifier.classify("gcc", List.of(args), cwd, Map.of());
    return ((Classification.Cacheable) c).invocation();
  }

  @Test
  void aResultStoredWithoutItsPaths_cannotBeRenamed() {
    assertNull(OtherCheckout.renamer(Map.of(), inv("-c", "a.c"), CWD));
  }
}
