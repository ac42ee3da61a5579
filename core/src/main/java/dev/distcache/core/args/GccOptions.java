package dev.distcache.core.args;

import java.util.List;
import java.util.Set;

/** What distcache knows about gcc's (and clang's) options, as tables the classifier consults. */
final class GccOptions {
  /** Options whose value is the next argument when not joined. */
  static final Set<String> TAKES_VALUE =
      Set.of(
          "-o",
          "-MF",
          "-MT",
          "-MQ",
          "-I",
          "-isystem",
          "-iquote",
          "-idirafter",
          "-include",
          "-imacros",
          "-iprefix",
          "-iwithprefix",
          "-iwithprefixbefore",
          "-isysroot",
          "-imultilib",
          "-imultiarch",
          "-D",
          "-U",
          "-x",
          "-L",
          "-Xlinker",
          "-Xassembler",
          "-Xpreprocessor",
          "-aux-info",
          "--param",
          "-A",
          "-T",
          "-u",
          "-z",
          "-B",
          "--sysroot",
          "-G",
          "-arch",
          "-target",
          "-Xclang",
          "-MJ",
          "-dumpbase",
          "-dumpdir",
          "-dumpbase-ext",
          "-specs",
          "-wrapper",
          "-ivfsoverlay",
          "-l",
          "-e",
          "--serialize-diagnostics",
          "-index-store-path");

  /** Options naming a path that reaches the outputs only through the preprocessed text. */
  static final Set<String> PATH_OPTIONS =
      Set.of(
          "-I",
          "-isystem",
          "-iquote",
          "-idirafter",
          "-include",
          "-imacros",
          "-iprefix",
          "-iwithprefix",
          "-iwithprefixbefore",
          "-isysroot",
          "--sysroot");

  /** Options adding directories where gcc looks for an {@code -include} file (and its .gch). */
  static final Set<String> SEARCH_DIR_OPTIONS = Set.of("-I", "-iquote", "-isystem", "-idirafter");

  /**
   * Options that take a file the compiler reads: the file's content enters the key (as ccache
   * hashes a sanitizer ignore list).
   */
  static final List<String> KEY_FILE_OPTIONS =
      List.of("-fsanitize-blacklist=", "-fsanitize-ignorelist=");

  /** Options that write extra files, read files the key cannot see, or make output vary. */
  static final List<String> UNSUPPORTED_PREFIXES =
      List.of(
          "-save-temps",
          "--save-temps",
          "-fdump-",
          "-fcallgraph-info",
          "-aux-info",
          "-ftest-coverage",
          "--coverage",
          "-fprofile-",
          "-fauto-profile",
          "-fbranch-probabilities",
          "-fcreate-profile",
          "-fplugin",
          "-specs",
          "--specs",
          "-fsanitize-coverage-allowlist",
          "-fsanitize-coverage-ignorelist",
          "-Xclang",
          "-frepo",
          "-ftime-report",
          "-fmem-report",
          "-wrapper",
          "-fdiagnostics-format=sarif",
          "-fopt-info",
          "-MJ",
          "-ivfsoverlay",
          "-fcompare-debug",
          "-fdebug-types-section",
          "-v",
          "-###",
          "--help",
          "--version",
          "-fsave-optimization-record",
          "-foptimization-record-file",
          "-ftime-trace",
          "-fdiagnostics-add-output",
          "-fdiagnostics-set-output");

  private GccOptions() {}
}
