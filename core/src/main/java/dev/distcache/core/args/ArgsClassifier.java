package dev.distcache.core.args;

import dev.distcache.core.args.Classification.Cacheable;
import dev.distcache.core.args.Classification.Uncacheable;
import dev.distcache.core.compiler.CompilerType;
import dev.distcache.core.stats.Counter;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Decides whether a compiler call can be cached and, if so, what it reads and writes. Anything it
 * does not understand well enough to reproduce exactly is uncacheable: the real compiler then runs
 * unchanged. Never throws on any argv.
 */
public final class ArgsClassifier {
  private ArgsClassifier() {}

  /**
   * Classifies {@code compiler args...} run in {@code cwd} with {@code env}, the compiler's type
   * taken from its name.
   *
   * @param compiler argv[0], used to tell a C++ driver (g++, clang++) from a C one
   */
  public static Classification classify(
      String compiler, List<String> args, Path cwd, Map<String, String> env) {
    return classify(compiler, args, cwd, env, CompilerType.ofName(compiler));
  }

  /**
   * Classifies {@code compiler args...} for a compiler of {@code type}, which decides the options
   * that are its diagnostics colour options ({@link DiagnosticsColour}).
   */
  public static Classification classify(
      String compiler, List<String> args, Path cwd, Map<String, String> env, CompilerType type) {
    try {
      return new Walk(compiler, args, cwd, env, type).run();
    } catch (RuntimeException e) {
      return new Uncacheable(Counter.BAD_COMPILER_ARGUMENTS, "cannot classify arguments: " + e);
    }
  }

  /**
   * True when gcc takes {@code option}'s value from the next argument ({@code -o FILE}, {@code -I
   * DIR}, ...).
   */
  public static boolean takesSeparateValue(String option) {
    return GccOptions.TAKES_VALUE.contains(option);
  }

  /** True when the driver compiles {@code .c} as C++ (g++, c++, clang++, triple-g++-12). */
  public static boolean isCxxDriver(String compiler) {
    String base = compiler.substring(compiler.lastIndexOf('/') + 1);
    return base.contains("++");
  }

  private static final class Walk {
    private final String compiler;
    private final List<String> args;
    private final Path cwd;
    private final Map<String, String> env;

    private final List<KeyArg> keyArgs = new ArrayList<>();
    private final List<String> cppArgs = new ArrayList<>();
    private final List<String> inputs = new ArrayList<>();
    private final List<Language> inputLanguages = new ArrayList<>();
    private final List<String> includes = new ArrayList<>();
    private final List<String> searchDirs = new ArrayList<>();
    private final List<PrefixMap> prefixMaps = new ArrayList<>();
    private Language xLanguage;
    private boolean compile;
    private boolean assembly;
    private String output;
    private String depMode;
    private String depFile;
    private boolean driverDepOption;
    private boolean depFromWp;
    private final List<String> depTargets = new ArrayList<>();
    private boolean debugInfo;
    private boolean splitDwarf;
    private final CompilerType type;
    private String colorOption;
    private boolean nativeCpu;
    private boolean recordsSwitches;
    private String directModeOff;
    private String cc1WantsValue;
    private boolean syntaxOnly;
    private final SideOutputRequests sideOutputs = new SideOutputRequests();
    private final List<String> keyFiles = new ArrayList<>();
    private final List<String> macros = new ArrayList<>();
    private final List<String> wpMacros = new ArrayList<>();

    Walk(String compiler, List<String> args, Path cwd, Map<String, String> env, CompilerType type) {
      this.compiler = compiler;
      this.type = type;
      this.args = args;
      this.cwd = cwd;
      this.env = env;
    }

