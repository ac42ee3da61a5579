package dev.distcache.daemon.remote;

import dev.distcache.core.args.ArgsClassifier;
import dev.distcache.core.args.Classification;
import dev.distcache.core.args.Invocation;
import dev.distcache.distribute.distcc.DistccRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Decides whether a distcc request's argv may run on this daemon, and normalizes it into a {@link
 * JobPlan}. Refused: a compiler outside the allowed list; anything that would make the compiler
 * run a program, load code, or read or write a file the client chose ({@code -fplugin=},
 * {@code -specs=}, {@code -B}, {@code -wrapper}, {@code @file}, dump and profile files,
 * {@code -Xpreprocessor}, most {@code -Wp,} and some {@code -Wa,} items, {@code -MF} outside pump
 * mode); {@code -x} and {@code -gsplit-dwarf}, whose results distcc cannot carry back; and
 * whatever {@link ArgsClassifier} cannot reproduce exactly. The client's output name is never
 * used as a path: the daemon names its own files.
 */
final class ArgvPolicy {
  /** Prefixes refused in any position, with why. */
  private static final List<String[]> REFUSED = List.of(
      new String[] {"-fplugin", "would load a compiler plugin"},
      new String[] {"-iplugindir", "would load a compiler plugin"},
      new String[] {"-specs", "would read a specs file, which can run any program"},
      new String[] {"--specs", "would read a specs file, which can run any program"},
      new String[] {"-B", "would run compiler programs from a directory the client chose"},
      new String[] {"-wrapper", "would run a program the client chose"},
      new String[] {"-fcompare-debug", "would run the compiler again with options the client chose"},
      new String[] {"-fself-test", "would read files the client chose"},
      new String[] {"-Xpreprocessor", "would pass options to the preprocessor unchecked"},
      new String[] {"-Xassembler", "would pass options to the assembler unchecked"},
      new String[] {"-Xclang", "would pass options to the compiler unchecked"},
      new String[] {"-fdump-", "would write dump files"},
      new String[] {"-dumpdir", "would choose where dump files go"},
      new String[] {"-dumpbase", "would choose where dump files go"},
      new String[] {"-save-temps", "would write temporary files"},
      new String[] {"--save-temps", "would write temporary files"},
      new String[] {"-aux-info", "would write a file the client chose"},
      new String[] {"-MJ", "would write a file the client chose"},
      new String[] {"-fprofile-", "would read or write profile files"},
      new String[] {"-fauto-profile", "would read a profile file"},
      new String[] {"-fsanitize-blacklist", "would read a file the client chose"},
      new String[] {"-fsanitize-ignorelist", "would read a file the client chose"},
      new String[] {"-fsanitize-coverage-", "would read a file the client chose"},
      new String[] {"-ivfsoverlay", "would read a file the client chose"},
      new String[] {"-fdiagnostics-format=sarif", "would write a diagnostics file"},
      new String[] {"-fdiagnostics-add-output", "would write a diagnostics file"},
      new String[] {"-fdiagnostics-set-output", "would write a diagnostics file"},
      new String[] {"-fopt-info", "may write a file the client chose"},
      new String[] {"-foptimization-record-file", "would write a file the client chose"},
      new String[] {"-fsave-optimization-record", "would write a file"},
      new String[] {"-ftime-trace", "would write a file"},
      new String[] {"-fcallgraph-info", "would write a file beside the output"},
      new String[] {"-fstack-usage", "would write a file beside the output"},
      new String[] {"-gsplit-dwarf", "writes a .dwo file, which the distcc protocol cannot return"},
      new String[] {"-x", "the daemon takes the language from the input's name, as distccd does"});
  /** Assembler items ({@code -Wa,ITEM}) that write or read files. */
  private static final List<String> REFUSED_ASSEMBLER = List.of("-a", "--MD", "-MD", "-o", "@", "-I", "--listing");
  private static final Path NOWHERE = Path.of("/nonexistent/distcache-daemon");

  private ArgvPolicy() {}

  /** The plan for {@code request}, or why it is refused. */
  static JobPlan check(DistccRequest request, CompilerPolicy compilers) throws JobRefused {
    boolean pump = request.version().serverPreprocesses();
    List<String> argv = request.argv();
    String compiler = compilers.allowedName(argv.get(0));
    List<String> in = argv.subList(1, argv.size());
    List<String> args = new ArrayList<>();
    String output = null;
    String mt = null;
    int source = -1;
    for (int i = 0; i < in.size(); i++) {
      String a = in.get(i);
      refuseUnsafe(a, pump);
      if (ArgsClassifier.takesSeparateValue(a)) {
        if (i + 1 >= in.size()) {
          throw new JobRefused(a + " is missing its value");
        }
        String v = in.get(++i);
        if (a.equals("-o")) {
          output = once(output, v);
          continue;
        }
        if (a.equals("-MF")) {
          dependencyFile(pump, a + " " + v);
          continue;
        }
        if (a.equals("-MT") && pump && mt == null) {
          mt = v; // distccd turns the first -MT into the target of the dependency file it returns
          continue;
        }
        optionWithValue(a, v, pump);
        args.add(a);
        args.add(v);
      } else if (a.startsWith("-o")) {
        output = once(output, a.substring(2));
      } else if (a.startsWith("-MF")) {
        dependencyFile(pump, a);
      } else if (a.equals("-") || !a.startsWith("-")) {
        if (source >= 0) {
          throw new JobRefused("more than one input file (" + args.get(source) + ", " + a + ")");
        }
        source = args.size();
        args.add(a);
      } else {
        args.add(a);
      }
    }
    if (source < 0) {
      throw new JobRefused("no input file");
    }
    Invocation inv = classify(compiler, args);
    if (!inv.source().equals(args.get(source))) {
      throw new JobRefused("cannot tell the input file (" + inv.source() + " or " + args.get(source) + ")");
    }
    String src = args.get(source);
    String clientOutput = output != null ? output : stem(src) + (inv.assembly() ? ".s" : ".o");
    String extension = pump ? "" : preprocessedExtension(src);
    return new JobPlan(compiler, pump, args, source, inv.assembly(), extension,
        pump ? (mt != null ? mt : clientOutput) : null, !inv.recordsSwitches());
  }

