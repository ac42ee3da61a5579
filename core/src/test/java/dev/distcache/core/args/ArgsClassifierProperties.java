package dev.distcache.core.args;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.distcache.core.args.Classification.Cacheable;
import dev.distcache.core.args.Classification.Uncacheable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.statistics.Statistics;

/** The classifier on any command line at all, and on realistic ones. */
class ArgsClassifierProperties {
  /** A working directory with a response file, a nested one, and a header that has a .gch. */
  private static final Path CWD = workingDirectory();

  private static final List<String> COMPILERS =
      List.of("gcc", "g++", "cc", "clang++", "/usr/bin/gcc-12", "", "++");

  /** Tokens that steer the classifier into each of its branches. */
  private static final List<String> TOKENS =
      List.of(
          "-c",
          "-S",
          "-E",
          "-o",
          "-o",
          "out.o",
          "x.c",
          "dir/y.cpp",
          "z.s",
          "w.i",
          "h.h",
          "conftest.c",
          "-",
          "@",
          "",
          "@nonexistent",
          "@args.rsp",
          "@nested.rsp",
          "@.",
          "-x",
          "c",
          "c++",
          "none",
          "c-header",
          "-xc",
          "-MD",
          "-MMD",
          "-MF",
          "-MFdeps.d",
          "-MT",
          "-MQ",
          "-MP",
          "-Wp,-MD,w.d",
          "-Wp,-MD",
          "-Wp,-MMD,",
          "-g",
          "-g0",
          "-ggdb3",
          "-gsplit-dwarf",
          "-I",
          "-Iinc",
          "inc",
          "-include",
          "pch.h",
          "-includepch.h",
          "-isystem",
          "--sysroot=/s",
          "-D",
          "-DX=1",
          "-U",
          "-O2",
          "-Wall",
          "-march=native",
          "-fdebug-prefix-map=/a=/b",
          "-ffile-prefix-map=x",
          "-fmacro-prefix-map=/m=/n",
          "-frecord-gcc-switches",
          "-fdiagnostics-color",
          "-save-temps",
          "--coverage",
          "-fprofile-generate",
          "-Xclang",
          "-fmodules",
          "-v",
          "-o-",
          "-oout2.o",
          "-Wa,-adhln",
          "-Xpreprocessor",
          "-Xassembler",
          "-MJ",
          "--param",
          "-std=c11",
          "ü.c",
          "日本.c",
          "a b.c",
          "-D\u0000",
          "x\u0000.c");