    Classification run() {
      List<String> expanded;
      try {
        // gcc's long spellings as the short options they stand for: --write-dependencies is -MD,
        // --for-assembler=X is -Xassembler X (the compile itself still runs with args as given)
        List<GccOptionParser.Arg> parsed = GccOptionParser.parse(ResponseFiles.expand(args, cwd));
        expanded = new ArrayList<>();
        for (GccOptionParser.Arg arg : parsed) {
          if (GccOptionParser.clangUnkeyable(arg)) {
            return new Uncacheable(Counter.UNSUPPORTED_COMPILER_OPTION, arg.spelling());
          }
          expanded.addAll(arg.canonical());
        }
      } catch (ResponseFiles.UnreadableException e) {
        return new Uncacheable(Counter.BAD_COMPILER_ARGUMENTS, e.getMessage());
      }
      for (String var : List.of("DEPENDENCIES_OUTPUT", "SUNPRO_DEPENDENCIES")) {
        if (env.containsKey(var)) {
          return new Uncacheable(Counter.UNSUPPORTED_ENVIRONMENT_VARIABLE, var + " is set");
        }
      }
      for (int i = 0; i < expanded.size(); i++) {
        String a = expanded.get(i);
        String next = i + 1 < expanded.size() ? expanded.get(i + 1) : null;
        boolean separate = GccOptions.TAKES_VALUE.contains(a);
        if (cc1WantsValue != null && !a.equals("-Xclang")) {
          return new Uncacheable(
              Counter.BAD_COMPILER_ARGUMENTS,
              "-Xclang " + cc1WantsValue + " is missing its value (-Xclang VALUE)");
        }
        if (separate && next == null) {
          return new Uncacheable(Counter.BAD_COMPILER_ARGUMENTS, a + " is missing its value");
        }
        Classification stop = separate ? option(a, next) : single(a);
        if (stop != null) {
          return stop;
        }
        if (separate) {
          i++;
        }
      }
      if (cc1WantsValue != null) {
        return new Uncacheable(
            Counter.BAD_COMPILER_ARGUMENTS,
            "-Xclang " + cc1WantsValue + " is missing its value (-Xclang VALUE)");
      }
      return finish();
    }

    /**
     * {@code -Xclang ITEM}: ITEM goes to clang's cc1 alone, never as an input or an output of the
     * driver. Cached (both words in the key and given to the preprocessor too, as ccache does,
     * since {@code -target-feature} changes the predefined macros) only for clang and only for the
     * cc1 options of {@link ClangCc1Options}; gcc has no {@code -Xclang} and fails as it would.
     */
    private Classification xclang(String item) {
      if (!type.clangFamily()) {
        return new Uncacheable(Counter.UNSUPPORTED_COMPILER_OPTION, "-Xclang " + item);
      }
      if (cc1WantsValue != null) {
        if (!ClangCc1Options.isValueOf(cc1WantsValue, item)) {
          return new Uncacheable(
              Counter.UNSUPPORTED_COMPILER_OPTION, "-Xclang " + cc1WantsValue + " -Xclang " + item);
        }
        cc1WantsValue = null;
      } else if (ClangCc1Options.isPrecompiledHeader(item)) {
        return new Uncacheable(Counter.COULD_NOT_USE_PRECOMPILED_HEADER, "-Xclang " + item);
      } else if (ClangCc1Options.takesValue(item)) {
        cc1WantsValue = item;
      } else if (!ClangCc1Options.isFlag(item)) {
        return new Uncacheable(Counter.UNSUPPORTED_COMPILER_OPTION, "-Xclang " + item);
      }
      keyArgs.add(KeyArg.plain("-Xclang"));
      keyArgs.add(KeyArg.plain(item));
      cppArgs.add("-Xclang");
      cppArgs.add(item);
      return null;
    }

