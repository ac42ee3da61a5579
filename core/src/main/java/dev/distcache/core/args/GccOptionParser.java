package dev.distcache.core.args;

import dev.distcache.core.args.GccLongOptions.Alias;
import dev.distcache.core.args.GccLongOptions.Kind;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a gcc argv into the canonical short options gcc 12's driver decodes it into, so that the
 * classifier and the daemon's policy see {@code --prefix=./} as {@code -B./}, {@code
 * --for-assembler=-al} as {@code -Xassembler -al}, {@code --plugin=x.so} as {@code -fplugin=x.so},
 * {@code --write-dep} as {@code -MD}. Long options are looked up as opts-common.cc's find_opt does
 * (exact, then an unambiguous abbreviation without {@code =}), then through its prefix map ({@code
 * --no-} to {@code -fno-}, {@code --} to {@code -f}, ...). The items of {@code -Wp,} and of {@code
 * -Xpreprocessor} go to cc1, which reads them with the same table, and are canonicalized too.
 * Values of options that take one are never read as options.
 */
public final class GccOptionParser {
  /** One argument as the client spelled it (one or two words) and its canonical words. */
  public record Arg(List<String> spelled, List<String> canonical) {
    /** The spelling, as one string for messages. */
    public String spelling() {
      return String.join(" ", spelled);
    }
  }

  private static final String SERIALIZE_DIAGNOSTICS = "--serialize-diagnostics";

  /**
   * clang's {@code --target=TRIPLE}. gcc has no such option (its prefix map would read it as {@code
   * -ftarget=TRIPLE}, which it rejects), so it stays as spelled: clang then gets it as given, and
   * the triple is in the key like any other option.
   */
  private static final String TARGET = "--target=";

  /**
   * clang's other long options that a C or C++ compile may carry, kept as spelled for the same
   * reason as {@link #TARGET}: where the GCC installation is ({@code --gcc-toolchain=}, {@code
   * --gcc-install-dir=}, which move the headers the preprocessor reads, and so what the key
   * follows), and the link-only runtime and linker choices ({@code --rtlib=}, {@code --unwindlib=},
   * {@code --ld-path=}; with {@code -c} clang warns that they are unused, and the warning is cached
   * with the result). Not here: {@code --config} and {@code --driver-mode=}, which {@link
   * #clangUnkeyable} names for the classifier, and the CUDA and HIP ones, still read the gcc way.
   */
  private static final List<String> CLANG_JOINED =
      List.of("--gcc-toolchain=", "--gcc-install-dir=", "--rtlib=", "--unwindlib=", "--ld-path=");

  /** clang's flags around arguments it must not warn about, kept as spelled. */
  private static final List<String> CLANG_FLAGS =
      List.of("--start-no-unused-arguments", "--end-no-unused-arguments");

  private GccOptionParser() {}

  /** The canonical argv: {@link #parse}'s canonical words in order. */
  public static List<String> canonical(List<String> argv) {
    List<String> out = new ArrayList<>();
    for (Arg a : parse(argv)) {
      out.addAll(a.canonical());
    }
    return out;
  }

  /** {@code argv} (without argv[0]) as arguments; an option missing its value stays as spelled. */
  public static List<Arg> parse(List<String> argv) {
    List<Arg> out = new ArrayList<>();
    for (int i = 0; i < argv.size(); i++) {
      String a = argv.get(i);
      String next = i + 1 < argv.size() ? argv.get(i + 1) : null;
      Arg arg = one(a, next);
      out.add(arg);
      i += arg.spelled().size() - 1;
    }
    return out;
  }

  private static Arg one(String a, String next) {
    if (a.equals(SERIALIZE_DIAGNOSTICS)) {
      // clang's; gcc has no such long option (its prefix map would read it as -f...): FILE is its
      // value either way, never a source
      return next == null
          ? new Arg(List.of(a), List.of(a))
          : new Arg(List.of(a, next), List.of(a, next));
    }
    if (a.startsWith(TARGET) || CLANG_FLAGS.contains(a) || clangJoined(a)) {
      return new Arg(List.of(a), List.of(a));
    }
    if (a.startsWith("--") && a.length() > 2) {
      return longOption(a, next);
    }
    if (GccOptions.TAKES_VALUE.contains(a) && next != null) {
      String v = a.equals("-Xpreprocessor") ? preprocessorItem(next) : next;
      return new Arg(List.of(a, next), List.of(a, v));
    }
    if (a.startsWith("-Wp,")) {
      return new Arg(
          List.of(a),
          List.of("-Wp," + String.join(",", canonical(List.of(a.substring(4).split(",", -1))))));
    }
    return new Arg(List.of(a), List.of(a));
  }

