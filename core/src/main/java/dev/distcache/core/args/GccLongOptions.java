package dev.distcache.core.args;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * gcc 12's {@code --long} option spellings and the short options they stand for: the aliases of the
 * option table (common.opt, c-family/c.opt, the driver's) and the prefix map of opts-common.cc.
 * Read off the strings of the installed driver and checked with {@code gcc -###} (see
 * GccOptionParserProperties).
 */
final class GccLongOptions {
  /** How a long option takes its value. */
  enum Kind {
    /** No value. */
    FLAG,
    /** {@code --name=VALUE} or {@code --name VALUE}. */
    VALUE,
    /** Only {@code --name=VALUE}. */
    JOINED,
    /** Only {@code --name VALUE}. */
    SEPARATE
  }

  /**
   * A long option: its target is the short option it is an alias of. A target ending in {@code =}
   * or listed in {@link #JOINABLE} takes its value joined; any other takes it as the next argument.
   */
  record Alias(String name, String target, Kind kind) {}

  /** Long options of gcc's option table, by name without the leading {@code --}. */
  static final Map<String, Alias> TABLE = new TreeMap<>();

  /** Short targets that take their value joined ({@code -Ifoo}); the rest take it separately. */
  static final List<String> JOINABLE =
      List.of(
          "-A",
          "-D",
          "-U",
          "-I",
          "-B",
          "-L",
          "-e",
          "-u",
          "-x",
          "-T",
          "-o",
          "-d",
          "-g",
          "-O",
          "-imacros",
          "-include",
          "-idirafter",
          "-iprefix",
          "-iwithprefix",
          "-iwithprefixbefore");

  /**
   * opts-common.cc's option_map, tried (longest first) only when the option table has no match: a
   * spelling that starts with the prefix is the replacement followed by the rest.
   */
  static final List<String[]> PREFIX_MAP =
      List.of(
          new String[] {"--machine=no-", "-mno-"},
          new String[] {"--machine-no-", "-mno-"},
          new String[] {"--machine=", "-m"},
          new String[] {"--machine-", "-m"},
          new String[] {"--warn-no-", "-Wno-"},
          new String[] {"--warn-", "-W"},
          new String[] {"--optimize=", "-O"},
          new String[] {"--debug=", "-g"},
          new String[] {"--std=", "-std="},
          new String[] {"--no-", "-fno-"},
          new String[] {"--", "-f"});

  /**
   * The {@code -g} options gcc 12 takes with {@code no-}: {@code --debug=no-X} is {@code -gno-X}
   * for these, and otherwise falls through the prefix map to {@code -fdebug=no-X} (an error).
   */
  static boolean negatableDebugOption(String x) {
    return x.startsWith("dwarf")
        || x.startsWith("gdb")
        || Set.of(
                "as-loc-support",
                "as-locview-support",
                "column-info",
                "describe-dies",
                "gnu-pubnames",
                "inline-points",
                "internal-reset-location-views",
                "pubnames",
                "record-gcc-switches",
                "split-dwarf",
                "statement-frontiers",
                "strict-dwarf",
                "variable-location-views",
                "z",
                "toggle")
            .contains(x);
  }

  /** Prefixes that map only when something follows them ({@code --warn-} alone is no option). */
  static final List<String> ANOTHER_CHAR_NEEDED = List.of("--machine-", "--warn-", "--");

  /**
   * opts-common.cc's option_map entries that take the next argument: {@code --machine sse4}, {@code
   * --std c99}.
   */
  static final Map<String, String> PREFIX_MAP_SEPARATE =
      Map.of("--machine", "-m", "--std", "-std=");

  static {
    flag("all-warnings", "-Wall");
    flag("ansi", "-ansi");
    flag("assemble", "-S");
    value("assert", "-A");
    flag("comments", "-C");
    flag("comments-in-macros", "-CC");
    flag("compile", "-c");
    joined("completion", "--completion=");
    flag("coverage", "--coverage");
    flag("debug", "-g");
    value("define-macro", "-D");
    flag("dependencies", "-M");
    value("dump", "-d");
    separate("dumpbase", "-dumpbase");
    separate("dumpbase-ext", "-dumpbase-ext");
    separate("dumpdir", "-dumpdir");
    value("entry", "-e");
    flag("extra-warnings", "-Wextra");
    value("for-assembler", "-Xassembler");
    value("for-linker", "-Xlinker");
    value("force-link", "-u");
    flag("help", "--help");
    joined("help", "--help=");
    value("imacros", "-imacros");
    value("include", "-include");
    flag("include-barrier", "-I-");
    value("include-directory", "-I");
    value("include-directory-after", "-idirafter");
    value("include-prefix", "-iprefix");
    value("include-with-prefix", "-iwithprefix");
    value("include-with-prefix-after", "-iwithprefix");
    value("include-with-prefix-before", "-iwithprefixbefore");
    joined("jobserver-auth", "--jobserver-auth=");
    value("language", "-x");
    value("library-directory", "-L");
    flag("no-canonical-prefixes", "-no-canonical-prefixes");
    flag("no-integrated-cpp", "-no-integrated-cpp");
    flag("no-line-commands", "-P");
    flag("no-standard-includes", "-nostdinc");
    flag("no-standard-libraries", "-nostdlib");
    flag("no-sysroot-suffix", "--no-sysroot-suffix");
    flag("no-warnings", "-w");
    flag("optimize", "-O");
    value("output", "-o");
    joined("output-pch", "--output-pch="); // c.opt's own spelling: -output-pch=x is -o utput-pch=x
    value("param", "--param=");
    flag("pass-exit-codes", "-pass-exit-codes");
    flag("pedantic", "-Wpedantic");
    flag("pedantic-errors", "-pedantic-errors");
    flag("pie", "-pie");
    flag("pipe", "-pipe");
    value("prefix", "-B");
    flag("preprocess", "-E");
    value("print-file-name", "-print-file-name=");
    flag("print-libgcc-file-name", "-print-libgcc-file-name");
    flag("print-missing-file-dependencies", "-MG");
    flag("print-multi-directory", "-print-multi-directory");
    flag("print-multi-lib", "-print-multi-lib");
    flag("print-multi-os-directory", "-print-multi-os-directory");
    flag("print-multiarch", "-print-multiarch");
    value("print-prog-name", "-print-prog-name=");
    flag("print-search-dirs", "-print-search-dirs");
    flag("print-sysroot", "-print-sysroot");
    flag("print-sysroot-headers-suffix", "-print-sysroot-headers-suffix");
    flag("profile", "-p");
    flag("save-temps", "-save-temps");
    flag("script", "--script"); // a spec string of the driver's, not an option: gcc refuses it
    flag("shared", "-shared");
    value("specs", "-specs=");
    flag("static", "-static");
    flag("static-pie", "-static-pie");
    flag("symbolic", "-symbolic");
    value("sysroot", "--sysroot=");
    flag("target-help", "--target-help");
    flag("time", "-time");
    flag("trace-includes", "-H");
    flag("traditional", "-traditional");
    flag("traditional-cpp", "-traditional-cpp");
    flag("trigraphs", "-trigraphs");
    value("undefine-macro", "-U");
    flag("user-dependencies", "-MM");
    flag("verbose", "-v");
    flag("version", "--version");
    flag("write-dependencies", "-MD");
    flag("write-user-dependencies", "-MMD");
  }

  private GccLongOptions() {}

  /**
   * The table entries {@code --spelled} (no {@code =}) names: itself when it is an option, else
   * every option it abbreviates (gcc takes an abbreviation only when it names exactly one).
   */
  static List<Alias> lookUp(String spelled) {
    List<Alias> found = new ArrayList<>();
    for (Map.Entry<String, Alias> e : TABLE.entrySet()) {
      String name = e.getValue().name();
      if (name.equals(spelled)) {
        return List.of(e.getValue());
      }
      if (name.startsWith(spelled)) {
        found.add(e.getValue());
      }
    }
    return found;
  }

  private static void flag(String name, String target) {
    put(name, target, Kind.FLAG);
  }

  private static void value(String name, String target) {
    put(name, target, Kind.VALUE);
  }

  private static void joined(String name, String target) {
    put(name + "=", target, Kind.JOINED);
  }

  private static void separate(String name, String target) {
    put(name, target, Kind.SEPARATE);
  }

  private static void put(String name, String target, Kind kind) {
    TABLE.put(name, new Alias(name, target, kind));
  }
}
