package dev.distcache.core.args;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * The normalizer against gcc itself: for generated spellings (every long option of the table,
 * abbreviated or not, joined or separate, opts-common's prefix map, inside {@code -Wp,} and {@code
 * -Xpreprocessor}), {@code gcc -###} prints the same commands for the spelling and for its
 * canonical form. {@code -###} runs nothing. (Items of {@code -Wp,} reach cc1 as written, so {@code
 * -###} cannot compare them; cc1 decodes them with the same option table.)
 */
class GccOptionParserProperties {
  private static Path dir;

  private static final List<String> VALUES =
      List.of(
          "x",
          "./",
          "-al",
          "c99",
          "2",
          "sse4",
          "X=1",
          "",
          "c",
          "none",
          "max-inline-insns-auto=5",
          "-adhln=l.lst",
          "inc",
          "all",
          "no-common",
          "--64",
          "t.d");

  private static final List<String> PREFIX_MAPPED =
      List.of(
          "--no-common",
          "--machine-sse4",
          "--machine=no-sse4",
          "--machine=sse4",
          "--machine-no-sse4",
          "--warn-all",
          "--warn-no-all",
          "--optimize=2",
          "--optimize=s",
          "--debug=3",
          "--debug=gdb",
          "--std=c99",
          "--std=gnu11",
          "--pic",
          "--PIC",
          "--plugin=x.so",
          "--dump-tree-all",
          "--stack-protector",
          "--no-",
          "--",
          "--machine",
          "--std",
          "--warn-",
          "--common",
          "--no-common=x");

  @BeforeContainer
  static void workingDirectory() throws IOException {
    dir = Files.createTempDirectory("gcc-option-parser");
    Files.writeString(dir.resolve("t.c"), "int t;\n");
  }

  @AfterContainer
  static void remove() throws IOException {
    try (var s = Files.walk(dir)) {
      for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  @Property(tries = 250)
  void gccReadsTheCanonicalFormAsItReadsTheSpelling(@ForAll("driverSpellings") List<String> spelled)
      throws Exception {
    List<String> canonical = GccOptionParser.canonical(spelled);
    assertEquals(commands(spelled), commands(canonical), spelled + " as " + canonical);
  }

  @Property(tries = 500)
  void theCanonicalFormIsAFixedPoint(@ForAll("spellings") List<String> spelled) {
    List<String> canonical = GccOptionParser.canonical(spelled);
    assertEquals(canonical, GccOptionParser.canonical(canonical), spelled.toString());
  }

  /**
   * What {@code gcc -### ARGS -c t.c -o t.o} would run (temporary names masked), its stdout and
   * exit code.
   */
  private static String commands(List<String> args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("gcc", "-###"));
    cmd.addAll(args);
    cmd.addAll(List.of("-c", "t.c", "-o", "t.o"));
    Process p =
        new ProcessBuilder(cmd)
            .directory(dir.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
            .start();
    byte[] out = p.getInputStream().readAllBytes();
    String err = new String(p.getErrorStream().readAllBytes());
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("gcc -### hung on " + args);
    }
    String runs =
        err.lines()
            .filter(l -> l.startsWith(" "))
            .map(l -> l.replaceAll("/tmp/cc[A-Za-z0-9]{6}", "/tmp/ccXXXXXX"))
            .collect(Collectors.joining("\n"));
    return "exit " + p.exitValue() + "\n" + new String(out) + runs;
  }

  @Provide
  Arbitrary<List<String>> driverSpellings() {
    return spellings(false);
  }

  @Provide
  Arbitrary<List<String>> spellings() {
    return spellings(true);
  }

  private Arbitrary<List<String>> spellings(boolean wrapped) {
    List<String> names =
        GccOptionParser.table().keySet().stream()
            .map(n -> n.endsWith("=") ? n.substring(0, n.length() - 1) : n)
            .distinct()
            .toList();
    Arbitrary<String> name =
        Combinators.combine(
                Arbitraries.of(names),
                Arbitraries.integers().between(0, 40),
                Arbitraries.integers().between(0, 2))
            .as((n, cut, abbreviate) ->
                abbreviate == 0 && n.length() > 1 ? n.substring(0, 1 + cut % (n.length() - 1)) : n);
    Arbitrary<List<String>> longOption =
        Combinators.combine(name, Arbitraries.of(VALUES), Arbitraries.integers().between(0, 2))
            .as((n, v, form) ->
                switch (form) {
                  case 0 -> List.of("--" + n + "=" + v);
                  case 1 -> List.of("--" + n, v);
                  default -> List.of("--" + n);
                });
    Arbitrary<List<String>> mapped =
        Combinators.combine(
                Arbitraries.of(PREFIX_MAPPED), Arbitraries.of(VALUES), Arbitraries.of(true, false))
            .as((m, v, withValue) -> withValue ? List.of(m, v) : List.of(m));
    Arbitrary<List<String>> one =
        !wrapped
            ? Arbitraries.frequencyOf(Tuple.of(6, longOption), Tuple.of(2, mapped))
            : Arbitraries.frequencyOf(
                Tuple.of(6, longOption),
                Tuple.of(2, mapped),
                Tuple.of(1, longOption.map(l -> List.of("-Wp," + String.join(",", l)))),
                Tuple.of(
                    1,
                    longOption
                        .filter(l -> l.size() == 1)
                        .map(l -> List.of("-Xpreprocessor", l.get(0)))));
    return one.list()
        .ofMinSize(1)
        .ofMaxSize(3)
        .map(ls -> ls.stream().flatMap(List::stream).toList());
  }
}