    /** An option with a separate value. Returns non-null to stop with that classification. */
    private Classification option(String a, String value) {
      switch (a) {
        case "-o" -> {
          output = value;
          return value.equals("-") ? new Uncacheable(Counter.OUTPUT_TO_STDOUT, "-o -") : null;
        }
        case "-MF" -> {
          depFile = value;
          return null;
        }
        case "-MT", "-MQ" -> {
          return depTarget(a, value);
        }
        case "-x" -> {
          cppArgs.add(a);
          cppArgs.add(value);
          keyArgs.add(KeyArg.plain(a));
          keyArgs.add(KeyArg.plain(value));
          return language(value);
        }
        case "-Xclang" -> {
          return xclang(value);
        }
        case "-specs", "-wrapper", "-aux-info", "-MJ", "-ivfsoverlay" -> {
          return new Uncacheable(Counter.UNSUPPORTED_COMPILER_OPTION, a);
        }
        case "--serialize-diagnostics" -> {
          // As in ccache: the file is an output, its name not in the key; the preprocessor never
          // sees the option.
          sideOutputs.diagnostics(value);
          keyArgs.add(KeyArg.plain(a));
          return null;
        }
        case "-dumpbase", "-dumpdir", "-dumpbase-ext" -> sideOutputs.auxNamesChosen();
        case KeyArg.INDEX_STORE_PATH -> {
          // clang's; one key argument, which sloppiness clang_index_store leaves out
          keyArgs.add(new KeyArg(a, null, " " + value));
          cppArgs.add(a);
          cppArgs.add(value);
          return null;
        }
        case "-D", "-U" -> {
          macros.add(a + value);
          cppArgs.add(a);
          cppArgs.add(value);
          return null;
        }
        default -> {}
      }
      if (a.equals("-include")) {
        includes.add(value);
      }
      if (GccOptions.SEARCH_DIR_OPTIONS.contains(a)) {
        searchDirs.add(value);
      }
      if (a.equals("-Xpreprocessor")) {
        if (value.startsWith("-M")) {
          return new Uncacheable(Counter.UNSUPPORTED_COMPILER_OPTION, a + " " + value);
        }
        directModeOff = a + " " + value;
      }
      if (a.equals("-Xassembler") && !AssemblerOptions.allowed(value)) {
        return new Uncacheable(Counter.UNSUPPORTED_COMPILER_OPTION, a + " " + value);
      }
      keyArgs.add(KeyArg.plain(a));
      keyArgs.add(
          GccOptions.PATH_OPTIONS.contains(a) ? KeyArg.withPath("", value) : KeyArg.plain(value));
      cppArgs.add(a);
      cppArgs.add(value);
      return null;
    }