  private static void refuseUnsafe(String a, boolean pump) throws JobRefused {
    if (a.startsWith("@")) {
      throw new JobRefused(a + " is refused: a response file would make the daemon read one of its own files");
    }
    for (String[] r : REFUSED) {
      if (a.startsWith(r[0])) {
        throw new JobRefused(a + " is refused: it " + r[1]);
      }
    }
    if (a.startsWith("-Wp,")) {
      for (String item : a.substring(4).split(",", -1)) {
        if (!item.startsWith("-D") && !item.startsWith("-U")) {
          throw new JobRefused(a + " is refused: only -D and -U may pass to the preprocessor through -Wp,");
        }
      }
    }
    if (a.startsWith("-Wa,")) {
      for (String item : a.substring(4).split(",", -1)) {
        for (String bad : REFUSED_ASSEMBLER) {
          if (item.startsWith(bad)) {
            throw new JobRefused(a + " is refused: the assembler option " + item + " reads or writes files");
          }
        }
      }
    }
    if (pump && (a.startsWith("--sysroot") || a.startsWith("-isysroot"))) {
      throw new JobRefused(a + " is refused in pump mode: the daemon's preprocessor would read headers from a"
          + " directory of the daemon's that the client chose");
    }
    if (!pump && (a.startsWith("-include") || a.startsWith("-imacros"))) {
      throw new JobRefused(a + " is refused: in protocols 1 and 2 the client preprocesses, and the option names"
          + " a file of the daemon's");
    }
  }

  private static void optionWithValue(String a, String v, boolean pump) throws JobRefused {
    if (!pump && (a.equals("-include") || a.equals("-imacros"))) {
      throw new JobRefused(a + " " + v + " is refused: in protocols 1 and 2 the client preprocesses");
    }
    if (pump && (a.equals("--sysroot") || a.equals("-isysroot"))) {
      throw new JobRefused(a + " " + v + " is refused in pump mode");
    }
  }

  private static void dependencyFile(boolean pump, String given) throws JobRefused {
    if (!pump) {
      throw new JobRefused(given + " is refused: the daemon does not write files the client names (distcc keeps"
          + " dependency options on the client in protocols 1 and 2)");
    }
    // Pump mode: dropped; the daemon writes its own and returns it as DOTD, as distccd does.
  }

  private static String once(String output, String value) throws JobRefused {
    if (output != null) {
      throw new JobRefused("more than one -o");
    }
    if (value.isEmpty() || value.equals("-")) {
      throw new JobRefused("-o " + value + " is refused: the output must be a file");
    }
    return value;
  }

  private static Invocation classify(String compiler, List<String> args) throws JobRefused {
    List<String> check = new ArrayList<>(args);
    check.add("-o");
    check.add("output");
    Classification c = ArgsClassifier.classify(compiler, check, NOWHERE, Map.of());
    if (c instanceof Classification.Uncacheable u) {
      throw new JobRefused("cannot be compiled remotely: " + u.detail() + " (" + u.reason().id() + ")");
    }
    return ((Classification.Cacheable) c).invocation();
  }

  /** distccd's name for the preprocessed input: {@code .i} for C, {@code .ii} for C++, ... */
  static String preprocessedExtension(String source) throws JobRefused {
    String name = source.substring(source.lastIndexOf('/') + 1);
    int dot = name.lastIndexOf('.');
    String ext = dot < 0 ? "" : name.substring(dot + 1);
    return switch (ext) {
      case "c", "i" -> ".i";
      case "cc", "cpp", "cxx", "cp", "c++", "C", "CPP", "ii" -> ".ii";
      case "m", "mi" -> ".mi";
      case "mm", "M", "mii" -> ".mii";
      case "s", "S", "sx" -> ".s";
      default -> throw new JobRefused("the input " + source + " has no extension of a language the daemon compiles");
    };
  }

  private static String stem(String source) {
    String name = source.substring(source.lastIndexOf('/') + 1);
    int dot = name.lastIndexOf('.');
    return dot > 0 ? name.substring(0, dot) : name;
  }
}
