package dev.distcache.remote.policy;

import dev.distcache.core.args.ArgsClassifier;
import dev.distcache.core.args.Classification;
import dev.distcache.core.args.GccOptionParser;
import dev.distcache.core.args.Invocation;
import dev.distcache.distribute.distcc.DistccRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Decides whether a distcc request's argv may run on this daemon, and normalizes it into a {@link
 * JobPlan}. The argv is first decoded as gcc's driver decodes it ({@link GccOptionParser}: long
 * aliases such as {@code --prefix=} and {@code --for-assembler=}, abbreviations, {@code --} for
 * {@code -f}); each canonical option must then be on {@link RemoteOptions}'s allow-list, and the
 * compiler is run with the canonical words, so that what runs is what was checked. Refused too: a
 * compiler outside the allowed list, {@code @file}, {@code -x}, {@code -gsplit-dwarf} outside pump
 * mode (only a distcache client's pump job gets its {@code .dwo} back), {@code -MF} outside pump
 * mode, and whatever {@link ArgsClassifier} cannot reproduce exactly. A refusal names the option as
 * the client spelled it and as gcc reads it. The client's output name is never used as a path: the
 * daemon names its own files.
 */
public final class ArgvPolicy {
  private static final Path NOWHERE = Path.of("/nonexistent/distcache-daemon");

  private ArgvPolicy() {}

  /** The plan for {@code request}, or why it is refused. */
  public static JobPlan check(DistccRequest request, CompilerPolicy compilers) throws JobRefused {
    boolean pump = request.version().serverPreprocesses();
    List<String> argv = request.argv();
    String compiler = compilers.allowedName(argv.get(0));
    List<String> args = new ArrayList<>();
    String output = null;
    String mt = null;
    int source = -1;
    for (GccOptionParser.Arg arg : GccOptionParser.parse(argv.subList(1, argv.size()))) {
      List<String> c = arg.canonical();
      String a = c.get(0);
      if (a.startsWith("@") || arg.spelled().get(0).startsWith("@")) {
        throw new JobRefused(
            arg.spelling()
                + " is refused: a response file would make the daemon read one of its"
                + " own files");
      }
      if (c.size() == 1 && ArgsClassifier.takesSeparateValue(a)) {
        throw new JobRefused(a + " is missing its value");
      }
      if (a.equals("-") || !a.startsWith("-")) {
        if (source >= 0) {
          throw new JobRefused("more than one input file (" + args.get(source) + ", " + a + ")");
        }
        source = args.size();
        args.add(a);
        continue;
      }
      String v = c.size() == 2 ? c.get(1) : null;
      if (a.equals("-o") || (v == null && a.startsWith("-o"))) {
        output = once(output, v != null ? v : a.substring(2));
        continue;
      }
      if (a.startsWith("-MF")) {
        dependencyFile(pump, arg.spelling());
        continue;
      }
      if (a.equals("-MT") && v != null && pump && mt == null) {
        mt = v; // distccd turns the first -MT into the target of the dependency file it returns
        continue;
      }
      protocolRules(arg, a, pump);
      if (!protocolDependent(a)) {
        String why = RemoteOptions.refusal(c);
        if (why != null) {
          throw new JobRefused(describe(arg) + " is refused: " + why);
        }
      }
      args.addAll(c);
    }
    if (source < 0) {
      throw new JobRefused("no input file");
    }
    Invocation inv = classify(compiler, args);
    if (!inv.source().equals(args.get(source))) {
      throw new JobRefused(
          "cannot tell the input file (" + inv.source() + " or " + args.get(source) + ")");
    }
    String src = args.get(source);
    String clientOutput = output != null ? output : stem(src) + (inv.assembly() ? ".s" : ".o");
    String extension = pump ? "" : preprocessedExtension(src);
    return new JobPlan(
        compiler,
        pump,
        args,
        source,
        inv.assembly(),
        extension,
        pump ? (mt != null ? mt : clientOutput) : null,
        !inv.recordsSwitches(),
        pump && !inv.assembly() && args.contains("-gsplit-dwarf") ? clientOutput : null);
  }

  /** The option as the client spelled it, and as gcc reads it when that differs. */
  static String describe(GccOptionParser.Arg arg) {
    String canonical = String.join(" ", arg.canonical());
    return canonical.equals(arg.spelling())
        ? arg.spelling()
        : arg.spelling() + " (gcc reads " + canonical + ")";
  }

  /** Options whose rules depend on the protocol: -include and -imacros, the sysroot options, -x. */
  private static boolean protocolDependent(String a) {
    return a.startsWith("-include")
        || a.startsWith("-imacros")
        || a.startsWith("--sysroot=")
        || a.equals("-isysroot")
        || a.startsWith("-isysroot")
        || a.equals("-gsplit-dwarf");
  }

  private static void protocolRules(GccOptionParser.Arg arg, String a, boolean pump)
      throws JobRefused {
    if (a.startsWith("-x")) {
      throw new JobRefused(
          describe(arg)
              + " is refused: the daemon takes the language from the input's name, as"
              + " distccd does");
    }
    if (pump && (a.startsWith("--sysroot") || a.startsWith("-isysroot"))) {
      throw new JobRefused(
          describe(arg)
              + " is refused in pump mode: the daemon's preprocessor would read headers"
              + " from a directory of the daemon's that the client chose");
    }
    if (!pump && a.equals("-gsplit-dwarf")) {
      throw new JobRefused(
          describe(arg)
              + " is refused: it writes a .dwo file, which protocols 1 and 2 cannot return (a"
              + " distcache client sends it in pump mode, with the sources)");
    }
    if (!pump && (a.startsWith("-include") || a.startsWith("-imacros"))) {
      throw new JobRefused(
          describe(arg)
              + " is refused: in protocols 1 and 2 the client preprocesses, and the"
              + " option names a file of the daemon's");
    }
  }

  private static void dependencyFile(boolean pump, String given) throws JobRefused {
    if (!pump) {
      throw new JobRefused(
          given
              + " is refused: the daemon does not write files the client names (distcc keeps"
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
      throw new JobRefused(
          "cannot be compiled remotely: " + u.detail() + " (" + u.reason().id() + ")");
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
      default ->
          throw new JobRefused(
              "the input " + source + " has no extension of a language the daemon compiles");
    };
  }

  private static String stem(String source) {
    String name = source.substring(source.lastIndexOf('/') + 1);
    int dot = name.lastIndexOf('.');
    return dot > 0 ? name.substring(0, dot) : name;
  }
}