    /** An argument that stands alone (a joined option, a flag, or an input file). */
    private Classification single(String a) {
      if (a.equals("-")) {
        return new Uncacheable(Counter.NO_INPUT_FILE, "source from standard input");
      }
      if (!a.startsWith("-") || a.length() == 1) {
        inputs.add(a);
        inputLanguages.add(
            xLanguage != null ? xLanguage : Language.forFileName(a, isCxxDriver(compiler)));
        return null;
      }
      for (String p : GccOptions.UNSUPPORTED_PREFIXES) {
        if (a.startsWith(p) && !(p.equals("-v") && !a.equals("-v"))) {
          return new Uncacheable(Counter.UNSUPPORTED_COMPILER_OPTION, a);
        }
      }
      switch (a) {
        case "-c" -> {
          compile = true;
          return null;
        }
        case "-S" -> {
          assembly = true;
          return null;
        }
        case "-E" -> {
          return new Uncacheable(Counter.CALLED_FOR_PREPROCESSING, a);
        }
        case "-M", "-MM" -> {
          // ccache lists these as too hard, not as preprocessing.
          return new Uncacheable(Counter.UNSUPPORTED_COMPILER_OPTION, a);
        }
        case "-MD", "-MMD" -> {
          depMode = a;
          driverDepOption = true;
          keyArgs.add(KeyArg.plain(a));
          return null;
        }
        case "-MP", "-MG" -> {
          keyArgs.add(KeyArg.plain(a));
          return null;
        }
        case "-fpch-preprocess", "-include-pch" -> {
          return new Uncacheable(Counter.COULD_NOT_USE_PRECOMPILED_HEADER, a);
        }
        case "-P" -> directModeOff = a;
        case "-fsyntax-only" -> {
          // As in ccache: no object; what the compiler says and returns is the result. The
          // preprocessor never sees the option.
          syntaxOnly = true;
          keyArgs.add(KeyArg.plain(a));
          return null;
        }
        case "-fstack-usage" -> sideOutputs.stackUsage();
        case "-frecord-gcc-switches" -> recordsSwitches = true;
        case "-fno-record-gcc-switches" -> recordsSwitches = false;
        default -> {}
      }
      if ((a.startsWith("-D") || a.startsWith("-U")) && a.length() > 2) {
        macros.add(a);
        cppArgs.add(a);
        return null;
      }
      if (a.startsWith("-fmodules") || a.startsWith("-fmodule-")) {
        return new Uncacheable(Counter.COULD_NOT_USE_MODULES, a);
      }
      if (a.startsWith("-o")) {
        output = a.substring(2);
        return output.equals("-") ? new Uncacheable(Counter.OUTPUT_TO_STDOUT, a) : null;
      }
      if (a.startsWith("-MF")) {
        depFile = a.substring(3);
        return null;
      }
      if (a.startsWith("-MT") || a.startsWith("-MQ")) {
        return depTarget(a.substring(0, 3), a.substring(3));
      }
      if (a.startsWith("-x")) {
        cppArgs.add(a);
        keyArgs.add(KeyArg.plain(a));
        return language(a.substring(2));
      }
      if (a.startsWith("-Wp,")) {
        return wp(a);
      }
      if (a.startsWith("-Wa,")) {
        return wa(a);
      }
      for (String p : GccOptions.KEY_FILE_OPTIONS) {
        String option = p.substring(0, p.length() - 1);
        if (a.startsWith(option)) {
          if (!a.startsWith(p) || a.length() == p.length()) {
            return new Uncacheable(Counter.BAD_COMPILER_ARGUMENTS, a + " names no file");
          }
          keyFiles.add(a.substring(p.length()));
        }
      }
      if (a.startsWith("-g")) {
        debugOption(a);
      }
      if (DiagnosticsColour.isOption(type, a)) {
        // Passed to the compile as given, but neither hashed nor preprocessed (as in ccache): the
        // server asks for colour itself and strips it where the user does not want it.
        colorOption = a;
        return null;
      }
      if (a.equals("-march=native") || a.equals("-mtune=native") || a.equals("-mcpu=native")) {
        nativeCpu = true;
      }
      for (String map :
          List.of("-fdebug-prefix-map=", "-ffile-prefix-map=", "-fmacro-prefix-map=")) {
        if (a.startsWith(map)) {
          String spec = a.substring(map.length());
          int eq = spec.indexOf('=');
          if (eq < 0) {
            return new Uncacheable(Counter.BAD_COMPILER_ARGUMENTS, a + " has no '='");
          }
          if (!map.equals("-fmacro-prefix-map=")) {
            prefixMaps.add(new PrefixMap(spec.substring(0, eq), spec.substring(eq + 1)));
          }
          keyArgs.add(new KeyArg(map, spec.substring(0, eq), spec.substring(eq)));
          cppArgs.add(a);
          return null;
        }
      }
      for (String p : GccOptions.PATH_OPTIONS) {
        String joined = p.startsWith("--") ? p + "=" : p;
        if (a.startsWith(joined) && a.length() > joined.length()) {
          String value = a.substring(joined.length());
          if (p.equals("-include")) {
            includes.add(value);
          }
          if (GccOptions.SEARCH_DIR_OPTIONS.contains(p)) {
            searchDirs.add(value);
          }
          keyArgs.add(KeyArg.withPath(joined, value));
          cppArgs.add(a);
          return null;
        }
      }
      keyArgs.add(KeyArg.plain(a));
      cppArgs.add(a);
      return null;
    }

    /**
     * {@code -MT} or {@code -MQ}: as in ccache only the option enters the key, since a hit writes
     * the targets of its own command line.
     */
    private Classification depTarget(String option, String target) {
      depTargets.add(option.equals("-MQ") ? DepTargets.quote(target) : target);
      keyArgs.add(KeyArg.plain(option));
      return null;
    }

    /**
     * {@code -Wp,items}: the items go to the preprocessor as separate arguments. {@code -MD FILE}
     * and {@code -MMD FILE} among them name the dependency file; other dependency options are too
     * hard. Any item but a macro definition keeps direct mode off, as in ccache.
     */
    private Classification wp(String a) {
      String[] items = a.substring(4).split(",", -1);
      List<String> rest = new ArrayList<>();
      for (int k = 0; k < items.length; k++) {
        String item = items[k];
        if ((item.equals("-MD") || item.equals("-MMD"))
            && k + 1 < items.length
            && !items[k + 1].isEmpty()
            && !depFromWp) {
          depMode = item;
          depFile = items[++k];
          depFromWp = true;
          keyArgs.add(KeyArg.plain("-Wp," + item));
          continue;
        }
        if (item.startsWith("-M")) {
          return new Uncacheable(Counter.UNSUPPORTED_COMPILER_OPTION, a);
        }
        if (!item.startsWith("-D")) {
          directModeOff = a; // as in ccache: only -Wp,-D... leaves the include files to the driver
        }
        if ((item.startsWith("-D") || item.startsWith("-U")) && item.length() > 2) {
          wpMacros.add(item);
        } else {
          keyArgs.add(KeyArg.plain("-Wp," + item));
        }
        rest.add(item);
      }
      if (!rest.isEmpty()) {
        cppArgs.add("-Wp," + String.join(",", rest));
      }
      return null;
    }

