package dev.distcache.hashing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.distcache.core.args.ArgsClassifier;
import dev.distcache.core.args.Classification;
import dev.distcache.core.args.Invocation;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** A compile's key changes with everything that decides its outputs and with nothing else. */
class CompileKeysProperties {
  private static final List<String> OPTIONS =
      List.of(
          "-O0",
          "-O1",
          "-O2",
          "-O3",
          "-Wall",
          "-Wextra",
          "-std=c11",
          "-std=c17",
          "-Iinc",
          "-Iinc2",
          "-fPIC",
          "-DNDEBUG");

  /** Inputs that decide the outputs: a key must change when any one of them does. */
  enum Relevant {
    IDENTITY,
    KEY_ARG,
    TEXT_BYTE,
    LANGUAGE,
    LANG_VALUE,
    DEFINE_VALUE
  }

  /**
   * One compile, described by what it is made of.
   *
   * @param cxx compiled by g++ (x.c is then C++), else by gcc
   * @param output the -o path, or null for none
   */
  record Compile(
      String identity,
      boolean cxx,
      List<String> options,
      String defineName,
      String defineValue,
      boolean debug,
      String output,
      byte[] text,
      Map<String, String> env,
      Path cwd,
      boolean hashDir) {

    List<String> argv() {
      List<String> argv = new ArrayList<>(options);
      argv.add("-D" + defineName + "=" + defineValue);
      if (debug) {
        argv.add("-g");
      }
      argv.addAll(List.of("-c", "src/x.c"));
      if (output != null) {
        argv.addAll(List.of("-o", output));
      }
      return argv;
    }

    Invocation invocation() {
      Classification c = ArgsClassifier.classify(cxx ? "g++" : "gcc", argv(), cwd, Map.of());
      return assertInstanceOf(Classification.Cacheable.class, c, () -> argv() + ": " + c)
          .invocation();
    }

    ResultKey key() {
      return CompileKeys.compute(
              new CompileKeys.Inputs(
                  identity, invocation(), cwd, env, text, "", hashDir, Set.of(), List.of(), "cpu"),
              false)
          .key();
    }

    Compile with(Relevant change, int where) {
      return switch (change) {
        case IDENTITY ->
            new Compile(
                identity + "'",
                cxx,
                options,
                defineName,
                defineValue,
                debug,
                output,
                text,
                env,
                cwd,
                hashDir);
        case KEY_ARG ->
            new Compile(
                identity,
                cxx,
                otherOption(where),
                defineName,
                defineValue,
                debug,
                output,
                text,
                env,
                cwd,
                hashDir);
        case TEXT_BYTE -> {
          byte[] t = text.clone();
          t[Math.floorMod(where, t.length)] ^= (byte) (1 + Math.floorMod(where >> 8, 255));
          yield new Compile(
              identity, cxx, options, defineName, defineValue, debug, output, t, env, cwd, hashDir);
        }
        case LANGUAGE ->
            new Compile(
                identity,
                !cxx,
                options,
                defineName,
                defineValue,
                debug,
                output,
                text,
                env,
                cwd,
                hashDir);
        case LANG_VALUE -> {
          Map<String, String> e = new LinkedHashMap<>(env);
          e.put("LANG", env.containsKey("LANG") ? env.get("LANG") + ".x" : "de_DE.UTF-8");
          yield new Compile(
              identity,
              cxx,
              options,
              defineName,
              defineValue,
              debug,
              output,
              text,
              e,
              cwd,
              hashDir);
        }
        case DEFINE_VALUE ->
            new Compile(
                identity,
                cxx,
                options,
                defineName,
                defineValue + "1",
                debug,
                output,
                text,
                env,
                cwd,
                hashDir);
      };
    }

    /**
     * The options with the one at {@code where} replaced by a different one (or one added to none).
     */
    private List<String> otherOption(int where) {
      List<String> o = new ArrayList<>(options);
      if (o.isEmpty()) {
        o.add(OPTIONS.get(Math.floorMod(where, OPTIONS.size())));
        return o;
      }
      int i = Math.floorMod(where, o.size());
      List<String> others = OPTIONS.stream().filter(x -> !x.equals(options.get(i))).toList();
      o.set(i, others.get(Math.floorMod(where >> 4, others.size())));
      return o;
    }

    Compile withOutput(String v) {
      return new Compile(
          identity, cxx, options, defineName, defineValue, debug, v, text, env, cwd, hashDir);
    }

    Compile withEnv(Map<String, String> v) {
      return new Compile(
          identity, cxx, options, defineName, defineValue, debug, output, text, v, cwd, hashDir);
    }

    Compile withCwd(Path v) {
      return new Compile(
          identity, cxx, options, defineName, defineValue, debug, output, text, env, v, hashDir);
    }

    @Override
    public String toString() {
      return (cxx ? "g++ " : "gcc ")
          + argv()
          + " identity="
          + identity
          + " env="
          + env
          + " cwd="
          + cwd
          + " hashDir="
          + hashDir
          + " text="
          + new String(text, StandardCharsets.ISO_8859_1).replace("\n", "\\n");
    }
  }