  /**
   * True for clang's long options that no key can follow: {@code --config} (options read from a
   * file) and {@code --driver-mode=} (another reading of the source's language), as {@code arg}
   * spells them; the compile runs as given, uncached.
   */
  public static boolean clangUnkeyable(Arg arg) {
    String spelled = arg.spelled().getFirst();
    return spelled.equals("--config")
        || spelled.startsWith("--config=")
        || spelled.startsWith("--driver-mode=");
  }

  private static boolean clangJoined(String a) {
    for (String prefix : CLANG_JOINED) {
      if (a.startsWith(prefix) && a.length() > prefix.length()) {
        return true;
      }
    }
    return false;
  }

  /** An -Xpreprocessor item: cc1 reads it as an option of its own (with the same long aliases). */
  private static String preprocessorItem(String item) {
    if (!item.startsWith("--")) {
      return item;
    }
    List<String> c = canonical(List.of(item));
    return c.size() == 1 ? c.get(0) : item;
  }

  private static Arg longOption(String a, String next) {
    String body = a.substring(2);
    int eq = body.indexOf('=');
    if (eq >= 0) {
      Alias joined = GccLongOptions.TABLE.get(body.substring(0, eq));
      if (joined == null || joined.kind() == Kind.FLAG || joined.kind() == Kind.SEPARATE) {
        joined = GccLongOptions.TABLE.get(body.substring(0, eq + 1));
      }
      if (joined != null && joined.kind() != Kind.FLAG && joined.kind() != Kind.SEPARATE) {
        if (eq == body.length() - 1) {
          return new Arg(
              List.of(a), List.of(a)); // gcc: "missing after --name=", an error as spelled
        }
        return new Arg(List.of(a), withValue(joined.target(), body.substring(eq + 1)));
      }
    } else {
      Alias alias = unique(GccLongOptions.lookUp(body));
      if (alias != null && alias.kind() == Kind.FLAG) {
        return new Arg(List.of(a), List.of(alias.target()));
      }
      if (alias != null && (alias.kind() == Kind.VALUE || alias.kind() == Kind.SEPARATE)) {
        if (next != null && next.isEmpty() && alias.target().equals("-d")) {
          return new Arg(
              List.of(a, next), List.of(a, next)); // -d takes no empty value: no short spelling
        }
        return next == null
            ? new Arg(List.of(a), List.of(a))
            : new Arg(List.of(a, next), withValue(alias.target(), next));
      }
    }
    String separate = GccLongOptions.PREFIX_MAP_SEPARATE.get(a);
    if (separate != null) {
      // gcc takes the next word only when it makes a known option, which "-m-..." never is
      return next == null || next.startsWith("-")
          ? new Arg(List.of(a), List.of(a))
          : new Arg(List.of(a, next), List.of(separate + next));
    }
    if (a.startsWith("--debug=no-")
        && !GccLongOptions.negatableDebugOption(a.substring("--debug=no-".length()))) {
      return new Arg(List.of(a), List.of("-f" + a.substring(2)));
    }
    for (String[] m : GccLongOptions.PREFIX_MAP) {
      if (a.startsWith(m[0])
          && (a.length() > m[0].length() || !GccLongOptions.ANOTHER_CHAR_NEEDED.contains(m[0]))) {
        return new Arg(List.of(a), List.of(m[1] + a.substring(m[0].length())));
      }
    }
    return new Arg(List.of(a), List.of(a));
  }

  /** The one option the entries name (an option and its {@code =} variant are one), or null. */
  private static Alias unique(List<Alias> found) {
    Set<String> names = new LinkedHashSet<>();
    Alias flagOrValue = null;
    for (Alias f : found) {
      names.add(f.name().endsWith("=") ? f.name().substring(0, f.name().length() - 1) : f.name());
      if (f.kind() != Kind.JOINED) {
        flagOrValue = f;
      }
    }
    return names.size() == 1 ? flagOrValue : null;
  }

  /** The target with its value: joined where the short option takes it joined, else two words. */
  private static List<String> withValue(String target, String value) {
    if (target.endsWith("=") || (GccLongOptions.JOINABLE.contains(target) && !value.isEmpty())) {
      return List.of(target + value);
    }
    return List.of(target, value);
  }

  /** For tests: the long options of the table. */
  static Map<String, Alias> table() {
    return GccLongOptions.TABLE;
  }
}