    /**
     * {@code -Wa,...}: assembler options from the allow-list, and at most one listing option
     * ({@code -a[cdghlmns]}, as ccache), whose {@code =FILE} is an output kept out of the key.
     */
    private Classification wa(String a) {
      List<String> keyed = new ArrayList<>();
      for (String item : a.substring(4).split(",", -1)) {
        if (AssemblerOptions.isListing(item)) {
          item = sideOutputs.listing(item);
          if (item == null) {
            return new Uncacheable(
                Counter.UNSUPPORTED_COMPILER_OPTION, "more than one assembler listing: " + a);
          }
        } else if (!AssemblerOptions.allowed(item)) {
          return new Uncacheable(Counter.UNSUPPORTED_COMPILER_OPTION, a);
        }
        keyed.add(item);
      }
      keyArgs.add(KeyArg.plain("-Wa," + String.join(",", keyed)));
      cppArgs.add(a);
      return null;
    }

    private void debugOption(String a) {
      if (a.equals("-g0") || a.equals("-ggdb0") || a.equals("-gdwarf0")) {
        debugInfo = false;
      } else if (a.equals("-gsplit-dwarf")) {
        splitDwarf = true;
        debugInfo = true; // gcc 12: -gsplit-dwarf alone emits debug info
      } else if (a.equals("-gno-split-dwarf")) {
        splitDwarf = false;
      } else if (a.equals("-g")
          || a.matches("-g[123]")
          || a.startsWith("-ggdb")
          || a.startsWith("-gdwarf")
          || a.startsWith("-gstabs")
          || a.startsWith("-gxcoff")
          || a.startsWith("-gvms")
          || a.startsWith("-gbtf")
          || a.startsWith("-gctf")) {
        debugInfo = true;
      }
    }

    private Classification language(String name) {
      if (name.equals("none")) {
        xLanguage = null;
        return null;
      }
      Language l = Language.forXName(name);
      if (l == null) {
        Counter reason =
            name.endsWith("-header")
                ? Counter.COULD_NOT_USE_PRECOMPILED_HEADER
                : Counter.UNSUPPORTED_SOURCE_LANGUAGE;
        return new Uncacheable(reason, "-x " + name);
      }
      xLanguage = l;
      return null;
    }

