package dev.distcache.distribute.farm;

import dev.distcache.core.args.GccOptionParser;
import dev.distcache.core.args.Invocation;
import dev.distcache.core.args.Language;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Whether a compile may run on a distcc host and the argv distcc would send for it. The rules are
 * distcc's ("what distcc keeps local") plus what would make the remote object differ from a local
 * one: recorded switches, debug info of preprocessed input. Debug info of a source, split DWARF
 * included, goes remote only with its sources ({@link #needsSources}), since the working directory
 * and the file names reach the object. {@code -march=native} and {@code -mtune=native} are sent as
 * the options they stand for here.
 */
final class RemoteArgs {
  /** Preprocessor options followed by a separate value (distcc's dcc_strip_local_args). */
  private static final Set<String> WITH_VALUE =
      Set.of(
          "-D",
          "-I",
          "-U",
          "-L",
          "-include",
          "-imacros",
          "-iprefix",
          "-iwithprefix",
          "-isystem",
          "-iwithprefixbefore",
          "-idirafter",
          "-iquote",
          "-MF",
          "-MT",
          "-MQ",
          "-Xpreprocessor");

  /** Preprocessor options with their value joined. */
  private static final List<String> JOINED =
      List.of("-D", "-I", "-U", "-L", "-Wp,", "-MF", "-MT", "-MQ");

  private static final Set<String> ALONE =
      Set.of("-undef", "-nostdinc", "-nostdinc++", "-MD", "-MMD", "-MG", "-MP");
  private static final Set<Language> LANGUAGES =
      Set.of(
          Language.C,
          Language.CXX,
          Language.OBJC,
          Language.OBJCXX,
          Language.C_PREPROCESSED,
          Language.CXX_PREPROCESSED,
          Language.OBJC_PREPROCESSED,
          Language.OBJCXX_PREPROCESSED);

  /** Languages whose debug-info compiles can go remote with their sources ({@link #argv}). */
  private static final Set<Language> SOURCE_LANGUAGES =
      Set.of(Language.C, Language.CXX, Language.OBJC, Language.OBJCXX);

  /** Dependency-file options: the daemon writes its own, this client writes the real one. */
  private static final Set<String> DEPENDENCY_ALONE = Set.of("-MD", "-MMD", "-MP", "-MG");

  private static final Set<String> DEPENDENCY_WITH_VALUE = Set.of("-MF", "-MT", "-MQ");

  private RemoteArgs() {}

  /**
   * Whether {@code inv}, which {@link #keepLocal} lets go remote, must go with its sources and
   * headers rather than preprocessed: its debug info names the working directory and the files,
   * which only a compile of the files under their own paths reproduces.
   */
  static boolean needsSources(Invocation inv) {
    return inv.debugInfo() || inv.dwoFile().isPresent();
  }

  /** Why {@code inv} stays local, or empty when it may be distributed. */
  static Optional<String> keepLocal(Invocation inv) {
    if (!LANGUAGES.contains(inv.language())) {
      return Optional.of("language " + inv.language());
    }
    if (inv.debugInfo() && !SOURCE_LANGUAGES.contains(inv.language())) {
      // a preprocessed input names no working directory the daemon could recreate
      return Optional.of("debug info of preprocessed input");
    }
    if (inv.dwoFile().isPresent() && !SOURCE_LANGUAGES.contains(inv.language())) {
      return Optional.of("split DWARF of preprocessed input");
    }
    if (inv.dwoFile().isPresent() && inv.dwoFile().get().startsWith("/")) {
      // gcc names the .dwo in the object as the path it writes it to, which no prefix map changes
      return Optional.of(
          "split DWARF with an absolute output path (the object would name the"
              + " daemon's .dwo)");
    }
    if (inv.recordsSwitches()) {
      return Optional.of("-frecord-gcc-switches");
    }
    if (!inv.objectExpected()) {
      return Optional.of("-fsyntax-only (no object to bring back)");
    }
    if (!inv.sideOutputs().isEmpty()) {
      // distcc brings back the object and the dependency file only
      return Optional.of("it writes a " + inv.sideOutputs().get(0).kind() + " file");
    }
    if (!inv.keyFiles().isEmpty()) {
      return Optional.of("it reads " + inv.keyFiles().get(0) + ", which the host does not have");
    }
    String name = Path.of(inv.source()).getFileName().toString();
    if (name.startsWith("conftest.")) {
      return Optional.of("conftest");
    }
    for (String a : GccOptionParser.canonical(inv.args())) {
      Optional<String> why = localOption(a);
      if (why.isPresent()) {
        return why;
      }
    }
    return Optional.empty();
  }

  private static Optional<String> localOption(String a) {
    boolean local =
        a.startsWith("@")
            || a.equals("-E")
            || a.equals("-x")
            || a.startsWith("-x")
            || (a.startsWith("-M")
                && !ALONE.contains(a)
                && !a.startsWith("-MF")
                && !a.startsWith("-MT")
                && !a.startsWith("-MQ"))
            || a.startsWith("-fprofile-")
            || a.equals("--coverage")
            || a.equals("-ftest-coverage")
            || a.equals("-fprofile-arcs")
            || a.equals("-p")
            || a.equals("-pg")
            || a.equals("-frepo")
            || a.startsWith("-fplugin")
            || a.startsWith("-specs")
            || a.startsWith("-B")
            || a.startsWith("-save-temps")
            || a.startsWith("-fdump-")
            || a.equals("-fstack-usage")
            || a.startsWith("-fcallgraph-info")
            || a.equals("-aux-info")
            || a.equals("-index-store-path")
            || a.startsWith("-Wp,")
            || a.startsWith("-Wa,")
            || a.startsWith("-Xassembler")
            || a.startsWith("-fauto-profile")
            || a.startsWith("-fcreate-profile")
            || a.startsWith("--sysroot")
            || a.startsWith("--gcc-toolchain=") // clang's: where its headers and libraries are
            || a.startsWith("--gcc-install-dir=")
            || a.equals("-mcpu=native");
    return local ? Optional.of("option " + a) : Optional.empty();
  }

  /**
   * The argv distcc sends: the compiler's base name (distccd runs only names in its masquerade
   * directory), the arguments without preprocessor-only options, {@code -o} added when implicit;
   * empty when {@code natives} cannot resolve a {@code -march=native} or {@code -mtune=native}.
   */
  static Optional<List<String>> argv(
      Invocation inv,
      Path compiler,
      List<String> extra,
      Function<String, Optional<List<String>>> natives) {
    return argv(inv, compiler, extra, natives, false);
  }

  /**
   * The argv of a job that ships its sources ({@link #needsSources}): as {@link #argv}, but with
   * the preprocessor options kept (the daemon preprocesses), the dependency-file options left out.
   */
  static Optional<List<String>> sourcesArgv(
      Invocation inv,
      Path compiler,
      List<String> extra,
      Function<String, Optional<List<String>>> natives) {
    return argv(inv, compiler, extra, natives, true);
  }

  private static Optional<List<String>> argv(
      Invocation inv,
      Path compiler,
      List<String> extra,
      Function<String, Optional<List<String>>> natives,
      boolean sources) {
    List<String> out = new ArrayList<>();
    out.add(compiler.getFileName().toString());
    List<String> args =
        GccOptionParser.canonical(inv.args()); // --output=x is -ox, --define-macro X is -DX

    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (sources) {
        if (DEPENDENCY_WITH_VALUE.contains(a)) {
          i++;
          continue;
        }
        if (DEPENDENCY_ALONE.contains(a)
            || DEPENDENCY_WITH_VALUE.stream().anyMatch(a::startsWith)) {
          continue;
        }
      } else if (WITH_VALUE.contains(a)) {
        i++;
        continue;
      }
      if (a.equals("-Xclang") && i + 1 < args.size()) {
        // clang's cc1 gets the item: never read as one of the driver's options (-target-feature
        // -Dx would otherwise look like a macro)
        out.add(a);
        out.add(args.get(++i));
        continue;
      }
      if (sources && WITH_VALUE.contains(a) && i + 1 < args.size()) {
        out.add(a);
        out.add(args.get(++i));
        continue;
      }
      if (!sources
          && (ALONE.contains(a)
              || JOINED.stream().anyMatch(a::startsWith)
              || a.startsWith("-include")
              || a.startsWith("-isystem")
              || a.startsWith("-iquote")
              || a.startsWith("-idirafter"))) {
        continue;
      }
      if (a.equals("-march=native") || a.equals("-mtune=native")) {
        Optional<List<String>> resolved = natives.apply(a);
        if (resolved.isEmpty()) {
          return Optional.empty();
        }
        out.addAll(resolved.get());
        continue;
      }
      out.add(a);
    }
    out.addAll(extra);
    if (!inv.outputExplicit()) {
      out.add("-o");
      out.add(inv.output());
    }
    return Optional.of(out);
  }
}
