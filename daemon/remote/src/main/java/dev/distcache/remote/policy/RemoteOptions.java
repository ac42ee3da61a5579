package dev.distcache.remote.policy;

import dev.distcache.core.args.AssemblerOptions;
import dev.distcache.core.args.ClangCc1Options;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The allow-list of canonical gcc options (as {@link dev.distcache.core.args.GccOptionParser}
 * decodes them) a remote compile may carry. Everything else is refused, whatever its spelling: the
 * options that run programs or load code ({@code -B}, {@code -specs=}, {@code -wrapper}, {@code
 * -fplugin=}), that read or write files the client chose, that pass options on unchecked, and any
 * option this list does not know. {@code -o}, {@code -MF}, {@code -MT}, inputs, {@code -x}, {@code
 * -include} and the sysroot options are decided by {@link ArgvPolicy}.
 *
 * <p>{@code -f}, {@code -m} and {@code -W} are families of hundreds of code generation, target and
 * warning switches that affect only the object and the diagnostics: they are allowed as a family
 * minus the members that read or write files or run programs ({@link #F_REFUSED}). gcc 12's x86
 * {@code -m} options read and write nothing; {@code -Wa,}, {@code -Wp,} and {@code -Wl,} are not
 * warnings and are checked item by item.
 */
final class RemoteOptions {
  /** Options without a value, allowed as they are. */
  private static final Set<String> FLAGS =
      Set.of(
          "-c",
          "-S",
          "-ansi",
          "-pedantic",
          "-pedantic-errors",
          "-Wpedantic",
          "-w",
          "-pipe",
          "-pthread",
          "-P",
          "-C",
          "-CC",
          "-H",
          "-p",
          "-pg",
          "-trigraphs",
          "-nostdinc",
          "-nostdinc++",
          "-undef",
          "-I-",
          "-MD",
          "-MMD",
          "-MP",
          "-MG",
          "-pie",
          "-no-pie",
          "-fPIC",
          "-static",
          "-shared",
          "-rdynamic");

  /** Options whose value (joined or the next argument) is data, never a file the compile opens. */
  private static final List<String> WITH_VALUE = List.of("-D", "-U", "-MT", "-MQ");

  /**
   * Include directories: harmless in protocols 1 and 2 (the source is preprocessed); pump mode
   * checks their paths.
   */
  private static final List<String> INCLUDE_DIRS =
      List.of(
          "-I",
          "-isystem",
          "-iquote",
          "-idirafter",
          "-iprefix",
          "-iwithprefixbefore",
          "-iwithprefix");

  /**
   * {@code -f} options refused (with or without {@code no-}), by name prefix: each reads or writes
   * a file, runs or loads something, or re-runs the compiler.
   */
  static final List<String[]> F_REFUSED =
      List.of(
          new String[] {"plugin", "would load a compiler plugin"},
          new String[] {"dump", "would write dump files"},
          new String[] {"profile", "would read or write profile files"},
          new String[] {"auto-profile", "would read a profile file"},
          new String[] {"branch-probabilities", "would read a profile file"},
          new String[] {"create-profile", "would write a profile file"},
          new String[] {"test-coverage", "would write a coverage notes file"},
          new String[] {"coverage", "would write coverage files"},
          new String[] {"condition-coverage", "would write coverage files"},
          new String[] {"self-test", "would read files the client chose"},
          new String[] {
            "compare-debug", "would run the compiler again with options the client chose"
          },
          new String[] {"callgraph-info", "would write a file beside the output"},
          new String[] {"stack-usage", "would write a file beside the output"},
          new String[] {"opt-info", "may write a file the client chose"},
          new String[] {"save-optimization-record", "would write a file"},
          new String[] {"optimization-record-file", "would write a file the client chose"},
          new String[] {"diagnostics-format=sarif", "would write a diagnostics file"},
          new String[] {"diagnostics-add-output", "would write a diagnostics file"},
          new String[] {"diagnostics-set-output", "would write a diagnostics file"},
          new String[] {"sanitize-blacklist", "would read a file the client chose"},
          new String[] {"sanitize-ignorelist", "would read a file the client chose"},
          new String[] {"sanitize-coverage-allowlist", "would read a file the client chose"},
          new String[] {"sanitize-coverage-ignorelist", "would read a file the client chose"},
          new String[] {"module", "would read or write module files, or run a module mapper"},
          new String[] {"deps", "would write a dependency file"},
          new String[] {"ltrans", "would read or write LTO files"},
          new String[] {"wpa", "would read or write LTO files"},
          new String[] {"resolution", "would read a linker resolution file"},
          new String[] {"report-bug", "would write a report file"},
          new String[] {"go-", "would write a file"},
          new String[] {"time-trace", "would write a file"},
          new String[] {"record-gcc-switches-file", "would write a file"},
          new String[] {"pch-", "precompiled headers read files of the daemon's"},
          new String[] {"syntax-only", "produces no object"},
          new String[] {"debug-types-section", "the result cannot be reproduced exactly"});

  /** Why some well-known options are not on the list (for the log only: the list decides). */
  private static final List<String[]> WHY_NOT =
      List.of(
          new String[] {"-B", "would run compiler programs from a directory the client chose"},
          new String[] {"-specs", "would read a specs file, which can run any program"},
          new String[] {"-wrapper", "would run a program the client chose"},
          new String[] {"-iplugindir", "would load a compiler plugin"},
          new String[] {"-Xpreprocessor", "would pass options to the preprocessor unchecked"},
          new String[] {"-Xlinker", "would pass options to the linker unchecked"},
          new String[] {"-Wl,", "would pass options to the linker unchecked"},
          new String[] {"-save-temps", "would write temporary files"},
          new String[] {"-dump", "would choose where dump files go"},
          new String[] {"-aux-info", "would write a file the client chose"},
          new String[] {"--coverage", "would write coverage files"},
          new String[] {"-d", "would write dump files"},
          new String[] {"-print-", "would print the daemon's installation instead of compiling"});

  private static final String NOT_LISTED = "it is not an option a remote compile may carry";

  /** A target triple ({@code -target} and clang's {@code --target=}): a name, never a path. */
  private static final Pattern TRIPLE = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]*");

  private static final Pattern PARAM = Pattern.compile("--param=[a-z0-9-]+=[A-Za-z0-9_|-]+");
  private static final Pattern OPTIMIZE = Pattern.compile("-O([0-3sgz]|fast)?");

  private RemoteOptions() {}

  /**
   * Why {@code canonical} (one option and perhaps its separate value) may not be carried, or null
   * when it may.
   */
  static String refusal(List<String> canonical) {
    String o = canonical.get(0);
    if (canonical.size() == 2) {
      if (WITH_VALUE.contains(o) || INCLUDE_DIRS.contains(o)) {
        return null;
      }
      if (o.equals("-target")) {
        return TRIPLE.matcher(canonical.get(1)).matches() ? null : "the target is not a triple";
      }
      if (o.equals("-Xclang")) {
        return xclang(canonical.get(1));
      }
      if (o.equals("-Xassembler")) {
        return AssemblerOptions.allowed(canonical.get(1))
            ? null
            : "the assembler option "
                + canonical.get(1)
                + " is not one the daemon passes on (it may read or write files)";
      }
      return notListed(o);
    }
    if (o.startsWith("--target=")) {
      return TRIPLE.matcher(o.substring("--target=".length())).matches()
          ? null
          : "the target is not a triple";
    }
    if (FLAGS.contains(o)
        || OPTIMIZE.matcher(o).matches()
        || PARAM.matcher(o).matches()
        || o.startsWith("-std=")) {
      return null;
    }
    for (String p : WITH_VALUE) {
      if (o.startsWith(p) && o.length() > p.length()) {
        return null;
      }
    }
    for (String p : INCLUDE_DIRS) {
      if (o.startsWith(p) && o.length() > p.length()) {
        return null;
      }
    }
    if (o.startsWith("-g")) {
      return o.equals("-gsplit-dwarf")
          ? "it writes a .dwo file, which the distcc protocol cannot return"
          : null;
    }
    if (o.startsWith("-f") && o.length() > 2) {
      return fOption(o.substring(2));
    }
    if (o.startsWith("-m") && o.length() > 2) {
      return null;
    }
    if (o.startsWith("-Wa,")) {
      String item = AssemblerOptions.firstRefusedItem(o);
      return item == null
          ? null
          : "the assembler option "
              + item
              + " is not one the daemon passes on (it may read or write files)";
    }
    if (o.startsWith("-Wp,")) {
      for (String item : o.substring(4).split(",", -1)) {
        if (!(item.startsWith("-D") || item.startsWith("-U")) || item.length() < 3) {
          return "only -D and -U may pass to the preprocessor through -Wp,";
        }
      }
      return null;
    }
    if (o.startsWith("-W")
        && o.length() > 2
        && Character.isLetter(o.charAt(2))
        && !(o.length() > 3 && o.charAt(3) == ',')) {
      return null;
    }
    return notListed(o);
  }

  /**
   * One {@code -Xclang} item: a cc1 option of {@link ClangCc1Options}, or what may be the value of
   * one (that it follows its option is checked by the classifier the policy runs afterwards).
   */
  private static String xclang(String item) {
    return ClangCc1Options.isFlag(item)
            || ClangCc1Options.takesValue(item)
            || ClangCc1Options.isSomeValue(item)
        ? null
        : "the clang cc1 option " + item + " is not one the daemon passes on";
  }

  private static String notListed(String o) {
    for (String[] w : WHY_NOT) {
      if (o.startsWith(w[0])) {
        return NOT_LISTED + ": it " + w[1];
      }
    }
    return NOT_LISTED;
  }

  private static String fOption(String name) {
    String n = name.startsWith("no-") ? name.substring(3) : name;
    for (String[] r : F_REFUSED) {
      if (n.startsWith(r[0])) {
        return "it " + r[1];
      }
    }
    return null;
  }
}