    private Classification finish() {
      if (!compile && !assembly && !syntaxOnly) {
        // As ccache: a link of configure's conftest program is the common case worth its own
        // counter; conftest compiles with -c are cached like any other.
        boolean conftest =
            !inputs.isEmpty() && OutputNames.baseName(inputs.get(0)).contains("conftest.");
        return new Uncacheable(
            conftest ? Counter.AUTOCONF_TEST : Counter.CALLED_FOR_LINK,
            conftest ? inputs.get(0) : "no -c or -S");
      }
      if (inputs.isEmpty()) {
        return new Uncacheable(Counter.NO_INPUT_FILE, "no source file");
      }
      if (inputs.size() > 1) {
        return new Uncacheable(Counter.MULTIPLE_SOURCE_FILES, String.join(" ", inputs));
      }
      String source = inputs.get(0);
      Language language = inputLanguages.get(0);
      if (language == null) {
        Counter reason =
            Language.isHeaderName(source)
                ? Counter.COULD_NOT_USE_PRECOMPILED_HEADER
                : Counter.UNSUPPORTED_SOURCE_LANGUAGE;
        return new Uncacheable(reason, source);
      }
      String pch = precompiledInclude();
      if (pch != null) {
        return new Uncacheable(
            Counter.COULD_NOT_USE_PRECOMPILED_HEADER, "-include " + pch + " has a .gch");
      }
      boolean explicitOutput = output != null;
      String out = explicitOutput ? output : OutputNames.defaultOutput(source, assembly);
      if (out.isEmpty() || out.endsWith("/")) {
        return new Uncacheable(Counter.BAD_COMPILER_ARGUMENTS, "output path \"" + out + "\"");
      }
      Optional<String> dep = Optional.empty();
      // gcc preprocesses no plain assembler source, so no dependency file is written for it.
      if (depMode != null && language != Language.ASSEMBLER) {
        String named =
            depFile != null ? depFile : OutputNames.beside(out, explicitOutput, source, ".d");
        if (isDevNull(named)) {
          // As in ccache: the compiler still writes it (to nothing); the result has no dependency
          // file, so its key must differ from one that has.
          keyArgs.add(KeyArg.plain("-MF:/dev/null"));
        } else {
          dep = Optional.of(named);
        }
      }
      // The assembler writes the .dwo (so -S has none); gcc writes one even with -g0, perhaps
      // empty: the compile path stores it when the compile wrote it.
      Optional<String> dwo =
          splitDwarf && !assembly
              ? Optional.of(OutputNames.beside(out, explicitOutput, source, ".dwo"))
              : Optional.empty();
      if (dwo.isPresent()) {
        // The object names its .dwo, so the key must include where it goes.
        keyArgs.add(KeyArg.plain("-gsplit-dwarf:" + dwo.get()));
      }
      Optional<List<SideOutput>> named =
          sideOutputs.name(out, explicitOutput, isDevNull(out), source, assembly, syntaxOnly);
      if (named.isEmpty()) {
        return new Uncacheable(
            Counter.UNSUPPORTED_COMPILER_OPTION, "-fstack-usage with -dumpbase or -dumpdir");
      }
      List<SideOutput> sides = new ArrayList<>();
      for (SideOutput side : named.get()) {
        if (isDevNull(side.path())) {
          // As for a dependency file: written to nothing, so not in the result, and the key says so
          keyArgs.add(KeyArg.plain(side.kind() + ":/dev/null"));
        } else {
          sides.add(side);
        }
      }
      // Macros in the order cc1 gets them: the driver's -D and -U, then those of -Wp, (gcc passes
      // -Wp, items after them). So -Wp,-DX keys as -DX does, and -D X as -DX.
      macros.addAll(wpMacros);
      macros.forEach(m -> keyArgs.add(KeyArg.plain(m)));
      boolean targetsFollowOutput = depTargets.isEmpty() && explicitOutput && driverDepOption;
      List<String> targets =
          depTargets.isEmpty()
              ? List.of(DepTargets.defaultTarget(source, out, explicitOutput, driverDepOption))
              : depTargets;
      keyArgs.add(KeyArg.plain(assembly ? "mode:-S" : "mode:-c"));
      List<String> cpp = new ArrayList<>(cppArgs);
      cpp.add(source);
      return new Cacheable(
          new Invocation(
              compiler,
              args,
              language,
              source,
              assembly,
              out,
              explicitOutput,
              dep,
              !targetsFollowOutput,
              targets,
              dwo,
              keyArgs,
              cpp,
              debugInfo,
              prefixMaps,
              Optional.ofNullable(colorOption),
              nativeCpu,
              recordsSwitches,
              Optional.ofNullable(directModeOff),
              !syntaxOnly,
              sides,
              keyFiles));
    }

    /**
     * The first {@code -include} file that gcc would take from a precompiled header: it looks in
     * the working directory first, then along the include search path, and uses {@code X.gch}
     * wherever it finds it.
     */
    private String precompiledInclude() {
      for (String inc : includes) {
        List<String> dirs = new ArrayList<>();
        dirs.add(".");
        if (!inc.startsWith("/")) {
          dirs.addAll(searchDirs);
        }
        for (String dir : dirs) {
          if (exists(inc.startsWith("/") ? inc + ".gch" : dir + "/" + inc + ".gch")) {
            return inc;
          }
        }
      }
      return null;
    }

    /**
     * True when the path (relative to the working directory) is /dev/null; false for names no file
     * can have.
     */
    private boolean isDevNull(String p) {
      try {
        return FileKind.isDevNullPath(cwd.resolve(p));
      } catch (InvalidPathException e) {
        return false;
      }
    }

    /**
     * True when the path (relative to the working directory) exists; false for names no file can
     * have.
     */
    private boolean exists(String p) {
      try {
        return Files.exists(cwd.resolve(p));
      } catch (InvalidPathException e) {
        return false;
      }
    }
  }
}