  @AfterContainer
  static void removeWorkingDirectory() throws IOException {
    try (var files = Files.walk(CWD)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  @Property(tries = 1000)
  void classify_neverThrows(
      @ForAll("compilers") String compiler,
      @ForAll("argvs") List<String> argv,
      @ForAll("envs") Map<String, String> env) {
    assertNotNull(ArgsClassifier.classify(compiler, argv, CWD, env));
  }

  @Property(tries = 1000)
  void classify_decidesWithoutFallingBackToItsCatchAll(
      @ForAll("compilers") String compiler,
      @ForAll("argvs") List<String> argv,
      @ForAll("envs") Map<String, String> env) {
    // An exception inside the walk is reported as "cannot classify arguments: <exception>".
    if (ArgsClassifier.classify(compiler, argv, CWD, env) instanceof Uncacheable u) {
      assertFalse(u.detail().startsWith("cannot classify arguments"), u.detail());
    }
  }

  @Property(tries = 1000)
  void classify_cacheable_hasAnOutputAndKeepsSourceAndOutputOutOfKeyArgs(
      @ForAll("compilers") String compiler,
      @ForAll("argvs") List<String> argv,
      @ForAll("envs") Map<String, String> env)
      throws Exception {
    Classification result = ArgsClassifier.classify(compiler, argv, CWD, env);
    Statistics.label("classification")
        .collect(result instanceof Cacheable ? "cacheable" : "uncacheable");
    if (!(result instanceof Cacheable c)) {
      return;
    }
    Invocation inv = c.invocation();
    assertFalse(inv.output().isEmpty(), "empty output");
    List<String> expanded = ResponseFiles.expand(argv, CWD);
    assertTrue(expanded.contains(inv.source()), "the source is one of the arguments");
    for (String path : List.of(inv.source(), inv.output())) {
      long inKeys = inv.keyArgs().stream().filter(k -> k.text().equals(path)).count();
      // A -Wp,-MD,file keeps "-Wp,-MD" in the key without its file: a use of that text too.
      long otherUses =
          expanded.stream().filter(a -> a.equals(path) || a.startsWith(path + ",")).count()
              - consumed(expanded, inv, path);
      assertTrue(
          inKeys <= otherUses,
          () ->
              "\""
                  + path
                  + "\" is in keyArgs "
                  + inKeys
                  + " times but appears "
                  + otherUses
                  + " times other than as source or -o value; keyArgs "
                  + texts(inv));
    }
  }

  @Property(tries = 1000)
  void classify_realisticCompile_isCacheable(
      @ForAll("realistic") List<String> argv, @ForAll("objects") String output) {
    Invocation inv = cacheable(argv);
    assertEquals("x.c", inv.source());
    assertEquals("x.o", inv.output());
    List<String> withOutput = new ArrayList<>(argv);
    withOutput.addAll(List.of("-o", output));
    assertEquals(output, cacheable(withOutput).output());
  }

  @Property(tries = 1000)
  void classify_realisticCompile_keyArgsDoNotDependOnOutput(
      @ForAll("realistic") List<String> argv,
      @ForAll("objects") String first,
      @ForAll("objects") String second,
      @ForAll int position) {
    Invocation none = cacheable(argv);
    Invocation a = cacheable(withOutput(argv, first, position));
    Invocation b = cacheable(withOutput(argv, second, position / 7));
    assertEquals(none.keyArgs(), a.keyArgs());
    assertEquals(a.keyArgs(), b.keyArgs());
    assertEquals(none.preprocessorArgs(), a.preprocessorArgs());
    assertEquals(a.preprocessorArgs(), b.preprocessorArgs());
  }

  @Property(tries = 500)
  void responseFile_withEachArgumentQuoted_expandsToTheArguments(
      @ForAll("words") List<String> args, @ForAll("separators") String separator) throws Exception {
    StringBuilder text = new StringBuilder();
    for (String a : args) {
      text.append('\'')
          .append(a.replace("\\", "\\\\").replace("'", "\\'"))
          .append('\'')
          .append(separator);
    }
    Files.writeString(CWD.resolve("quoted.rsp"), text);
    List<String> read = ResponseFiles.expand(List.of("@quoted.rsp"), CWD);
    assertEquals(
        args,
        read,
        () -> "file " + escaped(List.of(text.toString())) + " read as " + escaped(read));
  }

  @Property(tries = 500)
  void responseFile_unquotedArgumentsWithoutGccWhiteSpace_areKeptWhole(
      @ForAll("plainWords") List<String> args, @ForAll("separators") String separator)
      throws Exception {
    String text = String.join(separator, args);
    Files.writeString(CWD.resolve("plain.rsp"), text);
    List<String> read = ResponseFiles.expand(List.of("@plain.rsp"), CWD);
    assertEquals(args, read, () -> "file " + escaped(List.of(text)) + " read as " + escaped(read));
  }

  // --- generators ---

  @Provide
  Arbitrary<String> compilers() {
    return Arbitraries.oneOf(Arbitraries.of(COMPILERS), Arbitraries.strings().ofMaxLength(12));
  }

  /**
   * Half arbitrary token lists, half compile lines ({@code -c} and one source) with arbitrary
   * options.
   */
  @Provide
  Arbitrary<List<String>> argvs() {
    Arbitrary<String> token =
        Arbitraries.frequencyOf(
            Tuple.of(6, Arbitraries.of(TOKENS)),
            Tuple.of(2, Arbitraries.strings().all().ofMaxLength(12)),
            Tuple.of(1, Arbitraries.strings().withChars("-@.=/,oMcgxD'\"\\ ").ofMaxLength(8)),
            Tuple.of(1, Arbitraries.strings().all().ofMinLength(1000).ofMaxLength(20_000)));
    return Arbitraries.oneOf(token.list().ofMaxSize(14), compileLines());
  }

  private static Arbitrary<List<String>> compileLines() {
    Arbitrary<String> source =
        Arbitraries.of(
            "x.c", "dir/y.cpp", "a b.c", "\u00fc.c", "z.S", "w.ii", ".c", "d.x/v.c", "out.o");
    Arbitrary<String> value =
        Arbitraries.oneOf(
            Arbitraries.of(
                "x.c",
                "x.o",
                "out.o",
                "dir/y.cpp",
                "y.o",
                "-",
                "",
                "a b.o",
                "d/",
                "@opts.rsp",
                "c",
                "c++"),
            Arbitraries.strings().all().ofMaxLength(10));
    Arbitrary<List<String>> option =
        Arbitraries.oneOf(
            Arbitraries.of(TOKENS)
                .filter(t -> t.startsWith("-") || t.startsWith("@"))
                .map(List::of),
            Arbitraries.of("@opts.rsp").map(List::of),
            Combinators.combine(
                    Arbitraries.of(
                        "-o",
                        "-MF",
                        "-MT",
                        "-MQ",
                        "-D",
                        "-I",
                        "-isystem",
                        "-include",
                        "-x",
                        "-U",
                        "--param"),
                    value)
                .as(List::of),
            Combinators.combine(
                    Arbitraries.of("-o", "-MF", "-MT", "-D", "-I", "-Wp,-MD,", "-x"), value)
                .as((o, v) -> List.of(o + v)),
            Arbitraries.strings().all().ofMaxLength(12).map(s -> List.of("-" + s)));
    return Combinators.combine(
            option.list().ofMaxSize(8),
            Arbitraries.of("-c", "-S"),
            source,
            Arbitraries.integers().between(0, 8),
            Arbitraries.integers().between(0, 9))
        .as((options, mode, src, m, s) -> {
          List<String> argv = new ArrayList<>();
          options.forEach(argv::addAll);
          argv.add(Math.min(m, argv.size()), mode);
          argv.add(Math.min(s, argv.size()), src);
          return argv;
        });
  }

  @Provide
  Arbitrary<Map<String, String>> envs() {
    Arbitrary<String> names =
        Arbitraries.oneOf(
            Arbitraries.of(
                "PATH",
                "HOME",
                "LANG",
                "DEPENDENCIES_OUTPUT",
                "SUNPRO_DEPENDENCIES",
                "DISTCACHE_DEBUG",
                ""),
            Arbitraries.strings().ofMaxLength(8));
    return Arbitraries.maps(names, Arbitraries.strings().all().ofMaxLength(10)).ofMaxSize(4);
  }

  /** gcc -c x.c with realistic options in any order, without -o. */
  @Provide
  Arbitrary<List<String>> realistic() {
    Arbitrary<String> option =
        Arbitraries.oneOf(
            Arbitraries.of("-O0", "-O1", "-O2", "-O3", "-g", "-Wall", "-std=c11", "-Iinc"),
            Combinators.combine(identifiers(), identifiers()).as((n, v) -> "-D" + n + "=" + v));
    return Combinators.combine(
            option.list().ofMaxSize(10),
            Arbitraries.integers().between(0, 10),
            Arbitraries.integers().between(0, 11))
        .as((options, c, x) -> {
          List<String> argv = new ArrayList<>(options);
          argv.add(Math.min(c, argv.size()), "-c");
          argv.add(Math.min(x, argv.size()), "x.c");
          return argv;
        });
  }

  @Provide
  Arbitrary<String> objects() {
    Arbitrary<String> segment =
        Arbitraries.strings()
            .withCharRange('a', 'z')
            .withChars('_', '-', '.')
            .ofMinLength(1)
            .ofMaxLength(8)
            .filter(s -> !s.startsWith("-") && !s.equals(".") && !s.equals(".."));
    return segment.list().ofMinSize(1).ofMaxSize(3).map(s -> String.join("/", s) + ".o");
  }

  /**
   * Any Unicode scalar values but NUL, including empty strings, quotes and white space; no @file.
   */
  @Provide
  Arbitrary<List<String>> words() {
    Arbitrary<Integer> codePoints =
        Arbitraries.frequencyOf(
            Tuple.of(3, Arbitraries.integers().between(1, 0x7f)),
            Tuple.of(1, Arbitraries.integers().between(0x80, Character.MIN_SURROGATE - 1)),
            Tuple.of(
                1,
                Arbitraries.integers()
                    .between(Character.MAX_SURROGATE + 1, Character.MAX_CODE_POINT)));
    // A word starting with @ would name a nested response file, for gcc as for distcache.
    return string(codePoints, 0)
        .map(w -> w.length() > 1 && w.startsWith("@") ? "x" + w : w)
        .list()
        .ofMaxSize(6);
  }

  /**
   * Non-empty words with none of what gcc's response-file reader treats specially (ASCII white
   * space, quotes, backslash, NUL, a leading @).
   */
  @Provide
  Arbitrary<List<String>> plainWords() {
    Arbitrary<Integer> codePoints =
        Arbitraries.frequencyOf(
            Tuple.of(3, Arbitraries.of((int) '!', (int) '#', (int) '(', (int) ']', (int) '~')),
            Tuple.of(3, Arbitraries.integers().between('(', '?')),
            Tuple.of(3, Arbitraries.integers().between('A', '[')),
            Tuple.of(1, Arbitraries.integers().between(0x01, 0x08)),
            Tuple.of(1, Arbitraries.integers().between(0x0e, 0x1f)),
            Tuple.of(2, Arbitraries.integers().between(0x80, Character.MIN_SURROGATE - 1)),
            Tuple.of(
                1,
                Arbitraries.integers()
                    .between(Character.MAX_SURROGATE + 1, Character.MAX_CODE_POINT)));
    return string(codePoints, 1).list().ofMaxSize(6);
  }

  @Provide
  Arbitrary<String> separators() {
    return Arbitraries.of(" ", "  ", "\t", "\n", "\r\n", " \n\t", "\f", "\u000b");
  }

  private static Arbitrary<String> string(Arbitrary<Integer> codePoints, int minLength) {
    return codePoints
        .list()
        .ofMinSize(minLength)
        .ofMaxSize(10)
        .map(cps ->
            cps.stream()
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
                .toString());
  }

  private static Arbitrary<String> identifiers() {
    return Arbitraries.strings()
        .withCharRange('A', 'Z')
        .withChars('_')
        .ofMinLength(1)
        .ofMaxLength(6);
  }

  // --- helpers ---

  /**
   * How many occurrences of {@code path} in {@code args} are the source itself or the separate -o
   * value.
   */
  private static long consumed(List<String> args, Invocation inv, String path) {
    long n = path.equals(inv.source()) ? 1 : 0;
    if (path.equals(inv.output()) && inv.outputExplicit()) {
      for (int i = 1; i < args.size(); i++) {
        if (args.get(i - 1).equals("-o") && args.get(i).equals(path)) {
          n++;
          break;
        }
      }
    }
    return n;
  }

  private static List<String> withOutput(List<String> argv, String output, int position) {
    List<String> out = new ArrayList<>(argv);
    int at = Math.floorMod(position, out.size() + 1);
    out.add(at, output);
    out.add(at, "-o");
    return out;
  }

  private static Invocation cacheable(List<String> argv) {
    Classification c = ArgsClassifier.classify("gcc", argv, CWD, Map.of());
    return assertInstanceOf(Cacheable.class, c, () -> argv + ": " + c).invocation();
  }

  /** Strings with everything outside printable ASCII as \\uXXXX, so white space shows. */
  private static String escaped(List<String> strings) {
    StringBuilder b = new StringBuilder("[");
    for (String s : strings) {
      b.append(b.length() > 1 ? ", \"" : "\"");
      s.codePoints()
          .forEach(cp ->
              b.append(
                  cp > ' ' && cp < 0x7f
                      ? Character.toString(cp)
                      : cp <= 0xffff
                          ? String.format("\\u%04x", cp)
                          : String.format("\\U%06x", cp)));
      b.append('"');
    }
    return b.append(']').toString();
  }

  private static List<String> texts(Invocation inv) {
    return inv.keyArgs().stream().map(KeyArg::text).toList();
  }

  private static Path workingDirectory() {
    try {
      Path dir = Files.createTempDirectory("args-classifier-properties");
      Files.writeString(dir.resolve("args.rsp"), "-c 'sp ace.c' -DRSP=\"a b\" @nested.rsp");
      Files.writeString(dir.resolve("nested.rsp"), "-O2 -o\\ x");
      Files.writeString(dir.resolve("opts.rsp"), "-O2 -DRSP='a b' -o 'out dir/r.o'");
      Files.writeString(dir.resolve("pch.h"), "");
      Files.writeString(dir.resolve("pch.h.gch"), "");
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
