package dev.distcache.core.args;

/** gcc's rules for the names of the files it writes when the command line does not name them. */
final class OutputNames {
  private OutputNames() {}

  /**
   * Where {@code -c} or {@code -S} writes without {@code -o}: the source's name in the working
   * directory.
   */
  static String defaultOutput(String source, boolean assembly) {
    return stripSuffix(baseName(source)) + (assembly ? ".s" : ".o");
  }

  /**
   * Where gcc puts a file that goes with the output ({@code .d} for -MD, {@code .dwo}): beside the
   * {@code -o} path with its suffix replaced, or named after the source in the working directory.
   */
  static String beside(String output, boolean outputExplicit, String source, String suffix) {
    return outputExplicit
        ? stripSuffixInName(output) + suffix
        : stripSuffix(baseName(source)) + suffix;
  }

  static String baseName(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }

  /** foo.c -> foo; foo -> foo (the name only, without a directory). */
  static String stripSuffix(String name) {
    int dot = name.lastIndexOf('.');
    return dot > 0 ? name.substring(0, dot) : name;
  }

  /** dir/foo.o -> dir/foo; dir.x/foo -> dir.x/foo. */
  static String stripSuffixInName(String path) {
    int slash = path.lastIndexOf('/');
    int dot = path.lastIndexOf('.');
    return dot > slash + 1 ? path.substring(0, dot) : path;
  }
}