  @Property(tries = 1000)
  void key_changesWithEveryInputThatDecidesTheOutputs(
      @ForAll("compiles") Compile compile, @ForAll Relevant change, @ForAll int where) {
    Compile changed = compile.with(change, where);
    assertNotEquals(
        compile.key(), changed.key(), () -> change + ": " + compile + "\n  vs " + changed);
  }

  @Property(tries = 500)
  void key_ignoresTheOutputPath(
      @ForAll("compiles") Compile compile,
      @ForAll("objects") String a,
      @ForAll("objects") String b) {
    assertEquals(compile.withOutput(a).key(), compile.withOutput(b).key());
    assertEquals(compile.withOutput(null).key(), compile.withOutput(a).key());
  }

  @Property(tries = 500)
  void key_ignoresUnrelatedEnvironmentVariables(
      @ForAll("compiles") Compile compile,
      @ForAll("unrelatedVariables") Map<String, String> unrelated) {
    Map<String, String> env = new LinkedHashMap<>(compile.env());
    env.putAll(unrelated);
    assertEquals(compile.key(), compile.withEnv(env).key());
  }

  @Property(tries = 500)
  void key_withoutDebugInfo_ignoresCwd(
      @ForAll("compiles") Compile compile, @ForAll("directories") Path cwd) {
    Compile noDebug =
        new Compile(
            compile.identity(),
            compile.cxx(),
            compile.options(),
            compile.defineName(),
            compile.defineValue(),
            false,
            compile.output(),
            compile.text(),
            compile.env(),
            compile.cwd(),
            compile.hashDir());
    assertEquals(noDebug.key(), noDebug.withCwd(cwd).key());
  }

  @Property(tries = 500)
  void key_withDebugInfoAndHashDir_changesWithCwd(
      @ForAll("compiles") Compile compile, @ForAll("directories") Path cwd) {
    Assume.that(!cwd.equals(compile.cwd()));
    Compile debug =
        new Compile(
            compile.identity(),
            compile.cxx(),
            compile.options(),
            compile.defineName(),
            compile.defineValue(),
            true,
            compile.output(),
            compile.text(),
            compile.env(),
            compile.cwd(),
            true);
    assertNotEquals(debug.key(), debug.withCwd(cwd).key());
  }

  @Property(tries = 500)
  void key_ignoresTheOrderOfEnvironmentEntries(@ForAll("compiles") Compile compile) {
    List<Map.Entry<String, String>> entries = new ArrayList<>(compile.env().entrySet());
    Collections.reverse(entries);
    Map<String, String> reversed = new LinkedHashMap<>();
    entries.forEach(e -> reversed.put(e.getKey(), e.getValue()));
    assertEquals(compile.key(), compile.withEnv(reversed).key());
  }

  // --- generators ---

  /** The command-line part of a compile. */
  record Args(
      boolean cxx,
      List<String> options,
      String defineName,
      String defineValue,
      boolean debug,
      String output) {}

  @Provide
  Arbitrary<Compile> compiles() {
    Arbitrary<Args> args =
        Combinators.combine(
                Arbitraries.of(true, false),
                Arbitraries.of(OPTIONS).list().ofMaxSize(6),
                identifiers(),
                Arbitraries.strings().alpha().numeric().ofMaxLength(8),
                Arbitraries.of(true, false),
                Arbitraries.oneOf(objects(), Arbitraries.just(null)))
            .as(Args::new);
    return Combinators.combine(
            Arbitraries.strings().ofMinLength(1).ofMaxLength(40),
            args,
            texts(),
            environments(),
            directories(),
            Arbitraries.of(true, false))
        .as((identity, a, text, env, cwd, hashDir) ->
            new Compile(
                identity,
                a.cxx(),
                a.options(),
                a.defineName(),
                a.defineValue(),
                a.debug(),
                a.output(),
                text,
                env,
                cwd,
                hashDir));
  }

  @Provide
  Arbitrary<String> objects() {
    return Arbitraries.strings()
        .withCharRange('a', 'z')
        .ofMinLength(1)
        .ofMaxLength(6)
        .list()
        .ofMinSize(1)
        .ofMaxSize(3)
        .map(s -> String.join("/", s) + ".o");
  }

  @Provide
  Arbitrary<Path> directories() {
    return Arbitraries.strings()
        .withCharRange('a', 'z')
        .withChars('.', '-', ' ')
        .ofMinLength(1)
        .ofMaxLength(8)
        .list()
        .ofMaxSize(4)
        .map(s -> Path.of("/", s.toArray(String[]::new)));
  }

  @Provide
  Arbitrary<Map<String, String>> unrelatedVariables() {
    return Arbitraries.maps(
            Arbitraries.of(
                "HOME",
                "DISTCACHE_DEBUG",
                "PWD",
                "OLDPWD",
                "USER",
                "SHELL",
                "MAKEFLAGS",
                "DISTCACHE_DIR",
                "PATH",
                "TERM",
                "SOURCE_DATE_EPOCH"),
            Arbitraries.strings().ofMaxLength(12))
        .ofMinSize(1)
        .ofMaxSize(4);
  }

  /** Locale and compiler variables that matter, and some that do not. */
  private static Arbitrary<Map<String, String>> environments() {
    Arbitrary<String> names =
        Arbitraries.of(
            "LANG",
            "LC_ALL",
            "LC_MESSAGES",
            "CPATH",
            "TERM",
            "GCC_COLORS",
            "SOURCE_DATE_EPOCH",
            "HOME",
            "USER",
            "X");
    return Arbitraries.maps(names, Arbitraries.strings().ofMaxLength(12))
        .ofMaxSize(6)
        .map(m -> (Map<String, String>) new LinkedHashMap<>(m));
  }

  /** Preprocessed-looking text, or any bytes; never empty. */
  private static Arbitrary<byte[]> texts() {
    Arbitrary<byte[]> code =
        Arbitraries.strings()
            .withCharRange(' ', '~')
            .withChars('\n')
            .ofMinLength(1)
            .ofMaxLength(400)
            .map(s -> ("# 1 \"src/x.c\"\n" + s).getBytes(StandardCharsets.UTF_8));
    Arbitrary<byte[]> bytes = Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(2000);
    return Arbitraries.oneOf(code, bytes);
  }

  private static Arbitrary<String> identifiers() {
    return Arbitraries.strings()
        .withCharRange('A', 'Z')
        .withChars('_')
        .ofMinLength(1)
        .ofMaxLength(6);
  }
}
